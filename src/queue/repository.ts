import type { Queryable } from '../db/db.js'
import type { Area } from '../jurisdictions/model.js'
import type { Audience, Concern, Priority } from '../reports/model.js'
import type { Queue } from '../triage/queues.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import type { QueueClock } from './membership.js'

/**
 * SQL for the triage queue. The list reads only columns that name no one (priority, deadline,
 * reference, audience, the child's age, the concerns, the jurisdiction's codes and names, who
 * has it open); the personal ciphertext is read only when one report is opened.
 */
export const REPORT_STATUSES = ['new', 'referred', 'case-opened', 'closed'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'out-of-scope']
const RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, 'out-of-scope': 4 }

export interface QueueFilters {
  /** Whose queue; `all` is every report (supervisors). */
  queue: Queue | 'all'
  priorities?: readonly Priority[]
  /** Default: only `new` reports, those waiting for a decision. */
  statuses?: readonly ReportStatus[]
  policeForceCode?: string
  localAuthorityCode?: string
  /** Only reports whose deadline has passed. */
  overdue?: boolean
  /** Only reports nobody has open. */
  unclaimed?: boolean
}

export interface QueueRow {
  id: string
  reference: string
  priority: Priority
  status: ReportStatus
  receivedAt: Date
  deadlineAt: Date
  audience: Audience
  childAge: number | null
  concerns: Concern[]
  jurisdictionStatus: 'resolved' | 'to-confirm' | 'national'
  policeForce: Area | null
  localAuthority: Area | null
  childrenServices: Area | null
  claimedBy: string | null
  claimedAt: Date | null
}

export interface QueuePage {
  rows: QueueRow[]
  /** The cursor of the next page, or null on the last page. */
  next: string | null
}

export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR'
  constructor() {
    super('The queue cursor is not valid')
    this.name = 'InvalidCursorError'
  }
}

interface Where {
  sql: string
  params: unknown[]
}

/** The WHERE clause for `filters` at the queue clock; shared by the list and the counts. */
function whereFor(filters: QueueFilters, clock: QueueClock, withPriority = true): Where {
  const params: unknown[] = []
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  const conditions: string[] = []
  const statuses = filters.statuses ?? ['new']
  // One value as `=` keeps the index's order, so the page needs no sort.
  conditions.push(
    statuses.length === 1
      ? `status = ${param(statuses[0])}`
      : `status = ANY(${param(statuses)}::text[])`,
  )
  if (filters.queue !== 'all') {
    const waiting = `(arrived_out_of_hours AND received_at > ${param(clock.handoverBefore)})`
    conditions.push(
      filters.queue === 'control-centre' ? `(priority_rank = 1 OR ${waiting})` : `NOT ${waiting}`,
    )
  }
  if (withPriority && filters.priorities && filters.priorities.length > 0) {
    const ranks = filters.priorities.map((p) => RANK[p])
    conditions.push(
      ranks.length === 1
        ? `priority_rank = ${param(ranks[0])}`
        : `priority_rank = ANY(${param(ranks)}::smallint[])`,
    )
  }
  if (filters.policeForceCode !== undefined)
    conditions.push(`police_force_code = ${param(filters.policeForceCode)}`)
  if (filters.localAuthorityCode !== undefined)
    conditions.push(`local_authority_code = ${param(filters.localAuthorityCode)}`)
  // Only a report waiting for a decision can be overdue: the deadline is for the decision.
  if (filters.overdue) conditions.push(`(status = 'new' AND deadline_at <= ${param(clock.now)})`)
  if (filters.unclaimed) conditions.push('claimed_by IS NULL')
  return { sql: conditions.join(' AND '), params }
}

interface QueueRecord {
  id: string
  reference: string
  priority: Priority
  status: ReportStatus
  received_at: Date | string
  deadline_at: Date | string
  deadline_key: string
  priority_rank: number
  audience: Audience
  child_age: number | null
  concerns: Concern[]
  jurisdiction_status: QueueRow['jurisdictionStatus']
  police_force: Area | null
  local_authority: Area | null
  children_services: Area | null
  claimed_by: string | null
  claimed_at: Date | string | null
}

const QUEUE_COLUMNS = `id, reference, priority, status, received_at, deadline_at,
  to_json(deadline_at) #>> '{}' AS deadline_key, priority_rank, audience, child_age, concerns,
  jurisdiction ->> 'status' AS jurisdiction_status,
  jurisdiction #> '{candidates,0,policeForce}' AS police_force,
  jurisdiction #> '{candidates,0,localAuthority}' AS local_authority,
  jurisdiction #> '{candidates,0,childrenServices}' AS children_services,
  claimed_by, claimed_at`

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value))
const toArea = (value: Area | null | undefined): Area | null =>
  value ? { code: value.code, name: value.name } : null

