import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RouteOptions } from 'fastify'
import { buildTestApp, type TestApp } from './app.js'
import { Browser } from './http.js'

/**
 * Every route the app registers, found from the app itself rather than from a list, so a route
 * added tomorrow is checked the day it is added: each answers with the security headers, and
 * each that changes state refuses a form without its CSRF token.
 */

/** A value for each path parameter, by the path it appears in; a new parameter must be added. */
function sampleUrl(t: TestApp, url: string): string {
  const firstAdvicePage = [...t.deps.content.pages.keys()][0] ?? 'missing'
  const firstGuide = [...t.deps.content.resources.keys()][0] ?? 'missing'
  const samples: [RegExp, string][] = [
    [/^\/report\/:slug$/, `/report/${t.deps.journey.start}`],
    [/^\/advice\/:slug$/, `/advice/${firstAdvicePage}`],
    [/^\/professionals\/resources\/:slug/, `/professionals/resources/${firstGuide}`],
    [/^\/assets\/\*$/, '/assets/app.css'],
    [/^\/api\/v1\/reports\/:reference$/, '/api/v1/reports/SC-000-000-0000'],
    // Staff routes: a made-up person and link; the request is refused before either is looked up.
    [/:id/, '00000000-0000-4000-8000-000000000000'],
    [/:token/, 'not-a-real-set-up-link'],
  ]
  const sample = samples.find(([pattern]) => pattern.test(url))
  if (sample?.[1].startsWith('/')) return url.replace(/^[^:*]*[:*][^/]*/, sample[1])
  if (sample) return url.replace(/:[a-z]+/i, sample[1])
  assert.ok(!/[:*]/.test(url), `give ${url} a sample value in every-route.test.ts`)
  return url
}

const methodsOf = (route: RouteOptions): string[] =>
  Array.isArray(route.method) ? route.method : [route.method]

function routesOf(t: TestApp, methods: readonly string[]) {
  return t.app.registeredRoutes.flatMap((route) =>
    methodsOf(route)
      .filter((method) => methods.includes(method))
      .map((method) => ({ method, url: route.url, sample: sampleUrl(t, route.url) })),
  )
}

const SECURITY_HEADERS: Record<string, RegExp> = {
  'content-security-policy': /default-src 'self'.*frame-ancestors 'none'/,
  'x-frame-options': /^DENY$/,
  'x-content-type-options': /^nosniff$/,
  'referrer-policy': /^no-referrer$/,
  'permissions-policy': /camera=\(\)/,
  'cross-origin-opener-policy': /^same-origin$/,
  'strict-transport-security': /max-age=\d{6,}/,
}

describe('every registered route', () => {
  let t: TestApp
  before(async () => {
    // Production settings, so HSTS and __Host- cookies are on as they would be live.
    t = await buildTestApp({ config: { secureCookies: true } })
  })
  after(() => t.close())

  it('is found: the app has the routes this test expects to walk', () => {
    const urls = routesOf(t, ['GET', 'POST']).map((r) => `${r.method} ${r.url}`)
    assert.ok(urls.includes('GET /report/:slug'))
    assert.ok(urls.includes('POST /report/check-your-answers'))
    assert.ok(urls.length >= 10, urls.join('\n'))
  })

  it('answers with the security headers', async () => {
    const missing: string[] = []
    for (const { method, url, sample } of routesOf(t, ['GET', 'HEAD', 'POST'])) {
      const response = await t.app.inject({ method: method as 'GET', url: sample })
      for (const [header, expected] of Object.entries(SECURITY_HEADERS)) {
        const value = response.headers[header]
        if (typeof value !== 'string' || !expected.test(value))
          missing.push(`${method} ${url} (${response.statusCode}): ${header}=${String(value)}`)
      }
    }
    assert.deepEqual(missing, [])
  })

  it('that changes anything refuses a CSRF forgery and changes nothing', async () => {
    const counts = async () =>
      JSON.stringify(
        await t.db.query(
          `SELECT (SELECT count(*) FROM report_drafts) AS drafts,
                  (SELECT count(*) FROM reports) AS reports,
                  (SELECT count(*) FROM audit_events) AS audit`,
        ),
      )
    const before = await counts()
    const accepted: string[] = []
    const stateChanging = routesOf(t, ['POST', 'PUT', 'PATCH', 'DELETE'])
    assert.ok(stateChanging.length > 0)
    for (const { method, url, sample } of stateChanging) {
      // A page the attacker's victim has open (so it holds a CSRF cookie), then three forgeries.
      const browser = new Browser(t.app)
      await browser.get(sample.replace(/\/check-your-answers$/, `/${t.deps.journey.start}`))
      for (const csrfToken of ['', 'forged', 'a'.repeat(80)]) {
        const response = await browser.post(sample, { audience: 'parent-carer' }, { csrfToken })
        const location = response.headers.location ?? ''
        const refused =
          response.statusCode === 403 ||
          ([302, 303].includes(response.statusCode) && location.includes('sign-in')) ||
          // The API takes no cookies and so needs no CSRF token: without its key, nothing.
          (url.startsWith('/api/') && response.statusCode === 401)
        if (!refused) accepted.push(`${method} ${url} token="${csrfToken}": ${response.statusCode}`)
      }
    }
    assert.deepEqual(accepted, [])
    assert.equal(await counts(), before)

    // The control: the same post with the page's own token is accepted, so a route that let
    // forgeries through would have been seen above.
    const browser = new Browser(t.app)
    await browser.get(`/report/${t.deps.journey.start}`)
    const genuine = await browser.post(`/report/${t.deps.journey.start}`, {
      audience: 'parent-carer',
    })
    assert.equal(genuine.statusCode, 303)
  })
})
