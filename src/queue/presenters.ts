import type { UrgentAlert } from '../web/staff-routes.js'
import { allows } from '../staff/permissions.js'
import type { AssessmentContent } from '../content/assessment.js'
import { checkAnswersSections, label } from '../reports/presenters.js'
import type { Priority } from '../reports/model.js'
import type { Queue } from '../triage/queues.js'
import type { Journey } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { AssessmentService } from '../assessments/service.js'
import { decisionsFor } from '../assessments/service.js'
import { linkGroups } from '../links/presenters.js'
import type { LinkRow } from '../links/repository.js'
import type { QueuedReport } from './membership.js'
import type { ChangeKind } from './report-changes.js'
import { caseTitle, STATUS_LABELS as CASE_STATUS_LABELS } from '../cases/presenters.js'
import { messageRow } from '../referrals/presenters.js'
import { COUNT_CAP, type QueueRow } from './repository.js'
import type { OpenedReport, QueueView, Viewer } from './service.js'
import type { QueueQuery } from './validation.js'

/**
 * How the queue shows a deadline: time left, or how long it has been overdue (shown in red).
 * Pure: the instant arrives as an argument.
 */
export interface DeadlineView {
  overdue: boolean
  /** Whole minutes to the deadline (negative when overdue). */
  minutes: number
  text: string
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

/** "2 days 3 hours", "4 hours 5 minutes", "12 minutes": the two largest units that apply. */
export function describeMinutes(total: number): string {
  if (total < 1) return 'less than a minute'
  const days = Math.floor(total / 1440)
  const hours = Math.floor((total % 1440) / 60)
  const minutes = total % 60
  if (days > 0)
    return hours > 0 ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day')
  if (hours > 0)
    return minutes > 0
      ? `${plural(hours, 'hour')} ${plural(minutes, 'minute')}`
      : plural(hours, 'hour')
  return plural(minutes, 'minute')
}

export function timeToDeadline(deadlineAt: Date, now: Date): DeadlineView {
  const ms = deadlineAt.getTime() - now.getTime()
  const overdue = ms <= 0
  // Round towards the deadline's side: 30 seconds left is "less than a minute left".
  const minutes = Math.floor(Math.abs(ms) / 60_000)
  return {
    overdue,
    minutes: overdue && minutes > 0 ? -minutes : minutes,
    text: overdue ? `Overdue by ${describeMinutes(minutes)}` : `${describeMinutes(minutes)} left`,
  }
}

/**
 * A deadline is for a decision: once a report is decided, it has no time left to show and is
 * never overdue, whenever the decision came.
 */
export function deadlineOf(report: { status: string; deadlineAt: Date }, now: Date): DeadlineView {
  if (report.status !== 'new') return { overdue: false, minutes: 0, text: 'Decided' }
  return timeToDeadline(report.deadlineAt, now)
}

/** Staff ids to names, for "being read by", the viewings and the changes. */
export type People = ReadonlyMap<string, string>

export const PRIORITY_LABELS: Record<Priority, string> = {
  P1: 'P1 urgent',
  P2: 'P2 high',
  P3: 'P3 standard',
  'out-of-scope': 'Out of scope',
}
const PRIORITY_TAGS: Record<Priority, string> = {
  P1: 'govuk-tag--red',
  P2: 'govuk-tag--orange',
  P3: 'govuk-tag--blue',
  'out-of-scope': 'govuk-tag--grey',
}
export const QUEUE_LABELS: Record<Queue | 'all', string> = {
  all: 'Every queue',
  advisors: "Advisors' queue",
  'control-centre': "Control Centre's queue",
}
export const STATUS_LABELS: Record<string, string> = {
  new: 'Waiting for a decision',
  referred: 'Referred to police',
  'case-opened': 'Case opened',
  closed: 'Closed',
}
export const DECISION_LABELS: Record<string, string> = {
  'urgent-referral': 'Urgent: refer to the police force now',
  'open-case': 'Meets the threshold: open a case',
  'close-with-advice': 'Below the threshold: close with advice for the reporter',
  'close-with-signposting': 'Out of scope: close with signposting',
}
export const REFERRAL_STATUS_LABELS: Record<string, string> = {
  'awaiting-approval': "Waiting for a supervisor's approval",
  declined: 'Declined by a supervisor',
  sending: 'Sending',
  sent: 'Sent, not yet acknowledged',
  acknowledged: 'Acknowledged by the agency',
  failed: 'Not delivered: tell a supervisor',
}

export const SHARE_LABELS: Record<string, string> = {
  'the-child': "The child's details and where they live",
  'what-happened': 'What happened',
  'the-other-person': 'What is known about the other person',
  'reporter-contact': "The reporter's contact details",
}

const nameOf = (people: People, actor: string | null): string | null =>
  actor === null ? null : (people.get(actor.replace(/^staff:/, '')) ?? 'A former member of staff')

const priorityTag = (priority: Priority) => ({
  text: PRIORITY_LABELS[priority],
  classes: PRIORITY_TAGS[priority],
})

const jurisdictionText = (
  row: Pick<QueueRow, 'jurisdictionStatus'>,
  area: { name: string } | null,
) =>
  row.jurisdictionStatus === 'national'
    ? 'National: to be confirmed'
    : area
      ? `${area.name}${row.jurisdictionStatus === 'to-confirm' ? ' (to confirm)' : ''}`
      : 'Not known'

/** The query string for `query` with `change` applied: filters, pages and tags all use it. */
export function queueHref(query: QueueQuery, change: Record<string, string | string[] | null>) {
  const f = query.filters
  const params: Record<string, string | string[] | undefined> = {
    queue: f.queue,
    priority: f.priorities ? [...f.priorities] : undefined,
    status: f.statuses ? [...f.statuses] : undefined,
    force: f.policeForceCode,
    authority: f.localAuthorityCode,
    overdue: f.overdue ? 'yes' : undefined,
    unclaimed: f.unclaimed ? 'yes' : undefined,
  }
  for (const [key, value] of Object.entries(change)) params[key] = value ?? undefined
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v)
  }
  const text = search.toString()
  return text === '' ? staffPaths.queue : `${staffPaths.queue}?${text}`
}

