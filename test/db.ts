import { createHash, randomBytes } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Db } from '../src/db/db.js'
import { migrate, migrationFiles, readMigration } from '../src/db/migrate.js'
import { openPglite, pgliteImage } from '../src/db/pglite.js'
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
  image ??= migratedImage()
  return openPglite(undefined, await image)
}

let image: Promise<Blob> | undefined

/**
 * A migrated empty database's files, made once for each set of migrations and PGlite version
 * and kept in the system's temporary folder for every test process. Creating a PGlite database
 * takes about 3 s here and opening a copy about 1 s, and the suites open hundreds.
 */
async function migratedImage(): Promise<Blob> {
  const key = createHash('sha256')
  key.update(
    await readFile(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url)),
  )
  for (const name of await migrationFiles()) key.update(name).update(await readMigration(name))
  const file = join(tmpdir(), `safety-centre-pglite-${key.digest('hex').slice(0, 16)}.tar`)
  try {
    return new Blob([await readFile(file)])
  } catch {
    const made = await pgliteImage((db) => migrate(db))
    // Written aside and renamed, so a process reading it never sees half a file.
    const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
    await writeFile(aside, Buffer.from(await made.arrayBuffer()))
    await rename(aside, file)
    return made
  }
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
