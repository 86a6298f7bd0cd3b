import assert from 'node:assert/strict'
import net from 'node:net'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startHousekeeping } from '../src/housekeeping.js'
import { buildTestApp, testSecrets, type TestApp } from './app.js'
import { openMigratedPglite } from './db.js'
import { answerAll, Browser } from './http.js'
import { reportSteps } from './reports.js'

/**
 * Faults found by trying the live form as an attacker and as a crash would (issue 7), each
 * with the test that failed before its fix.
 */

const page = (slug: string) => `/report/${slug}`
const FORM_POSTS = [page('who-are-you'), page('contact-details'), page('check-your-answers')]

/** A raw HTTP exchange on a real socket: what came back first, and when the socket closed. */
async function exchange(
  port: number,
  write: (socket: net.Socket) => void | Promise<void>,
  waitMs = 5_000,
): Promise<{ statusLine: string; closedAfterMs: number | undefined }> {
  const started = Date.now()
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    let closedAfterMs: number | undefined
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      closedAfterMs = Date.now() - started
      clearTimeout(timer)
      resolve({ statusLine: received.split('\r\n')[0] ?? '', closedAfterMs })
    })
    socket.on('connect', () => void write(socket))
    const timer = setTimeout(() => {
      resolve({ statusLine: received.split('\r\n')[0] ?? '', closedAfterMs })
      socket.destroy()
    }, waitMs)
  })
}

describe('form routes and what they accept', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('refuses bodies that are not forms with 415, storing nothing', async () => {
    const browser = new Browser(t.app)
    await browser.get(page('who-are-you'))
    const bodies = [
      ['application/json', JSON.stringify({ audience: 12, _csrf: 'x' })],
      ['application/json', '[1,2,3]'],
      ['text/plain', 'audience=parent-carer'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
      ],
      ['application/xml', '<audience>1</audience>'],
    ] as const
    for (const url of FORM_POSTS) {
      for (const [type, payload] of bodies) {
        const response = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': type },
          payload,
        })
        assert.equal(response.statusCode, 415, `${url} ${type}`)
        assert.match(response.body, /Something was wrong with that request/)
        assert.equal(response.headers['cache-control'], 'no-store')
      }
    }
    const drafts = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM report_drafts')
    assert.equal(drafts[0]?.n, 0)
  })

  it('answers a repeated or oddly named field with the page and its error summary', async () => {
    const browser = new Browser(t.app)
    await browser.get(page('who-are-you'))
    const forms: Record<string, string | string[]>[] = [
      { audience: ['parent-carer', 'professional', 'x'] },
      JSON.parse('{"__proto__": "young-person", "constructor": "x", "audience": ""}') as Record<
        string,
        string
      >,
      { 'audience[]': 'parent-carer' },
    ]
    for (const form of forms) {
      const response = await browser.post(page('who-are-you'), form)
      assert.ok([303, 400].includes(response.statusCode), JSON.stringify(form))
      if (response.statusCode === 400) assert.match(response.body, /govuk-error-summary/)
    }
    assert.equal(({} as Record<string, unknown>).audience, undefined, 'no prototype pollution')
  })
})

describe('slow and broken clients', () => {
  let t: TestApp
  let port = 0
  const lines: string[] = []

  before(async () => {
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n')))
    t = await buildTestApp({
      config: {
        logLevel: 'info',
        connections: {
          requestTimeoutMs: 1_500,
          headersTimeoutMs: 1_000,
          keepAliveTimeoutMs: 500,
          maxConnections: 20,
        },
      },
      logStream: stream,
    })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    port = (t.app.server.address() as net.AddressInfo).port
  })
  after(() => t.close())

  it('closes a connection whose headers arrive a line every few hundred milliseconds', async () => {
    const { closedAfterMs } = await exchange(port, async (socket) => {
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n')
      for (let i = 0; i < 20 && !socket.destroyed; i++) {
        await sleep(300)
        socket.write(`X-Slow-${i}: 1\r\n`)
      }
    })
    assert.ok(closedAfterMs !== undefined && closedAfterMs < 4_000, `closed after ${closedAfterMs}`)
  })

  it('closes a connection that promises a body and never sends it', async () => {
    const { statusLine, closedAfterMs } = await exchange(port, (socket) => {
      socket.write(
        'POST /report/who-are-you HTTP/1.1\r\nHost: localhost\r\n' +
          'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na=1',
      )
    })
    assert.ok(closedAfterMs !== undefined && closedAfterMs < 4_500, `closed after ${closedAfterMs}`)
    assert.match(statusLine, /^(HTTP\/1\.1 408|)$/)
  })

  it('closes an idle kept-alive connection', async () => {
    const { statusLine, closedAfterMs } = await exchange(port, (socket) => {
      socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n')
    })
    assert.match(statusLine, /^HTTP\/1\.1 200/)
    assert.ok(closedAfterMs !== undefined && closedAfterMs < 3_000, `closed after ${closedAfterMs}`)
  })

  it('refuses connections beyond the cap and serves again once they go', async () => {
    const held = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect(port, '127.0.0.1', () => {
              resolve(socket)
            })
            socket.on('error', () => undefined)
          }),
      ),
    )
    await sleep(100)
    const refused = await exchange(
      port,
      (socket) => {
        socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n')
      },
      2_000,
    )
    assert.equal(refused.statusLine, '', 'the connection over the cap is closed unanswered')
    for (const socket of held) socket.destroy()
    await sleep(100)
    const served = await exchange(
      port,
      (socket) => {
        socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
      },
      2_000,
    )
    assert.match(served.statusLine, /^HTTP\/1\.1 200/)
  })

  it('answers broken chunked framing with 400 and logs it quietly', async () => {
    const before = lines.length
    const { statusLine } = await exchange(port, (socket) => {
      socket.write(
        'POST /report/who-are-you HTTP/1.1\r\nHost: localhost\r\n' +
          'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n' +
          'ZZ\r\nabc\r\n0\r\n\r\n',
      )
    })
    assert.match(statusLine, /^HTTP\/1\.1 400/)
    await sleep(200)
    const logged = lines.slice(before).filter((l) => l.trim() !== '')
    const levels = logged.map((l) => (JSON.parse(l) as { level: number }).level)
    assert.ok(
      levels.every((level) => level < 40),
      `quiet: ${logged.join('\n')}`,
    )
  })
})

