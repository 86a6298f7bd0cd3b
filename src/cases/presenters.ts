import { linkGroups } from '../links/presenters.js'
import type { LinkRow } from '../links/repository.js'
import { REFERRAL_STATUS_LABELS } from '../queue/presenters.js'
import { PARTNER_ACTOR, SERVICE_ACTOR } from './deliveries.js'
import type { Viewer } from '../queue/service.js'
import { allows, type Permission } from '../staff/permissions.js'
import { staffPaths, type CaseAction } from '../web/paths.js'
import type { CaseListRow, StoredCase } from './repository.js'
import type { CaseService } from './service.js'
import {
  FAILED_OUTCOMES,
  formatCaseNumber,
  type ActionStatus,
  type CaseStatus,
  type ClosureOutcome,
  type ContactMethod,
  type ContactOutcome,
  type PlanAction,
  type PlanContent,
  type PlanOwner,
  type TimelineKind,
} from './validation.js'

/** How cases, their contacts, plans, tasks and timelines read on the page. Pure. */
export type People = ReadonlyMap<string, string>

export const STATUS_LABELS: Record<CaseStatus, string> = {
  open: 'Open',
  'contacting-reporter': 'Contacting the reporter',
  planning: 'Planning',
  referred: 'Referred',
  monitoring: 'Monitoring',
  closed: 'Closed',
  merged: 'Merged',
}

const STATUS_TAG: Record<CaseStatus, string> = {
  open: 'govuk-tag--blue',
  'contacting-reporter': 'govuk-tag--light-blue',
  planning: 'govuk-tag--purple',
  referred: 'govuk-tag--orange',
  monitoring: 'govuk-tag--turquoise',
  closed: 'govuk-tag--grey',
  merged: 'govuk-tag--grey',
}

export const statusTag = (status: CaseStatus) => ({
  text: STATUS_LABELS[status],
  classes: STATUS_TAG[status],
})

export const METHOD_LABELS: Record<ContactMethod, string> = {
  phone: 'Phone call',
  email: 'Email',
  sms: 'Text message (SMS)',
  letter: 'Letter',
}

export const OUTCOME_LABELS: Record<ContactOutcome, string> = {
  spoke: 'Spoke to them or heard back',
  'no-answer': 'No answer',
  voicemail: 'Left a voicemail or message',
  'wrong-number': 'Wrong number or address',
  declined: 'They declined to talk',
}

export const OWNER_LABELS: Record<PlanOwner, string> = {
  reporter: 'The reporter',
  parent: 'A parent or carer',
  school: 'The school',
  police: 'The police',
  'social-care': "Children's social care",
  agency: 'Us (the agency)',
}

export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  'to-do': 'To do',
  'in-progress': 'In progress',
  done: 'Done',
  'not-needed': 'No longer needed',
}

export const CLOSURE_OUTCOME_LABELS: Record<ClosureOutcome, string> = {
  safer: 'The plan is in place and the child is safer',
  referred: 'Referred: partner agencies are acting',
  'not-reachable': 'The reporter could not be reached',
  'no-further-action': 'No further action is needed',
}

export const TIMELINE_KIND_LABELS: Record<TimelineKind, string> = {
  contacts: 'Contacts',
  notes: 'Notes',
  plan: 'Safeguarding plan',
  tasks: 'Tasks',
  status: 'Status, owner and closure',
  reports: 'Reports and linked cases',
  referrals: 'Referrals',
  messages: 'Messages to the reporter',
}

export const nameOf = (people: People, id: string | null) =>
  id === null
    ? 'Any supervisor'
    : (people.get(id.replace(/^staff:/, '')) ?? 'Someone no longer listed')

/** "5 January 2027" from "2027-01-05". */
export function formatDay(iso: string): string {
  const date = new Date(`${iso}T00:00:00Z`)
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleDateString('en-GB', {
        timeZone: 'UTC',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
      })
}

/** A task's due date, said plainly, and whether it is overdue (to be shown in red). */
export function dueView(due: string, today: string, done: boolean) {
  const overdue = !done && due < today
  return {
    text: formatDay(due),
    overdue,
    tag: overdue
      ? { text: 'Overdue', classes: 'govuk-tag--red' }
      : !done && due === today
        ? { text: 'Due today', classes: 'govuk-tag--yellow' }
        : undefined,
  }
}

