import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { sealAllAuditEvents, verifyAuditChain } from '../audit/sealing.js'
import { openCase } from '../cases/repository.js'
import { createEnvelope } from '../crypto/envelope.js'
import type { Db, Queryable } from '../db/db.js'
import { testSecrets } from '../../test/app.js'
import { testDatabases } from '../../test/db.js'
import { testRetention } from '../../test/retention.js'
import { insertAgency } from '../../test/delivery.js'
import { insertQueuedReport } from '../../test/queue.js'
import { testClock } from '../../test/staff.js'
import { PURGED_TABLES } from './repository.js'
import { retentionService, type PurgeBatch } from './service.js'

const retention = testRetention
const NOW = '2032-06-15T10:00:00.000Z'
const at = (iso: string) => new Date(iso)
const secrets = testSecrets()
const envelope = createEnvelope(secrets.encryptionKeys)
const sealed = () => ({ keyId: 'test-1', wrapped: randomBytes(40), text: randomBytes(48) })
const ADVISOR = randomUUID()

/** A report with a row in every table a report's data reaches, written straight to them. */
async function insertFullReport(
  db: Queryable,
  receivedAt: Date,
  options: { sharesIdentifierWith?: string; referral?: 'acknowledged' | 'failed' } = {},
) {
  const report = await insertQueuedReport(db, envelope, { receivedAt })
  const digest = randomBytes(32)
  await db.query(
    `INSERT INTO report_identifiers (digest, report_id, kind, key_id)
     VALUES ($1, $2, 'username', 'links-1')`,
    [digest, report.id],
  )
  if (options.sharesIdentifierWith) {
    await db.query(
      `INSERT INTO report_links (report_id, earlier_report_id, kind) VALUES ($1, $2, 'username')`,
      [report.id, options.sharesIdentifierWith],
    )
  }
  const s = sealed()
  await db.query(
    `INSERT INTO report_drafts (id_hash, key_id, wrapped_data_key, answers_ciphertext,
       created_at, updated_at, expires_at, report_id)
     VALUES ($1, $2, $3, $4, $5, $5, $5, $6)`,
    [randomBytes(16).toString('hex'), s.keyId, s.wrapped, s.text, receivedAt, report.id],
  )
  const client = randomUUID()
  await db.query(`INSERT INTO api_clients (id, name, created_at) VALUES ($1, 'A test app', $2)`, [
    client,
    receivedAt,
  ])
  await db.query(
    `INSERT INTO api_idempotency_keys (client_id, idempotency_key, body_hash, report_id,
       response_status, response_body, created_at)
     VALUES ($1, 'key-1', 'hash', $2, 201, $3, $4)`,
    [client, report.id, JSON.stringify({ reference: report.reference }), receivedAt],
  )
  const assessment = randomUUID()
  await db.query(
    `INSERT INTO risk_assessments (id, report_id, recorded_at, recorded_by, risk_level,
       risk_factors, decision, automatic_priority, automatic_reasons, key_id, wrapped_data_key,
       rationale_ciphertext)
     VALUES ($1, $2, $3, $4, 'high', '{}', 'open-case', 'P3', '{}', $5, $6, $7)`,
    [assessment, report.id, receivedAt, ADVISOR, s.keyId, s.wrapped, s.text],
  )
  await db.query(
    `INSERT INTO report_changes (id, report_id, changed_at, changed_by, kind, from_value,
       to_value, key_id, wrapped_data_key, reason_ciphertext)
     VALUES ($1, $2, $3, $4, 'priority', '"P3"', '"P2"', $5, $6, $7)`,
    [randomUUID(), report.id, receivedAt, ADVISOR, s.keyId, s.wrapped, s.text],
  )
  await insertReferral(db, report.id, null, receivedAt, options.referral ?? 'acknowledged')
  await db.query(
    `INSERT INTO outbox_messages (id, purpose, report_id, channel, status, max_attempts,
       available_at, created_at, created_by, key_id, wrapped_data_key, payload_ciphertext)
     VALUES ($1, 'reporter-acknowledgement', $2, 'email', 'pending', 8, $3, $3, 'public:form',
       $4, $5, $6)`,
    [randomUUID(), report.id, receivedAt, s.keyId, s.wrapped, s.text],
  )
  return report
}

