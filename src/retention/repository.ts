import type { Queryable } from '../db/db.js'

/**
 * SQL for the purge. A unit is what goes together: one report in no case, or a closed case
 * with the cases merged into it and every report they hold. Purging a unit writes its
 * tombstones, then deletes every row holding its personal data, children before parents.
 */
export interface PurgeUnit {
  cases: string[]
  reports: string[]
}

/** When case `c` ended: its last approved closure. */
const CASE_ENDED_AT = `(SELECT max(cc.decided_at) FROM case_closures cc
                         WHERE cc.case_id = c.id AND cc.decision = 'approved')`

/** `merged`: every case merged into case $1, at any depth. */
const MERGED_INTO_CASE = `WITH RECURSIVE merged (id) AS (
       SELECT id FROM cases WHERE merged_into = $1
       UNION SELECT c.id FROM cases c JOIN merged m ON c.merged_into = m.id)`

/** Closed cases whose last approved closure is at or before `endedBy`, after `after` (by id). */
export async function closedCasesEndedBy(
  db: Queryable,
  endedBy: Date,
  after: string | null,
  limit: number,
): Promise<{ id: string }[]> {
  return db.query<{ id: string }>(
    `SELECT c.id FROM cases c
      WHERE c.status = 'closed'
        AND ($2::uuid IS NULL OR c.id > $2)
        AND ${CASE_ENDED_AT} <= $1
      ORDER BY c.id
      LIMIT $3`,
    [endedBy, after, limit],
  )
}

/** Reports in no case that arrived at or before `receivedBy`, after the cursor, oldest first. */
export async function reportsWithoutCaseReceivedBy(
  db: Queryable,
  receivedBy: Date,
  after: { receivedAt: Date; id: string } | null,
  limit: number,
): Promise<{ id: string; received_at: Date }[]> {
  return db.query<{ id: string; received_at: Date }>(
    `SELECT r.id, r.received_at FROM reports r
      WHERE r.received_at <= $1
        AND ($2::timestamptz IS NULL OR (r.received_at, r.id) > ($2, $3::uuid))
        AND NOT EXISTS (SELECT 1 FROM case_reports cr WHERE cr.report_id = r.id)
      ORDER BY r.received_at, r.id
      LIMIT $4`,
    [receivedBy, after?.receivedAt ?? null, after?.id ?? null, limit],
  )
}

/**
 * Locks a closed case and the cases merged into it (at any depth), without waiting: a case a
 * supervisor is reopening this moment is left for the next run. Gives the case's end, or null
 * when it is not closed any more or is busy.
 */
export async function lockClosedCase(
  tx: Queryable,
  caseId: string,
): Promise<{ endedAt: Date; cases: string[] } | null> {
  const [found] = await tx.query<{ ended_at: Date | null }>(
    `SELECT ${CASE_ENDED_AT} AS ended_at
       FROM cases c WHERE c.id = $1 AND c.status = 'closed'
        FOR UPDATE SKIP LOCKED`,
    [caseId],
  )
  if (!found?.ended_at) return null
  const merged = await tx.query<{ id: string }>(
    `${MERGED_INTO_CASE}
     SELECT c.id FROM cases c JOIN merged m ON m.id = c.id FOR UPDATE OF c SKIP LOCKED`,
    [caseId],
  )
  const [all] = await tx.query<{ n: number }>(
    `${MERGED_INTO_CASE} SELECT count(*)::int AS n FROM merged`,
    [caseId],
  )
  if (merged.length !== (all?.n ?? 0)) return null
  return { endedAt: found.ended_at, cases: [caseId, ...merged.map((m) => m.id)] }
}

/** Locks the reports the cases hold, without waiting; null when one is busy. */
export async function lockCaseReports(tx: Queryable, cases: string[]): Promise<string[] | null> {
  const held = await tx.query<{ report_id: string }>(
    'SELECT report_id FROM case_reports WHERE case_id = ANY($1::uuid[])',
    [cases],
  )
  const ids = held.map((r) => r.report_id)
  const locked = await tx.query<{ id: string }>(
    'SELECT id FROM reports WHERE id = ANY($1::uuid[]) FOR UPDATE SKIP LOCKED',
    [ids],
  )
  return locked.length === ids.length ? ids : null
}

