import { instantAt } from '../triage/calendar.js'
import { oneOf, text } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'

/**
 * Pure parsing of what staff send about a case: the case list's filters, contacts, notes, the
 * safeguarding plan, tasks, status changes, closure, moving reports and linking cases. Errors
 * are worded for a GOV.UK error summary and keyed by the field's id, in page order.
 */
export const CASE_STATUSES = [
  'open',
  'contacting-reporter',
  'planning',
  'referred',
  'monitoring',
  'closed',
  'merged',
] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]
/** The statuses a person sets by hand; closing goes through a supervisor, merging through a merge. */
export const WORKING_STATUSES = [
  'open',
  'contacting-reporter',
  'planning',
  'referred',
  'monitoring',
] as const satisfies readonly CaseStatus[]
export type WorkingStatus = (typeof WORKING_STATUSES)[number]

export const CONTACT_METHODS = ['phone', 'email', 'sms', 'letter'] as const
export type ContactMethod = (typeof CONTACT_METHODS)[number]
export const CONTACT_OUTCOMES = [
  'spoke',
  'no-answer',
  'voicemail',
  'wrong-number',
  'declined',
] as const
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number]
/** Attempts that reached nobody: enough of them in a row raise a task for a supervisor. */
export const FAILED_OUTCOMES: readonly ContactOutcome[] = ['no-answer', 'voicemail', 'wrong-number']

export const PLAN_OWNERS = [
  'reporter',
  'parent',
  'school',
  'police',
  'social-care',
  'agency',
] as const
export type PlanOwner = (typeof PLAN_OWNERS)[number]
export const ACTION_STATUSES = ['to-do', 'in-progress', 'done', 'not-needed'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]

export const CLOSURE_OUTCOMES = ['safer', 'referred', 'not-reachable', 'no-further-action'] as const
export type ClosureOutcome = (typeof CLOSURE_OUTCOMES)[number]

export const TEXT_MAX = 5000
export const REASON_MAX = 2000
export const PLAN_ACTIONS_MAX = 20

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

function done<T>(errors: FieldErrors, value: T): Parsed<T> {
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value }
}

function required(
  body: FormBody,
  errors: FieldErrors,
  field: string,
  missing: string,
  max = TEXT_MAX,
): string {
  const value = text(body, field)
  if (value === '') errors[field] = missing
  else if (value.length > max)
    errors[field] = `This must be ${max.toLocaleString('en-GB')} characters or less`
  return value
}

const reasonOf = (body: FormBody, errors: FieldErrors, why: string) =>
  required(body, errors, 'reason', `Enter why you are ${why}`, REASON_MAX)

/** An ISO date (YYYY-MM-DD) from GOV.UK's three date fields `prefix-day`, `-month`, `-year`. */
export function parseDateFields(
  body: FormBody,
  prefix: string,
  errors: FieldErrors,
  what: string,
): string | undefined {
  const day = text(body, `${prefix}-day`)
  const month = text(body, `${prefix}-month`)
  const year = text(body, `${prefix}-year`)
  if (day === '' && month === '' && year === '') {
    errors[`${prefix}-day`] = `Enter ${what}`
    return undefined
  }
  const date = isoDate(day, month, year)
  if (!date) {
    errors[`${prefix}-day`] = `${capitalise(what)} must be a real date, like 27 3 2027`
    return undefined
  }
  return date
}