interface NamedArea {
  code: string
  name: string
}

const areaItems = (areas: readonly NamedArea[], selected: string | undefined, none: string) => [
  { value: '', text: none, selected: selected === undefined },
  ...areas.map((a) => ({ value: a.code, text: a.name, selected: a.code === selected })),
]

export function queuePageView(
  found: QueueView,
  query: QueueQuery,
  context: {
    queues: readonly Queue[]
    people: People
    viewerId: string
    forces: readonly NamedArea[]
    authorities: readonly NamedArea[]
  },
) {
  const { queues, people, viewerId } = context
  const f = query.filters
  const nameIn = (areas: readonly NamedArea[], code: string) =>
    areas.find((a) => a.code === code)?.name ?? code
  const queueChoices: (Queue | 'all')[] = queues.length > 1 ? ['all', ...queues] : [...queues]
  const priorities = Object.keys(PRIORITY_LABELS) as Priority[]
  const tags: { heading: { text: string }; items: { href: string; text: string }[] }[] = []
  const tag = (heading: string, items: { href: string; text: string }[]) => {
    if (items.length > 0) tags.push({ heading: { text: heading }, items })
  }
  tag(
    'Priority',
    (f.priorities ?? []).map((p) => ({
      text: PRIORITY_LABELS[p],
      href: queueHref(query, { priority: (f.priorities ?? []).filter((x) => x !== p) }),
    })),
  )
  tag(
    'Status',
    (f.statuses ?? []).map((s) => ({
      text: STATUS_LABELS[s] ?? s,
      href: queueHref(query, { status: (f.statuses ?? []).filter((x) => x !== s) }),
    })),
  )
  tag(
    'Police force',
    f.policeForceCode
      ? [
          {
            text: nameIn(context.forces, f.policeForceCode),
            href: queueHref(query, { force: null }),
          },
        ]
      : [],
  )
  tag(
    'Local authority',
    f.localAuthorityCode
      ? [
          {
            text: nameIn(context.authorities, f.localAuthorityCode),
            href: queueHref(query, { authority: null }),
          },
        ]
      : [],
  )
  tag('Deadline', f.overdue ? [{ text: 'Overdue', href: queueHref(query, { overdue: null }) }] : [])
  tag(
    'Claim',
    f.unclaimed
      ? [{ text: 'Nobody has it open', href: queueHref(query, { unclaimed: null }) }]
      : [],
  )
  return {
    queueName: QUEUE_LABELS[f.queue],
    filters: f,
    queueItems: queueChoices.map((q) => ({
      value: q,
      text: QUEUE_LABELS[q],
      checked: f.queue === q,
    })),
    priorityItems: priorities.map((p) => ({
      value: p,
      text: PRIORITY_LABELS[p],
      checked: f.priorities?.includes(p) ?? false,
    })),
    statusItems: Object.entries(STATUS_LABELS).map(([value, text]) => ({
      value,
      text,
      checked: (f.statuses ?? ['new']).includes(value as never),
    })),
    forceItems: areaItems(context.forces, f.policeForceCode, 'Any police force'),
    authorityItems: areaItems(context.authorities, f.localAuthorityCode, 'Any local authority'),
    selectedFilters:
      tags.length > 0
        ? {
            heading: { text: 'Selected filters' },
            clearLink: {
              text: 'Clear filters',
              href: queueHref(query, {
                priority: null,
                status: null,
                force: null,
                authority: null,
                overdue: null,
                unclaimed: null,
              }),
            },
            categories: tags,
          }
        : undefined,
    counts: priorities.map((p) => ({
      priority: p,
      tag: priorityTag(p),
      // Counts stop one past the cap (repository.ts), so the page says "more than" there.
      count:
        found.counts[p] > COUNT_CAP
          ? `more than ${COUNT_CAP.toLocaleString('en-GB')}`
          : found.counts[p].toLocaleString('en-GB'),
      href: queueHref(query, { priority: [p], after: null }),
    })),
    rows: found.rows.map((row) => {
      const deadline = deadlineOf(row, found.at)
      return {
        href: staffPaths.report(row.id),
        reference: row.reference,
        priority: priorityTag(row.priority),
        priorityRank: priorities.indexOf(row.priority),
        deadline,
        deadlineSort: row.deadlineAt.getTime(),
        audience: label(row.audience),
        childAge: row.childAge,
        concerns: row.concerns.map(label).join(', '),
        policeForce: jurisdictionText(row, row.policeForce),
        localAuthority: jurisdictionText(row, row.localAuthority),
        status: STATUS_LABELS[row.status] ?? row.status,
        openBy:
          row.claimedBy === null
            ? null
            : row.claimedBy === viewerId
              ? 'You'
              : nameOf(people, row.claimedBy),
      }
    }),
    nextHref: found.next ? queueHref(query, { after: found.next }) : null,
    firstHref: query.after ? queueHref(query, { after: null }) : null,
    refreshHref: queueHref(query, {}),
    readAt: found.at,
  }
}

