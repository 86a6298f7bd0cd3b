import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Config } from '../config.js'
import type { Db } from './db.js'
import { openPglite } from './pglite.js'
import { openPostgres } from './postgres.js'

/** The configured database: the PostgreSQL server when DATABASE_URL is set, else PGlite. */
export async function openDatabase(
  config: Config,
  maxConnections: number = config.databasePoolSize,
): Promise<Db> {
  if (config.databaseUrl) {
    return openPostgres({ connectionString: config.databaseUrl, maxConnections })
  }
  const dir = join(config.dataDir, 'pglite')
  await mkdir(dir, { recursive: true })
  return openPglite(dir)
}