/** Locks a report that is still in no case, without waiting; its arrival, or null. */
export async function lockReportWithoutCase(
  tx: Queryable,
  reportId: string,
): Promise<{ receivedAt: Date } | null> {
  const [found] = await tx.query<{ received_at: Date }>(
    `SELECT r.received_at FROM reports r
      WHERE r.id = $1
        AND NOT EXISTS (SELECT 1 FROM case_reports cr WHERE cr.report_id = r.id)
        FOR UPDATE SKIP LOCKED`,
    [reportId],
  )
  return found ? { receivedAt: found.received_at } : null
}

export type HoldReason =
  'legal-hold' | 'undelivered-referral' | 'message-sending' | 'needed-elsewhere'

/**
 * Why the unit must stay for now, if it must: a legal hold on one of its reports, until a
 * supervisor lifts it (migrations/025-legal-holds.sql); a referral not yet delivered (awaiting
 * approval, sending, or failed and waiting to be sent again); a message a worker is sending
 * this moment; or a case or referral outside the unit built from one of its reports.
 */
export async function holdOn(tx: Queryable, unit: PurgeUnit): Promise<HoldReason | null> {
  const [row] = await tx.query<{
    legal: boolean
    undelivered: boolean
    sending: boolean
    elsewhere: boolean
  }>(
    `SELECT
       EXISTS (SELECT 1 FROM reports
                WHERE id = ANY($1::uuid[]) AND legal_hold_since IS NOT NULL) AS legal,
       EXISTS (SELECT 1 FROM referrals
                WHERE (report_id = ANY($1::uuid[]) OR case_id = ANY($2::uuid[]))
                  AND status IN ('awaiting-approval', 'sending', 'failed')) AS undelivered,
       EXISTS (SELECT 1 FROM outbox_messages m
                WHERE m.status = 'sending'
                  AND (m.report_id = ANY($1::uuid[])
                       OR m.referral_id IN (SELECT id FROM referrals
                                             WHERE report_id = ANY($1::uuid[])
                                                OR case_id = ANY($2::uuid[])))) AS sending,
       EXISTS (SELECT 1 FROM cases
                WHERE report_id = ANY($1::uuid[]) AND NOT id = ANY($2::uuid[]))
       OR EXISTS (SELECT 1 FROM referrals
                   WHERE report_id = ANY($1::uuid[])
                     AND case_id IS NOT NULL AND NOT case_id = ANY($2::uuid[])) AS elsewhere`,
    [unit.reports, unit.cases],
  )
  if (row?.legal) return 'legal-hold'
  if (row?.undelivered) return 'undelivered-referral'
  if (row?.sending) return 'message-sending'
  if (row?.elsewhere) return 'needed-elsewhere'
  return null
}

export interface Tombstone {
  period: string
  dueAt: Date
  purgedAt: Date
}

