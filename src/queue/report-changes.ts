import type { Sealed } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'
import type { Jurisdiction } from '../jurisdictions/model.js'
import type { Priority } from '../reports/model.js'
import type { ReportStatus } from './repository.js'

/**
 * SQL for the changes staff make to a report by hand: a corrected priority (with the deadline
 * and queues that follow it), a corrected jurisdiction, a decision's new status, reopening,
 * placing and lifting a legal hold.
 * Each change is kept in `report_changes` with its reason sealed, and shown on the report.
 */
export type ChangeKind =
  'priority' | 'jurisdiction' | 'reopened' | 'legal-hold' | 'legal-hold-lifted'

export interface NewChange {
  id: string
  reportId: string
  changedAt: Date
  changedBy: string
  kind: ChangeKind
  from: unknown
  to: unknown
  reason: Sealed
}

export async function insertChange(db: Queryable, c: NewChange): Promise<void> {
  await db.query(
    `INSERT INTO report_changes (id, report_id, changed_at, changed_by, kind, from_value,
       to_value, key_id, wrapped_data_key, reason_ciphertext)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      c.id,
      c.reportId,
      c.changedAt,
      c.changedBy,
      c.kind,
      JSON.stringify(c.from),
      JSON.stringify(c.to),
      c.reason.keyId,
      c.reason.wrappedKey,
      c.reason.ciphertext,
    ],
  )
}

export interface StoredChange {
  id: string
  changedAt: Date
  changedBy: string
  kind: ChangeKind
  from: unknown
  to: unknown
  reason: Sealed
}

interface ChangeRow {
  id: string
  changed_at: Date | string
  changed_by: string
  kind: ChangeKind
  from_value: unknown
  to_value: unknown
  key_id: string
  wrapped_data_key: Uint8Array
  reason_ciphertext: Uint8Array
}

const CHANGE_COLUMNS = `c.id, c.changed_at, c.changed_by, c.kind, c.from_value, c.to_value,
  c.key_id, c.wrapped_data_key, c.reason_ciphertext`

export async function changesOf(db: Queryable, reportId: string): Promise<StoredChange[]> {
  const rows = await db.query<ChangeRow & Record<string, unknown>>(
    `SELECT ${CHANGE_COLUMNS} FROM report_changes c WHERE c.report_id = $1
      ORDER BY c.changed_at, c.id`,
    [reportId],
  )
  return rows.map(toChange)
}

/**
 * Legal holds placed on and lifted from the reports a case holds now, with each report's
 * reference: the case's timeline shows them, as a hold on one report keeps the whole case.
 */
export async function legalHoldsOfCase(
  db: Queryable,
  caseId: string,
): Promise<(StoredChange & { reference: string })[]> {
  const rows = await db.query<ChangeRow & { reference: string } & Record<string, unknown>>(
    `SELECT ${CHANGE_COLUMNS}, r.reference
       FROM report_changes c JOIN reports r ON r.id = c.report_id
      WHERE c.kind IN ('legal-hold', 'legal-hold-lifted')
        AND c.report_id IN (SELECT report_id FROM case_reports WHERE case_id = $1)
      ORDER BY c.changed_at, c.id`,
    [caseId],
  )
  return rows.map((r) => ({ ...toChange(r), reference: r.reference }))
}

function toChange(r: ChangeRow): StoredChange {
  return {
    id: r.id,
    changedAt: new Date(r.changed_at),
    changedBy: r.changed_by,
    kind: r.kind,
    from: r.from_value,
    to: r.to_value,
    reason: {
      keyId: r.key_id,
      wrappedKey: Buffer.from(r.wrapped_data_key),
      ciphertext: Buffer.from(r.reason_ciphertext),
    },
  }
}

/** The priority triage gave the report, before anyone corrected it. */
export async function automaticPriority(
  db: Queryable,
  reportId: string,
  current: Priority,
): Promise<Priority> {
  const rows = await db.query<{ from_value: Priority }>(
    `SELECT from_value FROM report_changes WHERE report_id = $1 AND kind = 'priority'
      ORDER BY changed_at, id LIMIT 1`,
    [reportId],
  )
  return rows[0]?.from_value ?? current
}

export async function setPriority(
  db: Queryable,
  reportId: string,
  change: { priority: Priority; deadlineAt: Date; queues: readonly string[] },
): Promise<void> {
  await db.query('UPDATE reports SET priority = $2, deadline_at = $3, queues = $4 WHERE id = $1', [
    reportId,
    change.priority,
    change.deadlineAt,
    change.queues,
  ])
}

export async function setJurisdiction(
  db: Queryable,
  reportId: string,
  jurisdiction: Jurisdiction,
): Promise<void> {
  await db.query('UPDATE reports SET jurisdiction = $2 WHERE id = $1', [
    reportId,
    JSON.stringify(jurisdiction),
  ])
}

/**
 * Sets a report's status. A report that leaves the queue (decided) is no longer anyone's to
 * work, so its claim ends with it: "being read by" would otherwise stay on a closed report.
 */
export async function setStatus(
  db: Queryable,
  reportId: string,
  status: ReportStatus,
): Promise<void> {
  await db.query(
    `UPDATE reports
        SET status = $2,
            claimed_by = CASE WHEN $2::text = 'new' THEN claimed_by END,
            claimed_at = CASE WHEN $2::text = 'new' THEN claimed_at END
      WHERE id = $1`,
    [reportId, status],
  )
}

/** Places a legal hold from `since`, or lifts it (null): see migrations/025-legal-holds.sql. */
export async function setLegalHold(
  db: Queryable,
  reportId: string,
  since: Date | null,
): Promise<void> {
  await db.query('UPDATE reports SET legal_hold_since = $2 WHERE id = $1', [reportId, since])
}
