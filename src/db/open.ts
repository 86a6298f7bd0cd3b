import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Config } from '../config.js'
import type { Db } from './db.js'
import { migrate } from './migrate.js'
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

/**
 * Brings `db` (the service's connection) up to date. With DATABASE_MIGRATION_URL set, the
 * migrations run as the tables' owner, which then grants the service's role what it may do
 * (src/db/privileges.ts); the service's role must be neither a superuser nor a member of the
 * owner's role, or the limits on the audit trail would not hold (docs/adr/0007).
 */
export async function migrateDatabase(config: Config, db: Db): Promise<string[]> {
  if (!config.databaseMigrationUrl) return migrate(db)
  const [service] = await db.query<{ role: string }>('SELECT current_user AS role')
  if (!service) throw new Error('DATABASE_URL: could not tell which role it connects as')
  const owner = openPostgres({ connectionString: config.databaseMigrationUrl, maxConnections: 1 })
  try {
    const [roles] = await owner.query<{ owner: string; superuser: boolean; member: boolean }>(
      `SELECT current_user AS owner, rolsuper AS superuser,
              pg_has_role(rolname, current_user, 'MEMBER') AS member
         FROM pg_roles WHERE rolname = $1`,
      [service.role],
    )
    if (!roles || roles.superuser || roles.member) {
      throw new Error(
        `DATABASE_URL connects as ${service.role}, which ${
          roles?.superuser
            ? 'is a superuser'
            : `shares the rights of ${roles?.owner ?? 'the owner'}`
        }: with DATABASE_MIGRATION_URL set, the service must run as a role of its own ` +
          '(README: "Running on PostgreSQL with two roles")',
      )
    }
    return await migrate(owner, { serviceRole: service.role })
  } finally {
    await owner.close()
  }
}
