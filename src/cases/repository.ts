import type { Sealed } from '../crypto/envelope.js'
import type { Queryable, Row } from '../db/db.js'
import type {
  CaseListFilters,
  CaseStatus,
  ClosureOutcome,
  ContactMethod,
  ContactOutcome,
} from './validation.js'

/**
 * SQL for cases. Lists read only columns that name no one (numbers, statuses, owners' ids,
 * dates, codes); the sealed columns are read when one case is opened, and opened by the service.
 */
type Bytes = Uint8Array
type When = Date | string

const sealedOf = (keyId: string, wrapped: Bytes, ciphertext: Bytes): Sealed => ({
  keyId,
  wrappedKey: Buffer.from(wrapped),
  ciphertext: Buffer.from(ciphertext),
})

export interface StoredCase {
  id: string
  number: number
  owner: string
  status: CaseStatus
  openedAt: Date
  openedBy: string
  mergedInto: string | null
}

interface CaseRow extends Row {
  id: string
  number: string | number
  owner: string
  status: CaseStatus
  opened_at: When
  opened_by: string
  merged_into: string | null
}

const CASE_COLUMNS = 'id, number, owner, status, opened_at, opened_by, merged_into'

const toCase = (r: CaseRow): StoredCase => ({
  id: r.id,
  number: Number(r.number),
  owner: r.owner,
  status: r.status,
  openedAt: new Date(r.opened_at),
  openedBy: r.opened_by,
  mergedInto: r.merged_into,
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string) => UUID.test(value)

/** A case opened by a report's decision: the case, its first report and its first event. */
export async function openCase(
  db: Queryable,
  c: { id: string; eventId: string; reportId: string; owner: string; openedAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO cases (id, report_id, owner, status, opened_at, opened_by)
     VALUES ($1, $2, $3, 'open', $4, $3)`,
    [c.id, c.reportId, c.owner, c.openedAt],
  )
  await addReport(db, c.id, c.reportId, c.openedAt, c.owner)
  await insertEvent(db, {
    id: c.eventId,
    caseId: c.id,
    at: c.openedAt,
    actor: c.owner,
    kind: 'opened',
    details: { reportId: c.reportId },
  })
}

export async function findCase(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredCase | undefined> {
  if (!isUuid(id)) return undefined
  const rows = await db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  )
  return rows[0] && toCase(rows[0])
}

export async function findCaseByNumber(
  db: Queryable,
  number: number,
): Promise<StoredCase | undefined> {
  const rows = await db.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM cases WHERE number = $1`, [
    number,
  ])
  return rows[0] && toCase(rows[0])
}

/** The case a report is in now, if any. */
export async function caseOfReport(
  db: Queryable,
  reportId: string,
): Promise<StoredCase | undefined> {
  const rows = await db.query<CaseRow>(
    `SELECT c.id, c.number, c.owner, c.status, c.opened_at, c.opened_by, c.merged_into
       FROM case_reports cr JOIN cases c ON c.id = cr.case_id WHERE cr.report_id = $1`,
    [reportId],
  )
  return rows[0] && toCase(rows[0])
}

/** The case each of `reportIds` is in now, by report; reports in no case are left out. */
export async function casesOfReports(
  db: Queryable,
  reportIds: readonly string[],
): Promise<Map<string, StoredCase>> {
  if (reportIds.length === 0) return new Map()
  const rows = await db.query<CaseRow & { report_id: string }>(
    `SELECT cr.report_id, c.id, c.number, c.owner, c.status, c.opened_at, c.opened_by,
            c.merged_into
       FROM case_reports cr JOIN cases c ON c.id = cr.case_id
      WHERE cr.report_id = ANY($1::uuid[])`,
    [reportIds],
  )
  return new Map(rows.map((row) => [row.report_id, toCase(row)]))
}

export async function setStatus(db: Queryable, caseId: string, status: CaseStatus) {
  await db.query('UPDATE cases SET status = $2 WHERE id = $1', [caseId, status])
}

export async function setOwner(db: Queryable, caseId: string, owner: string) {
  await db.query('UPDATE cases SET owner = $2 WHERE id = $1', [caseId, owner])
}

export async function markMerged(db: Queryable, caseId: string, into: string) {
  await db.query(`UPDATE cases SET status = 'merged', merged_into = $2 WHERE id = $1`, [
    caseId,
    into,
  ])
}

export interface CaseReport {
  id: string
  reference: string
  priority: string
  status: string
  receivedAt: Date
  policeForce: string | null
  localAuthority: string | null
  addedAt: Date
  /** Since when a legal hold keeps the report, and so this case, past its retention period. */
  legalHoldSince: Date | null
}

export async function reportsOf(db: Queryable, caseId: string): Promise<CaseReport[]> {
  const rows = await db.query<{
    id: string
    reference: string
    priority: string
    status: string
    received_at: When
    police_force: string | null
    local_authority: string | null
    added_at: When
    legal_hold_since: When | null
  }>(
    `SELECT r.id, r.reference, r.priority, r.status, r.received_at, r.legal_hold_since,
            r.jurisdiction #>> '{candidates,0,policeForce,name}' AS police_force,
            r.jurisdiction #>> '{candidates,0,localAuthority,name}' AS local_authority,
            cr.added_at
       FROM case_reports cr JOIN reports r ON r.id = cr.report_id
      WHERE cr.case_id = $1 ORDER BY cr.added_at, r.reference`,
    [caseId],
  )
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    priority: r.priority,
    status: r.status,
    receivedAt: new Date(r.received_at),
    policeForce: r.police_force,
    localAuthority: r.local_authority,
    addedAt: new Date(r.added_at),
    legalHoldSince: r.legal_hold_since === null ? null : new Date(r.legal_hold_since),
  }))
}

