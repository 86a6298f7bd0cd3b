import pg from 'pg'
import type { Queryable } from './db.js'

/**
 * What the service's role may do when the tables belong to another role (DATABASE_MIGRATION_URL;
 * docs/adr/0007). It reads and writes every table the migrations make, never truncates one,
 * and may only append to the audit trail: rows arrive without a seal, and the one change it
 * may make afterwards is adding the seal, on those columns only (the append-only trigger
 * refuses a second seal). Granted again after every migration run, so a table a later
 * migration adds is the service's to use from its first start; an append-only table a later
 * migration adds belongs in this list.
 */
const APPEND_ONLY: readonly { table: string; sealColumns: readonly string[] }[] = [
  { table: 'audit_events', sealColumns: ['seal_seq', 'prev_hash', 'hash'] },
  { table: 'audit_checkpoints', sealColumns: [] },
]

export async function grantServiceRole(tx: Queryable, role: string): Promise<void> {
  const to = pg.escapeIdentifier(role)
  const [where] = await tx.query<{ schema: string }>('SELECT current_schema() AS schema')
  if (!where) throw new Error('The migration connection has no current schema')
  const schema = pg.escapeIdentifier(where.schema)
  const columns = (names: readonly string[]) => names.map((n) => pg.escapeIdentifier(n)).join(', ')
  const statements = [
    `GRANT USAGE ON SCHEMA ${schema} TO ${to}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${to}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${to}`,
    // The service has no business with the migrations' own bookkeeping.
    `REVOKE ALL ON schema_migrations FROM ${to}`,
  ]
  for (const { table, sealColumns } of APPEND_ONLY) {
    // Every other column is the writer's to fill, including any a later migration adds.
    const insert = (
      await tx.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    )
      .map((c) => c.name)
      .filter((name) => !sealColumns.includes(name))
    const name = pg.escapeIdentifier(table)
    // Revoking at table level first also clears any column grants, so each run starts clean.
    statements.push(`REVOKE ALL ON ${name} FROM ${to}`)
    statements.push(`GRANT SELECT ON ${name} TO ${to}`)
    statements.push(`GRANT INSERT (${columns(insert)}) ON ${name} TO ${to}`)
    if (sealColumns.length > 0) {
      statements.push(`GRANT UPDATE (${columns(sealColumns)}) ON ${name} TO ${to}`)
    }
  }
  for (const sql of statements) await tx.query(sql)
}
