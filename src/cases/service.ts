import { randomUUID } from 'node:crypto'
import { localDateOf } from '../triage/calendar.js'
import type { AuditTrail } from '../audit/trail.js'
import type { Envelope, Sealed } from '../crypto/envelope.js'
import type { Db, Queryable } from '../db/db.js'
import type { Viewer } from '../queue/service.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { messagesOfCase } from '../outbox/repository.js'
import { referralsOfCase } from '../referrals/repository.js'
import { legalHoldsOfCase } from '../queue/report-changes.js'
import {
  deliveryEvents,
  legalHoldEvent,
  LEGAL_HOLD_EVENTS,
  MESSAGE_EVENTS,
  REFERRAL_EVENTS,
} from './deliveries.js'
import * as repository from './repository.js'
import type { EventDetails, StoredCase } from './repository.js'
import {
  FAILED_OUTCOMES,
  formatCaseNumber,
  parseClosureDecision,
  parseClosureRequest,
  parseContact,
  parseLink,
  parseNote,
  parsePlan,
  parseReason,
  parseReassignment,
  parseCaseChoice,
  parseReportReference,
  parseStatusChange,
  parseTask,
  type CaseListFilters,
  type CaseStatus,
  type PlanContent,
  type TimelineKind,
} from './validation.js'

export interface CaseServiceDeps {
  db: Db
  envelope: Envelope
  now: () => Date
  /** Failed contact attempts in a row that raise a task for a supervisor. */
  failedContactsBeforeTask: number
  /** The office's IANA time zone: "today" for due dates, and the clock contact times are typed on. */
  timeZone: string
}

/** Why a case could not be opened or changed; each becomes a page of its own. */
export type CaseRefusal =
  | { ok: false; code: 'CASE_NOT_FOUND' }
  /** Closed or merged: only a supervisor's reopening changes it. */
  | { ok: false; code: 'CASE_ENDED'; status: CaseStatus }
  /** Reopening: only a closed case (a merged one lives on in the case it joined). */
  | { ok: false; code: 'NOT_CLOSED'; status: CaseStatus }
  | { ok: false; code: 'NOT_OWNER'; owner: string }
  | { ok: false; code: 'CLOSURE_WAITING' }
  | { ok: false; code: 'NO_CLOSURE_WAITING' }
  /** Four eyes: the person who asked to close a case does not approve it. */
  | { ok: false; code: 'OWN_REQUEST' }
  | { ok: false; code: 'INVALID'; errors: FieldErrors }

export type CaseOutcome<T = object> = ({ ok: true } & T) | CaseRefusal

/** Which event kinds each timeline filter shows. */
export const TIMELINE_EVENTS: Record<TimelineKind, readonly string[]> = {
  contacts: ['contact'],
  notes: ['note'],
  plan: ['plan-saved'],
  tasks: ['task-added', 'task-done', 'task-raised'],
  status: [
    'opened',
    'status-changed',
    'reassigned',
    'closure-requested',
    'closure-returned',
    'closure-approved',
    'reopened',
  ],
  reports: [
    'report-added',
    'report-moved-in',
    'report-moved-out',
    'linked',
    'merged-in',
    'merged-into',
    ...LEGAL_HOLD_EVENTS,
  ],
  referrals: REFERRAL_EVENTS,
  messages: MESSAGE_EVENTS,
}

const ENDED: readonly CaseStatus[] = ['closed', 'merged']
const caseSubject = (id: string) => ({ type: 'case', id })
const invalid = (errors: FieldErrors) => ({ ok: false, code: 'INVALID', errors }) as const

/**
 * The advisor's workspace for a case. Each view or change writes one audit event, through the
 * request's audit trail, in the transaction that reads or writes; each change also writes the
 * case's own timeline. The routes' permissions say who may do what; this says to which case
 * and when (not to an ended case; closure asked by its owner, decided by another supervisor).
 */