export async function findReportByReference(
  db: Queryable,
  reference: string,
): Promise<{ id: string; reference: string; caseId: string | null } | undefined> {
  const rows = await db.query<{ id: string; reference: string; case_id: string | null }>(
    `SELECT r.id, r.reference, cr.case_id FROM reports r
       LEFT JOIN case_reports cr ON cr.report_id = r.id WHERE r.reference = $1`,
    [reference],
  )
  const r = rows[0]
  return r && { id: r.id, reference: r.reference, caseId: r.case_id }
}

export async function addReport(
  db: Queryable,
  caseId: string,
  reportId: string,
  at: Date,
  by: string,
): Promise<void> {
  await db.query(
    'INSERT INTO case_reports (report_id, case_id, added_at, added_by) VALUES ($1, $2, $3, $4)',
    [reportId, caseId, at, by],
  )
}

export async function moveReports(
  db: Queryable,
  reportIds: readonly string[],
  toCaseId: string,
  at: Date,
  by: string,
): Promise<void> {
  await db.query(
    `UPDATE case_reports SET case_id = $2, added_at = $3, added_by = $4
      WHERE report_id = ANY ($1::uuid[])`,
    [reportIds, toCaseId, at, by],
  )
}

export interface StoredContact {
  id: string
  happenedAt: Date
  recordedAt: Date
  recordedBy: string
  method: ContactMethod
  outcome: ContactOutcome
  sealed: Sealed
}

