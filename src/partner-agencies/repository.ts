import type { Queryable } from '../db/db.js'
import type { AddedAgencyDetails, PartnerAgencyKind, PartnerContacts } from './validation.js'

/** SQL for partner agencies and their contacts. */
export interface PartnerAgency extends PartnerContacts {
  id: string
  kind: PartnerAgencyKind
  name: string
  /** The police force or children's services code, for agencies from the jurisdiction tables. */
  jurisdictionCode: string | null
  /** When the jurisdiction tables stopped listing it; null while it is current. */
  withdrawnAt: Date | null
  updatedAt: Date
}

interface PartnerAgencyRecord {
  id: string
  kind: PartnerAgencyKind
  name: string
  jurisdiction_code: string | null
  urgent_phone: string | null
  email: string | null
  opening_hours: string | null
  notes: string | null
  withdrawn_at: Date | string | null
  updated_at: Date | string
}

const COLUMNS = `id, kind, name, jurisdiction_code, urgent_phone, email, opening_hours, notes,
  withdrawn_at, updated_at`

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value))

function toAgency(r: PartnerAgencyRecord): PartnerAgency {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    jurisdictionCode: r.jurisdiction_code,
    urgentPhone: r.urgent_phone,
    email: r.email,
    openingHours: r.opening_hours,
    notes: r.notes,
    withdrawnAt: r.withdrawn_at === null ? null : toDate(r.withdrawn_at),
    updatedAt: toDate(r.updated_at),
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface PartnerAgencyFilter {
  kinds?: readonly PartnerAgencyKind[]
  includeWithdrawn?: boolean
  /** Part of the name, in any case. */
  nameContains?: string
}

export async function listPartnerAgencies(
  db: Queryable,
  options: PartnerAgencyFilter = {},
): Promise<PartnerAgency[]> {
  // position() rather than LIKE, so a % or _ typed in the search is just a character.
  const rows = await db.query<PartnerAgencyRecord & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM partner_agencies
      WHERE ($1::text[] IS NULL OR kind = ANY($1::text[]))
        AND ($2 OR withdrawn_at IS NULL)
        AND ($3::text IS NULL OR position(lower($3::text) IN lower(name)) > 0)
      ORDER BY kind, name, id`,
    [options.kinds ?? null, options.includeWithdrawn ?? false, options.nameContains ?? null],
  )
  return rows.map(toAgency)
}

export async function findPartnerAgency(
  db: Queryable,
  id: string,
): Promise<PartnerAgency | undefined> {
  if (!UUID.test(id)) return undefined
  const rows = await db.query<PartnerAgencyRecord & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM partner_agencies WHERE id = $1`,
    [id],
  )
  const row = rows[0]
  return row ? toAgency(row) : undefined
}

/** The partner agency for a police force or children's services code, if it is listed. */
export async function findJurisdictionAgency(
  db: Queryable,
  kind: 'police-force' | 'children-services',
  code: string,
): Promise<PartnerAgency | undefined> {
  const rows = await db.query<PartnerAgencyRecord & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM partner_agencies WHERE kind = $1 AND jurisdiction_code = $2`,
    [kind, code],
  )
  const row = rows[0]
  return row ? toAgency(row) : undefined
}

export async function insertAddedAgency(
  db: Queryable,
  id: string,
  details: AddedAgencyDetails,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO partner_agencies (id, kind, name, urgent_phone, email, opening_hours, notes,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
    [
      id,
      details.kind,
      details.name,
      details.urgentPhone,
      details.email,
      details.openingHours,
      details.notes,
      at,
    ],
  )
}

/** Replaces an agency's contacts; false when there is no such agency. */
export async function updateContacts(
  db: Queryable,
  id: string,
  contacts: PartnerContacts,
  at: Date,
): Promise<boolean> {
  if (!UUID.test(id)) return false
  const rows = await db.query(
    `UPDATE partner_agencies
        SET urgent_phone = $2, email = $3, opening_hours = $4, notes = $5, updated_at = $6
      WHERE id = $1 RETURNING id`,
    [id, contacts.urgentPhone, contacts.email, contacts.openingHours, contacts.notes, at],
  )
  return rows.length > 0
}

/** Renames or re-kinds an agency an administrator added; false for any other agency. */
export async function updateAddedAgency(
  db: Queryable,
  id: string,
  details: AddedAgencyDetails,
  at: Date,
): Promise<boolean> {
  if (!UUID.test(id)) return false
  const rows = await db.query(
    `UPDATE partner_agencies
        SET name = $2, kind = $3, urgent_phone = $4, email = $5, opening_hours = $6, notes = $7,
            updated_at = $8
      WHERE id = $1 AND jurisdiction_code IS NULL RETURNING id`,
    [
      id,
      details.name,
      details.kind,
      details.urgentPhone,
      details.email,
      details.openingHours,
      details.notes,
      at,
    ],
  )
  return rows.length > 0
}

export interface SyncCounts {
  added: number
  /** Renamed, or listed again after being withdrawn. */
  updated: number
  withdrawn: number
}

/**
 * Brings the police forces and children's services authorities among the partner agencies into
 * step with the jurisdiction tables: new ones added, renamed ones renamed, ones listed again
 * restored, ones no longer listed withdrawn. Contacts are never touched.
 */
export async function syncJurisdictionAgencies(db: Queryable, at: Date): Promise<SyncCounts> {
  const rows = await db.query<{
    added: number | string
    updated: number | string
    withdrawn: number | string
  }>(
    `WITH listed AS (
       SELECT 'police-force' AS kind, code, name FROM police_forces
       UNION ALL
       SELECT 'children-services', children_services_code, min(children_services_name)
         FROM local_authorities GROUP BY children_services_code
     ), changed AS (
       INSERT INTO partner_agencies (id, kind, name, jurisdiction_code, created_at, updated_at)
       SELECT gen_random_uuid(), kind, name, code, $1, $1 FROM listed
       ON CONFLICT ON CONSTRAINT partner_agencies_jurisdiction_unique DO UPDATE
         SET name = excluded.name, withdrawn_at = NULL, updated_at = excluded.updated_at
         WHERE partner_agencies.name <> excluded.name
            OR partner_agencies.withdrawn_at IS NOT NULL
       -- xmax is 0 on a row this statement inserted, not on one it updated
       RETURNING (xmax = 0) AS inserted
     ), withdrawn AS (
       UPDATE partner_agencies p SET withdrawn_at = $1, updated_at = $1
        WHERE p.jurisdiction_code IS NOT NULL AND p.withdrawn_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM listed l WHERE l.kind = p.kind AND l.code = p.jurisdiction_code)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM changed WHERE inserted) AS added,
            (SELECT count(*) FROM changed WHERE NOT inserted) AS updated,
            (SELECT count(*) FROM withdrawn) AS withdrawn`,
    [at],
  )
  const row = rows[0]
  return {
    added: Number(row?.added ?? 0),
    updated: Number(row?.updated ?? 0),
    withdrawn: Number(row?.withdrawn ?? 0),
  }
}
