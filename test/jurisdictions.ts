import { createReadStream } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db } from '../src/db/db.js'
import { readJurisdictionFile } from '../src/jurisdictions/import.js'
import { importJurisdictionTables } from '../src/jurisdictions/service.js'

/** The UK open data beside the repository (../shared/data/jurisdictions); the project commits no copy. */
export const SHARED_JURISDICTIONS = fileURLToPath(
  new URL('../../shared/data/jurisdictions/', import.meta.url),
)

export const UK_JURISDICTION_FILES = [
  'police_forces.csv',
  'la_police_force_childrens_services.csv',
  'postcode_district_local_authority_nspl2021_partial.csv',
  'postcode_district_police_force_nspl2021_partial.csv',
]

export async function importJurisdictionFile(db: Db, name: string) {
  const tables = await readJurisdictionFile(createReadStream(`${SHARED_JURISDICTIONS}${name}`))
  return importJurisdictionTables(db, name, tables)
}

export async function importUkJurisdictions(db: Db): Promise<void> {
  for (const name of UK_JURISDICTION_FILES) await importJurisdictionFile(db, name)
}
