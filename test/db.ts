import { randomBytes } from 'node:crypto'
import type { Db } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPglite } from '../src/db/pglite.js'
import { openPostgres } from '../src/db/postgres.js'

export interface TestDatabase {
  name: 'PGlite' | 'PostgreSQL'
  open(): Promise<Db>
}

/**
 * The databases a repository test runs against: always PGlite; the PostgreSQL server too
 * when TEST_DATABASE_URL is set (as `npm run test:postgres` and CI do). Each open() gives a
 * freshly migrated, isolated database (a throwaway schema on the server).
 */
export function testDatabases(): TestDatabase[] {
  const databases: TestDatabase[] = [{ name: 'PGlite', open: openMigratedPglite }]
  const url = process.env.TEST_DATABASE_URL
  if (url) databases.push({ name: 'PostgreSQL', open: () => openMigratedPostgres(url) })
  return databases
}

export async function openMigratedPglite(): Promise<Db> {
  const db = await openPglite()
  await migrate(db)
  return db
}

async function openMigratedPostgres(url: string): Promise<Db> {
  const schema = `test_${randomBytes(6).toString('hex')}`
  const admin = openPostgres({ connectionString: url, maxConnections: 1 })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  await admin.close()
  const db = openPostgres({
    connectionString: url,
    maxConnections: 5,
    options: `-c search_path=${schema}`,
  })
  await migrate(db)
  return {
    ...db,
    kind: db.kind,
    async close() {
      await db.exec(`DROP SCHEMA ${schema} CASCADE`)
      await db.close()
    },
  }
}