export function reportPageView(input: {
  opened: OpenedReport
  history: Awaited<ReturnType<AssessmentService['historyOf']>>
  viewer: Viewer
  people: People
  journey: Journey
  content: AssessmentContent
  councilAreaNames: ReadonlyMap<string, string>
  queues: readonly Queue[]
  now: Date
  flash: string | undefined
}) {
  const { opened, history, viewer, people, content } = input
  const report = opened.report
  const factor = new Map(content.riskFactors.map((f) => [f.id, f.label]))
  const template = new Map(
    [...content.adviceTemplates, ...content.signpostingTemplates].map((t) => [t.id, t.title]),
  )
  const j = report.jurisdiction as {
    status: string
    reason?: string
    candidates?: {
      policeForce: { name: string; code: string }
      localAuthority: { name: string } | null
      childrenServices: { name: string } | null
      share: number
    }[]
  }
  const mine = report.claimedBy === viewer.id
  return {
    report,
    flash: input.flash,
    priority: priorityTag(report.priority),
    deadline: deadlineOf(report, input.now),
    status: STATUS_LABELS[report.status] ?? report.status,
    queues: input.queues.map((q) => QUEUE_LABELS[q]).join(', '),
    claim: opened.claim,
    heldBy: nameOf(people, report.claimedBy),
    mine,
    decided: report.status !== 'new',
    canDecide: mine && report.status === 'new' && decisionsFor(viewer).length > 0,
    can: {
      reassign: allows(viewer.roles, 'report.reassign'),
      reopen: allows(viewer.roles, 'report.reopen'),
      legalHold: allows(viewer.roles, 'report.legal-hold'),
      refer: allows(viewer.roles, 'referral.create'),
      message: allows(viewer.roles, 'reporter-message.send'),
    },
    jurisdiction: {
      status: j.status,
      toConfirm: j.status !== 'resolved',
      reason: j.reason,
      candidates: (j.candidates ?? []).map((c) => ({
        policeForce: c.policeForce.name,
        localAuthority: c.localAuthority?.name ?? 'Not known',
        childrenServices: c.childrenServices?.name ?? 'Not known',
        share: Math.round(c.share * 100),
      })),
    },
    sections: [
      ...checkAnswersSections(opened.answers, input.journey, input.councilAreaNames, {
        everyAnswer: true,
      }),
      ...earlierFormAnswers(opened.answers as Record<string, unknown>, input.journey),
    ].map((section) => ({
      title: section.title,
      rows: section.rows.map((row) => ({ key: { text: row.key }, value: { text: row.value } })),
    })),
    changes: opened.changes.map((c) => ({
      at: c.changedAt,
      by: nameOf(people, c.changedBy),
      what: changeText(c),
      reason: c.reason,
    })),
    assessments: history.assessments.map((a) => ({
      at: a.recordedAt,
      by: nameOf(people, a.recordedBy),
      riskLevel: a.riskLevel,
      riskFactors: a.riskFactors.map((id) => factor.get(id) ?? id),
      decision: DECISION_LABELS[a.decision] ?? a.decision,
      template: a.template ? (template.get(a.template) ?? a.template) : null,
      rationale: a.rationale,
    })),
    referrals: history.referrals.map((r) => ({
      ...r,
      by: nameOf(people, r.createdBy),
      shared: r.shared.map((s) => SHARE_LABELS[s] ?? s),
      status: REFERRAL_STATUS_LABELS[r.status] ?? r.status,
      // Until the force acknowledges an urgent referral, staff are asked to phone it too.
      phoneNow: ['sending', 'sent', 'failed'].includes(r.status),
      href: staffPaths.referral(r.id),
    })),
    messages: history.messages.map(messageRow),
    openedCase: history.openedCase && {
      ...history.openedCase,
      owner: nameOf(people, history.openedCase.owner),
      title: caseTitle(history.openedCase),
      status: CASE_STATUS_LABELS[history.openedCase.status],
      href: staffPaths.case(history.openedCase.id),
    },
    viewings: opened.viewings.map((v) => ({ by: nameOf(people, v.actor), at: v.at })),
    links: {
      release: staffPaths.reportAction(report.id, 'release'),
      reassign: staffPaths.reportAction(report.id, 'reassign'),
      priority: staffPaths.reportAction(report.id, 'priority'),
      jurisdiction: staffPaths.reportAction(report.id, 'jurisdiction'),
      assessment: staffPaths.reportAction(report.id, 'assessment'),
      reopen: staffPaths.reportAction(report.id, 'reopen'),
      legalHold: staffPaths.reportAction(report.id, 'legal-hold'),
      liftLegalHold: staffPaths.reportAction(report.id, 'lift-legal-hold'),
      refer: staffPaths.newReferral(report.id),
      message: staffPaths.newReporterMessage(report.id),
    },
    reasons: report.priorityReasons.map((r) => ({
      text: r.text,
      priority: PRIORITY_LABELS[r.priority],
    })),
  }
}