export async function insertContact(
  db: Queryable,
  caseId: string,
  c: StoredContact,
): Promise<void> {
  await db.query(
    `INSERT INTO case_contacts (id, case_id, happened_at, recorded_at, recorded_by, method,
       outcome, key_id, wrapped_data_key, sealed_ciphertext)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      c.id,
      caseId,
      c.happenedAt,
      c.recordedAt,
      c.recordedBy,
      c.method,
      c.outcome,
      c.sealed.keyId,
      c.sealed.wrappedKey,
      c.sealed.ciphertext,
    ],
  )
}

/** The contact log, newest first. */
export async function contactsOf(db: Queryable, caseId: string): Promise<StoredContact[]> {
  const rows = await db.query<{
    id: string
    happened_at: When
    recorded_at: When
    recorded_by: string
    method: ContactMethod
    outcome: ContactOutcome
    key_id: string
    wrapped_data_key: Bytes
    sealed_ciphertext: Bytes
  }>(
    `SELECT id, happened_at, recorded_at, recorded_by, method, outcome, key_id,
            wrapped_data_key, sealed_ciphertext
       FROM case_contacts WHERE case_id = $1 ORDER BY happened_at DESC, recorded_at DESC, id`,
    [caseId],
  )
  return rows.map((r) => ({
    id: r.id,
    happenedAt: new Date(r.happened_at),
    recordedAt: new Date(r.recorded_at),
    recordedBy: r.recorded_by,
    method: r.method,
    outcome: r.outcome,
    sealed: sealedOf(r.key_id, r.wrapped_data_key, r.sealed_ciphertext),
  }))
}

/** The outcomes of the latest `n` contacts, newest first: how many attempts in a row failed. */
export async function latestOutcomes(
  db: Queryable,
  caseId: string,
  n: number,
): Promise<ContactOutcome[]> {
  const rows = await db.query<{ outcome: ContactOutcome }>(
    `SELECT outcome FROM case_contacts WHERE case_id = $1
      ORDER BY happened_at DESC, recorded_at DESC LIMIT $2`,
    [caseId, n],
  )
  return rows.map((r) => r.outcome)
}

export interface StoredPlanVersion {
  id: string
  version: number
  savedAt: Date
  savedBy: string
  reviewOn: string
  sealed: Sealed
}

export async function insertPlanVersion(
  db: Queryable,
  caseId: string,
  p: StoredPlanVersion,
): Promise<void> {
  await db.query(
    `INSERT INTO case_plan_versions (id, case_id, version, saved_at, saved_by, review_on, key_id,
       wrapped_data_key, sealed_ciphertext)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      p.id,
      caseId,
      p.version,
      p.savedAt,
      p.savedBy,
      p.reviewOn,
      p.sealed.keyId,
      p.sealed.wrappedKey,
      p.sealed.ciphertext,
    ],
  )
}

/** Every version of the plan, oldest first. */
export async function planVersionsOf(db: Queryable, caseId: string): Promise<StoredPlanVersion[]> {
  const rows = await db.query<{
    id: string
    version: number
    saved_at: When
    saved_by: string
    review_on: string
    key_id: string
    wrapped_data_key: Bytes
    sealed_ciphertext: Bytes
  }>(
    `SELECT id, version, saved_at, saved_by, to_char(review_on, 'YYYY-MM-DD') AS review_on,
            key_id, wrapped_data_key, sealed_ciphertext
       FROM case_plan_versions WHERE case_id = $1 ORDER BY version`,
    [caseId],
  )
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    savedAt: new Date(r.saved_at),
    savedBy: r.saved_by,
    reviewOn: r.review_on,
    sealed: sealedOf(r.key_id, r.wrapped_data_key, r.sealed_ciphertext),
  }))
}

export async function latestPlanVersion(db: Queryable, caseId: string): Promise<number> {
  const rows = await db.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM case_plan_versions WHERE case_id = $1',
    [caseId],
  )
  return rows[0]?.v ?? 0
}

export interface StoredTask {
  id: string
  caseId: string
  caseNumber: number
  kind: 'task' | 'failed-contacts'
  owner: string | null
  forRole: 'supervisor' | null
  due: string
  createdAt: Date
  createdBy: string
  doneAt: Date | null
  doneBy: string | null
  title: Sealed
}

