import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Step } from './reports.js'

/**
 * A tiny browser for app.inject(): keeps cookies, reads the CSRF token from each page and
 * posts forms the way a browser without JavaScript would.
 */
export class Browser {
  private cookies = new Map<string, string>()
  private csrf = ''
  lastBody = ''

  constructor(private readonly app: FastifyInstance) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: this.headers() })
    this.remember(response)
    return response
  }

  /** Posts a form with the page's CSRF token, or with `csrfToken` instead ('' sends none). */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    options: { csrfToken?: string } = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams()
    const token = options.csrfToken ?? this.csrf
    if (token !== '') body.append('_csrf', token)
    for (const [key, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
    }
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    })
    this.remember(response)
    return response
  }

  /** GETs the page first (as a person would open it), then posts its form. */
  async answer(url: string, form: Record<string, string | string[]>) {
    await this.get(url)
    return this.post(url, form)
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  /** Plants a cookie, as a second tab or an older visit would have left it. */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value)
  }

  forget(name: string): void {
    this.cookies.delete(name)
  }

  private headers(): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    return cookie ? { cookie } : {}
  }

  private remember(response: LightMyRequestResponse): void {
    for (const c of response.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()))
        this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    this.lastBody = response.body
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token?.[1]) this.csrf = token[1]
  }
}

/** Answers each page in turn as a person would (open it, then send it); returns each reply. */
export async function answerAll(
  browser: Browser,
  steps: readonly Step[],
): Promise<LightMyRequestResponse[]> {
  const replies: LightMyRequestResponse[] = []
  for (const [slug, form] of steps) replies.push(await browser.answer(`/report/${slug}`, form))
  return replies
}

/** Answers every page of a complete report as a person would, then sends it. */
export async function sendReport(browser: Browser, steps: readonly Step[]): Promise<void> {
  await answerAll(browser, steps)
  await browser.get('/report/check-your-answers')
  const sent = await browser.post('/report/check-your-answers', {})
  assert.equal(sent.headers.location, '/report/confirmation')
}
