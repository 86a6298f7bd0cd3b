import { randomUUID } from 'node:crypto'
import type { AuditTrail } from '../audit/trail.js'
import type { Envelope } from '../crypto/envelope.js'
import type { Db, Queryable } from '../db/db.js'
import type { JurisdictionDirectory } from '../jurisdictions/directory.js'
import type { ReportAnswers } from '../reports/answers.js'
import type { Priority } from '../reports/model.js'
import type { Role } from '../staff/permissions.js'
import { queuesOf } from '../staff/permissions.js'
import type { OfficeCalendar } from '../triage/calendar.js'
import { deadlineFor, type DeadlinePolicy } from '../triage/deadlines.js'
import { queuesFor } from '../triage/queues.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { queueClock, queuesAtClock, type QueuedReport } from './membership.js'
import * as changes from './report-changes.js'
import * as repository from './repository.js'
import type { QueueFilters, QueuePage, ReportStatus, StoredReport } from './repository.js'
import {
  parseJurisdictionCorrection,
  parsePriorityCorrection,
  parseReassignment,
  parseReason,
  parseReopening,
} from './validation.js'

export interface QueueServiceDeps {
  db: Db
  envelope: Envelope
  calendar: OfficeCalendar
  deadlines: DeadlinePolicy
  jurisdictions: JurisdictionDirectory
  now: () => Date
}

export const QUEUE_PAGE_SIZE = 50

/** The member of staff asking: who they are and the roles that decide which queues they work. */
export interface Viewer {
  id: string
  roles: readonly Role[]
}

export interface QueueView extends QueuePage {
  counts: Record<Priority, number>
  /** The instant the queue was read at, for "time left" and "overdue by". */
  at: Date
}

/** Why a report could not be opened or changed; each becomes a page of its own. */
export type Refusal =
  | { ok: false; code: 'REPORT_NOT_FOUND' }
  /** Outside every queue the person works: refused and recorded like a forbidden route. */
  | { ok: false; code: 'NOT_IN_YOUR_QUEUES' }
  /** Changes need the report open by the person making them, so two people never collide. */
  | { ok: false; code: 'NOT_YOURS'; claimedBy: string | null }
  | { ok: false; code: 'WRONG_STATUS'; status: ReportStatus }
  | { ok: false; code: 'INVALID'; errors: FieldErrors }

export type Outcome<T = object> = ({ ok: true } & T) | Refusal

/** A report as it stands, with everything staff changed about it, reasons decrypted. */
export interface ReportChange {
  id: string
  changedAt: Date
  changedBy: string
  kind: changes.ChangeKind
  from: unknown
  to: unknown
  reason: string
}

export interface OpenedReport {
  report: Omit<StoredReport, 'sealed'>
  answers: ReportAnswers
  /** What opening did to the claim: took it, found it already theirs, or found it held. */
  claim: 'claimed' | 'already-yours' | 'held-by-other'
  changes: ReportChange[]
  /** Who opened it, when: the audit trail's `report.viewed` events, newest first. */
  viewings: { actor: string; at: Date }[]
}

const reportSubject = (id: string) => ({ type: 'report', id })

/**
 * The triage queue as staff use it. Each view or change of a report writes exactly one audit
 * event, through the request's audit trail, in the transaction that makes it, so no change goes
 * unrecorded and no record describes a change that did not happen. The routes' permissions say
 * who may do what; this says which reports: those in a queue the person works.
 */
