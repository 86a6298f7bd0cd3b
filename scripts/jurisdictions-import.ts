/**
 * npm run jurisdictions:import -- FILE.csv [FILE.csv ...]
 *
 * Loads an agency's jurisdiction tables (police forces, local authorities, postcode districts,
 * or an ONS postcode lookup) into the database the server uses. Each file is one transaction;
 * running it again replaces what the same file loaded before. See docs/jurisdiction-data.md.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import cliProgress from 'cli-progress'
import { ConfigError, loadConfig } from '../src/config.js'
import type { Db } from '../src/db/db.js'
import { migrateDatabase, openDatabase } from '../src/db/open.js'
import { JurisdictionFileError, readJurisdictionFile } from '../src/jurisdictions/import.js'
import { importJurisdictionTables } from '../src/jurisdictions/service.js'
import type { ImportSummary } from '../src/jurisdictions/service.js'
import { partnerAgencyService } from '../src/partner-agencies/service.js'

const KIND_LABELS: Record<ImportSummary['kind'], string> = {
  'police-forces': 'police forces',
  'local-authorities': 'local authorities',
  'postcode-district-authorities': 'postcode districts by local authority',
  'postcode-district-police-forces': 'postcode districts by police force',
  'ons-postcode-lookup': 'ONS postcode lookup, aggregated to postcode districts',
}

class UsageError extends Error {}

async function main(paths: string[]): Promise<void> {
  if (paths.length === 0) {
    throw new UsageError('Usage: npm run jurisdictions:import -- FILE.csv [FILE.csv ...]')
  }
  const sizes = await Promise.all(paths.map(fileSize))
  // An import is one client doing one transaction at a time.
  const config = loadConfig()
  const db = await openDatabase(config, 2)
  try {
    await migrateDatabase(config, db)
    for (const [i, path] of paths.entries()) {
      const summary = await importFile(db, path, sizes[i] ?? 0)
      console.log(describe(summary))
    }
    // Every police force and children's services authority is a partner agency.
    const partners = partnerAgencyService({ db, now: () => new Date() })
    const synced = await partners.syncWithJurisdictions('jurisdictions-import')
    console.log(
      `Partner agencies: ${synced.added} added, ${synced.updated} renamed or restored, ` +
        `${synced.withdrawn} no longer listed (withdrawn, contacts kept).`,
    )
  } finally {
    await db.close()
  }
}

async function fileSize(path: string): Promise<number> {
  const info = await stat(path).catch(() => null)
  if (info === null) throw new UsageError(`${path}: no such file.`)
  if (!info.isFile()) throw new UsageError(`${path}: not a file.`)
  return info.size
}

async function importFile(db: Db, path: string, size: number): Promise<ImportSummary> {
  const name = basename(path)
  const bar = new cliProgress.SingleBar(
    { format: `${name} [{bar}] {percentage}% {phase}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  bar.start(Math.max(size, 1), 0, { phase: 'reading' })
  try {
    const stream = createReadStream(path)
    stream.on('data', (chunk) => {
      bar.increment(chunk.length)
    })
    const tables = await readJurisdictionFile(stream).catch((error: unknown) => {
      throw inFile(name, error)
    })
    bar.start(1, 0, { phase: 'saving' })
    return await importJurisdictionTables(db, name, tables, (saved, total) => {
      bar.setTotal(Math.max(total, 1))
      bar.update(saved)
    })
  } finally {
    bar.stop()
  }
}

function inFile(name: string, error: unknown): unknown {
  return error instanceof JurisdictionFileError || isCsvError(error)
    ? new JurisdictionFileError(`${name}: ${error.message}`)
    : error
}

function isCsvError(error: unknown): error is Error {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('CSV_')
}

function describe(summary: ImportSummary): string {
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : ''
  return `${summary.fileName}: ${KIND_LABELS[summary.kind]}: ${summary.rowsLoaded} rows loaded from ${summary.recordsRead} records${skipped}`
}

const paths = process.argv.slice(2)
main(paths).catch((error: unknown) => {
  const known =
    error instanceof UsageError ||
    error instanceof JurisdictionFileError ||
    error instanceof ConfigError
  console.error(known ? error.message : error)
  if (error instanceof JurisdictionFileError && paths.length > 1) {
    console.error('Files before this one were imported; this one and any after it were not.')
  }
  process.exitCode = 1
})
