import type { Db, Queryable } from '../db/db.js'
import { chainHash, GENESIS_HASH, type AuditRow } from './chain.js'

interface StoredRow extends Record<string, unknown> {
  id: number
  occurred_at: Date
  actor: string
  event: string
  subject_type: string
  subject_id: string
  details: unknown
  seal_seq: number | null
  prev_hash: string | null
  hash: string | null
}

const COLUMNS = `id, occurred_at, actor, event, subject_type, subject_id, details,
                 seal_seq, prev_hash, hash`

const toAuditRow = (r: StoredRow): AuditRow => ({
  id: r.id,
  occurredAt: r.occurred_at,
  actor: r.actor,
  event: r.event,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  details: r.details,
})

/**
 * Chains the audit rows written since the last seal, oldest id first. One sealer at a time (an
 * advisory lock), so several instances can all run it. Rows a slow transaction commits later
 * are simply sealed in a later batch: the chain follows the order of sealing, not of ids.
 */
export async function sealAuditEvents(db: Db, batchSize = 1000): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(4242002)')
    const [last] = await tx.query<{ seal_seq: number; hash: string }>(
      `SELECT seal_seq, hash FROM audit_events
        WHERE seal_seq IS NOT NULL ORDER BY seal_seq DESC LIMIT 1`,
    )
    const rows = await tx.query<StoredRow>(
      `SELECT ${COLUMNS} FROM audit_events WHERE seal_seq IS NULL ORDER BY id LIMIT $1`,
      [batchSize],
    )
    if (rows.length === 0) return 0
    let previous = last?.hash ?? GENESIS_HASH
    let seq = last?.seal_seq ?? 0
    const seals = rows.map((row) => {
      seq += 1
      const hash = chainHash(previous, toAuditRow(row))
      const seal = { id: row.id, seq, prev: previous, hash }
      previous = hash
      return seal
    })
    await tx.query(
      `UPDATE audit_events a SET seal_seq = s.seq, prev_hash = s.prev, hash = s.hash
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS s(id, seq, prev, hash)
        WHERE a.id = s.id`,
      [
        seals.map((s) => s.id),
        seals.map((s) => s.seq),
        seals.map((s) => s.prev),
        seals.map((s) => s.hash),
      ],
    )
    return seals.length
  })
}

/** Seals batch after batch until nothing is left, so a busy hour does not leave a backlog. */
export async function sealAllAuditEvents(db: Db, batchSize = 1000): Promise<number> {
  let total = 0
  for (;;) {
    const sealed = await sealAuditEvents(db, batchSize)
    total += sealed
    if (sealed < batchSize) return total
  }
}

export interface ChainCheck {
  sealed: number
  unsealed: number
  /** The first row, in sealing order, whose content or place no longer matches its hash. */
  brokenAt: { sealSeq: number; id: number } | null
}

/** Walks the whole chain, recomputing every hash. */
export async function verifyAuditChain(db: Queryable, pageSize = 5000): Promise<ChainCheck> {
  let previous = GENESIS_HASH
  let expectedSeq = 1
  let sealed = 0
  for (;;) {
    const rows = await db.query<StoredRow>(
      `SELECT ${COLUMNS} FROM audit_events
        WHERE seal_seq >= $1 ORDER BY seal_seq LIMIT $2`,
      [expectedSeq, pageSize],
    )
    for (const row of rows) {
      const broken =
        row.seal_seq !== expectedSeq ||
        row.prev_hash !== previous ||
        row.hash !== chainHash(previous, toAuditRow(row))
      if (broken) {
        return {
          sealed,
          unsealed: await countUnsealed(db),
          brokenAt: { sealSeq: expectedSeq, id: row.id },
        }
      }
      previous = row.hash ?? ''
      expectedSeq += 1
      sealed += 1
    }
    if (rows.length < pageSize) break
  }
  return { sealed, unsealed: await countUnsealed(db), brokenAt: null }
}

async function countUnsealed(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_events WHERE seal_seq IS NULL',
  )
  return row?.n ?? 0
}