export function caseService(deps: CaseServiceDeps) {
  const { db, envelope, now } = deps
  const today = () => localDateOf(now(), deps.timeZone)

  const seal = (plain: string, what: string, id: string) => envelope.seal(plain, `${what}:${id}`)
  const open = (sealed: Sealed, what: string, id: string) => envelope.open(sealed, `${what}:${id}`)

  async function event(
    tx: Queryable,
    caseId: string,
    viewer: Viewer | { id: string },
    kind: string,
    details: EventDetails = {},
    text?: string,
  ) {
    const id = randomUUID()
    await repository.insertEvent(tx, {
      id,
      caseId,
      at: now(),
      actor: viewer.id,
      kind,
      details,
      ...(text ? { text: seal(text, 'case-event', id) } : {}),
    })
  }

  /** Loads and locks a case for a change; an ended case is refused. */
  async function lockWorking(
    tx: Queryable,
    caseId: string,
  ): Promise<CaseOutcome<{ found: StoredCase }>> {
    const found = await repository.findCase(tx, caseId, { forUpdate: true })
    if (!found) return { ok: false, code: 'CASE_NOT_FOUND' }
    if (ENDED.includes(found.status)) return { ok: false, code: 'CASE_ENDED', status: found.status }
    return { ok: true, found }
  }

  /**
   * One change to a working case: lock it, run `work`, record the audit event with the case's
   * number. `work` returns a refusal (nothing is recorded) or the details to audit.
   */
  async function change<T extends object>(
    audit: AuditTrail,
    caseId: string,
    work: (tx: Queryable, found: StoredCase) => Promise<CaseOutcome<T & { audit?: EventDetails }>>,
  ): Promise<CaseOutcome<T>> {
    return db.transaction(async (tx) => {
      const locked = await lockWorking(tx, caseId)
      if (!locked.ok) return locked
      const done = await work(tx, locked.found)
      if (!done.ok) return done
      const { audit: details, ...outcome } = done
      await audit.record(tx, caseSubject(caseId), {
        details: { number: locked.found.number, ...(details ?? {}) },
      })
      return outcome
    })
  }

  function openPlan(version: repository.StoredPlanVersion) {
    return {
      version: version.version,
      savedAt: version.savedAt,
      savedBy: version.savedBy,
      ...(JSON.parse(open(version.sealed, 'case-plan', version.id)) as PlanContent),
    }
  }

  function openTask(task: repository.StoredTask) {
    const { title, ...rest } = task
    return { ...rest, title: open(title, 'case-task', task.id) }
  }

  function openContact(contact: repository.StoredContact) {
    const { sealed, ...rest } = contact
    return {
      ...rest,
      ...(JSON.parse(open(sealed, 'case-contact', contact.id)) as {
        withWhom: string
        note: string
      }),
    }
  }

  async function raiseTaskAfterFailures(tx: Queryable, caseId: string, by: Viewer) {
    const n = deps.failedContactsBeforeTask
    const latest = await repository.latestOutcomes(tx, caseId, n)
    const failedInARow = latest.length === n && latest.every((o) => FAILED_OUTCOMES.includes(o))
    if (!failedInARow || (await repository.hasOpenTaskOfKind(tx, caseId, 'failed-contacts')))
      return false
    const id = randomUUID()
    await repository.insertTask(tx, {
      id,
      caseId,
      kind: 'failed-contacts',
      owner: null,
      forRole: 'supervisor',
      due: today(),
      createdAt: now(),
      createdBy: by.id,
      title: seal(
        `${n} attempts in a row to reach the reporter have failed: decide the next step`,
        'case-task',
        id,
      ),
    })
    await event(tx, caseId, by, 'task-raised', { taskId: id, failed: n })
    return true
  }

  return {
    /** The case list, read at one instant; who sees it is the route's permission. */
    async list(audit: AuditTrail, filters: CaseListFilters, viewer: Viewer) {
      return db.transaction(async (tx) => {
        const rows = await repository.listCases(tx, filters, viewer.id, today())
        await audit.record(
          tx,
          { type: 'cases', id: filters.whose },
          { details: { shown: rows.length, statuses: filters.statuses.join(' ') } },
        )
        return { rows, today: today() }
      })
    },

    /** Tasks still to do that are the person's, or any supervisor's for a supervisor. */
    async myTasks(audit: AuditTrail, viewer: Viewer) {
      return db.transaction(async (tx) => {
        const tasks = await repository.openTasksFor(tx, viewer.id, viewer.roles)
        await audit.record(
          tx,
          { type: 'tasks', id: viewer.id },
          { details: { shown: tasks.length } },
        )
        return { tasks: tasks.map(openTask), today: today() }
      })
    },

    /** A case without anything sealed: for blank forms, which are not audited. */
    async caseForForm(caseId: string) {
      return repository.findCase(db, caseId)
    },

    /** The case each report is in now (for reports linked to a case's reports). */
    casesOfReports: (reportIds: readonly string[]) => repository.casesOfReports(db, reportIds),

    /** One of the case's reports, by reference only: for the form that moves it. */
    async reportInCase(caseId: string, reportId: string) {
      const reports = await repository.reportsOf(db, caseId)
      const report = reports.find((r) => r.id === reportId)
      return report && { id: report.id, reference: report.reference }
    },

    /** Opens a whole case: its reports, contact log, plan, tasks, closure, links. */
    async openCase(audit: AuditTrail, caseId: string) {
      return db.transaction(async (tx) => {
        const found = await repository.findCase(tx, caseId)
        if (!found) return undefined
        const [reports, contacts, tasks, versions, closures, links, returned] = await Promise.all([
          repository.reportsOf(tx, caseId),
          repository.contactsOf(tx, caseId),
          repository.tasksOf(tx, caseId),
          repository.planVersionsOf(tx, caseId),
          repository.closuresOf(tx, caseId),
          repository.linkedCasesOf(tx, caseId),
          repository.eventsOf(tx, caseId, ['closure-returned']),
        ])
        const lastReturned = returned[0]
        const mergedInto = found.mergedInto
          ? await repository.findCase(tx, found.mergedInto)
          : undefined
        const referrals = await referralsOfCase(tx, caseId)
        await audit.record(tx, caseSubject(caseId), { details: { number: found.number } })
        const latest = versions.at(-1)
        return {
          found,
          reports,
          contacts: contacts.map(openContact),
          tasks: tasks.map(openTask),
          plan: latest && openPlan(latest),
          closures: closures.map(({ summary, ...c }) => ({
            ...c,
            summary: open(summary, 'case-closure', c.id),
          })),
          links,
          mergedInto,
          /** Which agencies it was referred to and where each referral is; no reasons. */
          referrals,
          /** Why the last closure request was sent back, for the owner to see at once. */
          sentBack: lastReturned && {
            at: lastReturned.at,
            by: lastReturned.actor,
            reason: lastReturned.text ? open(lastReturned.text, 'case-event', lastReturned.id) : '',
          },
          today: today(),
        }
      })
    },

    /** The timeline, newest first, of one kind of event or all, every sealed text opened. */
    async timeline(audit: AuditTrail, caseId: string, kind: TimelineKind | undefined) {
      return db.transaction(async (tx) => {
        const found = await repository.findCase(tx, caseId)
        if (!found) return undefined
        const kinds = kind ? TIMELINE_EVENTS[kind] : undefined
        const [stored, contacts, tasks, referrals, messages, holds] = await Promise.all([
          repository.eventsOf(tx, caseId, kinds),
          repository.contactsOf(tx, caseId),
          repository.tasksOf(tx, caseId),
          referralsOfCase(tx, caseId),
          messagesOfCase(tx, caseId),
          legalHoldsOfCase(tx, caseId),
        ])
        const shown = (e: { kind: string }) => !kinds || kinds.includes(e.kind)
        // Newest first; at the same instant, what was stored before what was derived.
        const events = [
          ...stored.map(({ text, ...e }) => ({
            ...e,
            text: text ? open(text, 'case-event', e.id) : null,
          })),
          ...deliveryEvents(referrals, messages)
            .filter(shown)
            .map((e) => ({ ...e, caseId, text: null })),
          ...holds
            .map((h) => ({ ...legalHoldEvent(h), caseId }))
            .filter(shown)
            .map(({ reason, ...e }) => ({ ...e, text: open(reason, 'report-change', e.id) })),
        ].sort((a, b) => b.at.getTime() - a.at.getTime())
        await audit.record(tx, caseSubject(caseId), {
          details: { number: found.number, kind: kind ?? 'all' },
        })
        return {
          found,
          events,
          contacts: new Map(contacts.map((c) => [c.id, openContact(c)])),
          tasks: new Map(tasks.map((t) => [t.id, openTask(t)])),
        }
      })
    },

    /** Every version of the safeguarding plan, oldest first. */
    async planHistory(audit: AuditTrail, caseId: string) {
      return db.transaction(async (tx) => {
        const found = await repository.findCase(tx, caseId)
        if (!found) return undefined
        const versions = await repository.planVersionsOf(tx, caseId)
        await audit.record(tx, caseSubject(caseId), {
          details: { number: found.number, versions: versions.length },
        })
        return { found, versions: versions.map(openPlan), today: today() }
      })
    },

    recordContact(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody) {
      return change<{ escalated: boolean }>(audit, caseId, async (tx) => {
        const parsed = parseContact(body, now(), deps.timeZone)
        if (!parsed.ok) return invalid(parsed.errors)
        const { method, outcome, withWhom, happenedAt, note } = parsed.value
        const id = randomUUID()
        await repository.insertContact(tx, caseId, {
          id,
          happenedAt,
          recordedAt: now(),
          recordedBy: viewer.id,
          method,
          outcome,
          sealed: seal(JSON.stringify({ withWhom, note }), 'case-contact', id),
        })
        await event(tx, caseId, viewer, 'contact', { contactId: id, method, outcome })
        const escalated = await raiseTaskAfterFailures(tx, caseId, viewer)
        return { ok: true, escalated, audit: { method, outcome, escalated } }
      })
    },

    addNote(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody) {
      return change<object>(audit, caseId, async (tx) => {
        const parsed = parseNote(body)
        if (!parsed.ok) return invalid(parsed.errors)
        await event(tx, caseId, viewer, 'note', {}, parsed.value.note)
        return { ok: true }
      })
    },

    /** Saves the plan as a new version; the earlier versions are kept as they were. */
    savePlan(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody, rows: number) {
      return change<{ version: number }>(audit, caseId, async (tx) => {
        const parsed = parsePlan(body, rows, today(), randomUUID)
        if (!parsed.ok) return invalid(parsed.errors)
        const version = (await repository.latestPlanVersion(tx, caseId)) + 1
        const id = randomUUID()
        await repository.insertPlanVersion(tx, caseId, {
          id,
          version,
          savedAt: now(),
          savedBy: viewer.id,
          reviewOn: parsed.value.reviewOn,
          sealed: seal(JSON.stringify(parsed.value), 'case-plan', id),
        })
        await event(tx, caseId, viewer, 'plan-saved', {
          version,
          actions: parsed.value.actions.length,
          reviewOn: parsed.value.reviewOn,
        })
        return { ok: true, version, audit: { version } }
      })
    },

    /** The latest plan, for its form: sealed, so opening the form is audited. */
    async planForForm(audit: AuditTrail, caseId: string) {
      return db.transaction(async (tx) => {
        const found = await repository.findCase(tx, caseId)
        if (!found) return undefined
        const versions = await repository.planVersionsOf(tx, caseId)
        const latest = versions.at(-1)
        await audit.record(tx, caseSubject(caseId), {
          details: { number: found.number, version: latest?.version ?? 0 },
        })
        return { found, plan: latest && openPlan(latest), today: today() }
      })
    },

    addTask(
      audit: AuditTrail,
      caseId: string,
      viewer: Viewer,
      body: FormBody,
      owners: readonly string[],
    ) {
      return change<object>(audit, caseId, async (tx) => {
        const parsed = parseTask(body, owners, today())
        if (!parsed.ok) return invalid(parsed.errors)
        const id = randomUUID()
        await repository.insertTask(tx, {
          id,
          caseId,
          kind: 'task',
          owner: parsed.value.owner,
          forRole: null,
          due: parsed.value.due,
          createdAt: now(),
          createdBy: viewer.id,
          title: seal(parsed.value.title, 'case-task', id),
        })
        await event(tx, caseId, viewer, 'task-added', {
          taskId: id,
          owner: parsed.value.owner,
          due: parsed.value.due,
        })
        return { ok: true, audit: { task: id } }
      })
    },

    completeTask(audit: AuditTrail, caseId: string, taskId: string, viewer: Viewer) {
      return change<object>(audit, caseId, async (tx) => {
        const task = await repository.findTask(tx, caseId, taskId)
        if (!task) return { ok: false, code: 'CASE_NOT_FOUND' } as const
        if (task.doneAt) return invalid({ task: 'That task is already done' })
        await repository.completeTask(tx, taskId, now(), viewer.id)
        await event(tx, caseId, viewer, 'task-done', { taskId })
        return { ok: true, audit: { task: taskId } }
      })
    },

    changeStatus(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody) {
      return change<object>(audit, caseId, async (tx, found) => {
        const parsed = parseStatusChange(body, found.status)
        if (!parsed.ok) return invalid(parsed.errors)
        await repository.setStatus(tx, caseId, parsed.value.status)
        await event(tx, caseId, viewer, 'status-changed', {
          from: found.status,
          to: parsed.value.status,
        })
        return { ok: true, audit: { from: found.status, to: parsed.value.status } }
      })
    },

    /** A supervisor gives the case to someone else, with a reason. */
    reassign(
      audit: AuditTrail,
      caseId: string,
      viewer: Viewer,
      body: FormBody,
      staffIds: readonly string[],
    ) {
      return change<object>(audit, caseId, async (tx, found) => {
        const parsed = parseReassignment(body, staffIds, found.owner)
        if (!parsed.ok) return invalid(parsed.errors)
        await repository.setOwner(tx, caseId, parsed.value.owner)
        await event(
          tx,
          caseId,
          viewer,
          'reassigned',
          { from: found.owner, to: parsed.value.owner },
          parsed.value.reason,
        )
        return { ok: true, audit: { from: found.owner, to: parsed.value.owner } }
      })
    },

    /** The owner asks to close the case, with an outcome and a summary. */
    requestClosure(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody) {
      return change<object>(audit, caseId, async (tx, found) => {
        if (found.owner !== viewer.id) return { ok: false, code: 'NOT_OWNER', owner: found.owner }
        const closures = await repository.closuresOf(tx, caseId)
        if (closures.some((c) => c.decision === null)) return { ok: false, code: 'CLOSURE_WAITING' }
        const parsed = parseClosureRequest(body)
        if (!parsed.ok) return invalid(parsed.errors)
        const id = randomUUID()
        await repository.insertClosure(tx, caseId, {
          id,
          requestedAt: now(),
          requestedBy: viewer.id,
          outcome: parsed.value.outcome,
          summary: seal(parsed.value.summary, 'case-closure', id),
        })
        await event(tx, caseId, viewer, 'closure-requested', {
          closureId: id,
          outcome: parsed.value.outcome,
        })
        return { ok: true, audit: { outcome: parsed.value.outcome } }
      })
    },

    /** A supervisor closes the case, or sends the request back with a reason. */
    decideClosure(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody) {
      return change<{ decision: 'approved' | 'returned' }>(audit, caseId, async (tx) => {
        const waiting = (await repository.closuresOf(tx, caseId)).find((c) => c.decision === null)
        if (!waiting) return { ok: false, code: 'NO_CLOSURE_WAITING' }
        if (waiting.requestedBy === viewer.id) return { ok: false, code: 'OWN_REQUEST' }
        const parsed = parseClosureDecision(body)
        if (!parsed.ok) return invalid(parsed.errors)
        const { decision, reason } = parsed.value
        await repository.decideClosure(tx, waiting.id, decision, now(), viewer.id)
        if (decision === 'approved') await repository.setStatus(tx, caseId, 'closed')
        await event(
          tx,
          caseId,
          viewer,
          decision === 'approved' ? 'closure-approved' : 'closure-returned',
          { closureId: waiting.id, outcome: waiting.outcome },
          reason,
        )
        return { ok: true, decision, audit: { decision } }
      })
    },

    /** A supervisor reopens a closed case, with a reason. */
    async reopen(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody) {
      return db.transaction(async (tx): Promise<CaseOutcome> => {
        const found = await repository.findCase(tx, caseId, { forUpdate: true })
        if (!found) return { ok: false, code: 'CASE_NOT_FOUND' }
        if (found.status !== 'closed')
          return { ok: false, code: 'NOT_CLOSED', status: found.status }
        const parsed = parseReason(body, 'reopening the case')
        if (!parsed.ok) return invalid(parsed.errors)
        await repository.setStatus(tx, caseId, 'open')
        await event(tx, caseId, viewer, 'reopened', { from: 'closed' }, parsed.value.reason)
        await audit.record(tx, caseSubject(caseId), { details: { number: found.number } })
        return { ok: true }
      })
    },

    /** Adds a report that is in no case yet, by its reference, with a reason. */
    addReport(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody) {
      return change<object>(audit, caseId, async (tx) => {
        const parsed = parseReportReference(body)
        if (!parsed.ok) return invalid(parsed.errors)
        const report = await repository.findReportByReference(tx, parsed.value.reference)
        if (!report) return invalid({ reference: 'There is no report with that reference number' })
        if (report.caseId === caseId)
          return invalid({ reference: 'That report is in this case already' })
        if (report.caseId)
          return invalid({
            reference: 'That report is in another case: move it from that case instead',
          })
        await repository.addReport(tx, caseId, report.id, now(), viewer.id)
        await event(
          tx,
          caseId,
          viewer,
          'report-added',
          { reportId: report.id, reference: report.reference },
          parsed.value.reason,
        )
        return { ok: true, audit: { report: report.reference } }
      })
    },

    /** Moves one of the case's reports to another working case, with a reason. */
    moveReport(
      audit: AuditTrail,
      caseId: string,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
    ) {
      return change<{ to: string }>(audit, caseId, async (tx, found) => {
        const reports = await repository.reportsOf(tx, caseId)
        const report = reports.find((r) => r.id === reportId)
        if (!report) return { ok: false, code: 'CASE_NOT_FOUND' }
        const parsed = parseCaseChoice(body, 'moving the report')
        if (!parsed.ok) return invalid(parsed.errors)
        const target = await otherWorkingCase(tx, found, parsed.value.number)
        if ('errors' in target) return invalid(target.errors)
        if (reports.length === 1)
          return invalid({ caseNumber: 'This is the case’s only report: merge the cases instead' })
        await repository.moveReports(tx, [reportId], target.id, now(), viewer.id)
        const about = { reportId, reference: report.reference }
        const reason = parsed.value.reason
        await event(
          tx,
          caseId,
          viewer,
          'report-moved-out',
          { ...about, otherCaseId: target.id, otherNumber: target.number },
          reason,
        )
        await event(
          tx,
          target.id,
          viewer,
          'report-moved-in',
          { ...about, otherCaseId: found.id, otherNumber: found.number },
          reason,
        )
        return { ok: true, to: target.id, audit: { report: report.reference, to: target.number } }
      })
    },

    /**
     * Links this case with another (both stay open), or merges it into the other: its reports
     * and open tasks move there and it ends as "merged". Shown on both timelines.
     */
    linkOrMerge(audit: AuditTrail, caseId: string, viewer: Viewer, body: FormBody) {
      return change<{ merged: boolean; other: string }>(audit, caseId, async (tx, found) => {
        const parsed = parseLink(body)
        if (!parsed.ok) return invalid(parsed.errors)
        const target = await otherWorkingCase(tx, found, parsed.value.number)
        if ('errors' in target) return invalid(target.errors)
        const { reason, merge } = parsed.value
        const here = { otherCaseId: target.id, otherNumber: target.number }
        const there = { otherCaseId: found.id, otherNumber: found.number }
        if (merge) {
          const reports = await repository.reportsOf(tx, caseId)
          await repository.moveReports(
            tx,
            reports.map((r) => r.id),
            target.id,
            now(),
            viewer.id,
          )
          await tx.query(
            'UPDATE case_tasks SET case_id = $2 WHERE case_id = $1 AND done_at IS NULL',
            [caseId, target.id],
          )
          await repository.markMerged(tx, caseId, target.id)
          await event(
            tx,
            caseId,
            viewer,
            'merged-into',
            { ...here, reports: reports.length },
            reason,
          )
          await event(
            tx,
            target.id,
            viewer,
            'merged-in',
            { ...there, reports: reports.length },
            reason,
          )
        } else {
          await repository.insertLink(tx, caseId, target.id, now(), viewer.id)
          await event(tx, caseId, viewer, 'linked', here, reason)
          await event(tx, target.id, viewer, 'linked', there, reason)
        }
        return {
          ok: true,
          merged: merge,
          other: target.id,
          audit: { other: target.number, merged: merge },
        }
      })
    },
  }

  async function otherWorkingCase(
    tx: Queryable,
    found: StoredCase,
    number: number,
  ): Promise<StoredCase | { errors: FieldErrors }> {
    const named = await repository.findCaseByNumber(tx, number)
    // Locked too, so the other case cannot end while this change moves things into it.
    const target = named && (await repository.findCase(tx, named.id, { forUpdate: true }))
    if (!target) return { errors: { caseNumber: `There is no case ${formatCaseNumber(number)}` } }
    if (target.id === found.id)
      return { errors: { caseNumber: 'Enter the number of another case, not this one' } }
    if (ENDED.includes(target.status))
      return {
        errors: {
          caseNumber: `Case ${formatCaseNumber(number)} has ended (${target.status}): ask a supervisor to reopen it first`,
        },
      }
    return target
  }
}

export type CaseService = ReturnType<typeof caseService>