export async function insertTask(
  db: Queryable,
  t: Omit<StoredTask, 'caseNumber' | 'doneAt' | 'doneBy'>,
): Promise<void> {
  await db.query(
    `INSERT INTO case_tasks (id, case_id, kind, owner, for_role, due_on, created_at, created_by,
       key_id, wrapped_data_key, title_ciphertext)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      t.id,
      t.caseId,
      t.kind,
      t.owner,
      t.forRole,
      t.due,
      t.createdAt,
      t.createdBy,
      t.title.keyId,
      t.title.wrappedKey,
      t.title.ciphertext,
    ],
  )
}

const TASK_COLUMNS = `t.id, t.case_id, c.number AS case_number, t.kind, t.owner, t.for_role,
  to_char(t.due_on, 'YYYY-MM-DD') AS due_on, t.created_at, t.created_by, t.done_at, t.done_by,
  t.key_id, t.wrapped_data_key, t.title_ciphertext`

interface TaskRow extends Row {
  id: string
  case_id: string
  case_number: string | number
  kind: 'task' | 'failed-contacts'
  owner: string | null
  for_role: 'supervisor' | null
  due_on: string
  created_at: When
  created_by: string
  done_at: When | null
  done_by: string | null
  key_id: string
  wrapped_data_key: Bytes
  title_ciphertext: Bytes
}

const toTask = (r: TaskRow): StoredTask => ({
  id: r.id,
  caseId: r.case_id,
  caseNumber: Number(r.case_number),
  kind: r.kind,
  owner: r.owner,
  forRole: r.for_role,
  due: r.due_on,
  createdAt: new Date(r.created_at),
  createdBy: r.created_by,
  doneAt: r.done_at === null ? null : new Date(r.done_at),
  doneBy: r.done_by,
  title: sealedOf(r.key_id, r.wrapped_data_key, r.title_ciphertext),
})

/** A case's tasks: those to do first, by due date, then those done. */
export async function tasksOf(db: Queryable, caseId: string): Promise<StoredTask[]> {
  const rows = await db.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM case_tasks t JOIN cases c ON c.id = t.case_id
      WHERE t.case_id = $1 ORDER BY t.done_at IS NOT NULL, t.due_on, t.created_at`,
    [caseId],
  )
  return rows.map(toTask)
}

/** Tasks still to do on working cases that are someone's own, or any supervisor's. */
export async function openTasksFor(
  db: Queryable,
  owner: string,
  roles: readonly string[],
  limit = 200,
): Promise<StoredTask[]> {
  const rows = await db.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM case_tasks t JOIN cases c ON c.id = t.case_id
      WHERE t.done_at IS NULL AND (t.owner = $1 OR t.for_role = ANY ($2::text[]))
        -- a closed case's tasks wait, with the case, for it to be reopened
        AND c.status NOT IN ('closed', 'merged')
      ORDER BY t.due_on, t.created_at LIMIT $3`,
    [owner, roles, limit],
  )
  return rows.map(toTask)
}

export async function findTask(
  db: Queryable,
  caseId: string,
  taskId: string,
): Promise<StoredTask | undefined> {
  if (!isUuid(taskId)) return undefined
  const rows = await db.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM case_tasks t JOIN cases c ON c.id = t.case_id
      WHERE t.case_id = $1 AND t.id = $2`,
    [caseId, taskId],
  )
  return rows[0] && toTask(rows[0])
}

export async function completeTask(db: Queryable, taskId: string, at: Date, by: string) {
  await db.query('UPDATE case_tasks SET done_at = $2, done_by = $3 WHERE id = $1', [taskId, at, by])
}

export async function hasOpenTaskOfKind(
  db: Queryable,
  caseId: string,
  kind: StoredTask['kind'],
): Promise<boolean> {
  const rows = await db.query(
    'SELECT 1 FROM case_tasks WHERE case_id = $1 AND kind = $2 AND done_at IS NULL LIMIT 1',
    [caseId, kind],
  )
  return rows.length > 0
}

export interface StoredClosure {
  id: string
  requestedAt: Date
  requestedBy: string
  outcome: ClosureOutcome
  summary: Sealed
  decision: 'approved' | 'returned' | null
  decidedAt: Date | null
  decidedBy: string | null
}