function toQueueRow(r: QueueRecord): QueueRow {
  return {
    id: r.id,
    reference: r.reference,
    priority: r.priority,
    status: r.status,
    receivedAt: toDate(r.received_at),
    deadlineAt: toDate(r.deadline_at),
    audience: r.audience,
    childAge: r.child_age,
    concerns: r.concerns,
    jurisdictionStatus: r.jurisdiction_status,
    policeForce: toArea(r.police_force),
    localAuthority: toArea(r.local_authority),
    childrenServices: toArea(r.children_services),
    claimedBy: r.claimed_by,
    claimedAt: r.claimed_at === null ? null : toDate(r.claimed_at),
  }
}

/**
 * One page of a queue, ordered by priority, then deadline (soonest first), then id. `after`
 * is the previous page's `next` cursor; a cursor that is not ours is an InvalidCursorError.
 */
export async function listQueue(
  db: Queryable,
  filters: QueueFilters,
  clock: QueueClock,
  page: { after?: string | undefined; size: number },
): Promise<QueuePage> {
  const where = whereFor(filters, clock)
  const params = [...where.params]
  let keyset = ''
  if (page.after !== undefined) {
    const position = decodeCursor(page.after)
    if (!position) throw new InvalidCursorError()
    params.push(position.priorityRank, position.deadline, position.id)
    const n = params.length
    keyset = ` AND (priority_rank, deadline_at, id) > ($${n - 2}::smallint, $${n - 1}::timestamptz, $${n}::uuid)`
  }
  params.push(page.size + 1)
  const records = await db.query<QueueRecord & Record<string, unknown>>(
    `SELECT ${QUEUE_COLUMNS}
       FROM reports
      WHERE ${where.sql}${keyset}
      ORDER BY priority_rank, deadline_at, id
      LIMIT $${params.length}`,
    params,
  )
  const shown = records.slice(0, page.size)
  const last = shown.at(-1)
  const next =
    records.length > page.size && last
      ? encodeCursor({ priorityRank: last.priority_rank, deadline: last.deadline_key, id: last.id })
      : null
  return { rows: shown.map(toQueueRow), next }
}

/**
 * Counts stop here: a count above it means "more than COUNT_CAP". Counting is one index entry
 * a report, so exact counts of the decided reports (hundreds of thousands at a million) took
 * about a second; capped, each priority reads at most COUNT_CAP + 1 entries (docs/benchmarks.md).
 */
export const COUNT_CAP = 1000

/**
 * How many reports match `filters` at each priority, whatever priority filter is chosen, up to
 * `cap` + 1 (more than `cap` is all a page needs to say).
 */
export async function countByPriority(
  db: Queryable,
  filters: QueueFilters,
  clock: QueueClock,
  cap: number = COUNT_CAP,
): Promise<Record<Priority, number>> {
  const where = whereFor(filters, clock, false)
  const params = [...where.params, cap + 1, PRIORITIES.map((p) => RANK[p])]
  // One index range a priority, read from the index alone and stopped after cap + 1 entries.
  const rows = await db.query<{ priority_rank: number; count: number | string }>(
    `SELECT r.rank AS priority_rank,
            (SELECT count(*) FROM (
               SELECT 1 FROM reports WHERE ${where.sql} AND priority_rank = r.rank
                LIMIT $${params.length - 1}) AS capped) AS count
       FROM unnest($${params.length}::smallint[]) AS r(rank)`,
    params,
  )
  const counts: Record<Priority, number> = { P1: 0, P2: 0, P3: 0, 'out-of-scope': 0 }
  for (const row of rows) {
    const priority = PRIORITIES[row.priority_rank - 1]
    if (priority) counts[priority] = Number(row.count)
  }
  return counts
}

/** A report as staff open it: its triage in clear and its personal data still sealed. */
export interface StoredReport extends QueueRow {
  source: string
  sourceSite: string | null
  immediateDanger: string
  stillHappening: string
  otherPersonAge: string
  priorityReasons: { code: string; text: string; priority: Priority }[]
  rulesVersion: string
  queues: string[]
  jurisdiction: unknown
  /** Since when a legal hold keeps it beyond its retention period; null when none does. */
  legalHoldSince: Date | null
  sealed: { keyId: string; wrappedKey: Buffer; ciphertext: Buffer }
}

type StoredRecord = QueueRecord & {
  source: string
  source_site: string | null
  immediate_danger: string
  still_happening: string
  other_person_age: string
  priority_reasons: StoredReport['priorityReasons']
  rules_version: string
  queues: string[]
  jurisdiction: unknown
  legal_hold_since: Date | string | null
  key_id: string
  wrapped_data_key: Uint8Array
  personal_ciphertext: Uint8Array
}

