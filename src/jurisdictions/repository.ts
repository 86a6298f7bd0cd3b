import type { Queryable } from '../db/db.js'
import type {
  DistrictAuthorityRow,
  DistrictPoliceForceRow,
  JurisdictionFileKind,
  LocalAuthorityRow,
  PoliceForceRow,
} from './import.js'
import type { Area } from './model.js'
import type { AreaAuthorityRecord, AreaPoliceForceRecord, AuthorityRecord } from './resolve.js'

/** SQL for the jurisdiction tables. Bulk writes take one batch of rows per call, as arrays. */

export async function upsertPoliceForces(
  db: Queryable,
  rows: readonly PoliceForceRow[],
): Promise<void> {
  await db.query(
    `INSERT INTO police_forces (code, name, area_name, police_uk_id, nation, kind, note)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
     ON CONFLICT ON CONSTRAINT police_forces_pkey DO UPDATE SET
       name = excluded.name, area_name = excluded.area_name, police_uk_id = excluded.police_uk_id,
       nation = excluded.nation, kind = excluded.kind, note = excluded.note, updated_at = now()`,
    [
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.areaName),
      rows.map((r) => r.policeUkId),
      rows.map((r) => r.nation),
      rows.map((r) => r.kind),
      rows.map((r) => r.note),
    ],
  )
}

/** Adds forces other tables name, so they have a name; a force table's own entry wins. */
export async function addPoliceForcesIfMissing(
  db: Queryable,
  forces: readonly Area[],
): Promise<void> {
  await db.query(
    `INSERT INTO police_forces (code, name)
     SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT ON CONSTRAINT police_forces_pkey DO NOTHING`,
    [forces.map((f) => f.code), forces.map((f) => f.name)],
  )
}

export async function upsertLocalAuthorities(
  db: Queryable,
  rows: readonly LocalAuthorityRow[],
): Promise<void> {
  await db.query(
    `INSERT INTO local_authorities (code, name, authority_type, nation, children_services_code,
       children_services_name, police_force_code, note)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::text[], $8::text[])
     ON CONFLICT ON CONSTRAINT local_authorities_pkey DO UPDATE SET
       name = excluded.name, authority_type = excluded.authority_type, nation = excluded.nation,
       children_services_code = excluded.children_services_code,
       children_services_name = excluded.children_services_name,
       police_force_code = excluded.police_force_code, note = excluded.note, updated_at = now()`,
    [
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.authorityType),
      rows.map((r) => r.nation),
      rows.map((r) => r.childrenServicesCode),
      rows.map((r) => r.childrenServicesName),
      rows.map((r) => r.policeForceCode),
      rows.map((r) => r.note),
    ],
  )
}

export async function deleteDistrictAuthorities(
  db: Queryable,
  districts: readonly string[],
): Promise<void> {
  await db.query('DELETE FROM postcode_district_authorities WHERE district = ANY($1::text[])', [
    districts,
  ])
}

export async function insertDistrictAuthorities(
  db: Queryable,
  rows: readonly DistrictAuthorityRow[],
): Promise<void> {
  await db.query(
    `INSERT INTO postcode_district_authorities (district, local_authority_code, police_force_code,
       local_authority_name, children_services_code, children_services_name, live_postcodes, share)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::integer[], $8::double precision[])`,
    [
      rows.map((r) => r.district),
      rows.map((r) => r.localAuthorityCode),
      rows.map((r) => r.policeForceCode),
      rows.map((r) => r.localAuthorityName),
      rows.map((r) => r.childrenServicesCode),
      rows.map((r) => r.childrenServicesName),
      rows.map((r) => r.livePostcodes),
      rows.map((r) => r.share),
    ],
  )
}

export async function deleteDistrictPoliceForces(
  db: Queryable,
  districts: readonly string[],
): Promise<void> {
  await db.query('DELETE FROM postcode_district_police_forces WHERE district = ANY($1::text[])', [
    districts,
  ])
}

