import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { testSecrets } from '../../test/app.js'
import { testDatabases } from '../../test/db.js'
import { insertQueuedReport } from '../../test/queue.js'
import { createEnvelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import { countDecisions, countReasons } from './agreement-repository.js'

const NOW = new Date('2027-01-13T10:00:00Z')
const DAY = 24 * 3_600_000

for (const database of testDatabases()) {
  describe(`triage agreement counts on ${database.name}`, () => {
    let db: Db
    const envelope = createEnvelope(testSecrets().encryptionKeys)

    async function assess(reportId: string, decision: string, reasons: string[], daysAgo: number) {
      await db.query(
        `INSERT INTO risk_assessments (id, report_id, recorded_at, recorded_by, risk_level,
           risk_factors, decision, template, automatic_priority, automatic_reasons, key_id,
           wrapped_data_key, rationale_ciphertext)
         VALUES ($1, $2, $3, 'staff:test', 'low', '{}', $4, $5, 'P3', $6, 'test-1', $7, $7)`,
        [
          randomUUID(),
          reportId,
          new Date(NOW.getTime() - daysAgo * DAY),
          decision,
          decision === 'close-with-advice' ? 'a-template' : null,
          reasons,
          Buffer.from('dummy'),
        ],
      )
    }

    before(async () => {
      db = await database.open()
      const first = await insertQueuedReport(db, envelope, { priority: 'P3' })
      await assess(first.id, 'open-case', ['stopped'], 50)
      await assess(first.id, 'close-with-advice', ['stopped', 'historic'], 10)
      const second = await insertQueuedReport(db, envelope, { priority: 'P3' })
      await assess(second.id, 'open-case', ['stopped'], 45)
    })
    after(async () => {
      await db.close()
    })

    it('counts each report once, by its latest assessment', async () => {
      const all = await countDecisions(db, null)
      assert.deepEqual(
        all.sort((a, b) => a.decision.localeCompare(b.decision)),
        [
          { priority: 'P3', decision: 'close-with-advice', reports: 1 },
          { priority: 'P3', decision: 'open-case', reports: 1 },
        ],
      )
      const reasons = await countReasons(db, null)
      const stopped = reasons.filter((r) => r.code === 'stopped')
      assert.equal(
        stopped.reduce((sum, r) => sum + r.reports, 0),
        2,
      )
      assert.deepEqual(
        reasons.filter((r) => r.code === 'historic'),
        [{ code: 'historic', priority: 'P3', decision: 'close-with-advice', reports: 1 }],
      )
    })

    it('counts only assessments since the start of the period', async () => {
      const since = new Date(NOW.getTime() - 30 * DAY)
      assert.deepEqual(await countDecisions(db, since), [
        { priority: 'P3', decision: 'close-with-advice', reports: 1 },
      ])
    })
  })
}
