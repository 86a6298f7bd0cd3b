import type { AuditFilter, StoredAuditEvent } from './repository.js'

/** The auditors' filter as typed: each field checked, nothing half-applied. */
export interface AuditQuery {
  person?: string
  record?: string
  event?: string
  from?: string
  to?: string
  page?: string
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const dayStart = (value: string): Date | undefined => {
  if (!DATE.test(value)) return undefined
  const date = new Date(`${value}T00:00:00Z`)
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value
    ? undefined
    : date
}

export function readAuditQuery(
  query: AuditQuery,
):
  | { ok: true; filter: AuditFilter; page: number; values: Record<string, string> }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> } {
  const values = {
    person: (query.person ?? '').trim(),
    record: (query.record ?? '').trim(),
    event: (query.event ?? '').trim(),
    from: (query.from ?? '').trim(),
    to: (query.to ?? '').trim(),
  }
  const errors: Record<string, string> = {}
  const filter: AuditFilter = {}
  if (values.person) {
    if (UUID.test(values.person)) filter.actor = `staff:${values.person.toLowerCase()}`
    else errors.person = 'Select a person from the list'
  }
  if (values.record) {
    if (values.record.length <= 100) filter.subjectId = values.record
    else errors.record = 'Record must be 100 characters or fewer'
  }
  if (values.event) {
    if (/^[a-z-]+\.[a-z-]+$/.test(values.event)) filter.event = values.event
    else errors.event = 'Select an event from the list'
  }
  if (values.from) {
    const from = dayStart(values.from)
    if (from) filter.from = from
    else errors.from = 'Enter the start date as a real date, like 2026-11-27'
  }
  if (values.to) {
    const to = dayStart(values.to)
    if (to) filter.to = new Date(to.getTime() + 24 * 3_600_000)
    else errors.to = 'Enter the end date as a real date, like 2026-11-27'
  }
  if (filter.from && filter.to && filter.to <= filter.from)
    errors.to = 'End date must be the same as or after the start date'
  if (Object.keys(errors).length > 0) return { ok: false, errors, values }
  const page = Math.max(1, Math.min(10_000, Number.parseInt(query.page ?? '1', 10) || 1))
  return { ok: true, filter, page, values }
}

export const formatInstant = (at: Date): string =>
  `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`

/** One row as auditors read it: the person's name for a staff actor, the rest as stored. */
export function auditRow(event: StoredAuditEvent, names: ReadonlyMap<string, string>) {
  const staffId = event.actor.startsWith('staff:') ? event.actor.slice('staff:'.length) : undefined
  const { address, reason, ...details } = event.details
  return {
    id: event.id,
    at: formatInstant(event.occurredAt),
    occurredAt: event.occurredAt.toISOString(),
    actor: event.actor,
    who: staffId ? (names.get(staffId) ?? event.actor) : event.actor,
    event: event.event,
    record: `${event.subjectType} ${event.subjectId}`,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    address: typeof address === 'string' ? address : '',
    reason: typeof reason === 'string' ? reason : '',
    details: Object.keys(details).length > 0 ? JSON.stringify(details) : '',
    sealed: event.sealed,
  }
}
