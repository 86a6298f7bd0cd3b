import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, testConfig, type TestApp } from '../../test/app.js'
import { addApiClient, apiReport, callApi, type ApiCall } from '../../test/api.js'
import { addPerson, signIn, testClock } from '../../test/staff.js'
import { staffCookieName } from '../web/staff-routes.js'

const REPORTS = '/api/v1/reports'
const config = testConfig()

/** Every status each operation answered in these tests, to hold against the document. */
const seen = new Map<string, Set<number>>()

function operationOf(call: ApiCall): string {
  const method = (call.method ?? (call.body === undefined ? 'GET' : 'POST')).toLowerCase()
  const path = call.url.startsWith(`${REPORTS}/`) ? `${REPORTS}/{reference}` : call.url
  return `${method} ${path}`
}

async function call(t: TestApp, request: ApiCall): Promise<LightMyRequestResponse> {
  const response = await callApi(t, request)
  const operation = operationOf(request)
  seen.set(operation, (seen.get(operation) ?? new Set()).add(response.statusCode))
  return response
}

const json = (response: LightMyRequestResponse) =>
  JSON.parse(response.body) as Record<string, unknown>

function assertProblem(response: LightMyRequestResponse, status: number, type: string) {
  assert.equal(response.statusCode, status, response.body)
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/)
  const body = json(response)
  assert.equal(body.type, `/api/v1/docs#problem-${type}`)
  assert.equal(body.status, status)
  return body as { errors?: { pointer: string; detail: string }[] }
}

async function countReports(t: TestApp): Promise<number> {
  const [row] = await t.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM reports WHERE source = 'api'",
  )
  return row?.n ?? 0
}

