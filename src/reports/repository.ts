import { insertAuditEventsFrom } from '../audit/repository.js'
import type { Sealed } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'
import type { HashedIdentifier } from '../links/hashing.js'
import { storeIdentifiersFrom, toIdentifierRows } from '../links/repository.js'
import type { Audience, Concern, Priority, Source } from './model.js'

/** The triage outcome stored with a report, decided before the statement that stores it. */
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
  /** Keyed hashes of the identifiers in `personal`, to link it with other reports. */
  identifiers: readonly HashedIdentifier[]
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
 * The acknowledgement to the reporter, written to the outbox by the same statement as the
 * report: both commit, or neither (ADR 12). It holds when and how, not the words or the
 * address: the outbox worker reads those from the report when it sends.
 */
export interface AcknowledgementRow {
  id: string
  channel: string
  status: 'pending' | 'held'
  availableAt: Date
  maxAttempts: number
}

export interface ReportToStore {
  report: NewReportRow
  audit: ReceivedAudit
  acknowledgement?: AcknowledgementRow | undefined
}

/** Bytes travel in the statement's JSON as base64: a third shorter than hex, to send and to parse. */
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

/**
 * Stores submitted reports in one statement, so each batch commits whole or not at all. For
 * each report it claims the live, unsent draft (`submissionKey`), inserts the report and its
 * `report.received` audit entry, and drops the draft's answers, which the report now holds.
 * A draft already claimed (a double click racing the first) or expired claims nothing and
 * stores nothing: its result is false. When one draft is claimed twice in a batch, the
 * report the update chose is the one stored. The foreign keys from the draft, the identifiers
 * and the links to the report are checked at the end of the statement, when the report exists.
 * The same statement stores each report's hashed identifiers and its links to earlier reports
 * (links/repository.ts).
 *
 * The rows travel as one JSON array: a statement's parameters are fixed in number, and
 * arrays of arrays (concerns, queues) cannot be unnested.
 */
export async function storeReports(
  db: Queryable,
  batch: readonly ReportToStore[],
): Promise<boolean[]> {
  const rows = reportInputRows(batch).map((row, i) => {
    const ack = batch[i]?.acknowledgement
    return {
      ...row,
      ack_id: ack?.id ?? null,
      ack_channel: ack?.channel ?? null,
      ack_status: ack?.status ?? null,
      ack_available_at: ack?.availableAt.toISOString() ?? null,
      ack_max_attempts: ack?.maxAttempts ?? null,
    }
  })
  try {
    const stored = await db.query<{ id: string }>(STORE_REPORTS, [JSON.stringify(rows)], {
      prepareAs: 'store-reports',
    })
    const ids = new Set(stored.map((row) => row.id))
    return batch.map(({ report }) => ids.has(report.id))
  } catch (error) {
    throw asDomainError(error)
  }
}

/**
 * The pieces of intake's one statement that every way in shares (the form here, the API in
 * src/api/repository.ts): the reports as one JSON parameter, read back as rows by
 * `reportInput`, and the CTEs that insert each report a claim chose, with its audit entry.
 */
export function reportInputRows(batch: readonly ReportToStore[]): Record<string, unknown>[] {
  return batch.map(({ report: r, audit }) => ({
    id: r.id,
    reference: r.reference,
    submission_key: r.submissionKey,
    received_at: r.receivedAt.toISOString(),
    source: r.source,
    source_site: r.sourceSite,
    audience: r.audience,
    immediate_danger: r.immediateDanger,
    concerns: r.concerns,
    still_happening: r.stillHappening,
    other_person_age: r.otherPersonAge,
    child_age: r.childAge,
    priority: r.triage.priority,
    priority_reasons: r.triage.reasons,
    rules_version: r.triage.rulesVersion,
    deadline_at: r.triage.deadlineAt.toISOString(),
    queues: r.triage.queues,
    jurisdiction: r.triage.jurisdiction,
    key_id: r.personal.keyId,
    wrapped_data_key: base64(r.personal.wrappedKey),
    personal_ciphertext: base64(r.personal.ciphertext),
    actor: audit.actor,
    details: audit.details,
    identifiers: toIdentifierRows(r.identifiers),
  }))
}

