import type { Queryable } from '../db/db.js'
import type { NewReportSource, ReportSourceDetails } from './validation.js'

/** SQL for the sources that place the report button. */
export interface ReportSource {
  id: string
  name: string
  website: string
  createdAt: Date
  updatedAt: Date
  /** When it stopped using the button; null while it is current. */
  withdrawnAt: Date | null
}

interface ReportSourceRecord {
  [key: string]: unknown
  id: string
  name: string
  website: string
  created_at: Date | string
  updated_at: Date | string
  withdrawn_at: Date | string | null
}

const COLUMNS = 'id, name, website, created_at, updated_at, withdrawn_at'
const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value))

const toSource = (r: ReportSourceRecord): ReportSource => ({
  id: r.id,
  name: r.name,
  website: r.website,
  createdAt: toDate(r.created_at),
  updatedAt: toDate(r.updated_at),
  withdrawnAt: r.withdrawn_at === null ? null : toDate(r.withdrawn_at),
})

export class DuplicateSourceIdError extends Error {
  constructor() {
    super('A report source with this id already exists')
    this.name = 'DuplicateSourceIdError'
  }
}

const isUniqueViolation = (error: unknown, constraint: string): boolean => {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { code?: string; constraint?: string; message?: string }
  return e.code === '23505' && (e.constraint ?? e.message ?? '').includes(constraint)
}

export async function listReportSources(db: Queryable): Promise<ReportSource[]> {
  const rows = await db.query<ReportSourceRecord>(
    `SELECT ${COLUMNS} FROM report_sources ORDER BY withdrawn_at IS NOT NULL, name, id`,
  )
  return rows.map(toSource)
}

export async function findReportSource(
  db: Queryable,
  id: string,
): Promise<ReportSource | undefined> {
  const rows = await db.query<ReportSourceRecord>(
    `SELECT ${COLUMNS} FROM report_sources WHERE id = $1`,
    [id],
  )
  const row = rows[0]
  return row ? toSource(row) : undefined
}

export async function insertReportSource(
  db: Queryable,
  source: NewReportSource,
  at: Date,
): Promise<void> {
  try {
    await db.query(
      `INSERT INTO report_sources (id, name, website, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $4)`,
      [source.id, source.name, source.website, at],
    )
  } catch (error) {
    if (isUniqueViolation(error, 'report_sources_pkey')) throw new DuplicateSourceIdError()
    throw error
  }
}

/** Renames a source or changes its website; false when there is no such source. */
export async function updateReportSource(
  db: Queryable,
  id: string,
  details: ReportSourceDetails,
  at: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE report_sources SET name = $2, website = $3, updated_at = $4
      WHERE id = $1 RETURNING id`,
    [id, details.name, details.website, at],
  )
  return rows.length > 0
}

/** Withdraws a source, or brings a withdrawn one back; false when there is no such source. */
export async function setWithdrawn(
  db: Queryable,
  id: string,
  withdrawn: boolean,
  at: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE report_sources
        SET withdrawn_at = CASE WHEN $2 THEN coalesce(withdrawn_at, $3) END, updated_at = $3
      WHERE id = $1 RETURNING id`,
    [id, withdrawn, at],
  )
  return rows.length > 0
}