describe('platform API', () => {
  const clock = testClock()
  let t: TestApp
  let client: { id: string; key: string }
  let other: { id: string; key: string }

  before(async () => {
    t = await buildTestApp({
      now: clock.now,
      config: { api: { ...config.api, rateLimitPerMinute: 150 } },
    })
    client = await addApiClient(t, 'Synthetic Chat Ltd')
    other = await addApiClient(t, 'Another Synthetic App')
  })
  after(() => t.close())

  it('stores a report like the form does and answers 201 with its reference and status URL', async () => {
    const response = await call(t, { url: REPORTS, key: client.key, body: apiReport() })
    assert.equal(response.statusCode, 201, response.body)
    const body = json(response)
    assert.match(String(body.reference), /^SC-\d{3}-\d{3}-\d{4}$/)
    assert.equal(body.status, 'received')
    assert.equal(body.statusUrl, `${REPORTS}/${String(body.reference)}`)
    assert.equal(response.headers.location, body.statusUrl)
    const [row] = await t.db.query<{
      source: string
      source_site: string
      audience: string
      priority: string
      personal_ciphertext: Uint8Array
    }>('SELECT * FROM reports WHERE reference = $1', [body.reference])
    assert.ok(row)
    assert.equal(row.source, 'api')
    assert.equal(row.source_site, `api:${client.id}`)
    assert.equal(row.audience, 'professional')
    assert.ok(!Buffer.from(row.personal_ciphertext).toString().includes('Sam Synthetic'))
    const audit = await t.db.query<{ actor: string }>(
      "SELECT actor FROM audit_events WHERE event = 'report.received' AND details->>'source' = 'api'",
    )
    assert.deepEqual(
      audit.map((a) => a.actor),
      [`api:${client.id}`],
    )
  })

  it('refuses a body that breaks the schema, naming every field at fault', async () => {
    const withoutVictim: Partial<ReturnType<typeof apiReport>> = apiReport()
    delete withoutVictim.victim
    const response = await call(t, {
      url: REPORTS,
      key: client.key,
      body: { ...withoutVictim, surplus: true, additionalInfo: 42 },
    })
    const problem = assertProblem(response, 400, 'invalid-request')
    const pointers = (problem.errors ?? []).map((e) => e.pointer).sort()
    assert.deepEqual(pointers, ['/additionalInfo', '/surplus', '/victim'])
  })

  it('refuses what the form refuses, with the form’s words at the field’s pointer', async () => {
    const noContact = apiReport({ reporter: { reportingPerson: { name: 'Jo' } } })
    const problem = assertProblem(
      await call(t, { url: REPORTS, key: client.key, body: noContact }),
      400,
      'invalid-request',
    )
    assert.deepEqual(problem.errors, [
      {
        pointer: '/reporter/reportingPerson/email',
        detail: 'Enter an email address or a phone number so we can contact you',
      },
    ])
    const bullyingOnly = apiReport()
    bullyingOnly.incidentSummary.incidentTypes = ['bullying']
    const outOfScope = assertProblem(
      await call(t, { url: REPORTS, key: client.key, body: bullyingOnly }),
      400,
      'invalid-request',
    )
    assert.equal(outOfScope.errors?.[0]?.pointer, '/incidentSummary/incidentTypes')
    assert.equal(await countReports(t), 1, 'nothing more was stored')
  })

  it('refuses a body that is not JSON with 400, and another media type with 415', async () => {
    assertProblem(
      await call(t, { url: REPORTS, key: client.key, body: '{"incidentSummary":' }),
      400,
      'invalid-request',
    )
    const form = await call(t, {
      url: REPORTS,
      key: client.key,
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    assertProblem(form, 415, 'unsupported-media-type')
  })

  it('refuses a body over 64 KB with 413', async () => {
    const huge = { ...apiReport(), additionalInfo: 'a'.repeat(70 * 1024) }
    assertProblem(
      await call(t, { url: REPORTS, key: client.key, body: huge }),
      413,
      'payload-too-large',
    )
  })

  it('needs a key: none, a wrong one and a staff cookie alone all get 401', async () => {
    for (const request of [
      { url: REPORTS, body: apiReport() },
      { url: REPORTS, key: 'sc_api_not-a-real-key', body: apiReport() },
      { url: `${REPORTS}/SC-000-000-0000`, key: 'not even the shape of one' },
      {
        url: REPORTS,
        body: apiReport(),
        headers: { cookie: `${staffCookieName(false)}=anything` },
      },
    ]) {
      const response = await call(t, request)
      assertProblem(response, 401, 'unauthenticated')
      assert.equal(response.headers['www-authenticate'], 'Bearer')
    }
  })

  it('takes no CSRF token and sets no cookie', async () => {
    const response = await call(t, { url: REPORTS, key: client.key, body: apiReport() })
    assert.equal(response.statusCode, 201)
    assert.equal(response.headers['set-cookie'], undefined)
  })

  it('answers a retry with the same key and body as it did the first time', async () => {
    const first = await call(t, {
      url: REPORTS,
      key: client.key,
      body: apiReport(),
      idempotencyKey: 'retry-1',
    })
    // The same data in another key order is the same body.
    const reordered = Object.fromEntries(Object.entries(apiReport()).reverse())
    const retry = await call(t, {
      url: REPORTS,
      key: client.key,
      body: reordered,
      idempotencyKey: 'retry-1',
    })
    assert.equal(first.statusCode, 201)
    assert.equal(retry.statusCode, 201)
    assert.equal(retry.body, first.body)
    assert.equal(retry.headers['idempotent-replayed'], 'true')
    const reports = await t.db.query('SELECT 1 FROM reports WHERE reference = $1', [
      json(first).reference,
    ])
    assert.equal(reports.length, 1)
  })

  it('refuses the same key with a different body with 422, storing nothing', async () => {
    await call(t, { url: REPORTS, key: client.key, body: apiReport(), idempotencyKey: 'k-2' })
    const before = await countReports(t)
    const changed = apiReport({ additionalInfo: 'A different account asked for a photo.' })
    assertProblem(
      await call(t, { url: REPORTS, key: client.key, body: changed, idempotencyKey: 'k-2' }),
      422,
      'idempotency-key-reused',
    )
    assert.equal(await countReports(t), before)
    // Another client's key space is its own.
    const theirs = await call(t, {
      url: REPORTS,
      key: other.key,
      body: changed,
      idempotencyKey: 'k-2',
    })
    assert.equal(theirs.statusCode, 201)
  })

  it('stores one report for 100 identical requests sent at once with one key', async () => {
    const parallel = await addApiClient(t, 'Parallel Synthetic')
    const before = await countReports(t)
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        call(t, { url: REPORTS, key: parallel.key, body: apiReport(), idempotencyKey: 'once' }),
      ),
    )
    assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([201]))
    assert.equal(new Set(responses.map((r) => r.body)).size, 1, 'one reference for all')
    assert.equal(await countReports(t), before + 1)
  })

  it('gives a report’s status only to the client that sent it', async () => {
    const sent = json(await call(t, { url: REPORTS, key: client.key, body: apiReport() }))
    const url = String(sent.statusUrl)
    const mine = await call(t, { url, key: client.key })
    assert.equal(mine.statusCode, 200)
    assert.deepEqual(json(mine), { reference: sent.reference, status: 'received', statusUrl: url })
    assertProblem(await call(t, { url, key: other.key }), 404, 'not-found')
    assertProblem(
      await call(t, { url: `${REPORTS}/SC-000-000-0000`, key: client.key }),
      404,
      'not-found',
    )
    assertProblem(
      await call(t, { url: `${REPORTS}/not-a-reference`, key: client.key }),
      400,
      'invalid-request',
    )
    await t.db.query('UPDATE reports SET first_opened_at = now() WHERE reference = $1', [
      sent.reference,
    ])
    assert.equal(json(await call(t, { url, key: client.key })).status, 'being-assessed')
    await t.db.query("UPDATE reports SET status = 'closed' WHERE reference = $1", [sent.reference])
    assert.equal(json(await call(t, { url, key: client.key })).status, 'closed')
    const reads = await t.db.query(
      "SELECT 1 FROM audit_events WHERE event = 'report.status-read' AND subject_id = $1",
      [sent.reference],
    )
    assert.equal(reads.length, 3, 'each status read is audited')
  })

  it('audits a client’s refused calls too', async () => {
    await call(t, { url: `${REPORTS}/SC-000-000-0000`, key: client.key })
    const rows = await t.db.query<{ subject_id: string; details: { status: number } }>(
      "SELECT subject_id, details FROM audit_events WHERE event = 'api.called' AND actor = $1",
      [`api:${client.id}`],
    )
    assert.ok(
      rows.some(
        (r) => r.subject_id === 'GET /api/v1/reports/:reference' && r.details.status === 404,
      ),
    )
  })

  it('limits each client to its rate, answering 429 with Retry-After, and not the others', async () => {
    const busy = await addApiClient(t, 'Busy Synthetic')
    const url = `${REPORTS}/SC-000-000-0000`
    for (let i = 0; i < 150; i++) await callApi(t, { url, key: busy.key })
    const limited = await call(t, { url, key: busy.key })
    assertProblem(limited, 429, 'rate-limited')
    const retryAfter = Number(limited.headers['retry-after'])
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(retryAfter)}`)
    assertProblem(
      await call(t, { url: REPORTS, key: busy.key, body: apiReport() }),
      429,
      'rate-limited',
    )
    assert.equal((await call(t, { url, key: other.key })).statusCode, 404)
    clock.advance(61_000)
    assert.equal((await call(t, { url, key: busy.key })).statusCode, 404, 'the next minute is new')
  })

  it('links a report to an earlier one naming the same account, however it is written', async () => {
    const account = {
      espService: 'Synthetic Chat',
      screenName: 'linked_example',
      userId: '777',
      profileUrl: 'https://chat.example.org/u/linked_example',
    }
    const person = (screenName: string) => ({
      ...apiReport().personOrUserReported,
      accounts: [{ ...account, screenName }],
    })
    const first = json(
      await call(t, {
        url: REPORTS,
        key: client.key,
        body: apiReport({ personOrUserReported: person('linked_example') }),
      }),
    )
    clock.advance(60_000)
    const second = json(
      await call(t, {
        url: REPORTS,
        key: other.key,
        body: apiReport({ personOrUserReported: person(' @Linked_Example ') }),
      }),
    )
    const idOf = async (reference: unknown) =>
      (
        await t.db.query<{ id: string }>('SELECT id FROM reports WHERE reference = $1', [reference])
      )[0]?.id ?? ''
    const secondId = await idOf(second.reference)
    const links = (await t.deps.links.linksFor([secondId])).get(secondId) ?? []
    assert.ok(
      links.some(
        (l) => l.kind === 'username' && l.earlier && l.other.reference === first.reference,
      ),
      'the second report links to the first by the username on its platform',
    )
    assert.deepEqual(
      links.filter((l) => l.kind.startsWith('reporter-')),
      [],
      "the platforms' safety teams' contact, the same on both reports, is nobody's in them",
    )
  })

  it('answers paths it does not have with a problem, and leaves HTML errors to the pages', async () => {
    assertProblem(await callApi(t, { url: '/api/v2/reports' }), 404, 'not-found')
    const page = await t.app.inject({ method: 'GET', url: '/no-such-page' })
    assert.equal(page.statusCode, 404)
    assert.match(String(page.headers['content-type']), /^text\/html/)
  })

  it('lets a signed-in administrator’s cookies do nothing on the API', async () => {
    const admin = await addPerson(t, ['administrator'])
    const browser = await signIn(t, admin, clock)
    const cookie = browser.cookie(staffCookieName(false))
    assert.ok(cookie)
    assertProblem(
      await call(t, {
        url: REPORTS,
        body: apiReport(),
        headers: { cookie: `${staffCookieName(false)}=${cookie}` },
      }),
      401,
      'unauthenticated',
    )
  })

  it('serves an OpenAPI 3.1 document that a standard validator accepts', async () => {
    const response = await callApi(t, { url: '/api/v1/openapi.json' })
    assert.equal(response.statusCode, 200)
    const document = json(response)
    assert.equal(document.openapi, '3.1.0')
    const validator = new Validator()
    const result = await validator.validate(document)
    assert.equal(result.valid, true, JSON.stringify(result.errors))
    assert.deepEqual(Object.keys(document.paths as object).sort(), [
      REPORTS,
      `${REPORTS}/{reference}`,
    ])
  })

  it('serves the documentation page from the document, with no third-party request', async () => {
    const page = await callApi(t, { url: '/api/v1/docs' })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /POST \/api\/v1\/reports/)
    assert.match(page.body, /personOrUserReported\.accounts\[\]\.espService/)
    assert.match(page.body, /id="problem-idempotency-key-reused"/)
    // Links may leave (Exit this page does); nothing the page loads may come from elsewhere.
    const loaded = /(?:src="|<link[^>]*href=")(?:https?:)?\/\/[^"]*"/g
    const external = [...page.body.matchAll(loaded)].map((m) => m[0])
    assert.deepEqual(external, [])
  })
})

describe('platform API when something breaks', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ triage: () => Promise.reject(new Error('synthetic triage failure')) })
  })
  after(() => t.close())

  it('answers 500 as a problem with the request id, never the error', async () => {
    const client = await addApiClient(t)
    const response = await call(t, { url: REPORTS, key: client.key, body: apiReport() })
    const problem = assertProblem(response, 500, 'server-error') as { instance?: string }
    assert.ok(problem.instance)
    assert.ok(!response.body.includes('synthetic triage failure'))
  })
})

describe('the OpenAPI document’s status codes', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('are each answered by a test above', async () => {
    const document = json(await callApi(t, { url: '/api/v1/openapi.json' })) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    const missing: string[] = []
    for (const [path, methods] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(methods))
        for (const status of Object.keys(operation.responses))
          if (!seen.get(`${method} ${path}`)?.has(Number(status)))
            missing.push(`${method} ${path} ${status}`)
    assert.deepEqual(missing, [])
  })
})
