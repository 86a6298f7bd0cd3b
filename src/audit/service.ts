import type { Db } from '../db/db.js'
import { auditEventNames, findAuditEvents, type AuditFilter } from './repository.js'
import type { AuditTrail } from './trail.js'

export const PAGE_SIZE = 100
export const EXPORT_LIMIT = 50_000

/** Reading the trail is itself an event on the trail, written in the same transaction. */
export function auditReader(db: Db) {
  const filterDetails = (filter: AuditFilter) => ({
    actor: filter.actor ?? null,
    subjectId: filter.subjectId ?? null,
    event: filter.event ?? null,
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
  })
  return {
    async page(audit: AuditTrail, filter: AuditFilter, page: number) {
      return db.transaction(async (tx) => {
        const events = await findAuditEvents(tx, filter, {
          limit: PAGE_SIZE + 1,
          offset: (page - 1) * PAGE_SIZE,
        })
        await audit.record(
          tx,
          { type: 'audit-trail', id: 'search' },
          { details: { ...filterDetails(filter), page } },
        )
        return {
          events: events.slice(0, PAGE_SIZE),
          more: events.length > PAGE_SIZE,
          eventNames: await auditEventNames(tx),
        }
      })
    },

    async export(audit: AuditTrail, filter: AuditFilter) {
      return db.transaction(async (tx) => {
        const events = await findAuditEvents(tx, filter, { limit: EXPORT_LIMIT, offset: 0 })
        await audit.record(
          tx,
          { type: 'audit-trail', id: 'export' },
          { details: { ...filterDetails(filter), rows: events.length } },
        )
        return events
      })
    },
  }
}

export type AuditReader = ReturnType<typeof auditReader>
