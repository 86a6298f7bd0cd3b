import type { Queryable } from '../db/db.js'

/**
 * The one writer of `audit_events`. Who (`actor`: `staff:<id>`, or `public:form` for intake),
 * did what (`event`, `noun.verbed`), to which record, when, from which address and why (the
 * reason the person gave, if any). `details` must never hold the personal data of a report:
 * references and ids only.
 */
export interface AuditEvent {
  occurredAt: Date
  actor: string
  event: string
  subjectType: string
  subjectId: string
  address?: string
  reason?: string
  details?: Record<string, string | number | boolean | null>
}

export const staffActor = (staffId: string): string => `staff:${staffId}`

const detailsOf = (event: AuditEvent) => ({
  ...event.details,
  ...(event.address ? { address: event.address } : {}),
  ...(event.reason ? { reason: event.reason } : {}),
})

const COLUMNS = 'occurred_at, actor, event, subject_type, subject_id, details'

export async function recordAuditEvent(db: Queryable, event: AuditEvent): Promise<void> {
  await db.query(`INSERT INTO audit_events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
    event.occurredAt,
    event.actor,
    event.event,
    event.subjectType,
    event.subjectId,
    JSON.stringify(detailsOf(event)),
  ])
}

/**
 * The audit module's INSERT for a statement that writes its audit rows together with other
 * rows (intake's one statement, ADR 0006). `select` must yield, in order: occurred_at, actor,
 * event, subject_type, subject_id, details.
 */
export function insertAuditEventsFrom(select: string): string {
  return `INSERT INTO audit_events (${COLUMNS}) ${select}`
}

export interface AuditFilter {
  actor?: string
  subjectId?: string
  event?: string
  from?: Date
  /** Exclusive. */
  to?: Date
}

export interface StoredAuditEvent {
  id: number
  occurredAt: Date
  actor: string
  event: string
  subjectType: string
  subjectId: string
  details: Record<string, unknown>
  sealed: boolean
}

/** The trail as auditors read it, newest first. */
export async function findAuditEvents(
  db: Queryable,
  filter: AuditFilter,
  page: { limit: number; offset: number },
): Promise<StoredAuditEvent[]> {
  const rows = await db.query<{
    id: number
    occurred_at: Date
    actor: string
    event: string
    subject_type: string
    subject_id: string
    details: Record<string, unknown>
    sealed: boolean
  }>(
    `SELECT id, occurred_at, actor, event, subject_type, subject_id, details,
            seal_seq IS NOT NULL AS sealed
       FROM audit_events
      WHERE ($1::text IS NULL OR actor = $1)
        AND ($2::text IS NULL OR subject_id = $2)
        AND ($3::text IS NULL OR event = $3)
        AND ($4::timestamptz IS NULL OR occurred_at >= $4)
        AND ($5::timestamptz IS NULL OR occurred_at < $5)
      ORDER BY occurred_at DESC, id DESC
      LIMIT $6 OFFSET $7`,
    [
      filter.actor ?? null,
      filter.subjectId ?? null,
      filter.event ?? null,
      filter.from ?? null,
      filter.to ?? null,
      page.limit,
      page.offset,
    ],
  )
  return rows.map((r) => ({
    id: r.id,
    occurredAt: r.occurred_at,
    actor: r.actor,
    event: r.event,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    details: r.details,
    sealed: r.sealed,
  }))
}

/** The events that have happened, for the auditors' filter. */
export async function auditEventNames(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ event: string }>(
    'SELECT DISTINCT event FROM audit_events ORDER BY event',
  )
  return rows.map((r) => r.event)
}
