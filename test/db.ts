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

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`

/** Every value of every column of every table in the current schema, as text. */
export async function everyValueAsText(db: Db): Promise<{ where: string; text: string }[]> {
  const columns = await db.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type
       FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  )
  const values: { where: string; text: string }[] = []
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const expression =
      type === 'bytea' ? `encode(${quote(column)}, 'escape')` : `${quote(column)}::text`
    const rows = await db.query<{ v: string | null }>(
      `SELECT ${expression} AS v FROM ${quote(table)}`,
    )
    for (const row of rows) {
      if (row.v !== null) values.push({ where: `${table}.${column}`, text: row.v.toLowerCase() })
    }
  }
  return values
}