function isoDate(day: string, month: string, year: string): string | undefined {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return undefined
  const [d, m, y] = [Number(day), Number(month), Number(year)]
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined
  if (y < 2000 || y > 2100) return undefined
  return date.toISOString().slice(0, 10)
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

export interface ContactEntry {
  method: ContactMethod
  outcome: ContactOutcome
  withWhom: string
  happenedAt: Date
  note: string
}

/**
 * A contact or attempt: when it happened, typed on the office's clock (as staff pages show
 * times), never in the future.
 */
export function parseContact(body: FormBody, now: Date, timeZone: string): Parsed<ContactEntry> {
  const errors: FieldErrors = {}
  const method = oneOf(body, 'method', CONTACT_METHODS)
  if (!method) errors.method = 'Select how you made contact'
  const withWhom = required(body, errors, 'withWhom', 'Enter who the contact was with', 200)
  const date = parseDateFields(body, 'when', errors, 'the date of the contact')
  const time = text(body, 'time')
  const clock = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(time)
  if (!clock) errors.time = 'Enter the time of the contact, like 14:30'
  let happenedAt = now
  if (date && clock) {
    const [year, month, day] = date.split('-').map(Number)
    happenedAt = instantAt(
      {
        year: year ?? 0,
        month: month ?? 0,
        day: day ?? 0,
        hour: Number(clock[1]),
        minute: Number(clock[2]),
        second: 0,
      },
      timeZone,
    )
    if (happenedAt.getTime() > now.getTime() + 60_000)
      errors['when-day'] = 'The date and time of the contact must be in the past'
  }
  const outcome = oneOf(body, 'outcome', CONTACT_OUTCOMES)
  if (!outcome) errors.outcome = 'Select the outcome'
  const note = text(body, 'note')
  if (note.length > TEXT_MAX)
    errors.note = `The note must be ${TEXT_MAX.toLocaleString('en-GB')} characters or less`
  return done(errors, {
    method: method ?? 'phone',
    outcome: outcome ?? 'spoke',
    withWhom,
    happenedAt,
    note,
  })
}

export function parseNote(body: FormBody): Parsed<{ note: string }> {
  const errors: FieldErrors = {}
  const note = required(body, errors, 'note', 'Enter the note')
  return done(errors, { note })
}

export interface PlanAction {
  /** Stable across versions, so the plan can say what changed in each action. */
  id: string
  what: string
  who: PlanOwner
  due: string
  status: ActionStatus
}

export interface PlanContent {
  actions: PlanAction[]
  reviewOn: string
  agreedWithReporter: boolean
}

/**
 * The plan's form: `rows` numbered rows of an action each (what, who, due date, status, and a
 * hidden id for those already saved). Blank rows are left out; a row half filled is an error.
 */
export function parsePlan(
  body: FormBody,
  rows: number,
  today: string,
  newId: () => string,
): Parsed<PlanContent> {
  const errors: FieldErrors = {}
  const actions: PlanAction[] = []
  for (let i = 0; i < Math.min(rows, PLAN_ACTIONS_MAX); i += 1) {
    const p = `action-${i}`
    // The status has a default, so a row with only a status is still a blank row.
    const fields = ['what', 'who', 'due-day', 'due-month', 'due-year'].map((f) =>
      text(body, `${p}-${f}`),
    )
    if (fields.every((f) => f === '')) continue
    const what = required(body, errors, `${p}-what`, `Enter what action ${i + 1} is`, 500)
    const who = oneOf(body, `${p}-who`, PLAN_OWNERS)
    if (!who) errors[`${p}-who`] = `Select who does action ${i + 1}`
    const due = parseDateFields(body, `${p}-due`, errors, `when action ${i + 1} is due`)
    const status = oneOf(body, `${p}-status`, ACTION_STATUSES)
    if (!status) errors[`${p}-status`] = `Select the status of action ${i + 1}`
    const given = text(body, `${p}-id`)
    const id = /^[0-9a-f-]{36}$/.test(given) ? given : newId()
    if (who && due && status) actions.push({ id, what, who, due, status })
  }
  if (actions.length === 0 && Object.keys(errors).length === 0)
    errors['action-0-what'] = 'Enter at least one action'
  const reviewOn = parseDateFields(body, 'review', errors, 'the review date')
  if (reviewOn && reviewOn < today) errors['review-day'] = 'The review date must be today or later'
  const agreed = oneOf(body, 'agreed', ['yes', 'no'] as const)
  if (!agreed) errors.agreed = 'Select whether the reporter agreed this plan'
  const ids = new Set(actions.map((a) => a.id))
  // A repeated id (a tampered form) would make the changes between versions wrong.
  if (ids.size !== actions.length) errors['action-0-what'] = 'Each action must be its own'
  return done(errors, {
    actions,
    reviewOn: reviewOn ?? today,
    agreedWithReporter: agreed === 'yes',
  })
}

export interface NewTask {
  title: string
  due: string
  owner: string
}

export function parseTask(
  body: FormBody,
  owners: readonly string[],
  today: string,
): Parsed<NewTask> {
  const errors: FieldErrors = {}
  const title = required(body, errors, 'title', 'Enter what needs to be done', 500)
  const due = parseDateFields(body, 'due', errors, 'the due date')
  if (due && due < today) errors['due-day'] = 'The due date must be today or later'
  const owner = oneOf(body, 'owner', owners)
  if (!owner) errors.owner = 'Select who will do it'
  return done(errors, { title, due: due ?? today, owner: owner ?? '' })
}

export function parseStatusChange(
  body: FormBody,
  current: CaseStatus,
): Parsed<{ status: WorkingStatus }> {
  const errors: FieldErrors = {}
  const status = oneOf(body, 'status', WORKING_STATUSES)
  if (!status) errors.status = 'Select the status'
  else if (status === current) errors.status = 'Select a different status from the current one'
  return done(errors, { status: status ?? 'open' })
}

export function parseReassignment(
  body: FormBody,
  staffIds: readonly string[],
  current: string,
): Parsed<{ owner: string; reason: string }> {
  const errors: FieldErrors = {}
  const owner = oneOf(body, 'owner', staffIds)
  if (!owner) errors.owner = 'Select who will own the case'
  else if (owner === current) errors.owner = 'Select someone other than the current owner'
  const reason = reasonOf(body, errors, 'reassigning the case')
  return done(errors, { owner: owner ?? '', reason })
}

export function parseClosureRequest(
  body: FormBody,
): Parsed<{ outcome: ClosureOutcome; summary: string }> {
  const errors: FieldErrors = {}
  const outcome = oneOf(body, 'outcome', CLOSURE_OUTCOMES)
  if (!outcome) errors.outcome = 'Select the outcome'
  const summary = required(body, errors, 'summary', 'Enter a summary of the case')
  return done(errors, { outcome: outcome ?? 'safer', summary })
}

export function parseClosureDecision(
  body: FormBody,
): Parsed<{ decision: 'approved' | 'returned'; reason: string }> {
  const errors: FieldErrors = {}
  const decision = oneOf(body, 'decision', ['approved', 'returned'] as const)
  if (!decision) errors.decision = 'Select whether to close the case or send it back'
  const reason = text(body, 'reason')
  if (decision === 'returned' && reason === '') errors.reason = 'Enter why you are sending it back'
  else if (reason.length > REASON_MAX)
    errors.reason = `The reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or less`
  return done(errors, { decision: decision ?? 'approved', reason })
}

export function parseReason(body: FormBody, why: string): Parsed<{ reason: string }> {
  const errors: FieldErrors = {}
  const reason = reasonOf(body, errors, why)
  return done(errors, { reason })
}

/** A case number as people write it: "C-00042", "c42" or "42". */
export function parseCaseNumber(value: string): number | undefined {
  const match = /^\s*(?:c\s*-?\s*)?0*(\d{1,12})\s*$/i.exec(value)
  const n = match?.[1] ? Number(match[1]) : NaN
  return Number.isSafeInteger(n) && n > 0 ? n : undefined
}

export const formatCaseNumber = (n: number) => `C-${String(n).padStart(5, '0')}`

export function parseCaseChoice(
  body: FormBody,
  what: string,
): Parsed<{ number: number; reason: string }> {
  const errors: FieldErrors = {}
  const given = text(body, 'caseNumber')
  const number = parseCaseNumber(given)
  if (given === '') errors.caseNumber = 'Enter the other case’s number'
  else if (number === undefined) errors.caseNumber = 'Enter a case number, like C-00042'
  const reason = reasonOf(body, errors, what)
  return done(errors, { number: number ?? 0, reason })
}

export function parseLink(
  body: FormBody,
): Parsed<{ number: number; reason: string; merge: boolean }> {
  const chosen = parseCaseChoice(body, 'linking these cases')
  const how = oneOf(body, 'how', ['link', 'merge'] as const)
  // In page order: the other case, link or merge, then the reason.
  const { reason, ...before } = chosen.ok ? {} : chosen.errors
  const errors: FieldErrors = {
    ...before,
    ...(how ? {} : { how: 'Select whether to link or merge the cases' }),
    ...(reason ? { reason } : {}),
  }
  if (!chosen.ok || !how) return { ok: false, errors }
  return { ok: true, value: { ...chosen.value, merge: how === 'merge' } }
}

export function parseReportReference(
  body: FormBody,
): Parsed<{ reference: string; reason: string }> {
  const errors: FieldErrors = {}
  const reference = text(body, 'reference').replace(/^sc-/i, 'SC-')
  if (reference === '') errors.reference = 'Enter the report’s reference number'
  else if (!/^SC-[A-Za-z0-9-]{3,40}$/.test(reference))
    errors.reference = 'Enter a reference number, like SC-482-177-3016'
  const reason = reasonOf(body, errors, 'adding the report')
  return done(errors, { reference, reason })
}

/** What the case list may be asked for in its query string. */
export interface CaseListFilters {
  whose: 'mine' | 'team'
  statuses: CaseStatus[]
  overdueTasks: boolean
  policeForceCode?: string
  localAuthorityCode?: string
}

export function parseCaseListQuery(
  query: FormBody,
  areas: { forces: readonly string[]; authorities: readonly string[] },
): { filters: CaseListFilters; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const whose = oneOf(query, 'whose', ['mine', 'team'] as const) ?? 'mine'
  const asked = [query.status ?? []].flat()
  const statuses = CASE_STATUSES.filter((s) => asked.includes(s))
  if (statuses.length !== asked.filter((s) => s !== '').length)
    errors.status = 'Select statuses from the list'
  const filters: CaseListFilters = {
    whose,
    // By default the cases being worked: not closed, not merged.
    statuses: statuses.length > 0 ? statuses : [...WORKING_STATUSES],
    overdueTasks: text(query, 'overdueTasks') === 'yes',
  }
  const force = text(query, 'policeForce')
  if (force !== '') {
    if (areas.forces.includes(force)) filters.policeForceCode = force
    else errors.policeForce = 'Select a police force from the list'
  }
  const authority = text(query, 'localAuthority')
  if (authority !== '') {
    if (areas.authorities.includes(authority)) filters.localAuthorityCode = authority
    else errors.localAuthority = 'Select a local authority from the list'
  }
  return { filters, errors }
}

export const TIMELINE_KINDS = [
  'contacts',
  'notes',
  'plan',
  'tasks',
  'status',
  'reports',
  'referrals',
  'messages',
] as const
export type TimelineKind = (typeof TIMELINE_KINDS)[number]
