import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { RUNS, plausible, startContract, toText } from '../../test/api-contract.js'
import { arbitraryFrom, brokenFrom } from '../../test/json-schema-arbitrary.js'

/** POST /api/v1/reports: see test/api-contract.ts. */
describe('the API keeps to its OpenAPI document: POST /api/v1/reports', () => {
  let h: Awaited<ReturnType<typeof startContract>>
  before(async () => {
    h = await startContract({ reports: 0 })
  })
  after(() => h.close())

  it(`POST /api/v1/reports: ${String(RUNS)} generated requests`, async () => {
    const op = h.operation('/api/v1/reports', 'post')
    const schema = op.requestBody?.content['application/json']?.schema
    assert.ok(schema)
    const body = fc.oneof(
      { weight: 2, arbitrary: arbitraryFrom(schema) },
      { weight: 2, arbitrary: plausible(arbitraryFrom(schema)) },
      { weight: 1, arbitrary: brokenFrom(schema) },
    )
    const idempotencyKey = fc.option(fc.stringMatching(/^k-[0-9]{1,2}$/), { freq: 3 })
    const contentType = fc.oneof(
      { weight: 10, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded') },
    )
    const requests = fc
      .record({ who: h.authorisation, body, idempotencyKey, contentType })
      .map((r) => ({
        method: 'POST' as const,
        url: '/api/v1/reports',
        headers: {
          ...h.headersFor(r.who),
          'content-type': r.contentType,
          ...(r.idempotencyKey === null ? {} : { 'idempotency-key': r.idempotencyKey }),
        },
        payload: toText(r.body),
      }))
    h.report('POST /api/v1/reports', await h.run(op, requests))
  })
})
