import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../test/app.js'
import { testDatabases } from '../../test/db.js'
import { Browser, sendReport } from '../../test/http.js'
import { reportSteps } from '../../test/reports.js'
import { testClock } from '../../test/staff.js'
import { keptFor } from '../content/retention.js'
import { periodEnds } from './periods.js'

/** The app's own purge, with the agency's periods, on a report sent through the form. */
for (const database of testDatabases()) {
  describe(`the app's retention purge (${database.name})`, () => {
    it('deletes a report sent through the form when the notice says, with all intake wrote', async () => {
      const db = await database.open()
      const clock = testClock('2026-11-30T10:00:00Z')
      const t = await buildTestApp({ db, now: clock.now })
      try {
        const browser = new Browser(t.app)
        await sendReport(browser, reportSteps['parent-carer'])
        const [report] = await db.query<{ id: string; reference: string; received_at: Date }>(
          'SELECT id, reference, received_at FROM reports',
        )
        assert.ok(report)
        const rows = async (table: string) =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM ${table} WHERE report_id = $1`,
              [report.id],
            )
          )[0]?.n
        // What intake wrote beside the report: the identifiers' digests and the reporter's
        // acknowledgement waiting in the outbox.
        assert.ok(((await rows('report_identifiers')) ?? 0) > 0)
        assert.equal(await rows('outbox_messages'), 1)

        const due = periodEnds(
          report.received_at,
          keptFor(t.deps.content.retention, 'report-without-case'),
        )
        clock.advance(due.getTime() - clock.now().getTime() - 1)
        await t.deps.retention.purgeDue()
        assert.equal((await db.query('SELECT 1 FROM reports')).length, 1, 'a millisecond early')
        assert.equal(await rows('outbox_messages'), 1)

        clock.advance(1)
        const references: string[] = []
        await t.deps.retention.purgeDue((batch) => references.push(...batch.reports))
        assert.deepEqual(references, [report.reference])
        assert.equal((await db.query('SELECT 1 FROM reports')).length, 0)
        assert.equal(await rows('report_identifiers'), 0)
        assert.equal(await rows('outbox_messages'), 0)
        assert.equal((await db.query('SELECT 1 FROM purged_reports')).length, 1)
      } finally {
        await t.close()
        await db.close()
      }
    })
  })
}
