import type { Queryable } from '../db/db.js'
import { recordAuditEvent } from './repository.js'

export interface AuditSubject {
  type: string
  id: string
}

export interface AuditExtra {
  details?: Record<string, string | number | boolean | null>
  /** Who, when it is not the signed-in person (someone signing in, identified by their email). */
  actor?: string
}

/**
 * What a staff request writes to the audit trail, inside the transaction of the read or write
 * it records. The route declared its event when it was registered; `record` writes that one,
 * `recordAs` another outcome of the same request (a failed sign-in, say).
 */
export interface AuditTrail {
  record(tx: Queryable, subject: AuditSubject, extra?: AuditExtra): Promise<void>
  recordAs(tx: Queryable, event: string, subject: AuditSubject, extra?: AuditExtra): Promise<void>
  /** Whether anything was recorded: a route that succeeds without doing so is a bug. */
  readonly recorded: boolean
}

export function auditTrail(context: {
  event: string
  actor: () => string
  address: string
  now: () => Date
  reason?: string
}): AuditTrail {
  let recorded = false
  const write = async (tx: Queryable, event: string, subject: AuditSubject, extra?: AuditExtra) => {
    await recordAuditEvent(tx, {
      occurredAt: context.now(),
      actor: extra?.actor ?? context.actor(),
      event,
      subjectType: subject.type,
      subjectId: subject.id,
      address: context.address,
      ...(context.reason ? { reason: context.reason } : {}),
      ...(extra?.details ? { details: extra.details } : {}),
    })
    recorded = true
  }
  return {
    record: (tx, subject, extra) => write(tx, context.event, subject, extra),
    recordAs: write,
    get recorded() {
      return recorded
    },
  }
}