/** `$1` as rows; a caller may add columns of its own after these (see `extraColumns`). */
export function reportInput(extraColumns = ''): string {
  return `SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
           id uuid, reference text, submission_key text, received_at timestamptz, source text,
           source_site text, audience text, immediate_danger text, concerns text[],
           still_happening text, other_person_age text, child_age smallint, priority text,
           priority_reasons jsonb, rules_version text, deadline_at timestamptz, queues text[],
           jurisdiction jsonb, key_id text, wrapped_data_key text, personal_ciphertext text,
           actor text, details jsonb, identifiers jsonb${extraColumns})`
}

/** The form's input adds the reporter's acknowledgement, written with the report. */
const FORM_INPUT = reportInput(`, ack_id uuid, ack_channel text, ack_status text,
           ack_available_at timestamptz, ack_max_attempts integer`)

/**
 * The draft is claimed through its primary key whatever the table's size: the input's rows,
 * read from JSON, are estimated at 100, and against a small drafts table a hash join over a scan
 * of the whole table looked cheaper.
 */
const STORE_REPORTS = `WITH input AS (${FORM_INPUT}), claimed AS (
         UPDATE report_drafts d
            SET report_id = i.id, wrapped_data_key = '', answers_ciphertext = ''
           FROM input i
          WHERE d.id_hash = ANY (ARRAY(SELECT submission_key FROM input))
            AND d.id_hash = i.submission_key AND d.report_id IS NULL
            AND d.expires_at > i.received_at
         RETURNING d.report_id
       ), ${insertReportsClaimedBy('claimed')}, acknowledgement AS (
         INSERT INTO outbox_messages (id, purpose, report_id, channel, status, max_attempts,
           available_at, created_at, created_by)
         SELECT i.ack_id, 'reporter-acknowledgement', i.id, i.ack_channel, i.ack_status,
                i.ack_max_attempts, i.ack_available_at, i.received_at, i.actor
           FROM input i JOIN report r ON r.id = i.id
          WHERE i.ack_id IS NOT NULL
       )
       SELECT id FROM report`

/** CTEs `report` and `audit`: the input rows whose id the CTE `claimed` returned as report_id. */
export function insertReportsClaimedBy(claimed: string): string {
  return `report AS (
         INSERT INTO reports (
           id, reference, submission_key, received_at, source, source_site, audience,
           immediate_danger, concerns, still_happening, other_person_age, child_age,
           priority, priority_reasons, rules_version, deadline_at, queues, jurisdiction,
           key_id, wrapped_data_key, personal_ciphertext)
         SELECT i.id, i.reference, i.submission_key, i.received_at, i.source, i.source_site,
                i.audience, i.immediate_danger, i.concerns, i.still_happening,
                i.other_person_age, i.child_age, i.priority, i.priority_reasons,
                i.rules_version, i.deadline_at, i.queues, i.jurisdiction, i.key_id,
                decode(i.wrapped_data_key, 'base64'), decode(i.personal_ciphertext, 'base64')
           FROM input i JOIN ${claimed} c ON c.report_id = i.id
         RETURNING id
       ), audit AS (
         ${insertAuditEventsFrom(
           `SELECT i.received_at, i.actor, 'report.received', 'report', i.id::text, i.details
              FROM input i JOIN report r ON r.id = i.id`,
         )}
       ), ${storeIdentifiersFrom(
         `SELECT i.id AS report_id, i.received_at, i.identifiers
            FROM input i JOIN report r ON r.id = i.id`,
       )}`
}

/** A taken reference becomes the domain's error, so the caller can try another. */
export function asDomainError(error: unknown): unknown {
  return isUniqueViolation(error, 'reports_reference_unique')
    ? new DuplicateReferenceError()
    : error
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

/** A stored report's sealed answers, as intake sealed them; undefined if there is no such report. */
export async function findSealedAnswers(
  db: Queryable,
  id: string,
): Promise<(Sealed & { source: Source; reference: string }) | undefined> {
  const rows = await db.query<{
    key_id: string
    wrapped_data_key: Uint8Array
    personal_ciphertext: Uint8Array
    source: Source
    reference: string
  }>(
    `SELECT key_id, wrapped_data_key, personal_ciphertext, source, reference
       FROM reports WHERE id = $1`,
    [id],
  )
  const row = rows[0]
  if (!row) return undefined
  return {
    source: row.source,
    reference: row.reference,
    keyId: row.key_id,
    wrappedKey: Buffer.from(row.wrapped_data_key),
    ciphertext: Buffer.from(row.personal_ciphertext),
  }
}
