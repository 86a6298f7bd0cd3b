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

/**
 * Inserts the report once per submission key. A second submission of the same draft (a
 * double click racing the first) finds the row already there and gets undefined back.
 */
export async function insertReport(db: Queryable, r: NewReportRow): Promise<string | undefined> {
  try {
    const rows = await db.query<{ id: string }>(
      `INSERT INTO reports (
         id, reference, submission_key, received_at, source, source_site, audience,
         immediate_danger, concerns, still_happening, other_person_age, child_age,
         priority, priority_reasons, rules_version, deadline_at, queues, jurisdiction,
         key_id, wrapped_data_key, personal_ciphertext)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
               $13, $14, $15, $16, $17, $18, $19, $20, $21)
       ON CONFLICT (submission_key) DO NOTHING
       RETURNING id`,
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
      ],
    )
    return rows[0]?.id
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

export async function reportIdForSubmission(
  db: Queryable,
  submissionKey: string,
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>('SELECT id FROM reports WHERE submission_key = $1', [
    submissionKey,
  ])
  return rows[0]?.id
}