describe('the rate limit on form posts', () => {
  it('counts one address once across every report route', async () => {
    const t = await buildTestApp({ config: { reportRateLimitPerMinute: 4 } })
    try {
      const browser = new Browser(t.app)
      const statuses: number[] = []
      await browser.get(page('who-are-you'))
      statuses.push(
        (await browser.post(page('who-are-you'), { audience: 'parent-carer' })).statusCode,
      )
      statuses.push((await browser.post(page('what-is-it-about'), { topic: 'x' })).statusCode)
      statuses.push((await browser.post(page('check-your-answers'), {})).statusCode)
      statuses.push(
        (await browser.post(page('who-are-you'), { audience: 'parent-carer' })).statusCode,
      )
      statuses.push((await browser.post(page('what-is-it-about'), { topic: 'x' })).statusCode)
      assert.notEqual(statuses[3], 429)
      assert.equal(statuses[4], 429, statuses.join(','))
    } finally {
      await t.close()
    }
  })

  it('holds across instances that share the database', async () => {
    const db = await openMigratedPglite()
    const secrets = testSecrets()
    const one = await buildTestApp({ db, secrets, config: { reportRateLimitPerMinute: 6 } })
    const two = await buildTestApp({ db, secrets, config: { reportRateLimitPerMinute: 6 } })
    try {
      const post = async (t: TestApp) => {
        const browser = new Browser(t.app)
        await browser.get(page('who-are-you'))
        return (await browser.post(page('who-are-you'), { audience: 'parent-carer' })).statusCode
      }
      for (let i = 0; i < 4; i++) assert.equal(await post(one), 303)
      await one.deps.rateLimits.sync()
      // The second instance learns the shared count at its next sync (about once a second).
      const first = await post(two)
      await two.deps.rateLimits.sync()
      const onTwo = [first, await post(two), await post(two)]
      assert.deepEqual(onTwo, [303, 303, 429], 'the second instance counts the first one’s four')
    } finally {
      await one.close()
      await two.close()
      await db.close()
    }
  })
})

describe('answers in progress', () => {
  it('are deleted as soon as the service starts, once their time is up', async () => {
    let clock = new Date('2026-03-10T10:00:00Z')
    const t = await buildTestApp({ now: () => clock })
    try {
      const browser = new Browser(t.app)
      await answerAll(browser, reportSteps['parent-carer'].slice(0, 2))
      const count = async () =>
        (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM report_drafts'))[0]?.n
      assert.equal(await count(), 1)
      clock = new Date(clock.getTime() + t.deps.config.draftTtlMinutes * 60_000)
      assert.equal(await t.deps.reports.findDraft('x'), undefined)
      const stop = startHousekeeping(t.deps, t.app.log)
      try {
        for (let i = 0; i < 50 && (await count()) !== 0; i++) await sleep(20)
        assert.equal(await count(), 0, 'deleted at start-up, not ten minutes later')
      } finally {
        stop()
      }
    } finally {
      await t.close()
    }
  })

  it('cannot be read from the moment they expire', async () => {
    let clock = new Date('2026-03-10T10:00:00Z')
    const t = await buildTestApp({ now: () => clock })
    try {
      const browser = new Browser(t.app)
      await answerAll(browser, reportSteps['parent-carer'].slice(0, 2))
      const expiresAt = new Date(clock.getTime() + t.deps.config.draftTtlMinutes * 60_000)
      clock = new Date(expiresAt.getTime() - 1)
      assert.equal((await browser.get(page('immediate-danger'))).statusCode, 200)
      clock = expiresAt
      assert.equal(
        (await browser.get(page('immediate-danger'))).headers.location,
        page('answers-cleared'),
      )
    } finally {
      await t.close()
    }
  })
})

describe('headers', () => {
  it('agree on framing, refuse unused browser features and name cookies __Host- in production', async () => {
    const t = await buildTestApp({ config: { secureCookies: true } })
    try {
      const response = await t.app.inject({ method: 'GET', url: page('who-are-you') })
      assert.equal(response.headers['x-frame-options'], 'DENY')
      assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/)
      assert.match(String(response.headers['permissions-policy']), /camera=\(\)/)
      assert.match(String(response.headers['permissions-policy']), /geolocation=\(\)/)
      const cookies = response.cookies.map((c) => c.name)
      assert.deepEqual(cookies, ['__Host-sc_csrf'])
      for (const c of response.cookies) {
        assert.equal(c.path, '/')
        assert.equal(c.secure, true)
        assert.equal(c.domain, undefined)
      }
    } finally {
      await t.close()
    }
  })

  it('never let an error page or a redirect be cached', async () => {
    const t = await buildTestApp()
    try {
      for (const url of ['/no-such-page', page('what-happened'), page('confirmation')]) {
        const response = await t.app.inject({ method: 'GET', url })
        assert.ok(response.statusCode >= 300, url)
        assert.equal(response.headers['cache-control'], 'no-store', url)
      }
    } finally {
      await t.close()
    }
  })
})