/** One report by id, locked for the rest of the transaction when `forUpdate`. */
export async function findReport(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredReport | undefined> {
  if (!isUuid(id)) return undefined
  const rows = await db.query<StoredRecord & Record<string, unknown>>(
    `SELECT ${QUEUE_COLUMNS}, source, source_site, immediate_danger, still_happening,
            other_person_age, priority_reasons, rules_version, queues, jurisdiction,
            legal_hold_since, key_id, wrapped_data_key, personal_ciphertext
       FROM reports WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  )
  const r = rows[0]
  if (!r) return undefined
  return {
    ...toQueueRow(r),
    source: r.source,
    sourceSite: r.source_site,
    immediateDanger: r.immediate_danger,
    stillHappening: r.still_happening,
    otherPersonAge: r.other_person_age,
    priorityReasons: r.priority_reasons,
    rulesVersion: r.rules_version,
    queues: r.queues,
    jurisdiction: r.jurisdiction,
    legalHoldSince: r.legal_hold_since === null ? null : toDate(r.legal_hold_since),
    sealed: {
      keyId: r.key_id,
      wrappedKey: Buffer.from(r.wrapped_data_key),
      ciphertext: Buffer.from(r.personal_ciphertext),
    },
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string): boolean => UUID.test(value)

export interface Claim {
  claimedBy: string | null
  claimedAt: Date | null
}

/** Who has the report open, locking its row until the transaction ends; undefined if none. */
export async function lockClaim(db: Queryable, reportId: string): Promise<Claim | undefined> {
  if (!isUuid(reportId)) return undefined
  const rows = await db.query<{ claimed_by: string | null; claimed_at: Date | string | null }>(
    'SELECT claimed_by, claimed_at FROM reports WHERE id = $1 FOR UPDATE',
    [reportId],
  )
  const row = rows[0]
  if (!row) return undefined
  return {
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at === null ? null : toDate(row.claimed_at),
  }
}

/**
 * Records an opening in one statement: the first opening's time, and the claim for `staffId`
 * when nobody has the report open (a claim held by anyone is left as it is).
 */
export async function recordOpening(
  db: Queryable,
  reportId: string,
  staffId: string | null,
  at: Date,
): Promise<void> {
  await db.query(
    `UPDATE reports
        SET first_opened_at = COALESCE(first_opened_at, $3),
            claimed_by = COALESCE(claimed_by, $2::text),
            claimed_at = CASE WHEN claimed_by IS NULL AND $2::text IS NOT NULL THEN $3
                              ELSE claimed_at END
      WHERE id = $1`,
    [reportId, staffId, at],
  )
}

/** Who opened the report and when, newest first, from the audit trail. */
export async function viewingsOf(
  db: Queryable,
  reportId: string,
  limit = 50,
): Promise<{ actor: string; at: Date }[]> {
  const rows = await db.query<{ actor: string; occurred_at: Date | string }>(
    `SELECT actor, occurred_at FROM audit_events
      WHERE subject_type = 'report' AND subject_id = $1 AND event = 'report.viewed'
      ORDER BY occurred_at DESC, id DESC LIMIT $2`,
    [reportId, limit],
  )
  return rows.map((r) => ({ actor: r.actor, at: toDate(r.occurred_at) }))
}

export interface UnopenedUrgentReport {
  id: string
  reference: string
  deadlineAt: Date
}

/**
 * P1 reports waiting for a decision that nobody has opened by their deadline, the longest
 * overdue first: the alert at the top of every staff page. `limit` caps the list, not the count.
 */
export async function findUnopenedOverdueP1(
  db: Queryable,
  now: Date,
  limit = 5,
): Promise<{ count: number; reports: UnopenedUrgentReport[] }> {
  const rows = await db.query<{
    id: string
    reference: string
    deadline_at: Date | string
    total: number | string
  }>(
    `SELECT id, reference, deadline_at, count(*) OVER () AS total
       FROM reports
      WHERE priority_rank = 1 AND first_opened_at IS NULL AND status = 'new'
        AND deadline_at <= $1
      ORDER BY deadline_at, id
      LIMIT $2`,
    [now, limit],
  )
  return {
    count: Number(rows[0]?.total ?? 0),
    reports: rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      deadlineAt: toDate(r.deadline_at),
    })),
  }
}

/** Sets (or, with null, clears) who has the report open. */
export async function setClaim(
  db: Queryable,
  reportId: string,
  staffId: string | null,
  at: Date,
): Promise<void> {
  await db.query('UPDATE reports SET claimed_by = $2, claimed_at = $3 WHERE id = $1', [
    reportId,
    staffId,
    staffId === null ? null : at,
  ])
}