/**
 * The reports that share an identifier with this one, by kind, each a link when the viewer
 * works its queue; opening one through it is recorded as coming from `fromId`.
 */
export function linkedReportsView(
  rows: readonly LinkRow[],
  fromId: string,
  mayOpen: (report: QueuedReport) => boolean,
) {
  return linkGroups(rows, (row) =>
    mayOpen({
      priority: row.other.priority as Priority,
      receivedAt: row.other.receivedAt,
      queues: row.other.queues,
    })
      ? staffPaths.linkedReport(row.other.id, fromId)
      : null,
  ).map((group) => ({
    ...group,
    reports: group.reports.map((r) => ({ ...r, status: STATUS_LABELS[r.status] ?? r.status })),
  }))
}

/** What a change did, in the words the report's "Changes" list uses. */
function changeText(c: { kind: ChangeKind; from: unknown; to: unknown }): string {
  switch (c.kind) {
    case 'priority':
      return `Priority changed from ${PRIORITY_LABELS[c.from as Priority]} to ${PRIORITY_LABELS[c.to as Priority]}`
    case 'jurisdiction':
      return `Where the child lives changed from ${areaText(c.from)} to ${areaText(c.to)}`
    case 'reopened':
      return 'Reopened'
    case 'legal-hold':
      return 'Legal hold placed'
    case 'legal-hold-lifted':
      return 'Legal hold lifted'
  }
}