export async function insertClosure(
  db: Queryable,
  caseId: string,
  c: Pick<StoredClosure, 'id' | 'requestedAt' | 'requestedBy' | 'outcome' | 'summary'>,
): Promise<void> {
  await db.query(
    `INSERT INTO case_closures (id, case_id, requested_at, requested_by, outcome, key_id,
       wrapped_data_key, summary_ciphertext)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      c.id,
      caseId,
      c.requestedAt,
      c.requestedBy,
      c.outcome,
      c.summary.keyId,
      c.summary.wrappedKey,
      c.summary.ciphertext,
    ],
  )
}

/** Closure requests, newest first. */
export async function closuresOf(db: Queryable, caseId: string): Promise<StoredClosure[]> {
  const rows = await db.query<{
    id: string
    requested_at: When
    requested_by: string
    outcome: ClosureOutcome
    key_id: string
    wrapped_data_key: Bytes
    summary_ciphertext: Bytes
    decision: 'approved' | 'returned' | null
    decided_at: When | null
    decided_by: string | null
  }>(
    `SELECT id, requested_at, requested_by, outcome, key_id, wrapped_data_key,
            summary_ciphertext, decision, decided_at, decided_by
       FROM case_closures WHERE case_id = $1 ORDER BY requested_at DESC, id`,
    [caseId],
  )
  return rows.map((r) => ({
    id: r.id,
    requestedAt: new Date(r.requested_at),
    requestedBy: r.requested_by,
    outcome: r.outcome,
    summary: sealedOf(r.key_id, r.wrapped_data_key, r.summary_ciphertext),
    decision: r.decision,
    decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
    decidedBy: r.decided_by,
  }))
}

export async function decideClosure(
  db: Queryable,
  closureId: string,
  decision: 'approved' | 'returned',
  at: Date,
  by: string,
): Promise<void> {
  await db.query(
    `UPDATE case_closures SET decision = $2, decided_at = $3, decided_by = $4
      WHERE id = $1 AND decision IS NULL`,
    [closureId, decision, at, by],
  )
}

export async function insertLink(db: Queryable, a: string, b: string, at: Date, by: string) {
  const [first, second] = a < b ? [a, b] : [b, a]
  await db.query(
    `INSERT INTO case_links (case_id, linked_case_id, linked_at, linked_by)
     VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, linked_case_id) DO NOTHING`,
    [first, second, at, by],
  )
}

export async function linkedCasesOf(
  db: Queryable,
  caseId: string,
): Promise<{ id: string; number: number; status: CaseStatus; linkedAt: Date }[]> {
  const rows = await db.query<{
    id: string
    number: string | number
    status: CaseStatus
    linked_at: When
  }>(
    `SELECT c.id, c.number, c.status, l.linked_at FROM case_links l
       JOIN cases c ON c.id = CASE WHEN l.case_id = $1 THEN l.linked_case_id ELSE l.case_id END
      WHERE l.case_id = $1 OR l.linked_case_id = $1 ORDER BY l.linked_at`,
    [caseId],
  )
  return rows.map((r) => ({
    id: r.id,
    number: Number(r.number),
    status: r.status,
    linkedAt: new Date(r.linked_at),
  }))
}

export type EventDetails = Record<string, string | number | boolean | null>

export interface StoredEvent {
  id: string
  caseId: string
  at: Date
  actor: string
  kind: string
  details: EventDetails
  text?: Sealed
}

export async function insertEvent(db: Queryable, e: StoredEvent): Promise<void> {
  await db.query(
    `INSERT INTO case_events (id, case_id, at, actor, kind, details, key_id, wrapped_data_key,
       text_ciphertext)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      e.id,
      e.caseId,
      e.at,
      e.actor,
      e.kind,
      JSON.stringify(e.details),
      e.text?.keyId ?? null,
      e.text?.wrappedKey ?? null,
      e.text?.ciphertext ?? null,
    ],
  )
}

/** The timeline, newest first, of the given event kinds (all when none are given). */
export async function eventsOf(
  db: Queryable,
  caseId: string,
  kinds: readonly string[] | undefined,
): Promise<StoredEvent[]> {
  const rows = await db.query<{
    id: string
    case_id: string
    at: When
    actor: string
    kind: string
    details: EventDetails
    key_id: string | null
    wrapped_data_key: Bytes | null
    text_ciphertext: Bytes | null
  }>(
    `SELECT id, case_id, at, actor, kind, details, key_id, wrapped_data_key, text_ciphertext
       FROM case_events WHERE case_id = $1 AND ($2::text[] IS NULL OR kind = ANY ($2::text[]))
      ORDER BY at DESC, seq DESC`,
    [caseId, kinds ?? null],
  )
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    at: new Date(r.at),
    actor: r.actor,
    kind: r.kind,
    details: r.details,
    ...(r.key_id && r.wrapped_data_key && r.text_ciphertext
      ? { text: sealedOf(r.key_id, r.wrapped_data_key, r.text_ciphertext) }
      : {}),
  }))
}

