import type { Db, Queryable } from '../db/db.js'
import type { JurisdictionFileKind, JurisdictionTables } from './import.js'
import type { Area, ChildLocation, Jurisdiction } from './model.js'
import * as repository from './repository.js'
import { loadSnapshot, resolveIn } from './directory.js'

/**
 * Routes a report: reads the child's location, finds the rows it could mean and lets the pure
 * rules decide. Only codes and names from the tables come back, never the typed location.
 */
export async function resolveJurisdiction(
  db: Queryable,
  location: ChildLocation,
): Promise<Jurisdiction> {
  return resolveIn(await loadSnapshot(db), location)
}

export interface ImportSummary {
  fileName: string
  kind: JurisdictionFileKind
  recordsRead: number
  rowsLoaded: number
  skipped: number
}

const BATCH_SIZE = 1000

/**
 * Loads one file's tables in one transaction, so a failed file leaves the previous data whole.
 * Re-running is safe: forces and authorities are upserted by code, and each district in the
 * file replaces that district's rows (a lookup split by postcode area can be loaded in parts).
 */
export async function importJurisdictionTables(
  db: Db,
  fileName: string,
  tables: JurisdictionTables,
  onProgress: (rowsSaved: number, rowsTotal: number) => void = () => undefined,
): Promise<ImportSummary> {
  const total = rowCount(tables)
  let saved = 0
  const progress = (n: number) => {
    saved += n
    onProgress(saved, total)
  }
  await db.transaction(async (tx) => {
    await savePoliceForces(tx, tables, progress)
    await saveLocalAuthorities(tx, tables, progress)
    await saveDistrictAuthorities(tx, tables, progress)
    await saveDistrictPoliceForces(tx, tables, progress)
    await repository.recordImport(tx, {
      fileName,
      kind: tables.kind,
      rowCount: total,
      skipped: tables.skipped,
    })
  })
  return {
    fileName,
    kind: tables.kind,
    recordsRead: tables.recordsRead,
    rowsLoaded: total,
    skipped: tables.skipped,
  }
}

type Progress = (rowsSaved: number) => void

async function savePoliceForces(tx: Queryable, tables: JurisdictionTables, progress: Progress) {
  const rows = lastByKey(tables.policeForces, (r) => r.code)
  await inBatches(rows, progress, (batch) => repository.upsertPoliceForces(tx, batch))
}

async function saveLocalAuthorities(tx: Queryable, tables: JurisdictionTables, progress: Progress) {
  const rows = lastByKey(tables.localAuthorities, (r) => r.code)
  const forces = rows.map((r) => ({ code: r.policeForceCode, name: r.policeForceName }))
  await addNamedForces(tx, forces)
  await inBatches(rows, progress, (batch) => repository.upsertLocalAuthorities(tx, batch))
}

async function saveDistrictAuthorities(
  tx: Queryable,
  tables: JurisdictionTables,
  progress: Progress,
) {
  const rows = tables.districtAuthorities
  if (rows.length === 0) return
  await repository.deleteDistrictAuthorities(tx, distinct(rows.map((r) => r.district)))
  await inBatches(rows, progress, (batch) => repository.insertDistrictAuthorities(tx, batch))
}

async function saveDistrictPoliceForces(
  tx: Queryable,
  tables: JurisdictionTables,
  progress: Progress,
) {
  const rows = tables.districtPoliceForces
  if (rows.length === 0) return
  await addNamedForces(
    tx,
    rows.map((r) => ({ code: r.policeForceCode, name: r.policeForceName })),
  )
  await repository.deleteDistrictPoliceForces(tx, distinct(rows.map((r) => r.district)))
  await inBatches(rows, progress, (batch) => repository.insertDistrictPoliceForces(tx, batch))
}

async function addNamedForces(tx: Queryable, forces: { code: string; name: string | null }[]) {
  const named = forces.filter((f): f is Area => f.name !== null)
  const unique = lastByKey(named, (f) => f.code)
  if (unique.length > 0) await repository.addPoliceForcesIfMissing(tx, unique)
}

async function inBatches<T>(
  rows: readonly T[],
  progress: Progress,
  save: (batch: readonly T[]) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    const batch = rows.slice(start, start + BATCH_SIZE)
    await save(batch)
    progress(batch.length)
  }
}

export function rowCount(tables: JurisdictionTables): number {
  return (
    tables.policeForces.length +
    tables.localAuthorities.length +
    tables.districtAuthorities.length +
    tables.districtPoliceForces.length
  )
}

/** An upsert cannot touch one row twice in a statement, so a file's repeated codes: last wins. */
function lastByKey<T>(rows: readonly T[], keyOf: (row: T) => string): T[] {
  return [...new Map(rows.map((row) => [keyOf(row), row])).values()]
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)]
}