export function queueService(deps: QueueServiceDeps) {
  const { db, envelope, calendar, now } = deps

  const mayOpen = (viewer: Viewer, report: QueuedReport, at: Date): boolean => {
    const theirs = queuesOf(viewer.roles)
    return queuesAtClock(report, queueClock(at, calendar)).some((q) => theirs.includes(q))
  }

  /**
   * Loads and locks a report for a change by `viewer`, checking it is in their queues, in one
   * of `statuses`, and (unless `anyClaim`) open by them. A refusal to see it is audited.
   */
  async function lockForChange(
    tx: Queryable,
    audit: AuditTrail,
    reportId: string,
    viewer: Viewer,
    rule: { statuses: readonly ReportStatus[]; anyClaim?: boolean },
  ): Promise<Outcome<{ report: StoredReport }>> {
    const report = await repository.findReport(tx, reportId, { forUpdate: true })
    if (!report) return { ok: false, code: 'REPORT_NOT_FOUND' }
    if (!mayOpen(viewer, report, now())) {
      await audit.recordAs(tx, 'access.refused', reportSubject(reportId), {
        details: { reference: report.reference },
      })
      return { ok: false, code: 'NOT_IN_YOUR_QUEUES' }
    }
    if (!rule.statuses.includes(report.status))
      return { ok: false, code: 'WRONG_STATUS', status: report.status }
    if (!rule.anyClaim && report.claimedBy !== viewer.id)
      return { ok: false, code: 'NOT_YOURS', claimedBy: report.claimedBy }
    return { ok: true, report }
  }

  const sealReason = (reason: string, changeId: string) =>
    envelope.seal(reason, `report-change:${changeId}`)

  async function recordChange(
    tx: Queryable,
    report: StoredReport,
    viewer: Viewer,
    change: { kind: changes.ChangeKind; from: unknown; to: unknown; reason: string },
  ) {
    const id = randomUUID()
    await changes.insertChange(tx, {
      id,
      reportId: report.id,
      changedAt: now(),
      changedBy: viewer.id,
      kind: change.kind,
      from: change.from,
      to: change.to,
      reason: sealReason(change.reason, id),
    })
  }

  return {
    mayOpen,
    lockForChange,

    /** One page of a queue and the counts per priority, all at one instant. */
    async list(
      audit: AuditTrail,
      filters: QueueFilters,
      page: { after?: string | undefined; size?: number } = {},
    ): Promise<QueueView> {
      const at = now()
      const clock = queueClock(at, calendar)
      const size = page.size ?? QUEUE_PAGE_SIZE
      return db.transaction(async (tx) => {
        const found = await repository.listQueue(tx, filters, clock, { after: page.after, size })
        const counts = await repository.countByPriority(tx, filters, clock)
        await audit.record(
          tx,
          { type: 'queue', id: filters.queue },
          { details: { shown: found.rows.length } },
        )
        return { ...found, counts, at }
      })
    },

    /** P1 reports nobody has opened by their deadline, for the alert on every staff page. */
    unopenedOverdueP1: (limit?: number) => repository.findUnopenedOverdueP1(db, now(), limit),

    /**
     * Opens a report for `viewer`: claims it if nobody has it open, and records the view.
     * Opening by someone who does not work its queue is refused and recorded as such. A report
     * opened from another report's links (`linkedFrom`, checked by the caller) says so in the
     * record of the view.
     */
    async openReport(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      via: { linkedFrom?: string } = {},
    ): Promise<Outcome<OpenedReport>> {
      return db.transaction(async (tx): Promise<Outcome<OpenedReport>> => {
        const locked = await lockForChange(tx, audit, reportId, viewer, {
          statuses: repository.REPORT_STATUSES,
          anyClaim: true,
        })
        if (!locked.ok) return locked
        const found = locked.report
        const at = now()
        let claim: OpenedReport['claim']
        let report: StoredReport = found
        // A decided report is read, not worked: nobody claims it by opening it.
        const claimable = found.status === 'new'
        await repository.recordOpening(tx, reportId, claimable ? viewer.id : null, at)
        if (found.claimedBy === null && claimable) {
          report = { ...found, claimedBy: viewer.id, claimedAt: at }
          claim = 'claimed'
        } else {
          claim = found.claimedBy === viewer.id ? 'already-yours' : 'held-by-other'
        }
        const viewings = await repository.viewingsOf(tx, reportId)
        await audit.record(tx, reportSubject(reportId), {
          details: {
            reference: found.reference,
            claim,
            ...(via.linkedFrom ? { via: 'linked-report', linkedFrom: via.linkedFrom } : {}),
          },
        })
        const stored = await changes.changesOf(tx, reportId)
        const answers = JSON.parse(
          envelope.open(report.sealed, `report:${reportId}`),
        ) as ReportAnswers
        return {
          ok: true,
          report: withoutSealed(report),
          answers,
          claim,
          viewings: [{ actor: `staff:${viewer.id}`, at }, ...viewings],
          changes: stored.map(({ reason, ...change }) => ({
            ...change,
            reason: envelope.open(reason, `report-change:${change.id}`),
          })),
        }
      })
    },

    /** The report's triage and status, without its personal data: for the action pages. */
    async reportForAction(reportId: string, viewer: Viewer) {
      const report = await repository.findReport(db, reportId)
      if (!report || !mayOpen(viewer, report, now())) return undefined
      return withoutSealed(report)
    },

    /** Gives the report back to the queue; only the person who has it open can. */
    async releaseReport(audit: AuditTrail, reportId: string, viewer: Viewer): Promise<Outcome> {
      return db.transaction(async (tx) => {
        const locked = await lockForChange(tx, audit, reportId, viewer, {
          statuses: repository.REPORT_STATUSES,
        })
        if (!locked.ok) return locked
        await repository.setClaim(tx, reportId, null, now())
        await audit.record(tx, reportSubject(reportId), {
          details: { reference: locked.report.reference },
        })
        return { ok: true }
      })
    },

    /**
     * A supervisor gives the report to someone else, whoever had it open. `staffIds` are the
     * people who may be given it (active, working one of its queues).
     */
    async reassignReport(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
      staffIds: readonly string[],
    ): Promise<Outcome<{ to: string }>> {
      const parsed = parseReassignment(body, staffIds)
      if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
      return db.transaction(async (tx) => {
        const locked = await lockForChange(tx, audit, reportId, viewer, {
          statuses: ['new'],
          anyClaim: true,
        })
        if (!locked.ok) return locked
        const to = parsed.value.staffId
        await repository.setClaim(tx, reportId, to, now())
        await audit.record(tx, reportSubject(reportId), {
          details: { reference: locked.report.reference, from: locked.report.claimedBy, to },
        })
        return { ok: true, to }
      })
    },

    /** A new priority, with a reason: the deadline and queues follow it. */
    async correctPriority(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
    ): Promise<Outcome> {
      return db.transaction(async (tx) => {
        const locked = await lockForChange(tx, audit, reportId, viewer, { statuses: ['new'] })
        if (!locked.ok) return locked
        const report = locked.report
        const parsed = parsePriorityCorrection(body, report.priority)
        if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
        const { priority, reason } = parsed.value
        await changes.setPriority(tx, reportId, {
          priority,
          deadlineAt: deadlineFor(priority, report.receivedAt, deps.deadlines, calendar),
          queues: queuesFor(priority, report.receivedAt, calendar),
        })
        await recordChange(tx, report, viewer, {
          kind: 'priority',
          from: report.priority,
          to: priority,
          reason,
        })
        await audit.record(tx, reportSubject(reportId), {
          details: { reference: report.reference, from: report.priority, to: priority },
        })
        return { ok: true }
      })
    },

    /** Where the child lives, chosen by council area, with a reason. */
    async correctJurisdiction(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
    ): Promise<Outcome> {
      const areas = await deps.jurisdictions.councilAreas()
      const parsed = parseJurisdictionCorrection(
        body,
        areas.map((a) => a.code),
      )
      // Resolved outside the transaction: the directory may read through the pool.
      const jurisdiction = parsed.ok
        ? await deps.jurisdictions.resolve({ councilAreaCode: parsed.value.councilAreaCode })
        : undefined
      return db.transaction(async (tx) => {
        const locked = await lockForChange(tx, audit, reportId, viewer, { statuses: ['new'] })
        if (!locked.ok) return locked
        if (!parsed.ok || !jurisdiction)
          return { ok: false, code: 'INVALID', errors: parsed.ok ? {} : parsed.errors }
        const report = locked.report
        const summary = (j: unknown) => summariseJurisdiction(j)
        await changes.setJurisdiction(tx, reportId, jurisdiction)
        await recordChange(tx, report, viewer, {
          kind: 'jurisdiction',
          from: summary(report.jurisdiction),
          to: summary(jurisdiction),
          reason: parsed.value.reason,
        })
        await audit.record(tx, reportSubject(reportId), {
          details: { reference: report.reference, to: parsed.value.councilAreaCode },
        })
        return { ok: true }
      })
    },

    /** A supervisor reopens a closed report, with a reason: it is waiting for a decision again. */
    async reopenReport(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
    ): Promise<Outcome> {
      const parsed = parseReopening(body)
      return db.transaction(async (tx) => {
        const locked = await lockForChange(tx, audit, reportId, viewer, {
          statuses: REOPENABLE,
          anyClaim: true,
        })
        if (!locked.ok) return locked
        if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
        const report = locked.report
        await changes.setStatus(tx, reportId, 'new')
        await repository.setClaim(tx, reportId, null, now())
        await recordChange(tx, report, viewer, {
          kind: 'reopened',
          from: report.status,
          to: 'new',
          reason: parsed.value.reason,
        })
        await audit.record(tx, reportSubject(reportId), {
          details: { reference: report.reference },
        })
        return { ok: true }
      })
    },

    /**
     * A supervisor places a legal hold (`hold`) or lifts it, with a reason, whatever the report's
     * status or who has it open: while it holds, the retention purge keeps the report and
     * everything that would go with it (src/retention/repository.ts holdOn).
     */
    async setLegalHold(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
      hold: boolean,
    ): Promise<Outcome> {
      const parsed = parseReason(body, hold ? 'placing a legal hold' : 'lifting the legal hold')
      return db.transaction(async (tx) => {
        const locked = await lockForChange(tx, audit, reportId, viewer, {
          statuses: repository.REPORT_STATUSES,
          anyClaim: true,
        })
        if (!locked.ok) return locked
        const report = locked.report
        if (!legalHoldChanges(report, hold))
          return { ok: false, code: 'INVALID', errors: { reason: legalHoldAlready(hold) } }
        if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
        const at = now()
        await changes.setLegalHold(tx, reportId, hold ? at : null)
        await recordChange(tx, report, viewer, {
          kind: hold ? 'legal-hold' : 'legal-hold-lifted',
          from: report.legalHoldSince,
          to: hold ? at : null,
          reason: parsed.value.reason,
        })
        await audit.record(tx, reportSubject(reportId), {
          details: { reference: report.reference },
        })
        return { ok: true }
      })
    },
  }
}