function areaText(value: unknown): string {
  const v = value as { localAuthority: string | null; policeForce: string | null }
  return v.localAuthority ?? v.policeForce ?? 'not known'
}

/** The alert at the top of every staff page of those who can act: unopened, overdue P1s. */
export function urgentAlertView(
  found: { count: number; reports: { id: string; reference: string; deadlineAt: Date }[] },
  at: Date,
): UrgentAlert | undefined {
  if (found.count === 0) return undefined
  return {
    count: found.count,
    reports: found.reports.map((r) => ({
      reference: r.reference,
      href: staffPaths.report(r.id),
      overdueBy: describeMinutes(Math.floor((at.getTime() - r.deadlineAt.getTime()) / 60_000)),
    })),
  }
}

/**
 * Answers to pages the form no longer has (a report sent before the form changed): shown as
 * they were stored, field by field, so staff still see everything the reporter said.
 */
export function earlierFormAnswers(
  answers: Readonly<Record<string, unknown>>,
  journey: Journey,
): { title: string; rows: { key: string; value: string }[] }[] {
  const rows: { key: string; value: string }[] = []
  for (const [slug, answer] of Object.entries(answers)) {
    if (journey.pages.has(slug) || answer === null || typeof answer !== 'object') continue
    for (const [field, value] of Object.entries(answer as Record<string, unknown>)) {
      const text = flatten(value)
      if (text !== '') rows.push({ key: `${slug}: ${field}`, value: text })
    }
  }
  return rows.length > 0 ? [{ title: 'Answers to questions the form no longer asks', rows }] : []
}

function flatten(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map(flatten).filter(Boolean).join('; ')
  if (typeof value === 'object')
    return Object.values(value as Record<string, unknown>)
      .map(flatten)
      .filter(Boolean)
      .join(', ')
  return typeof value === 'string' ? value : JSON.stringify(value)
}