export interface CaseListRow {
  id: string
  number: number
  owner: string
  status: CaseStatus
  openedAt: Date
  reports: number
  openTasks: number
  overdueTasks: number
  nextDue: string | null
  policeForces: string[]
  localAuthorities: string[]
  closureWaiting: boolean
}

export const CASE_LIST_LIMIT = 200

/** The case list: the cases matching `filters`, most recently opened first. */
export async function listCases(
  db: Queryable,
  filters: CaseListFilters,
  viewerId: string,
  today: string,
): Promise<CaseListRow[]> {
  const params: unknown[] = [filters.statuses, today]
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  const conditions = ['c.status = ANY ($1::text[])']
  if (filters.whose === 'mine') conditions.push(`c.owner = ${param(viewerId)}`)
  if (filters.overdueTasks)
    conditions.push(`EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id
      AND t.done_at IS NULL AND t.due_on < $2::date)`)
  if (filters.policeForceCode)
    conditions.push(`EXISTS (SELECT 1 FROM case_reports cr JOIN reports r ON r.id = cr.report_id
      WHERE cr.case_id = c.id AND r.police_force_code = ${param(filters.policeForceCode)})`)
  if (filters.localAuthorityCode)
    conditions.push(`EXISTS (SELECT 1 FROM case_reports cr JOIN reports r ON r.id = cr.report_id
      WHERE cr.case_id = c.id AND r.local_authority_code = ${param(filters.localAuthorityCode)})`)
  const rows = await db.query<{
    id: string
    number: string | number
    owner: string
    status: CaseStatus
    opened_at: When
    reports: number
    open_tasks: number
    overdue_tasks: number
    next_due: string | null
    police_forces: string[] | null
    local_authorities: string[] | null
    closure_waiting: boolean
  }>(
    `SELECT c.id, c.number, c.owner, c.status, c.opened_at,
            (SELECT count(*)::int FROM case_reports cr WHERE cr.case_id = c.id) AS reports,
            (SELECT count(*)::int FROM case_tasks t
              WHERE t.case_id = c.id AND t.done_at IS NULL) AS open_tasks,
            (SELECT count(*)::int FROM case_tasks t
              WHERE t.case_id = c.id AND t.done_at IS NULL AND t.due_on < $2::date) AS overdue_tasks,
            (SELECT to_char(min(t.due_on), 'YYYY-MM-DD') FROM case_tasks t
              WHERE t.case_id = c.id AND t.done_at IS NULL) AS next_due,
            (SELECT array_agg(DISTINCT r.jurisdiction #>> '{candidates,0,policeForce,name}')
               FROM case_reports cr JOIN reports r ON r.id = cr.report_id
              WHERE cr.case_id = c.id
                AND r.jurisdiction #>> '{candidates,0,policeForce,name}' IS NOT NULL)
              AS police_forces,
            (SELECT array_agg(DISTINCT r.jurisdiction #>> '{candidates,0,localAuthority,name}')
               FROM case_reports cr JOIN reports r ON r.id = cr.report_id
              WHERE cr.case_id = c.id
                AND r.jurisdiction #>> '{candidates,0,localAuthority,name}' IS NOT NULL)
              AS local_authorities,
            EXISTS (SELECT 1 FROM case_closures cl
              WHERE cl.case_id = c.id AND cl.decision IS NULL) AS closure_waiting
       FROM cases c
      WHERE ${conditions.join(' AND ')}
      ORDER BY c.opened_at DESC, c.number DESC
      LIMIT ${CASE_LIST_LIMIT}`,
    params,
  )
  return rows.map((r) => ({
    id: r.id,
    number: Number(r.number),
    owner: r.owner,
    status: r.status,
    openedAt: new Date(r.opened_at),
    reports: r.reports,
    openTasks: r.open_tasks,
    overdueTasks: r.overdue_tasks,
    nextDue: r.next_due,
    policeForces: r.police_forces ?? [],
    localAuthorities: r.local_authorities ?? [],
    closureWaiting: r.closure_waiting,
  }))
}