/** Writes what is left of the unit's reports and cases: references, dates and categories. */
export async function writeTombstones(
  tx: Queryable,
  unit: PurgeUnit,
  tombstone: Tombstone,
): Promise<{
  reports: { id: string; reference: string }[]
  cases: { id: string; number: number }[]
}> {
  const { period, dueAt, purgedAt } = tombstone
  const reports = await tx.query<{ id: string; reference: string }>(
    `INSERT INTO purged_reports (id, reference, received_at, source, audience, concerns, priority,
       deadline_at, status, decision, decided_at, case_number, period, due_at, purged_at)
     SELECT r.id, r.reference, r.received_at, r.source, r.audience, r.concerns, r.priority,
            r.deadline_at, r.status, a.decision, a.recorded_at, c.number, $2, $3, $4
       FROM reports r
       LEFT JOIN LATERAL (SELECT decision, recorded_at FROM risk_assessments
                           WHERE report_id = r.id ORDER BY recorded_at DESC LIMIT 1) a ON true
       LEFT JOIN case_reports cr ON cr.report_id = r.id
       LEFT JOIN cases c ON c.id = cr.case_id
      WHERE r.id = ANY($1::uuid[])
      ORDER BY r.received_at, r.id
     RETURNING id, reference`,
    [unit.reports, period, dueAt, purgedAt],
  )
  const cases = await tx.query<{ id: string; number: string | number }>(
    `INSERT INTO purged_cases (id, number, opened_at, status, ended_at, outcome, merged_into,
       reports, period, due_at, purged_at)
     SELECT c.id, c.number, c.opened_at, c.status, last.decided_at, last.outcome, c.merged_into,
            (SELECT count(*) FROM case_reports cr WHERE cr.case_id = c.id), $2, $3, $4
       FROM cases c
       LEFT JOIN LATERAL (SELECT decided_at, outcome FROM case_closures
                           WHERE case_id = c.id AND decision = 'approved'
                           ORDER BY decided_at DESC LIMIT 1) last ON true
      WHERE c.id = ANY($1::uuid[])
      ORDER BY c.number
     RETURNING id, number`,
    [unit.cases, period, dueAt, purgedAt],
  )
  return { reports, cases: cases.map((c) => ({ id: c.id, number: Number(c.number) })) }
}

/**
 * Every table that holds a report's or a case's personal data, or points at one, children
 * first, with the unit's `:reports` and `:cases`. src/retention/service.test.ts checks this
 * against the schema's foreign keys, so a table a later migration adds cannot be forgotten.
 */
const DELETES: readonly { table: string; where: string }[] = [
  {
    table: 'outbox_messages',
    where: `report_id = ANY(:reports) OR referral_id IN (
              SELECT id FROM referrals WHERE report_id = ANY(:reports) OR case_id = ANY(:cases))`,
  },
  { table: 'referrals', where: 'report_id = ANY(:reports) OR case_id = ANY(:cases)' },
  { table: 'case_events', where: 'case_id = ANY(:cases)' },
  { table: 'case_contacts', where: 'case_id = ANY(:cases)' },
  { table: 'case_plan_versions', where: 'case_id = ANY(:cases)' },
  { table: 'case_tasks', where: 'case_id = ANY(:cases)' },
  { table: 'case_closures', where: 'case_id = ANY(:cases)' },
  { table: 'case_links', where: 'case_id = ANY(:cases) OR linked_case_id = ANY(:cases)' },
  { table: 'case_reports', where: 'case_id = ANY(:cases) OR report_id = ANY(:reports)' },
  { table: 'cases', where: 'id = ANY(:cases)' },
  { table: 'risk_assessments', where: 'report_id = ANY(:reports)' },
  { table: 'report_changes', where: 'report_id = ANY(:reports)' },
  { table: 'report_identifiers', where: 'report_id = ANY(:reports)' },
  {
    table: 'report_links',
    where: 'report_id = ANY(:reports) OR earlier_report_id = ANY(:reports)',
  },
  { table: 'report_drafts', where: 'report_id = ANY(:reports)' },
  { table: 'api_idempotency_keys', where: 'report_id = ANY(:reports)' },
  { table: 'reports', where: 'id = ANY(:reports)' },
]

export const PURGED_TABLES: readonly string[] = DELETES.map((d) => d.table)

/** Deletes the unit everywhere; how many rows went from each table. */
export async function deleteUnit(tx: Queryable, unit: PurgeUnit): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const { table, where } of DELETES) {
    // Each statement is given only the lists it names: a parameter it does not use has no type.
    const params: string[][] = []
    const condition = where.replace(/:(reports|cases)/g, (_, list: 'reports' | 'cases') => {
      params.push(unit[list])
      return `$${params.length}::uuid[]`
    })
    const [row] = await tx.query<{ n: number }>(
      `WITH gone AS (DELETE FROM ${table} WHERE ${condition} RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      params,
    )
    counts[table] = row?.n ?? 0
  }
  return counts
}
