import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  allowedAnswers,
  echoesUnescaped,
  encodeBody,
  prototypeSnapshot,
  routeMatches,
} from './fuzz-checks.js'
import { MARK, type FuzzRequest } from './fuzz-requests.js'

const request = (overrides: Partial<FuzzRequest>): FuzzRequest => ({
  kind: 'report-page',
  method: 'POST',
  url: '/report/who-are-you',
  hostilePath: false,
  headers: [],
  bodyClass: 'form',
  fields: [],
  raw: '',
  contentType: 'application/x-www-form-urlencoded',
  session: 0,
  csrf: 'valid',
  wire: { via: 'inject' },
  ...overrides,
})

describe('fuzz allow-lists', () => {
  it('lets a form page answer a form with a 303, an error summary or a CSRF refusal, never a 5xx', () => {
    const allowed = allowedAnswers(request({}))
    for (const status of [200, 303, 400, 403, 413, 429])
      assert.ok(allowed.has(status), String(status))
    for (const status of [415, 500, 502, 404, 'closed' as const])
      assert.ok(!allowed.has(status), String(status))
  })

  it('refuses any non-form body on a form route: never a 303 or a page', () => {
    for (const bodyClass of ['json', 'multipart', 'text', 'untyped', 'other-type'] as const) {
      const allowed = allowedAnswers(request({ bodyClass, contentType: 'application/json' }))
      assert.ok(allowed.has(415))
      assert.ok(!allowed.has(303), bodyClass)
      assert.ok(!allowed.has(200), bodyClass)
    }
  })

  it('lets an unknown path only be not found, and health only answer 200', () => {
    assert.deepEqual(
      [
        ...allowedAnswers(
          request({ kind: 'unknown', method: 'GET', url: '/x-y', hostilePath: true }),
        ),
      ].sort(),
      [400, 404, 414],
    )
    assert.deepEqual(
      [...allowedAnswers(request({ kind: 'health', method: 'GET', url: '/health' }))],
      [200],
    )
  })

  it('lets broken framing be refused or hung up on, but never answered as a page', () => {
    const allowed = allowedAnswers(
      request({ wire: { via: 'socket', framing: 'broken', breakage: 'bad-chunk-size' } }),
    )
    assert.ok(allowed.has(400))
    assert.ok(allowed.has('closed'))
    assert.ok(!allowed.has(303))
    assert.ok(!allowed.has(500))
  })

  it('counts a POST to any /report/ address as meeting the CSRF check', () => {
    const allowed = allowedAnswers(request({ kind: 'confirmation', url: '/report/confirmation' }))
    assert.ok(allowed.has(403))
    assert.ok(allowed.has(404))
    assert.ok(!allowed.has(303))
  })
})

describe('fuzz echo check', () => {
  it('finds the marker as markup and not when it was escaped', () => {
    const marker = '<x-sc-abc>'
    assert.equal(echoesUnescaped('<p>hello <x-sc-abc> there</p>', marker), true)
    assert.equal(echoesUnescaped('<p>hello &lt;x-sc-abc&gt; there</p>', marker), false)
    assert.equal(echoesUnescaped('<input value="&lt;x-sc-abc&gt;">', marker), false)
  })
})

describe('fuzz body encoding', () => {
  it('writes JSON by hand so __proto__ and repeated keys reach the server as sent', () => {
    const { body } = encodeBody(
      request({
        bodyClass: 'json',
        contentType: 'application/json',
        csrf: 'repeated',
        fields: [
          ['__proto__', { polluted: MARK }],
          ['age', 13],
        ],
      }),
      'tok',
      '<x-sc-1>',
    )
    assert.equal(body, '{"_csrf":"tok","_csrf":"tok","__proto__":{"polluted":"<x-sc-1>"},"age":13}')
  })

  it('puts the marker and the token into a form body', () => {
    const { body, contentType } = encodeBody(
      request({ fields: [['name', `a${MARK}b`]] }),
      'tok',
      '<x-sc-1>',
    )
    assert.equal(body, '_csrf=tok&name=a%3Cx-sc-1%3Eb')
    assert.equal(contentType, 'application/x-www-form-urlencoded')
  })
})

describe('fuzz route coverage', () => {
  it('matches concrete paths against route patterns', () => {
    assert.ok(routeMatches('/report/:slug', '/report/who-are-you?change=1'))
    assert.ok(!routeMatches('/report/:slug', '/report/a/b'))
    assert.ok(routeMatches('/assets/*', '/assets/app.css'))
    assert.ok(!routeMatches('/health', '/healthz'))
  })
})

describe('fuzz prototype check', () => {
  it('sees a property added to Object.prototype', () => {
    const before = prototypeSnapshot()
    Object.defineProperty(Object.prototype, 'fuzzPolluted', { value: 1, configurable: true })
    try {
      assert.notEqual(prototypeSnapshot(), before)
    } finally {
      Reflect.deleteProperty(Object.prototype, 'fuzzPolluted')
    }
    assert.equal(prototypeSnapshot(), before)
  })
})
