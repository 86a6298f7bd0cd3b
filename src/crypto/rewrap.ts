import type { Db, Queryable } from '../db/db.js'
import type { Envelope } from './envelope.js'

export interface SealedColumns {
  table: string
  keyId: string
  wrappedKey: string
}

/**
 * Every column pair that holds a wrapped data key and the id of the key that wrapped it. A test
 * (rewrap.test.ts) reads the schema and fails when a sealed column is missing from this list,
 * so a table added later cannot keep an old key alive unnoticed.
 */
export const SEALED_COLUMNS: readonly SealedColumns[] = [
  ...[
    'reports',
    'report_drafts',
    'staff_totp',
    'risk_assessments',
    'report_changes',
    'case_contacts',
    'case_plan_versions',
    'case_tasks',
    'case_closures',
    'case_events',
    'outbox_messages',
  ].map((table) => ({ table, keyId: 'key_id', wrappedKey: 'wrapped_data_key' })),
  { table: 'partner_agencies', keyId: 'webhook_key_id', wrappedKey: 'webhook_wrapped_key' },
  { table: 'referrals', keyId: 'reason_key_id', wrappedKey: 'reason_wrapped_key' },
]

/**
 * Records sealed under another key than `$1`. A sent draft keeps its key's id but holds nothing
 * sealed (an empty wrapped key): it needs no key.
 */
const underAnotherKey = (c: SealedColumns) =>
  `${c.keyId} <> $1 AND octet_length(${c.wrappedKey}) > 0`

const BATCH = 200

/**
 * Re-wraps, under the envelope's active key, the data key of every sealed record wrapped under
 * another key, so that key can be removed from ENCRYPTION_KEYS. Only the 60-byte wrapped keys
 * change: the ciphertexts, and what they are bound to, stay as they were. Each batch is one
 * transaction whose rows are locked, so it is safe while the service runs and safe to run again.
 * Returns the number of records re-wrapped in each table.
 */
export async function rewrapSealedRecords(
  db: Db,
  envelope: Envelope,
  columns: readonly SealedColumns[] = SEALED_COLUMNS,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const c of columns) {
    let total = 0
    for (;;) {
      const done = await db.transaction((tx) => rewrapBatch(tx, envelope, c))
      total += done
      if (done < BATCH) break
    }
    counts.set(c.table, total)
  }
  return counts
}

async function rewrapBatch(tx: Queryable, envelope: Envelope, c: SealedColumns): Promise<number> {
  // Column names come from SEALED_COLUMNS above, never from input.
  const rows = await tx.query<{ row: string; key_id: string; wrapped: Uint8Array }>(
    `SELECT ctid::text AS row, ${c.keyId} AS key_id, ${c.wrappedKey} AS wrapped
       FROM ${c.table}
      WHERE ${underAnotherKey(c)}
      LIMIT ${String(BATCH)}
      FOR UPDATE`,
    [envelope.activeKeyId],
  )
  for (const r of rows) {
    const rewrapped = envelope.rewrap({
      keyId: r.key_id,
      wrappedKey: Buffer.from(r.wrapped),
      ciphertext: Buffer.alloc(0),
    })
    await tx.query(
      `UPDATE ${c.table} SET ${c.keyId} = $2, ${c.wrappedKey} = $3 WHERE ctid = $1::tid`,
      [r.row, rewrapped.keyId, rewrapped.wrappedKey],
    )
  }
  return rows.length
}

/** How many records each table still holds under keys other than `keyId`. */
export async function recordsUnderOtherKeys(
  db: Queryable,
  keyId: string,
  columns: readonly SealedColumns[] = SEALED_COLUMNS,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const c of columns) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${c.table} WHERE ${underAnotherKey(c)}`,
      [keyId],
    )
    counts.set(c.table, row?.n ?? 0)
  }
  return counts
}