async function insertReferral(
  db: Queryable,
  reportId: string,
  caseId: string | null,
  createdAt: Date,
  status: 'acknowledged' | 'failed',
) {
  const agency = await insertAgency(db)
  const referral = randomUUID()
  const s = sealed()
  await db.query(
    `INSERT INTO referrals (id, report_id, partner_agency_id, kind, status, shared, lawful_basis,
       created_at, created_by, urgency, reason_key_id, reason_wrapped_key, reason_ciphertext,
       approved_by, approved_at, case_id)
     VALUES ($1, $2, $3, 'referral', $4, '{what-happened}', 'public-task', $5, $6, 'standard',
       $7, $8, $9, $6, $5, $10)`,
    [referral, reportId, agency.id, status, createdAt, ADVISOR, s.keyId, s.wrapped, s.text, caseId],
  )
  await db.query(
    `INSERT INTO outbox_messages (id, purpose, report_id, referral_id, channel, status,
       max_attempts, available_at, created_at, created_by)
     VALUES ($1, 'referral', $2, $3, 'email', $4, 8, $5, $5, $6)`,
    [
      randomUUID(),
      reportId,
      referral,
      status === 'failed' ? 'failed' : 'delivered',
      createdAt,
      ADVISOR,
    ],
  )
}

/** A case opened from `reports[0]` holding them all, with a row in every case table. */
async function insertFullCase(
  db: Queryable,
  reports: { id: string }[],
  openedAt: Date,
  closedAt: Date | null,
) {
  const caseId = randomUUID()
  const [first, ...others] = reports
  assert.ok(first)
  await openCase(db, {
    id: caseId,
    eventId: randomUUID(),
    reportId: first.id,
    owner: ADVISOR,
    openedAt,
  })
  for (const other of others) {
    await db.query(
      'INSERT INTO case_reports (report_id, case_id, added_at, added_by) VALUES ($1, $2, $3, $4)',
      [other.id, caseId, openedAt, ADVISOR],
    )
  }
  const s = sealed()
  const sealedValues = [s.keyId, s.wrapped, s.text]
  await db.query(
    `INSERT INTO case_contacts (id, case_id, happened_at, recorded_at, recorded_by, method,
       outcome, key_id, wrapped_data_key, sealed_ciphertext)
     VALUES ($1, $2, $3, $3, $4, 'phone', 'spoke', $5, $6, $7)`,
    [randomUUID(), caseId, openedAt, ADVISOR, ...sealedValues],
  )
  await db.query(
    `INSERT INTO case_plan_versions (id, case_id, version, saved_at, saved_by, review_on, key_id,
       wrapped_data_key, sealed_ciphertext)
     VALUES ($1, $2, 1, $3, $4, $3::timestamptz::date, $5, $6, $7)`,
    [randomUUID(), caseId, openedAt, ADVISOR, ...sealedValues],
  )
  await db.query(
    `INSERT INTO case_tasks (id, case_id, kind, owner, due_on, created_at, created_by, key_id,
       wrapped_data_key, title_ciphertext)
     VALUES ($1, $2, 'task', $3, $4::timestamptz::date, $4, $3, $5, $6, $7)`,
    [randomUUID(), caseId, ADVISOR, openedAt, ...sealedValues],
  )
  await db.query(
    `INSERT INTO case_events (id, case_id, at, actor, kind, details, key_id, wrapped_data_key,
       text_ciphertext)
     VALUES ($1, $2, $3, $4, 'note', '{}', $5, $6, $7)`,
    [randomUUID(), caseId, openedAt, ADVISOR, ...sealedValues],
  )
  await insertReferral(db, first.id, caseId, openedAt, 'acknowledged')
  if (closedAt) await closeCase(db, caseId, closedAt)
  return caseId
}

async function closeCase(db: Queryable, caseId: string, closedAt: Date) {
  const s = sealed()
  await db.query(
    `INSERT INTO case_closures (id, case_id, requested_at, requested_by, outcome, key_id,
       wrapped_data_key, summary_ciphertext, decision, decided_at, decided_by)
     VALUES ($1, $2, $3, $4, 'safer', $5, $6, $7, 'approved', $3, $8)`,
    [randomUUID(), caseId, closedAt, ADVISOR, s.keyId, s.wrapped, s.text, randomUUID()],
  )
  await db.query(`UPDATE cases SET status = 'closed' WHERE id = $1`, [caseId])
}

