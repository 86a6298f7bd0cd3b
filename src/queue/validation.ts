import type { Priority } from '../reports/model.js'
import type { Queue } from '../triage/queues.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { list, oneOf, text } from '../web/form-fields.js'
import { PRIORITIES, REPORT_STATUSES, type QueueFilters, type ReportStatus } from './repository.js'

/**
 * Pure parsing of what staff send about the queue and a report: the queue's filters (from the
 * query string), corrections, reassigning and reopening (from forms). Errors are worded for a
 * GOV.UK error summary and keyed by field in page order.
 */
export const REASON_MAX = 2000

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

function reasonOf(body: FormBody, errors: FieldErrors, what: string): string {
  const reason = text(body, 'reason')
  if (reason === '') errors.reason = `Enter why you are ${what}`
  else if (reason.length > REASON_MAX)
    errors.reason = `The reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or less`
  return reason
}

/** The parsed value, or the errors when there are any (the value is then incomplete). */
function done<T>(errors: FieldErrors, value: T | undefined): Parsed<T> {
  return Object.keys(errors).length > 0 || value === undefined
    ? { ok: false, errors }
    : { ok: true, value }
}

export function parsePriorityCorrection(
  body: FormBody,
  current: Priority,
): Parsed<{ priority: Priority; reason: string }> {
  const errors: FieldErrors = {}
  const priority = oneOf(body, 'priority', PRIORITIES)
  if (!priority) errors.priority = 'Select the priority'
  else if (priority === current)
    errors.priority = 'Select a different priority from the current one'
  const reason = reasonOf(body, errors, 'changing the priority')
  return done(errors, priority ? { priority, reason } : undefined)
}

export function parseJurisdictionCorrection(
  body: FormBody,
  councilAreaCodes: readonly string[],
): Parsed<{ councilAreaCode: string; reason: string }> {
  const errors: FieldErrors = {}
  const councilAreaCode = oneOf(body, 'councilArea', councilAreaCodes)
  if (!councilAreaCode) errors.councilArea = 'Select the council area where the child lives'
  const reason = reasonOf(body, errors, 'changing where the child lives')
  return done(errors, councilAreaCode ? { councilAreaCode, reason } : undefined)
}

/** A form whose only field is the reason; `what` words its error ("Enter why you are ..."). */
export function parseReason(body: FormBody, what: string): Parsed<{ reason: string }> {
  const errors: FieldErrors = {}
  const reason = reasonOf(body, errors, what)
  return done(errors, { reason })
}

export const parseReopening = (body: FormBody) => parseReason(body, 'reopening the report')

export function parseReassignment(
  body: FormBody,
  staffIds: readonly string[],
): Parsed<{ staffId: string }> {
  const errors: FieldErrors = {}
  const staffId = oneOf(body, 'staffId', staffIds)
  if (!staffId) errors.staffId = 'Select who to give the report to'
  return done(errors, staffId ? { staffId } : undefined)
}

export interface QueueQuery {
  filters: QueueFilters
  after: string | undefined
}

/**
 * The queue's filters from the query string. A person sees only the queues they work
 * (`queues`), and `all` when they work more than one; anything else is an error and the
 * default queue is shown instead.
 */
export function parseQueueQuery(
  query: FormBody,
  queues: readonly Queue[],
): { query: QueueQuery; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const allowed: (Queue | 'all')[] = queues.length > 1 ? ['all', ...queues] : [...queues]
  const fallback = allowed[0] ?? 'advisors'
  const askedQueue = text(query, 'queue')
  let queue = fallback
  if (askedQueue !== '') {
    const chosen = oneOf(query, 'queue', allowed)
    if (chosen) queue = chosen
    else errors.queue = 'Select a queue you work'
  }
  const filters: QueueFilters = { queue }
  const some = <T extends string>(name: string, allowedValues: readonly T[], message: string) => {
    const values = list(query, name)
    if (values.length === 0) return undefined
    if (values.some((v) => !(allowedValues as readonly string[]).includes(v))) {
      errors[name] = message
      return undefined
    }
    return [...new Set(values)] as T[]
  }
  const priorities = some('priority', PRIORITIES, 'Select priorities from the list')
  if (priorities) filters.priorities = priorities
  const statuses = some<ReportStatus>('status', REPORT_STATUSES, 'Select statuses from the list')
  if (statuses) filters.statuses = statuses
  const code = (name: string, label: string) => {
    const value = text(query, name)
    if (value === '') return undefined
    if (!/^[A-Z0-9]{1,12}$/i.test(value)) {
      errors[name] = `Select a ${label} from the list`
      return undefined
    }
    return value
  }
  const force = code('force', 'police force')
  if (force) filters.policeForceCode = force
  const authority = code('authority', 'local authority')
  if (authority) filters.localAuthorityCode = authority
  if (text(query, 'overdue') === 'yes') filters.overdue = true
  if (text(query, 'unclaimed') === 'yes') filters.unclaimed = true
  const after = text(query, 'after')
  return { query: { filters, after: after === '' ? undefined : after }, errors }
}