export async function insertDistrictPoliceForces(
  db: Queryable,
  rows: readonly DistrictPoliceForceRow[],
): Promise<void> {
  await db.query(
    `INSERT INTO postcode_district_police_forces (district, police_force_code, live_postcodes, share)
     SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::double precision[])`,
    [
      rows.map((r) => r.district),
      rows.map((r) => r.policeForceCode),
      rows.map((r) => r.livePostcodes),
      rows.map((r) => r.share),
    ],
  )
}

export async function recordImport(
  db: Queryable,
  entry: { fileName: string; kind: JurisdictionFileKind; rowCount: number; skipped: number },
): Promise<void> {
  await db.query(
    `INSERT INTO jurisdiction_imports (file_name, kind, row_count, skipped)
     VALUES ($1, $2, $3, $4)`,
    [entry.fileName, entry.kind, entry.rowCount, entry.skipped],
  )
}

/** A force table alone cannot place a child, so only the other kinds count as data. */
export async function hasJurisdictionData(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ loaded: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM jurisdiction_imports WHERE kind <> 'police-forces' AND row_count > 0
     ) AS loaded`,
  )
  return rows[0]?.loaded === true
}

const AUTHORITY_SELECT = `
  SELECT la.code, la.name,
         la.children_services_code AS "childrenServicesCode",
         la.children_services_name AS "childrenServicesName",
         la.police_force_code AS "policeForceCode",
         pf.name AS "policeForceName"
  FROM local_authorities la
  LEFT JOIN police_forces pf ON pf.code = la.police_force_code`

export async function listAuthorities(db: Queryable): Promise<AuthorityRecord[]> {
  return db.query<AuthorityRecord & Record<string, unknown>>(`${AUTHORITY_SELECT} ORDER BY la.code`)
}

const DISTRICT_AUTHORITY_SELECT = `
  SELECT d.district,
         d.local_authority_code AS "localAuthorityCode",
         coalesce(la.name, d.local_authority_name) AS "localAuthorityName",
         coalesce(la.children_services_code, d.children_services_code) AS "childrenServicesCode",
         coalesce(la.children_services_name, d.children_services_name) AS "childrenServicesName",
         d.police_force_code AS "policeForceCode",
         pf.name AS "policeForceName",
         d.share
  FROM postcode_district_authorities d
  LEFT JOIN local_authorities la ON la.code = d.local_authority_code
  LEFT JOIN police_forces pf ON pf.code = d.police_force_code`

const DISTRICT_FORCE_SELECT = `
  SELECT d.district, d.police_force_code AS "policeForceCode", pf.name AS "policeForceName", d.share
  FROM postcode_district_police_forces d
  LEFT JOIN police_forces pf ON pf.code = d.police_force_code`

type InDistrict<T> = T & { district: string }

/** Every district's authorities, largest share first within a district. */
export async function listDistrictAuthorities(
  db: Queryable,
): Promise<InDistrict<AreaAuthorityRecord>[]> {
  return db.query<InDistrict<AreaAuthorityRecord> & Record<string, unknown>>(
    `${DISTRICT_AUTHORITY_SELECT} ORDER BY d.district, d.share DESC, d.local_authority_code`,
  )
}

export async function listDistrictPoliceForces(
  db: Queryable,
): Promise<InDistrict<AreaPoliceForceRecord>[]> {
  return db.query<InDistrict<AreaPoliceForceRecord> & Record<string, unknown>>(
    `${DISTRICT_FORCE_SELECT} ORDER BY d.district, d.share DESC, d.police_force_code`,
  )
}

/** Changes whenever an import commits: the last import's id. */
export async function importsVersion(db: Queryable): Promise<number> {
  const rows = await db.query<{ version: number }>(
    'SELECT coalesce(max(id), 0)::int AS version FROM jurisdiction_imports',
  )
  return rows[0]?.version ?? 0
}
