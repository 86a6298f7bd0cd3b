import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { openMigratedPglite } from '../../test/db.js'
import type { Db } from '../db/db.js'
import { admits, loadSheddingPlugin } from './load-shedding.js'
import { paths, staffPaths } from './paths.js'

describe('admits', () => {
  const limits = { maxInProgress: 50, maxEventLoopDelayMs: 100, maxPoolWaiting: 10 }

  it('lets requests through up to each threshold and sheds beyond either', () => {
    assert.equal(
      admits({ inProgress: 50, eventLoopDelayMs: 100, poolWaiting: 10 }, limits, 1),
      true,
    )
    assert.equal(admits({ inProgress: 51, eventLoopDelayMs: 0, poolWaiting: 0 }, limits, 1), false)
    assert.equal(admits({ inProgress: 0, eventLoopDelayMs: 101, poolWaiting: 0 }, limits, 1), false)
    assert.equal(admits({ inProgress: 0, eventLoopDelayMs: 0, poolWaiting: 11 }, limits, 1), false)
  })

  it('sheds a final submission only at twice the thresholds', () => {
    assert.equal(
      admits({ inProgress: 100, eventLoopDelayMs: 150, poolWaiting: 15 }, limits, 2),
      true,
    )
    assert.equal(admits({ inProgress: 101, eventLoopDelayMs: 0, poolWaiting: 0 }, limits, 2), false)
    assert.equal(admits({ inProgress: 0, eventLoopDelayMs: 201, poolWaiting: 0 }, limits, 2), false)
    assert.equal(admits({ inProgress: 0, eventLoopDelayMs: 0, poolWaiting: 21 }, limits, 2), false)
  })

  it('never sheds on a sign whose threshold is 0', () => {
    const off = { maxInProgress: 0, maxEventLoopDelayMs: 0, maxPoolWaiting: 0 }
    assert.equal(
      admits({ inProgress: 10_000, eventLoopDelayMs: 10_000, poolWaiting: 10_000 }, off, 1),
      true,
    )
  })
})

describe('shedding load over HTTP', () => {
  let t: TestApp
  let db: Db
  let waiting = 0

  before(async () => {
    db = await openMigratedPglite()
    // PGlite has no pool; this one says how many requests wait for a connection.
    t = await buildTestApp({
      db: { ...db, waiting: () => waiting },
      config: {
        shedding: {
          maxInProgress: 0,
          maxEventLoopDelayMs: 0,
          maxPoolWaiting: 4,
          retryAfterSeconds: 7,
        },
      },
    })
  })

  after(async () => {
    await t.close()
    await db.close()
  })

  const get = (url: string) => t.app.inject({ method: 'GET', url })

  it('answers as usual while the pool keeps up', async () => {
    waiting = 4
    assert.equal((await get(paths.home)).statusCode, 200)
  })

  it('turns a reporter away with a GOV.UK page, 503 and Retry-After when it does not', async () => {
    waiting = 5
    const response = await get(paths.report.page('who-are-you'))
    assert.equal(response.statusCode, 503)
    assert.equal(response.headers['retry-after'], '7')
    assert.match(response.body, /<h1 class="govuk-heading-l">Sorry, the service is busy<\/h1>/)
    assert.match(response.body, /Wait 7 seconds/)
    assert.match(response.body, /call 999/)
  })

  it('gives staff their own page, and /api a problem+json', async () => {
    waiting = 5
    const staff = await get(staffPaths.queue)
    assert.equal(staff.statusCode, 503)
    assert.match(staff.body, /Sorry, the service is busy/)
    assert.doesNotMatch(staff.body, /Exit this page/)
    const api = await get('/api/v1/reports')
    assert.equal(api.statusCode, 503)
    assert.equal(api.headers['retry-after'], '7')
    assert.match(String(api.headers['content-type']), /^application\/problem\+json/)
    assert.deepEqual(JSON.parse(api.body), {
      type: 'about:blank',
      title: 'Service busy',
      status: 503,
      detail: 'Too many requests at once. Try again after 7 seconds.',
    })
  })

  it('keeps answering the health check', async () => {
    waiting = 100
    assert.equal((await get(paths.health)).statusCode, 200)
  })

  it('takes a final submission up to twice the threshold, and stores nothing when shed', async () => {
    const submit = () =>
      t.app.inject({
        method: 'POST',
        url: paths.report.checkAnswers,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      })
    waiting = 8
    assert.notEqual((await submit()).statusCode, 503, 'let through to its usual checks')
    waiting = 9
    const shed = await submit()
    assert.equal(shed.statusCode, 503)
    assert.match(shed.body, /it has not been sent yet/)
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM reports')
    assert.equal(row?.n, 0)
  })
})

describe('shedding on a late event loop', () => {
  it('sheds while the loop runs late and stops once it keeps time again', async () => {
    const app = Fastify()
    await app.register(loadSheddingPlugin, {
      maxInProgress: 0,
      maxEventLoopDelayMs: 40,
      maxPoolWaiting: 0,
      retryAfterSeconds: 2,
      poolWaiting: undefined,
      sampleMs: 200,
    })
    app.get('/api/ping', () => ({ ok: true }))
    await app.ready()
    try {
      assert.equal((await app.inject('/api/ping')).statusCode, 200)
      // Work that holds the loop for 80 ms at a time, as a CPU-bound spike would; a request
      // between two pieces of it, once a sample has seen the delay, is turned away.
      const answers: number[] = []
      const until = performance.now() + 1500
      while (performance.now() < until) {
        const busyUntil = performance.now() + 80
        while (performance.now() < busyUntil);
        await new Promise((resolve) => setImmediate(resolve))
        const answer = await app.inject('/api/ping')
        answers.push(answer.statusCode)
        if (answer.statusCode === 503) assert.equal(answer.headers['retry-after'], '2')
      }
      assert.ok(answers.includes(503), `answers while the loop ran late: ${answers.join(' ')}`)
      await sleep(500)
      assert.equal((await app.inject('/api/ping')).statusCode, 200)
    } finally {
      await app.close()
    }
  })
})

describe('shedding beyond the requests in progress', () => {
  it('takes as many at once as allowed, sheds the next, and takes more once they finish', async () => {
    const app = Fastify()
    await app.register(loadSheddingPlugin, {
      maxInProgress: 2,
      maxEventLoopDelayMs: 0,
      maxPoolWaiting: 0,
      retryAfterSeconds: 3,
      poolWaiting: undefined,
    })
    let release: (() => void) | undefined
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    app.get('/api/slow', async () => {
      await held
      return { ok: true }
    })
    app.get('/api/quick', () => ({ ok: true }))
    await app.ready()
    try {
      const slow = [app.inject('/api/slow'), app.inject('/api/slow')]
      await sleep(50)
      const shed = await app.inject('/api/quick')
      assert.equal(shed.statusCode, 503)
      assert.equal(shed.headers['retry-after'], '3')
      release?.()
      assert.deepEqual(
        (await Promise.all(slow)).map((r) => r.statusCode),
        [200, 200],
      )
      assert.equal((await app.inject('/api/quick')).statusCode, 200)
    } finally {
      await app.close()
    }
  })
})
