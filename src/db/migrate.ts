import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Db } from './db.js'
import { grantServiceRole } from './privileges.js'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

/** The migration files in `dir`, in the order they apply. */
export async function migrationFiles(dir: string = MIGRATIONS_DIR): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f)).sort()
}

/** A migration's SQL. */
export const readMigration = (file: string, dir: string = MIGRATIONS_DIR): Promise<string> =>
  readFile(`${dir}/${file}`, 'utf8')

export interface MigrateOptions {
  dir?: string
  /** The role the service runs as, when it is not the tables' owner (src/db/privileges.ts). */
  serviceRole?: string
}

/**
 * Applies numbered SQL files (`001-name.sql`) in order, each in its own transaction,
 * recording them in `schema_migrations`. The same files run on PGlite and PostgreSQL 15.
 * An advisory lock keeps two instances starting together from racing.
 */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<string[]> {
  const { dir = MIGRATIONS_DIR, serviceRole } = options
  const files = await migrationFiles(dir)
  const applied: string[] = []
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(4242001)')
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    const done = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name),
    )
    for (const file of files) {
      if (done.has(file)) continue
      const sql = await readMigration(file, dir)
      await tx.exec(sql)
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file])
      applied.push(file)
    }
    if (serviceRole) await grantServiceRole(tx, serviceRole)
  })
  return applied
}