export const caseTitle = (c: Pick<StoredCase, 'number'>) => `Case ${formatCaseNumber(c.number)}`

export function caseListRows(rows: readonly CaseListRow[], people: People, today: string) {
  return rows.map((r) => ({
    href: staffPaths.case(r.id),
    number: formatCaseNumber(r.number),
    status: statusTag(r.status),
    closureWaiting: r.closureWaiting,
    owner: nameOf(people, r.owner),
    openedAt: r.openedAt,
    reports: r.reports,
    openTasks: r.openTasks,
    overdueTasks: r.overdueTasks,
    nextDue: r.nextDue ? dueView(r.nextDue, today, false) : undefined,
    areas: [...r.policeForces, ...r.localAuthorities].join(', ') || 'Not known',
  }))
}

const quote = (s: string) => `“${s}”`

/** What changed from one version of the plan to the next, in plain sentences. */
export function planChanges(before: PlanContent | undefined, after: PlanContent): string[] {
  if (!before)
    return [
      `First version: ${after.actions.length} ${after.actions.length === 1 ? 'action' : 'actions'}`,
    ]
  const changes: string[] = []
  const earlier = new Map(before.actions.map((a) => [a.id, a]))
  for (const action of after.actions) {
    const was = earlier.get(action.id)
    if (!was) {
      changes.push(`Added ${quote(action.what)} (${describeAction(action)})`)
      continue
    }
    earlier.delete(action.id)
    if (was.what !== action.what) changes.push(`${quote(was.what)} now reads ${quote(action.what)}`)
    if (was.who !== action.who)
      changes.push(
        `${quote(action.what)}: now ${OWNER_LABELS[action.who].toLowerCase()}, was ${OWNER_LABELS[was.who].toLowerCase()}`,
      )
    if (was.due !== action.due)
      changes.push(`${quote(action.what)}: due ${formatDay(action.due)}, was ${formatDay(was.due)}`)
    if (was.status !== action.status)
      changes.push(
        `${quote(action.what)}: ${ACTION_STATUS_LABELS[action.status].toLowerCase()}, was ${ACTION_STATUS_LABELS[was.status].toLowerCase()}`,
      )
  }
  for (const removed of earlier.values()) changes.push(`Removed ${quote(removed.what)}`)
  if (before.reviewOn !== after.reviewOn)
    changes.push(`Review date ${formatDay(after.reviewOn)}, was ${formatDay(before.reviewOn)}`)
  if (before.agreedWithReporter !== after.agreedWithReporter)
    changes.push(
      after.agreedWithReporter
        ? 'Now agreed with the reporter'
        : 'No longer agreed with the reporter',
    )
  return changes.length > 0 ? changes : ['Saved again with no changes']
}

function describeAction(a: PlanAction): string {
  return `${OWNER_LABELS[a.who].toLowerCase()}, due ${formatDay(a.due)}, ${ACTION_STATUS_LABELS[a.status].toLowerCase()}`
}

export function planRows(plan: PlanContent, today: string) {
  return plan.actions.map((a) => ({
    what: a.what,
    who: OWNER_LABELS[a.who],
    due: dueView(a.due, today, a.status === 'done' || a.status === 'not-needed'),
    status: ACTION_STATUS_LABELS[a.status],
  }))
}

/** Each version newest first, with what changed since the one before. */
export function planHistoryView(
  versions: readonly (PlanContent & { version: number; savedAt: Date; savedBy: string })[],
  people: People,
) {
  return versions
    .map((v, i) => ({
      version: v.version,
      savedAt: v.savedAt,
      by: nameOf(people, v.savedBy),
      changes: planChanges(versions[i - 1], v),
    }))
    .reverse()
}

export interface TimelineEntry {
  title: string
  by: string
  at: Date
  /** Lines of plain text; what people typed is shown as typed, line breaks kept. */
  lines: string[]
  text: string | null
  /** Where to read more: a referral's own page. */
  link?: { href: string; text: string; hidden: string }
}

