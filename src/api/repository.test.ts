import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { apiReport } from '../../test/api.js'
import { testSecrets } from '../../test/app.js'
import { testDatabases } from '../../test/db.js'
import { createEnvelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import { buildReportJourney } from '../reports/journey.js'
import type { Triage } from '../reports/service.js'
import { hashApiKey, newApiKey } from './keys.js'
import { insertClient, insertKey } from './repository.js'
import { linkService } from '../links/service.js'
import { apiReportService } from './service.js'

const NOW = new Date('2026-11-30T10:00:00Z')

const fixedTriage: Triage = (_input, _location, receivedAt) =>
  Promise.resolve({
    priority: 'P2',
    reasons: [{ code: 'standard', text: 'A test report', priority: 'P2' }],
    rulesVersion: 'test-rules',
    deadlineAt: new Date(receivedAt.getTime() + 4 * 3_600_000),
    queues: ['advisors'],
    jurisdiction: { status: 'national', basis: 'none', candidates: [], reason: 'test' },
  })

for (const database of testDatabases()) {
  describe(`API intake on ${database.name}`, () => {
    let db: Db
    const client = { id: randomUUID(), name: 'Synthetic Chat Ltd' }
    const service = (newReference?: () => string) =>
      apiReportService({
        db,
        envelope: createEnvelope(testSecrets().encryptionKeys),
        journey: buildReportJourney(() => NOW),
        triage: fixedTriage,
        hashIdentifiers: linkService({
          db,
          identifierKeys: testSecrets().identifierKeys,
          phoneDefaultCountry: 'GB',
        }).hashIdentifiers,
        now: () => NOW,
        ...(newReference ? { newReference } : {}),
      })
    const count = async (sql: string, params: unknown[] = []) =>
      (await db.query<{ n: number }>(sql, params))[0]?.n ?? 0

    before(async () => {
      db = await database.open()
      await insertClient(db, client, NOW)
    })
    after(() => db.close())

    it('finds a client by its key while the key works', async () => {
      const key = newApiKey()
      await insertKey(db, { id: randomUUID(), clientId: client.id, keyHash: hashApiKey(key) }, NOW)
      assert.deepEqual(await service().authenticate(key), client)
      assert.equal(await service().authenticate(newApiKey()), undefined)
    })

    it('stores one report and one response for 100 requests at once with one key', async () => {
      const api = service()
      const results = await Promise.all(
        Array.from({ length: 100 }, () => api.submit(client, apiReport(), 'parallel-1')),
      )
      const references = new Set(
        results.map((r) =>
          r.kind === 'created' || r.kind === 'replayed' ? r.body.reference : r.kind,
        ),
      )
      assert.equal(references.size, 1, [...references].join(', '))
      assert.equal(results.filter((r) => r.kind === 'created').length, 1)
      const stored = await count(
        "SELECT count(*)::int AS n FROM reports WHERE source = 'api' AND reference = $1",
        [[...references][0]],
      )
      assert.equal(stored, 1)
      assert.equal(
        await count(
          "SELECT count(*)::int AS n FROM audit_events WHERE event = 'report.received' AND subject_id IN (SELECT id::text FROM reports WHERE reference = $1)",
          [[...references][0]],
        ),
        1,
      )
    })

    it('refuses a key used before with another body, even when both race', async () => {
      const api = service()
      const before = await count("SELECT count(*)::int AS n FROM reports WHERE source = 'api'")
      const other = apiReport({ additionalInfo: 'Another account asked for a photo.' })
      const results = await Promise.all([
        api.submit(client, apiReport(), 'race-1'),
        api.submit(client, other, 'race-1'),
      ])
      assert.deepEqual(results.map((r) => r.kind).sort(), ['created', 'key-reused'])
      assert.equal(
        await count("SELECT count(*)::int AS n FROM reports WHERE source = 'api'"),
        before + 1,
      )
    })

    it('tries another reference when the first is taken, keeping the key', async () => {
      const taken = (
        await db.query<{ reference: string }>('SELECT reference FROM reports LIMIT 1')
      )[0]
      assert.ok(taken)
      const references = [taken.reference, 'SC-111-222-3336']
      const result = await service(() => references.shift() ?? 'SC-999-888-7771').submit(
        client,
        apiReport(),
        'collide-1',
      )
      assert.ok(result.kind === 'created')
      assert.equal(result.body.reference, 'SC-111-222-3336')
      const retry = await service().submit(client, apiReport(), 'collide-1')
      assert.equal(retry.kind === 'replayed' && retry.body.reference, 'SC-111-222-3336')
    })
  })
}
