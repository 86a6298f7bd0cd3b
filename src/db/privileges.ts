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
const APPEND_ONLY: readonly { table: string; insert: string[]; update: string[] }[] = [
  {
    table: 'audit_events',
    insert: ['occurred_at', 'actor', 'event', 'subject_type', 'subject_id', 'details'],
    update: ['seal_seq', 'prev_hash', 'hash'],
  },
  {
    table: 'audit_checkpoints',
    insert: ['seal_seq', 'hash', 'recorded_at', 'key_id', 'mac'],
    update: [],
  },
]

export async function grantServiceRole(tx: Queryable, role: string): Promise<void> {
  const to = pg.escapeIdentifier(role)
  const [where] = await tx.query<{ schema: string }>('SELECT current_schema() AS schema')
  if (!where) throw new Error('The migration connection has no current schema')
  const schema = pg.escapeIdentifier(where.schema)
  const columns = (names: string[]) => names.map((n) => pg.escapeIdentifier(n)).join(', ')
  const statements = [
    `GRANT USAGE ON SCHEMA ${schema} TO ${to}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${to}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${to}`,
    // The service has no business with the migrations' own bookkeeping.
    `REVOKE ALL ON schema_migrations FROM ${to}`,
  ]
  for (const { table, insert, update } of APPEND_ONLY) {
    const name = pg.escapeIdentifier(table)
    // Revoking at table level first also clears any column grants, so each run starts clean.
    statements.push(`REVOKE ALL ON ${name} FROM ${to}`)
    statements.push(`GRANT SELECT ON ${name} TO ${to}`)
    statements.push(`GRANT INSERT (${columns(insert)}) ON ${name} TO ${to}`)
    if (update.length > 0) statements.push(`GRANT UPDATE (${columns(update)}) ON ${name} TO ${to}`)
  }
  for (const sql of statements) await tx.query(sql)
}
