import type { Queryable } from '../db/db.js'
import type { Area, ChildLocation, Jurisdiction } from './model.js'
import * as repository from './repository.js'
import {
  decideJurisdiction,
  indexTowns,
  readLocation,
  type AreaAuthorityRecord,
  type AreaPoliceForceRecord,
  type AuthorityRecord,
  type LocationQuery,
  type LookedUp,
  type PostcodeAreaRecords,
  type TownEntry,
} from './resolve.js'

/**
 * The jurisdiction tables held in memory. They change only when an agency imports new ones,
 * yet every report needs them, so intake reads them from here rather than querying per report.
 */
export interface Snapshot {
  version: number
  hasData: boolean
  authorities: readonly AuthorityRecord[]
  byCode: ReadonlyMap<string, AuthorityRecord>
  towns: readonly TownEntry[]
  districtAuthorities: ReadonlyMap<string, AreaAuthorityRecord[]>
  districtForces: ReadonlyMap<string, AreaPoliceForceRecord[]>
}

export async function loadSnapshot(db: Queryable): Promise<Snapshot> {
  const version = await repository.importsVersion(db)
  const authorities = await repository.listAuthorities(db)
  return {
    version,
    hasData: await repository.hasJurisdictionData(db),
    authorities,
    byCode: new Map(authorities.map((a) => [a.code, a])),
    towns: indexTowns(authorities),
    districtAuthorities: groupByDistrict(await repository.listDistrictAuthorities(db)),
    districtForces: groupByDistrict(await repository.listDistrictPoliceForces(db)),
  }
}

function groupByDistrict<R>(rows: (R & { district: string })[]): Map<string, R[]> {
  const groups = new Map<string, R[]>()
  for (const row of rows) {
    const group = groups.get(row.district)
    if (group) group.push(row)
    else groups.set(row.district, [row])
  }
  return groups
}

export function resolveIn(snapshot: Snapshot, location: ChildLocation): Jurisdiction {
  const query = readLocation(location)
  return decideJurisdiction(query, lookUpIn(snapshot, query))
}

function lookUpIn(snapshot: Snapshot, query: LocationQuery): LookedUp {
  if (!snapshot.hasData) {
    return { hasData: false, councilArea: null, postcodeArea: null, authorities: [] }
  }
  return {
    hasData: true,
    councilArea:
      query.councilAreaCode === null ? null : (snapshot.byCode.get(query.councilAreaCode) ?? null),
    postcodeArea: query.postcode === null ? null : postcodeArea(snapshot, query.postcode.district),
    authorities: snapshot.authorities,
    towns: snapshot.towns,
  }
}

/**
 * Only district tables exist today. A full-postcode table would be asked first here and answer
 * with basis 'postcode', falling back to the district when it does not know the postcode.
 */
function postcodeArea(snapshot: Snapshot, district: string): PostcodeAreaRecords | null {
  const authorities = snapshot.districtAuthorities.get(district) ?? []
  const policeForces = snapshot.districtForces.get(district) ?? []
  if (authorities.length === 0 && policeForces.length === 0) return null
  return { basis: 'postcode-district', authorities, policeForces }
}

export interface JurisdictionDirectory {
  /**
   * Reads through the pool when the snapshot needs loading, so call it outside a transaction:
   * while every connection is held by a waiting transaction the pool has none to give.
   */
  resolve(location: ChildLocation): Promise<Jurisdiction>
  councilAreas(): Promise<Area[]>
}

/**
 * Keeps a snapshot and checks at most once per `checkEveryMs` whether an import has committed
 * since (one tiny query), so a new import takes effect within that time on every instance.
 */
export function jurisdictionDirectory(
  db: Queryable,
  { checkEveryMs = 1000, now = () => Date.now() } = {},
): JurisdictionDirectory {
  let current: Promise<Snapshot> | undefined
  let checkedAt = 0

  async function fresh(): Promise<Snapshot> {
    if (!current) {
      checkedAt = now()
      current = loadSnapshot(db)
    } else if (now() - checkedAt >= checkEveryMs) {
      checkedAt = now()
      const known = current
      current = (async () => {
        const snapshot = await known
        const version = await repository.importsVersion(db)
        return version === snapshot.version ? snapshot : loadSnapshot(db)
      })()
    }
    // A failed load is not kept: the next request tries again.
    return current.catch((error: unknown) => {
      current = undefined
      throw error
    })
  }

  return {
    resolve: async (location) => resolveIn(await fresh(), location),
    councilAreas: async () => {
      const { authorities } = await fresh()
      return sortByName(authorities.map(({ code, name }) => ({ code, name })))
    },
  }
}

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true })

/** Sorted here, not in SQL, so the list reads the same whatever the server's collation. */
export function sortByName(areas: Area[]): Area[] {
  return areas.sort((a, b) => byName.compare(a.name, b.name) || a.code.localeCompare(b.code))
}
