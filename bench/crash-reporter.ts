import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Audience } from '../src/reports/model.js'
import { paths } from '../src/web/paths.js'
import { reportSteps, type Form } from '../test/reports.js'
import type { Balancer } from './balancer.js'
import type { Ledger } from './ledger.js'

/** What all clients saw, shared so the harness can print it and time its kills. */
export interface ReporterStats {
  reports: number
  /** Requests that failed to connect or broke off, and were sent again. */
  connectionErrors: number
  /** 503 answers (an instance shedding load), sent again as a person or a platform would. */
  shed: number
  /** Other 5xx answers, also sent again. */
  serverErrors: number
  /** Answers a working form never gives (a 400 to good answers, a 403, a page out of order). */
  unexpected: Map<string, number>
  /**
   * Final submissions (the form's last POST, the API's POST) on the wire right now, by
   * instance: killing an instance while its count is above 0 hits intake.
   */
  finalPostsInFlight: Map<string, number>
  /** When (performance.now()) the last acknowledgement arrived, and which instance gave it. */
  lastAcknowledgedAt: number
  lastAcknowledgedBy: string | undefined
  /** Requests sent to another instance after a connection error, as a load balancer would. */
  switchedInstance: number
}

export function newReporterStats(): ReporterStats {
  return {
    reports: 0,
    connectionErrors: 0,
    shed: 0,
    serverErrors: 0,
    unexpected: new Map(),
    finalPostsInFlight: new Map(),
    lastAcknowledgedAt: -Infinity,
    lastAcknowledgedBy: undefined,
    switchedInstance: 0,
  }
}

/** The instances with a final submission on the wire right now. */
export function instancesInIntake(stats: ReporterStats): string[] {
  return [...stats.finalPostsInFlight].filter(([, n]) => n > 0).map(([origin]) => origin)
}

export interface Reply {
  status: number
  location: string | undefined
  body: string
}

class UnexpectedReply extends Error {}

/** Planted with a submission id in each report's free text, to find it again once stored. */
export const MARKER = 'LEDGER-'
/**
 * How long one step keeps being retried before the reporter gives it up. Generous: a step can
 * meet several kills in a row, and each restart takes seconds on a busy machine.
 */
const STEP_DEADLINE_MS = 300_000
/** How long a reporter waits for the confirmation page to show its reference. */
const CONFIRMATION_DEADLINE_MS = 15_000
const REFERENCE = /class="app-reference">([^<]+)</
const CSRF = /name="_csrf" value="([^"]+)"/

/** The submission id a reporter planted in its report's free text, read back from the answers. */
export function plantedSubmission(plaintext: string): string | undefined {
  return new RegExp(`${MARKER}([0-9a-f-]{36})`).exec(plaintext)?.[1]
}

/**
 * What every client of the crash benchmark does the same way: start each report on the next
 * instance, as a load balancer would; on a connection error move to another instance and send
 * the same request again, and on a 5xx send it again, as a person pressing the button again or a
 * platform's retry would; count what it saw.
 */
export abstract class CrashClient {
  /** The instance this client is talking to; each report starts by choosing one. */
  protected origin = ''

  constructor(
    protected readonly balancer: Balancer,
    protected readonly ledger: Ledger,
    protected readonly stats: ReporterStats,
  ) {}

  /** Starts a report on the instance whose turn it is. */
  protected startReport(): void {
    this.origin = this.balancer.next()
  }

  /** Runs a final submission, counted as in flight on its instance while it is on the wire. */
  protected async finalSubmission(request: () => Promise<Reply>): Promise<Reply> {
    const origin = this.origin
    const inFlight = this.stats.finalPostsInFlight
    inFlight.set(origin, (inFlight.get(origin) ?? 0) + 1)
    try {
      return await request()
    } finally {
      inFlight.set(origin, (inFlight.get(origin) ?? 1) - 1)
    }
  }

  protected acknowledged(origin: string): void {
    this.stats.reports++
    this.stats.lastAcknowledgedAt = performance.now()
    this.stats.lastAcknowledgedBy = origin
  }

  /**
   * Sends again on connection errors (from the next instance) and 5xx answers, as a person
   * would, until the deadline: soon at first, then about once a second.
   */
  protected async persist(request: () => Promise<Reply>): Promise<Reply> {
    const deadline = performance.now() + STEP_DEADLINE_MS
    for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
      try {
        const reply = await request()
        if (reply.status < 500) return reply
        if (reply.status === 503) this.stats.shed++
        else this.stats.serverErrors++
      } catch (error) {
        if (error instanceof UnexpectedReply) throw error
        this.stats.connectionErrors++
        const next = this.balancer.after(this.origin)
        if (next !== this.origin) this.stats.switchedInstance++
        this.origin = next
      }
      if (performance.now() > deadline)
        throw this.unexpected(`the service did not answer for ${STEP_DEADLINE_MS / 1000} s`)
      await sleep(wait / 2 + Math.random() * wait)
    }
  }

  protected unexpected(what: string): UnexpectedReply {
    this.stats.unexpected.set(what, (this.stats.unexpected.get(what) ?? 0) + 1)
    return new UnexpectedReply(what)
  }
}

