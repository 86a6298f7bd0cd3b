import { recordAuditEvent } from '../audit/repository.js'
import type { Envelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import type { Priority } from '../reports/model.js'
import type { ReportAnswers } from '../reports/answers.js'
import type { OfficeCalendar } from '../triage/calendar.js'
import { queueClock } from './membership.js'
import * as repository from './repository.js'
import type { QueueFilters, QueuePage, StoredReport } from './repository.js'

export interface QueueServiceDeps {
  db: Db
  envelope: Envelope
  calendar: OfficeCalendar
  now: () => Date
}

export const QUEUE_PAGE_SIZE = 50

export interface QueueView extends QueuePage {
  counts: Record<Priority, number>
  /** The instant the queue was read at, for "time left" and "overdue by". */
  at: Date
}

/** A report opened by a member of staff: everything stored, the reporter's answers decrypted. */
export interface OpenedReport {
  report: Omit<StoredReport, 'sealed'>
  answers: ReportAnswers
  /** What opening did to the claim: took it, found it already theirs, or found it held. */
  claim: 'claimed' | 'already-yours' | 'held-by-other'
}

export type ReleaseOutcome = 'released' | 'not-yours' | 'not-found'
export type ReassignOutcome =
  { ok: true; from: string | null; to: string } | { ok: false; code: 'REPORT_NOT_FOUND' }

/**
 * The triage queue as staff use it. Each view or change of a report writes exactly one audit
 * event in the transaction that makes it, so no change goes unrecorded and no record describes
 * a change that did not happen. Who may do what is decided by the staff routes' permissions.
 */
export function queueService(deps: QueueServiceDeps) {
  const { db, envelope, calendar, now } = deps

  return {
    /** One page of a queue and the counts per priority, all at one instant. */
    async list(
      filters: QueueFilters,
      page: { after?: string | undefined; size?: number } = {},
    ): Promise<QueueView> {
      const at = now()
      const clock = queueClock(at, calendar)
      const size = page.size ?? QUEUE_PAGE_SIZE
      const [found, counts] = await Promise.all([
        repository.listQueue(db, filters, clock, { after: page.after, size }),
        repository.countByPriority(db, filters, clock),
      ])
      return { ...found, counts, at }
    },

    /** P1 reports nobody has opened by their deadline, for the alert on every staff page. */
    unopenedOverdueP1: (limit?: number) => repository.findUnopenedOverdueP1(db, now(), limit),

    /**
     * Opens a report for `staffId`: claims it if nobody has it open, and records the view
     * (`report.viewed`). Undefined when there is no such report (nothing is recorded).
     */
    async openReport(reportId: string, staffId: string): Promise<OpenedReport | undefined> {
      return db.transaction(async (tx) => {
        const found = await repository.findReport(tx, reportId, { forUpdate: true })
        if (!found) return undefined
        const at = now()
        let claim: OpenedReport['claim']
        let report: StoredReport = found
        await repository.recordOpening(tx, reportId, staffId, at)
        if (found.claimedBy === null) {
          report = { ...found, claimedBy: staffId, claimedAt: at }
          claim = 'claimed'
        } else {
          claim = found.claimedBy === staffId ? 'already-yours' : 'held-by-other'
        }
        await recordAuditEvent(tx, {
          occurredAt: at,
          actor: staffId,
          event: 'report.viewed',
          subjectType: 'report',
          subjectId: reportId,
          details: { reference: found.reference, claim },
        })
        const { sealed, ...clear } = report
        const answers = JSON.parse(envelope.open(sealed, `report:${reportId}`)) as ReportAnswers
        return { report: clear, answers, claim }
      })
    },

    /** Gives the report back to the queue; only the person who has it open can. */
    async releaseReport(reportId: string, staffId: string): Promise<ReleaseOutcome> {
      return db.transaction(async (tx) => {
        const claim = await repository.lockClaim(tx, reportId)
        if (!claim) return 'not-found'
        if (claim.claimedBy !== staffId) return 'not-yours'
        const at = now()
        await repository.setClaim(tx, reportId, null, at)
        await recordAuditEvent(tx, {
          occurredAt: at,
          actor: staffId,
          event: 'report.released',
          subjectType: 'report',
          subjectId: reportId,
        })
        return 'released'
      })
    },

    /** A supervisor gives the report to another member of staff, whoever had it open. */
    async reassignReport(
      reportId: string,
      supervisorId: string,
      toStaffId: string,
    ): Promise<ReassignOutcome> {
      return db.transaction(async (tx) => {
        const claim = await repository.lockClaim(tx, reportId)
        if (!claim) return { ok: false, code: 'REPORT_NOT_FOUND' } as const
        const at = now()
        await repository.setClaim(tx, reportId, toStaffId, at)
        await recordAuditEvent(tx, {
          occurredAt: at,
          actor: supervisorId,
          event: 'report.reassigned',
          subjectType: 'report',
          subjectId: reportId,
          details: { from: claim.claimedBy, to: toStaffId },
        })
        return { ok: true, from: claim.claimedBy, to: toStaffId } as const
      })
    },
  }
}

export type QueueService = ReturnType<typeof queueService>
