import type { Sealed } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'
import type { Audience, Concern, Priority, Source } from './model.js'

/** The triage outcome stored with a report, decided inside the intake transaction. */
export interface TriageFields {
  priority: Priority
  reasons: readonly { code: string; text: string; priority: Priority }[]
  rulesVersion: string
  deadlineAt: Date
  queues: readonly string[]
  jurisdiction: unknown
}

export interface NewReportRow {
  id: string
  reference: string
  submissionKey: string
  receivedAt: Date
  source: Source
  sourceSite: string | null
  audience: Audience
  immediateDanger: string
  concerns: readonly Concern[]
  stillHappening: string
  otherPersonAge: string
  childAge: number | null
  triage: TriageFields
  personal: Sealed
}

export class DuplicateReferenceError extends Error {
  constructor() {
    super('A report already has that reference')
    this.name = 'DuplicateReferenceError'
  }
}

const isUniqueViolation = (error: unknown, constraint: string): boolean => {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { code?: string; constraint?: string; message?: string }
  return e.code === '23505' && (e.constraint ?? e.message ?? '').includes(constraint)
}

/** The audit entry written with a report; `details` never holds personal data. */
export interface ReceivedAudit {
  actor: string
  details: Record<string, string | number | boolean | null>
}

/**
 * Stores a submitted report in one statement, so it commits whole or not at all: it claims
 * the live, unsent draft (`submissionKey`), inserts the report and its `report.received`
 * audit entry, and drops the draft's answers, which the report now holds. A draft that is
 * already claimed (a double click racing the first) or has expired claims nothing, stores
 * nothing and gives false. The foreign key from the draft to the report is checked at the end
 * of the statement, when the report row exists.
 */
export async function storeReport(
  db: Queryable,
  r: NewReportRow,
  audit: ReceivedAudit,
): Promise<boolean> {
  try {
    const rows = await db.query<{ stored: number }>(
      `WITH claimed AS (
         UPDATE report_drafts
            SET report_id = $1::uuid, wrapped_data_key = '', answers_ciphertext = ''
          WHERE id_hash = $3 AND report_id IS NULL AND expires_at > $4::timestamptz
         RETURNING id_hash
       ), report AS (
         INSERT INTO reports (
           id, reference, submission_key, received_at, source, source_site, audience,
           immediate_danger, concerns, still_happening, other_person_age, child_age,
           priority, priority_reasons, rules_version, deadline_at, queues, jurisdiction,
           key_id, wrapped_data_key, personal_ciphertext)
         SELECT $1::uuid, $2, id_hash, $4::timestamptz, $5, $6, $7, $8, $9::text[], $10, $11,
                $12::smallint, $13, $14::jsonb, $15, $16::timestamptz, $17::text[], $18::jsonb,
                $19, $20::bytea, $21::bytea
           FROM claimed
         RETURNING id, received_at
       ), audit AS (
         INSERT INTO audit_events (occurred_at, actor, event, subject_type, subject_id, details)
         SELECT received_at, $22, 'report.received', 'report', id::text, $23::jsonb FROM report
       )
       SELECT count(*)::int AS stored FROM report`,
      [
        r.id,
        r.reference,
        r.submissionKey,
        r.receivedAt,
        r.source,
        r.sourceSite,
        r.audience,
        r.immediateDanger,
        r.concerns,
        r.stillHappening,
        r.otherPersonAge,
        r.childAge,
        r.triage.priority,
        JSON.stringify(r.triage.reasons),
        r.triage.rulesVersion,
        r.triage.deadlineAt,
        r.triage.queues,
        JSON.stringify(r.triage.jurisdiction),
        r.personal.keyId,
        r.personal.wrappedKey,
        r.personal.ciphertext,
        audit.actor,
        JSON.stringify(audit.details),
      ],
    )
    return rows[0]?.stored === 1
  } catch (error) {
    if (isUniqueViolation(error, 'reports_reference_unique')) throw new DuplicateReferenceError()
    throw error
  }
}

export async function referenceOf(db: Queryable, reportId: string): Promise<string | undefined> {
  const rows = await db.query<{ reference: string }>(
    'SELECT reference FROM reports WHERE id = $1',
    [reportId],
  )
  return rows[0]?.reference
}

/** The reference of the report stored for a submission key (the draft's id hash), if any. */
export async function referenceForSubmission(
  db: Queryable,
  submissionKey: string,
): Promise<string | undefined> {
  const rows = await db.query<{ reference: string }>(
    'SELECT reference FROM reports WHERE submission_key = $1',
    [submissionKey],
  )
  return rows[0]?.reference
}
