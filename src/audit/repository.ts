import type { Queryable } from '../db/db.js'

/** Who did what to which record. `details` must never hold personal data: references only. */
export interface AuditEvent {
  occurredAt: Date
  actor: string
  event: string
  subjectType: string
  subjectId: string
  details?: Record<string, string | number | boolean | null>
}

export async function recordAuditEvent(db: Queryable, event: AuditEvent): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (occurred_at, actor, event, subject_type, subject_id, details)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      event.occurredAt,
      event.actor,
      event.event,
      event.subjectType,
      event.subjectId,
      JSON.stringify(event.details ?? {}),
    ],
  )
}