interface EventLike {
  kind: string
  at: Date
  actor: string
  details: Record<string, string | number | boolean | null>
  text: string | null
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** One timeline entry per event; contacts and tasks named from their own records. */
export function timelineEntries(
  events: readonly EventLike[],
  lookups: {
    people: People
    contacts: ReadonlyMap<
      string,
      {
        method: ContactMethod
        outcome: ContactOutcome
        withWhom: string
        note: string
        happenedAt: Date
      }
    >
    tasks: ReadonlyMap<string, { title: string; due: string }>
    /** A time as staff pages give it: on the office's clock, with its zone's name. */
    time: (at: Date) => string
  },
): TimelineEntry[] {
  const { people } = lookups
  return events.map((e) => {
    const d = e.details
    const base = { by: actorName(people, e.actor), at: e.at, text: e.text }
    const other = d.otherNumber ? formatCaseNumber(Number(d.otherNumber)) : ''
    switch (e.kind) {
      case 'opened':
        return { ...base, title: 'Case opened from a risk assessment', lines: [] }
      case 'contact': {
        const c = lookups.contacts.get(str(d.contactId))
        const method = METHOD_LABELS[str(d.method) as ContactMethod]
        const outcome = OUTCOME_LABELS[str(d.outcome) as ContactOutcome]
        return {
          ...base,
          title: `${method}: ${outcome.toLowerCase()}`,
          lines: c
            ? [
                `Who with: ${c.withWhom}`,
                `When: ${lookups.time(c.happenedAt)}`,
                ...(c.note ? [c.note] : []),
              ]
            : [],
        }
      }
      case 'note':
        return { ...base, title: 'Note', lines: [] }
      case 'plan-saved':
        return {
          ...base,
          title: `Safeguarding plan version ${String(d.version)} saved`,
          lines: [`Review by ${formatDay(str(d.reviewOn))}`],
        }
      case 'task-added':
      case 'task-raised':
      case 'task-done': {
        const t = lookups.tasks.get(str(d.taskId))
        const title = {
          'task-added': 'Task added',
          'task-raised': 'Task raised for a supervisor',
          'task-done': 'Task done',
        }[e.kind]
        return { ...base, title, lines: t ? [`${t.title} (due ${formatDay(t.due)})`] : [] }
      }
      case 'status-changed':
        return {
          ...base,
          title: `Status: ${STATUS_LABELS[str(d.to) as CaseStatus]}`,
          lines: [`Was ${STATUS_LABELS[str(d.from) as CaseStatus]}`],
        }
      case 'reassigned':
        return {
          ...base,
          title: `Given to ${nameOf(people, str(d.to))}`,
          lines: [`Was ${nameOf(people, str(d.from))}’s`],
        }
      case 'closure-requested':
      case 'closure-returned':
      case 'closure-approved': {
        const title = {
          'closure-requested': 'Closure requested',
          'closure-returned': 'Closure sent back',
          'closure-approved': 'Closure approved: case closed',
        }[e.kind]
        return {
          ...base,
          title,
          lines: [`Outcome: ${CLOSURE_OUTCOME_LABELS[str(d.outcome) as ClosureOutcome]}`],
        }
      }
      case 'reopened':
        return { ...base, title: 'Case reopened', lines: [] }
      case 'report-added':
        return { ...base, title: `Report ${str(d.reference)} added`, lines: [] }
      case 'report-moved-in':
        return { ...base, title: `Report ${str(d.reference)} moved here from ${other}`, lines: [] }
      case 'report-moved-out':
        return { ...base, title: `Report ${str(d.reference)} moved to ${other}`, lines: [] }
      case 'linked':
        return { ...base, title: `Linked with case ${other}`, lines: [] }
      case 'merged-in':
        return { ...base, title: `Case ${other} merged into this one`, lines: [] }
      case 'merged-into':
        return { ...base, title: `Merged into case ${other}`, lines: [] }
      case 'legal-hold-placed':
        return { ...base, title: `Legal hold placed on report ${str(d.reference)}`, lines: [] }
      case 'legal-hold-lifted':
        return { ...base, title: `Legal hold lifted from report ${str(d.reference)}`, lines: [] }
      default:
        return deliveryEntry(e, base) ?? { ...base, title: e.kind, lines: [] }
    }
  })
}

const actorName = (people: People, actor: string) =>
  actor === SERVICE_ACTOR
    ? 'The service'
    : actor === PARTNER_ACTOR
      ? 'The agency'
      : nameOf(people, actor)

const MESSAGE_PURPOSES: Record<string, string> = {
  'reporter-acknowledgement': 'Acknowledgement',
  'reporter-message': 'Message',
}
const CHANNEL_WORDS: Record<string, string> = {
  email: 'by email',
  sms: 'by text message',
  webhook: 'by webhook',
}

/** Referrals and messages to the reporter (src/cases/deliveries.ts). */
function deliveryEntry(
  e: EventLike,
  base: { by: string; at: Date; text: string | null },
): TimelineEntry | undefined {
  const d = e.details
  const agency = str(d.agency)
  const how = CHANNEL_WORDS[str(d.channel)] ?? ''
  const report = `Report ${str(d.reference)}`
  const failure = d.error ? [`What went wrong: ${str(d.error)}`] : []
  const urgency = d.urgency === 'urgent' ? 'Urgent: sent at once' : 'Not urgent: needs approval'
  const purpose = MESSAGE_PURPOSES[str(d.purpose)] ?? 'Message'
  const entries: Record<string, () => TimelineEntry> = {
    'referral-recorded': () => ({
      ...base,
      title: `Referral to ${agency} recorded`,
      lines: [urgency, report],
    }),
    'referral-approved': () => ({ ...base, title: `Referral to ${agency} approved`, lines: [] }),
    'referral-declined': () => ({
      ...base,
      title: `Referral to ${agency} declined: not sent`,
      lines: [],
    }),
    'referral-reviewed': () => ({
      ...base,
      title: `Urgent referral to ${agency} reviewed`,
      lines: [],
    }),
    'referral-delivered': () => ({
      ...base,
      title: `Referral delivered to ${agency} ${how}`.trim(),
      lines: [],
    }),
    'referral-failed': () => ({
      ...base,
      title: `Referral to ${agency} not delivered`,
      lines: [`After ${String(d.attempts)} attempts`, ...failure],
    }),
    'referral-acknowledged': () => ({
      ...base,
      title: `${agency} acknowledged the referral`,
      lines: [],
    }),
    'message-delivered': () => ({
      ...base,
      title: `${purpose} sent to the reporter ${how}`.trim(),
      lines: [report],
    }),
    'message-failed': () => ({
      ...base,
      title: `${purpose} to the reporter not delivered`,
      lines: [report, `After ${String(d.attempts)} attempts`, ...failure],
    }),
    'message-held': () => ({
      ...base,
      title: `${purpose} to the reporter held`,
      lines: [report, 'The reporter’s safe times need a person to read them'],
    }),
  }
  const entry = entries[e.kind]?.()
  return entry && d.referralId
    ? {
        ...entry,
        link: {
          href: staffPaths.referral(str(d.referralId)),
          text: 'See the referral',
          hidden: `to ${agency}`,
        },
      }
    : entry
}

/** The plan's form values: the saved plan as the fields it was typed in. */
export function planFormValues(plan: PlanContent | undefined): Record<string, string> {
  const values: Record<string, string> = {}
  if (!plan) return values
  plan.actions.forEach((a, i) => {
    const [year = '', month = '', day = ''] = a.due.split('-')
    Object.assign(values, {
      [`action-${i}-id`]: a.id,
      [`action-${i}-what`]: a.what,
      [`action-${i}-who`]: a.who,
      [`action-${i}-due-day`]: String(Number(day)),
      [`action-${i}-due-month`]: String(Number(month)),
      [`action-${i}-due-year`]: year,
      [`action-${i}-status`]: a.status,
    })
  })
  const [year = '', month = '', day = ''] = plan.reviewOn.split('-')
  Object.assign(values, {
    'review-day': String(Number(day)),
    'review-month': String(Number(month)),
    'review-year': year,
    agreed: plan.agreedWithReporter ? 'yes' : 'no',
  })
  return values
}

/** One fieldset per action row, each with its own values and errors. */
export function planFormRows(
  values: Readonly<Record<string, string | string[] | undefined>>,
  rows: number,
  errors: Readonly<Record<string, string>>,
) {
  const value = (name: string) => {
    const v = values[name]
    return typeof v === 'string' ? v : ''
  }
  return Array.from({ length: rows }, (_, i) => {
    const p = `action-${i}`
    return {
      n: i + 1,
      prefix: p,
      id: value(`${p}-id`),
      what: value(`${p}-what`),
      whoItems: [
        { value: '', text: 'Choose who' },
        ...Object.entries(OWNER_LABELS).map(([v, text]) => ({
          value: v,
          text,
          selected: value(`${p}-who`) === v,
        })),
      ],
      statusItems: Object.entries(ACTION_STATUS_LABELS).map(([v, text]) => ({
        value: v,
        text,
        selected: (value(`${p}-status`) || 'to-do') === v,
      })),
      due: {
        day: value(`${p}-due-day`),
        month: value(`${p}-due-month`),
        year: value(`${p}-due-year`),
      },
      errors: {
        what: errors[`${p}-what`],
        who: errors[`${p}-who`],
        due: errors[`${p}-due-day`],
        status: errors[`${p}-status`],
      },
    }
  })
}

type OpenedCase = NonNullable<Awaited<ReturnType<CaseService['openCase']>>>
type Timeline = NonNullable<Awaited<ReturnType<CaseService['timeline']>>>
type PlanHistory = NonNullable<Awaited<ReturnType<CaseService['planHistory']>>>
type OpenTask = Awaited<ReturnType<CaseService['myTasks']>>['tasks'][number]

const ENDED: readonly CaseStatus[] = ['closed', 'merged']

/** The case page: summary, what can be done next, reports, contacts, plan, tasks, closure. */
export function casePageView(
  opened: OpenedCase,
  context: { viewer: Viewer; people: People; flash: string | undefined },
) {
  const { found, today } = opened
  const { viewer, people } = context
  const id = found.id
  const can = (permission: Permission) => allows(viewer.roles, permission)
  const ended = ENDED.includes(found.status)
  const waiting = opened.closures.find((c) => c.decision === null)
  const action = (a: CaseAction) => staffPaths.caseAction(id, a)
  const failed = new Set<ContactOutcome>(FAILED_OUTCOMES)
  return {
    found,
    title: caseTitle(found),
    status: statusTag(found.status),
    owner: nameOf(people, found.owner),
    isOwner: found.owner === viewer.id,
    ended,
    flash: context.flash,
    mergedInto: opened.mergedInto && {
      href: staffPaths.case(opened.mergedInto.id),
      title: caseTitle(opened.mergedInto),
    },
    reports: opened.reports.map((r) => ({
      ...r,
      href: staffPaths.report(r.id),
      areas: [r.policeForce, r.localAuthority].filter(Boolean).join(', ') || 'Not known',
      moveHref: !ended && can('case.work') ? staffPaths.caseReportMove(id, r.id) : undefined,
    })),
    contacts: opened.contacts.map((c) => ({
      at: c.happenedAt,
      method: METHOD_LABELS[c.method],
      withWhom: c.withWhom,
      outcome: OUTCOME_LABELS[c.outcome],
      failed: failed.has(c.outcome),
      note: c.note,
      by: nameOf(people, c.recordedBy),
    })),
    tasks: opened.tasks.map((t) => taskRow(t, today, people, viewer, !ended && can('case.work'))),
    plan: opened.plan && {
      version: opened.plan.version,
      savedAt: opened.plan.savedAt,
      by: nameOf(people, opened.plan.savedBy),
      reviewOn: dueView(opened.plan.reviewOn, today, false),
      actions: opened.plan.actions.length,
      agreed: opened.plan.agreedWithReporter,
    },
    closure: waiting && {
      outcome: CLOSURE_OUTCOME_LABELS[waiting.outcome],
      summary: waiting.summary,
      by: nameOf(people, waiting.requestedBy),
      at: waiting.requestedAt,
    },
    sentBack:
      !waiting && opened.sentBack && found.status !== 'closed'
        ? { ...opened.sentBack, by: nameOf(people, opened.sentBack.by) }
        : undefined,
    referrals: opened.referrals.map((r) => ({
      href: staffPaths.referral(r.id),
      agencyName: r.agencyName,
      urgent: r.urgency === 'urgent',
      status: REFERRAL_STATUS_LABELS[r.status] ?? r.status,
      createdAt: r.createdAt,
      by: nameOf(people, r.createdBy),
    })),
    links: opened.links.map((l) => ({
      href: staffPaths.case(l.id),
      title: caseTitle(l),
      status: STATUS_LABELS[l.status],
    })),
    actions: {
      contact: !ended && can('case.work') ? action('contacts/new') : undefined,
      note: !ended && can('case.work') ? action('notes/new') : undefined,
      task: !ended && can('case.work') ? action('tasks/new') : undefined,
      plan: action('plan'),
      timeline: action('timeline'),
      status: !ended && can('case.work') ? action('status') : undefined,
      reassign: !ended && can('case.reassign') ? action('reassign') : undefined,
      close:
        !ended && !waiting && found.owner === viewer.id && can('case.request-closure')
          ? action('close')
          : undefined,
      decide:
        waiting && waiting.requestedBy !== viewer.id && can('case.decide-closure')
          ? action('closure')
          : undefined,
      reopen: found.status === 'closed' && can('case.reopen') ? action('reopen') : undefined,
      addReport: !ended && can('case.work') ? action('reports/add') : undefined,
      link: !ended && can('case.work') ? action('link') : undefined,
      refer: !ended && can('case.refer') ? action('referrals/new') : undefined,
    },
  }
}

function taskRow(t: OpenTask, today: string, people: People, viewer: Viewer, mayComplete: boolean) {
  return {
    id: t.id,
    title: t.title,
    owner: t.owner === viewer.id ? 'You' : nameOf(people, t.owner),
    due: dueView(t.due, today, t.doneAt !== null),
    done: t.doneAt !== null,
    doneAt: t.doneAt,
    doneBy: t.doneBy ? nameOf(people, t.doneBy) : undefined,
    completeHref:
      mayComplete && t.doneAt === null ? staffPaths.caseTaskDone(t.caseId, t.id) : undefined,
    caseHref: staffPaths.case(t.caseId),
    caseNumber: formatCaseNumber(t.caseNumber),
  }
}

/** "My tasks": the person's own, and any supervisor's for a supervisor, by due date. */
export function taskListView(
  tasks: readonly OpenTask[],
  today: string,
  people: People,
  viewer: Viewer,
) {
  const rows = tasks.map((t) => taskRow(t, today, people, viewer, false))
  return { rows, overdue: rows.filter((r) => r.due.overdue).length }
}

export function timelineView(found: Timeline, people: People, time: (at: Date) => string) {
  const entries = timelineEntries(found.events, {
    people,
    contacts: found.contacts,
    tasks: found.tasks,
    time,
  })
  return {
    found: found.found,
    title: caseTitle(found.found),
    backLink: staffPaths.case(found.found.id),
    entries: entries.map((e) => ({ ...e, iso: e.at.toISOString() })),
  }
}

export function planPageView(found: PlanHistory, people: People) {
  const latest = found.versions.at(-1)
  return {
    found: found.found,
    title: caseTitle(found.found),
    backLink: staffPaths.case(found.found.id),
    editHref: ENDED.includes(found.found.status)
      ? undefined
      : staffPaths.caseAction(found.found.id, 'plan/edit'),
    plan: latest && {
      version: latest.version,
      rows: planRows(latest, found.today),
      reviewOn: dueView(latest.reviewOn, found.today, false),
      agreed: latest.agreedWithReporter,
    },
    history: planHistoryView(found.versions, people),
  }
}

/**
 * Reports in other cases or none that share an identifier with this case's reports, by kind
 * (never the value), and the other cases they are in, each offered for linking or merging.
 * Pure: `hrefFor` says which reports the viewer may open.
 */
export function caseLinkedReportsView(input: {
  caseId: string
  rows: readonly LinkRow[]
  casesByReport: ReadonlyMap<string, StoredCase>
  hrefFor: (row: LinkRow) => string | null
  canLink: boolean
}) {
  const { caseId, casesByReport } = input
  // One row per other report and kind: two of this case's reports may both match it.
  const seen = new Set<string>()
  const rows = input.rows.filter((r) => {
    const key = `${r.other.id} ${r.kind}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  const groups = linkGroups(rows, input.hrefFor).map((group) => ({
    ...group,
    reports: group.reports.map((r) => {
      const inCase = casesByReport.get(r.id)
      return {
        ...r,
        inCase: inCase && inCase.id !== caseId ? caseTitle(inCase) : undefined,
      }
    }),
  }))
  const otherCases = new Map<string, StoredCase>()
  for (const row of rows) {
    const other = casesByReport.get(row.other.id)
    if (other && other.id !== caseId && other.status !== 'merged') otherCases.set(other.id, other)
  }
  return {
    groups,
    otherCases: [...otherCases.values()].map((c) => ({
      title: caseTitle(c),
      href: staffPaths.case(c.id),
      linkHref: input.canLink
        ? `${staffPaths.caseAction(caseId, 'link')}?caseNumber=${encodeURIComponent(formatCaseNumber(c.number))}`
        : undefined,
    })),
  }
}
