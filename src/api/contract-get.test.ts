import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { RUNS, startContract } from '../../test/api-contract.js'
import { arbitraryFrom } from '../../test/json-schema-arbitrary.js'

/** GET /api/v1/reports/{reference}: see test/api-contract.ts. */
describe('the API keeps to its OpenAPI document: GET /api/v1/reports/{reference}', () => {
  let h: Awaited<ReturnType<typeof startContract>>
  before(async () => {
    h = await startContract({ reports: 20 })
  })
  after(() => h.close())

  it(`GET /api/v1/reports/{reference}: ${String(RUNS)} generated requests`, async () => {
    const op = h.operation('/api/v1/reports/{reference}', 'get')
    const pattern = op.parameters?.find((p) => p.name === 'reference')?.schema
    assert.ok(pattern)
    assert.ok(h.references.length > 0, 'reports were stored to ask about')
    const reference = fc.oneof(
      fc.nat().map((n) => h.references[n % h.references.length] ?? ''),
      arbitraryFrom(pattern) as fc.Arbitrary<string>,
      fc.string({ unit: 'binary', maxLength: 40 }),
    )
    const requests = fc.record({ who: h.authorisation, reference }).map((r) => ({
      method: 'GET' as const,
      url: `/api/v1/reports/${encodeURIComponent(r.reference)}`,
      headers: h.headersFor(r.who),
    }))
    h.report('GET /api/v1/reports/{reference}', await h.run(op, requests))
  })
})