/**
 * One person reporting through the real form over HTTP, as a browser without JavaScript
 * would: open each page, send it with its CSRF token, follow the 303. When the connection
 * fails (the instance was killed) it sends the same request again with the same cookies to
 * the other instance, as a person pressing the button again behind a load balancer would; the
 * service is idempotent per draft, whichever instance answers.
 */
export class CrashReporter extends CrashClient {
  private cookies = new Map<string, string>()

  /** One whole report, from the first question to the reference on the confirmation page. */
  async report(audience: Audience): Promise<void> {
    this.startReport()
    this.cookies.clear()
    const submission = randomUUID()
    const forms = new Map(
      reportSteps[audience].map(([slug, form]): [string, Form] => [
        slug,
        slug === 'what-happened'
          ? { ...form, description: `${String(form.description)} ${MARKER}${submission}` }
          : form,
      ]),
    )
    let url = paths.report.page(reportSteps[audience][0]?.[0] ?? '')
    for (let pages = 0; pages < 30; pages++) {
      const page = await this.open(url)
      if (page.url === paths.report.checkAnswers) {
        await this.submit(submission, page.token)
        return
      }
      const slug = page.url.slice(paths.report.page('').length)
      const form = forms.get(slug)
      if (!form) throw this.unexpected(`the form led to ${page.url}`)
      const reply = await this.persist(() => this.send('POST', page.url, form, page.token))
      if (reply.status !== 303 || !reply.location)
        throw this.unexpected(`POST ${page.url} answered ${reply.status}`)
      url = reply.location
    }
    throw this.unexpected('the form did not reach check your answers in 30 pages')
  }

  private async submit(submission: string, token: string): Promise<void> {
    await this.ledger.append({ kind: 'sent', submission, via: 'form', at: Date.now() })
    let answeredBy = this.origin
    const reply = await this.persist(() =>
      this.finalSubmission(() => {
        answeredBy = this.origin
        return this.send('POST', paths.report.checkAnswers, {}, token)
      }),
    )
    if (reply.status !== 303 || reply.location !== paths.report.confirmation)
      throw this.unexpected(`the final POST answered ${reply.status} ${reply.location ?? ''}`)
    await this.ledger.append({ kind: 'acknowledged', submission, at: Date.now() })
    this.acknowledged(answeredBy)
    const reference = await this.readReference()
    await this.ledger.append(
      reference === undefined
        ? { kind: 'unconfirmed', submission, at: Date.now() }
        : { kind: 'reference', submission, reference, at: Date.now() },
    )
  }

  /** The confirmation page, opened again until it shows the reference or time is up. */
  private async readReference(): Promise<string | undefined> {
    const deadline = performance.now() + CONFIRMATION_DEADLINE_MS
    while (performance.now() < deadline) {
      const reply = await this.persist(() => this.send('GET', paths.report.confirmation))
      const reference = reply.status === 200 ? REFERENCE.exec(reply.body)?.[1] : undefined
      if (reference) return reference
      await sleep(200)
    }
    return undefined
  }

  /** GETs a page, following redirects; gives its final address and CSRF token. */
  private async open(start: string): Promise<{ url: string; token: string }> {
    let url = start
    for (let hops = 0; hops < 5; hops++) {
      const reply = await this.persist(() => this.send('GET', url))
      if ((reply.status === 302 || reply.status === 303) && reply.location) {
        url = reply.location
        continue
      }
      const token = CSRF.exec(reply.body)?.[1]
      if (reply.status !== 200 || !token)
        throw this.unexpected(`GET ${url} answered ${reply.status}`)
      return { url, token }
    }
    throw this.unexpected(`GET ${start} redirected more than 5 times`)
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    form?: Form,
    token?: string,
  ): Promise<Reply> {
    const headers: Record<string, string> = {}
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    if (cookie) headers.cookie = cookie
    let body: string | undefined
    if (method === 'POST') {
      const params = new URLSearchParams()
      if (token) params.append('_csrf', token)
      for (const [key, value] of Object.entries(form ?? {}))
        for (const v of Array.isArray(value) ? value : [value]) params.append(key, v)
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = params.toString()
    }
    const response = await fetch(`${this.origin}${url}`, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    })
    const text = await response.text()
    this.remember(response.headers.getSetCookie())
    const location = response.headers.get('location') ?? undefined
    return {
      status: response.status,
      location: location?.startsWith(this.origin) ? location.slice(this.origin.length) : location,
      body: text,
    }
  }

  /** A cookie jar as a browser keeps one, without the attributes this harness does not need. */
  private remember(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
      const equals = pair.indexOf('=')
      if (equals < 1) continue
      const name = pair.slice(0, equals)
      const value = pair.slice(equals + 1)
      const expired = attributes.some((a) => {
        const [key = '', v = ''] = a.split('=')
        if (key.toLowerCase() === 'max-age') return Number(v) <= 0
        if (key.toLowerCase() === 'expires') return Date.parse(v) <= Date.now()
        return false
      })
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
}