/** Rows of each table whose text (every column, bytea as hex) holds any of `needles`. */
async function tablesMentioning(db: Queryable, needles: string[]): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )
  const found: Record<string, number> = {}
  for (const { name } of tables) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${name}" t
        WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) needle WHERE strpos(t::text, needle) > 0)`,
      [needles],
    )
    if (row && row.n > 0) found[name] = row.n
  }
  return found
}

async function count(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)
  return row?.n ?? 0
}

for (const database of testDatabases()) {
  describe(`the retention purge (${database.name})`, () => {
    let db: Db
    const clock = testClock(NOW)
    const purge = (batchSize?: number) =>
      retentionService({
        db,
        now: clock.now,
        retention,
        ...(batchSize ? { batchSize } : {}),
      })
    const run = async (batchSize?: number) => {
      const batches: PurgeBatch[] = []
      await purge(batchSize).purgeDue((b) => batches.push(b))
      return {
        reports: batches.flatMap((b) => b.reports).sort(),
        cases: batches.flatMap((b) => b.cases).sort(),
        held: batches.map((b) => b.held).filter((h) => Object.keys(h).length > 0),
        failed: batches.flatMap((b) => b.failed),
      }
    }

    // A fresh database for each test, so one test's leftovers are not another's to purge.
    beforeEach(async () => {
      db = await database.open()
    })
    afterEach(async () => {
      await db.close()
    })

    it('deletes a report in no case 2 years after it arrived, everywhere, leaving a tombstone', async () => {
      const old = await insertFullReport(db, at('2030-06-15T10:00:00.000Z'))
      const later = await insertFullReport(db, at('2031-01-10T09:00:00Z'), {
        sharesIdentifierWith: old.id,
      })
      const before = await tablesMentioning(db, [old.id, old.reference])
      for (const table of PURGED_TABLES.filter((t) => !t.startsWith('case')))
        assert.ok((before[table] ?? 0) > 0, `the test report has no row in ${table}`)

      assert.deepEqual((await run()).reports, [old.reference])

      assert.deepEqual(await tablesMentioning(db, [old.id, old.reference]), {
        audit_events: 1,
        purged_reports: 1,
      })
      const [tombstone] = await db.query(
        `SELECT reference, received_at, source, audience, priority, status, decision, case_number,
                period, due_at, purged_at FROM purged_reports WHERE id = $1`,
        [old.id],
      )
      assert.deepEqual(tombstone, {
        reference: old.reference,
        received_at: at('2030-06-15T10:00:00.000Z'),
        source: 'form',
        audience: 'parent-carer',
        priority: 'P3',
        status: 'new',
        decision: 'open-case',
        case_number: null,
        period: 'report-without-case',
        due_at: at('2032-06-15T10:00:00.000Z'),
        purged_at: at(NOW),
      })
      const [event] = await db.query(
        `SELECT actor, event, subject_type, details FROM audit_events WHERE subject_id = $1`,
        [old.id],
      )
      assert.deepEqual(event, {
        actor: 'system:retention',
        event: 'report.purged',
        subject_type: 'report',
        details: {
          period: 'report-without-case',
          dueAt: '2032-06-15T10:00:00.000Z',
          reference: old.reference,
        },
      })
      // The later report keeps everything of its own; only its link to the purged one goes.
      assert.equal(await count(db, 'reports WHERE id = $1', [later.id]), 1)
      assert.equal(await count(db, 'report_identifiers WHERE report_id = $1', [later.id]), 1)
      assert.equal(await count(db, 'report_links WHERE report_id = $1', [later.id]), 0)
    })

    it('keeps a report until exactly the end of its period', async () => {
      const due = await insertFullReport(db, at('2030-06-15T10:00:00.000Z'))
      const notYet = await insertFullReport(db, at('2030-06-15T10:00:00.001Z'))
      assert.deepEqual((await run()).reports, [due.reference])
      assert.equal(await count(db, 'reports WHERE id = $1', [notYet.id]), 1)
      clock.advance(1)
      assert.deepEqual((await run()).reports, [notYet.reference])
      clock.advance(-1)
    })

    it('keeps the reports of an open case, and of a case reopened, whatever their age', async () => {
      const inOpen = await insertFullReport(db, at('2020-01-01T00:00:00Z'))
      await insertFullCase(db, [inOpen], at('2020-01-02T00:00:00Z'), null)
      const inReopened = await insertFullReport(db, at('2020-01-01T00:00:00Z'))
      const reopened = await insertFullCase(
        db,
        [inReopened],
        at('2020-01-02T00:00:00Z'),
        at('2021-01-01T00:00:00Z'),
      )
      await db.query(`UPDATE cases SET status = 'open' WHERE id = $1`, [reopened])

      assert.deepEqual(await run(), { reports: [], cases: [], held: [], failed: [] })
      assert.equal(
        await count(db, 'reports WHERE id = ANY($1::uuid[])', [[inOpen.id, inReopened.id]]),
        2,
      )
    })

    it('deletes a closed case 6 years after it ended, with its reports and the cases merged into it', async () => {
      const first = await insertFullReport(db, at('2024-03-01T00:00:00Z'))
      const second = await insertFullReport(db, at('2025-01-01T00:00:00Z'), {
        sharesIdentifierWith: first.id,
      })
      const merged = await insertFullReport(db, at('2024-05-01T00:00:00Z'))
      const caseId = await insertFullCase(db, [first, second], at('2024-03-02T00:00:00Z'), null)
      const mergedCase = await insertFullCase(db, [merged], at('2024-05-02T00:00:00Z'), null)
      // Merging moves the reports and ends the case into the other (src/cases/service.ts).
      await db.query('UPDATE case_reports SET case_id = $1 WHERE case_id = $2', [
        caseId,
        mergedCase,
      ])
      await db.query(`UPDATE cases SET status = 'merged', merged_into = $1 WHERE id = $2`, [
        caseId,
        mergedCase,
      ])
      const other = await insertFullReport(db, at('2024-03-01T00:00:00Z'))
      const linked = await insertFullCase(db, [other], at('2024-03-02T00:00:00Z'), null)
      await db.query(
        `INSERT INTO case_links (case_id, linked_case_id, linked_at, linked_by)
         VALUES (least($1::uuid, $2::uuid), greatest($1::uuid, $2::uuid), $3, $4)`,
        [caseId, linked, at('2024-06-01T00:00:00Z'), ADVISOR],
      )
      await closeCase(db, caseId, at('2026-06-15T10:00:00.001Z'))
      const [numbers] = await db.query<{ numbers: string[] }>(
        'SELECT array_agg(number::text ORDER BY number) AS numbers FROM cases WHERE id = ANY($1::uuid[])',
        [[caseId, mergedCase]],
      )
      const ids = [caseId, mergedCase, first.id, second.id, merged.id]
      const references = [first.reference, second.reference, merged.reference]

      // A millisecond short of 6 years after the closure was approved: kept.
      assert.deepEqual((await run()).cases, [])
      const before = await tablesMentioning(db, ids)
      for (const table of PURGED_TABLES)
        assert.ok((before[table] ?? 0) > 0, `the test case has no row in ${table}`)

      clock.advance(1)
      const purged = await run()
      clock.advance(-1)
      assert.deepEqual(purged.reports, [...references].sort())
      assert.deepEqual(purged.cases, numbers?.numbers.map(Number).sort())
      assert.deepEqual(await tablesMentioning(db, [...ids, ...references]), {
        audit_events: 5,
        purged_cases: 2,
        purged_reports: 3,
      })
      const cases = await db.query(
        'SELECT status, outcome, reports, period, due_at FROM purged_cases ORDER BY number',
      )
      assert.deepEqual(cases, [
        {
          status: 'closed',
          outcome: 'safer',
          reports: 3,
          period: 'case',
          due_at: at('2032-06-15T10:00:00.001Z'),
        },
        { status: 'merged', outcome: null, reports: 0, period: 'case', due_at: cases[0]?.due_at },
      ])
      // The linked case is untouched but for the link.
      assert.equal(await count(db, 'cases WHERE id = $1', [linked]), 1)
      assert.equal(await count(db, 'case_links WHERE $1 IN (case_id, linked_case_id)', [linked]), 0)
      assert.equal(await count(db, 'reports WHERE id = $1', [other.id]), 1)
    })

    it('keeps anything with a referral not yet delivered, and says so', async () => {
      const waiting = await insertFullReport(db, at('2020-01-01T00:00:00Z'), { referral: 'failed' })
      const report = await insertFullReport(db, at('2020-01-01T00:00:00Z'))
      const caseId = await insertFullCase(db, [report], at('2020-01-02T00:00:00Z'), null)
      await insertReferral(db, report.id, caseId, at('2020-02-01T00:00:00Z'), 'failed')
      await closeCase(db, caseId, at('2021-01-01T00:00:00Z'))

      const outcome = await run()
      assert.deepEqual(outcome.reports, [])
      assert.deepEqual(outcome.held, [{ 'undelivered-referral': 1 }, { 'undelivered-referral': 1 }])
      assert.equal(
        await count(db, 'reports WHERE id = ANY($1::uuid[])', [[waiting.id, report.id]]),
        2,
      )
    })

    it('keeps a report under a legal hold, and the whole case it is in, until the hold is lifted', async () => {
      const held = await insertFullReport(db, at('2020-01-01T00:00:00Z'))
      const inCase = await insertFullReport(db, at('2020-01-01T00:00:00Z'))
      const other = await insertFullReport(db, at('2020-01-01T00:00:00Z'))
      const caseId = await insertFullCase(db, [inCase, other], at('2020-01-02T00:00:00Z'), null)
      await closeCase(db, caseId, at('2021-01-01T00:00:00Z'))
      const hold = (id: string, since: Date | null) =>
        db.query('UPDATE reports SET legal_hold_since = $2 WHERE id = $1', [id, since])
      await hold(held.id, at('2021-06-01T00:00:00Z'))
      await hold(inCase.id, at('2021-06-01T00:00:00Z'))

      const kept = await run()
      assert.deepEqual(kept.reports, [])
      assert.deepEqual(kept.cases, [])
      assert.deepEqual(kept.held, [{ 'legal-hold': 1 }, { 'legal-hold': 1 }])
      assert.equal(
        await count(db, 'reports WHERE id = ANY($1::uuid[])', [[held.id, inCase.id, other.id]]),
        3,
      )
      assert.equal(await count(db, 'cases WHERE id = $1', [caseId]), 1)

      await hold(held.id, null)
      await hold(inCase.id, null)
      const purged = await run()
      assert.deepEqual(purged.held, [])
      assert.equal(
        await count(db, 'reports WHERE id = ANY($1::uuid[])', [[held.id, inCase.id, other.id]]),
        0,
      )
      assert.equal(await count(db, 'cases WHERE id = $1', [caseId]), 0)
    })

    it('leaves the audit chain whole, and does nothing the second time', async () => {
      const keys = secrets.encryptionKeys
      await insertFullReport(db, at('2029-01-01T00:00:00Z'))
      await sealAllAuditEvents(db, keys)
      const first = await run()
      assert.equal(first.reports.length, 1)
      const events = await count(db, 'audit_events')
      assert.deepEqual(await run(), { reports: [], cases: [], held: [], failed: [] })
      assert.equal(await count(db, 'audit_events'), events)
      await sealAllAuditEvents(db, keys)
      const check = await verifyAuditChain(db, keys)
      assert.equal(check.brokenAt, null)
      assert.equal(check.unsealed, 0)
    })

    it('purges each report once when instances run it at the same time, in small batches', async () => {
      const reports = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => insertFullReport(db, at(`2029-02-0${n}T00:00:00Z`))),
      )
      const runs = await Promise.all([run(2), run(2)])
      assert.deepEqual(
        runs.flatMap((r) => r.reports).sort(),
        reports.map((r) => r.reference).sort(),
      )
      assert.equal(
        await count(db, `audit_events WHERE event = 'report.purged' AND subject_id = ANY($1)`, [
          reports.map((r) => r.id),
        ]),
        5,
      )
    })

    it('goes on past a report it cannot delete, and names it by id', async () => {
      // A table the purge does not know (the test below stops one reaching main).
      await db.exec('CREATE TABLE unknown_notes (report_id uuid NOT NULL REFERENCES reports (id))')
      const stuck = await insertFullReport(db, at('2029-01-01T00:00:00Z'))
      const free = await insertFullReport(db, at('2029-01-02T00:00:00Z'))
      await db.query('INSERT INTO unknown_notes (report_id) VALUES ($1)', [stuck.id])
      const outcome = await run()
      assert.deepEqual(outcome.reports, [free.reference])
      assert.deepEqual(outcome.failed, [{ id: stuck.id, code: '23503' }])
      assert.equal(await count(db, 'reports WHERE id = $1', [stuck.id]), 1)
      assert.equal(await count(db, 'purged_reports WHERE id = $1', [stuck.id]), 0)
      assert.equal(await count(db, 'report_identifiers WHERE report_id = $1', [stuck.id]), 1)
    })

    it('knows every table that points at a report, a case or a referral', async () => {
      const pointing = await db.query<{ name: string }>(
        `SELECT DISTINCT conrelid::regclass::text AS name FROM pg_constraint
          WHERE contype = 'f'
            AND confrelid::regclass::text IN ('reports', 'cases', 'referrals', 'risk_assessments')
          ORDER BY 1`,
      )
      const named = await db.query<{ name: string }>(
        `SELECT DISTINCT table_name AS name FROM information_schema.columns
          WHERE table_schema = current_schema() AND column_name IN ('report_id', 'case_id')
            AND table_name NOT LIKE 'purged_%'
          ORDER BY 1`,
      )
      for (const { name } of [...pointing, ...named])
        assert.ok(PURGED_TABLES.includes(name), `the purge does not know ${name}`)
    })
  })
}