/** The statuses a supervisor can reopen a report from. */
export const REOPENABLE: readonly ReportStatus[] = ['closed']

/** Whether placing (`hold`) or lifting a legal hold changes the report as it stands. */
export const legalHoldChanges = (report: { legalHoldSince: Date | null }, hold: boolean) =>
  (report.legalHoldSince === null) === hold

/** A hold placed or lifted by someone else since the form was opened. */
const legalHoldAlready = (hold: boolean) =>
  hold
    ? 'A legal hold was placed on this report since you opened this page'
    : 'The legal hold on this report was lifted since you opened this page'

/** The names a jurisdiction change is shown by: the leading candidate's areas, or none. */
function summariseJurisdiction(value: unknown): {
  policeForce: string | null
  localAuthority: string | null
} {
  const j = value as {
    candidates?: { policeForce?: { name?: string }; localAuthority?: { name?: string } | null }[]
  }
  const first = j.candidates?.[0]
  return {
    policeForce: first?.policeForce?.name ?? null,
    localAuthority: first?.localAuthority?.name ?? null,
  }
}

export type QueueService = ReturnType<typeof queueService>

/** A report with its personal data left out, as every page but the opened report needs it. */
function withoutSealed(report: StoredReport): Omit<StoredReport, 'sealed'> {
  const clear: Partial<StoredReport> = { ...report }
  delete clear.sealed
  return clear as Omit<StoredReport, 'sealed'>
}
