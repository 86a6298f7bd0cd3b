import type { KeyRingConfig } from '../config.js'
import type { Db, Queryable } from '../db/db.js'
import {
  chainHash,
  checkpointKey,
  checkpointMac,
  checkpointMacMatches,
  GENESIS_HASH,
  type AuditRow,
  type Checkpoint,
} from './chain.js'

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

interface StoredCheckpoint extends Record<string, unknown> {
  seal_seq: number
  hash: string
  recorded_at: Date
  key_id: string
  mac: string
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

const toCheckpoint = (r: StoredCheckpoint): Checkpoint => ({
  sealSeq: r.seal_seq,
  hash: r.hash,
  recordedAt: r.recorded_at,
  keyId: r.key_id,
})

/** The sealer's lock: one sealer (or adopter) at a time, across every instance. */
const SEALER_LOCK = 'SELECT pg_advisory_xact_lock(4242002)'

export class AuditChainError extends Error {
  override name = 'AuditChainError'
}

/**
 * Chains the audit rows written since the last seal, oldest id first, and records the new head
 * as a checkpoint in the same transaction. One sealer at a time (an advisory lock), so several
 * instances can all run it. Rows a slow transaction commits later are simply sealed in a later
 * batch: the chain follows the order of sealing, not of ids. The chain continues from the last
 * checkpoint, never from a sealed row beyond it: such a row was not sealed here, and chaining
 * onto it would vouch for it, so the sealer stops instead (docs/adr/0007).
 */
export async function sealAuditEvents(
  db: Db,
  keys: KeyRingConfig,
  batchSize = 1000,
): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(SEALER_LOCK)
    const [last] = await tx.query<{ seal_seq: number; hash: string }>(
      'SELECT seal_seq, hash FROM audit_checkpoints ORDER BY seal_seq DESC LIMIT 1',
    )
    const [beyond] = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_events WHERE seal_seq > $1',
      [last?.seal_seq ?? 0],
    )
    if (beyond && beyond.n > 0) {
      throw new AuditChainError(
        `${beyond.n} audit events are sealed beyond the last checkpoint (seal ` +
          `${last?.seal_seq ?? 'none'}), so not by the sealer; run npm run audit:verify`,
      )
    }
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
    await recordCheckpoint(tx, keys, seq, previous)
    return seals.length
  })
}

/** Seals batch after batch until nothing is left, so a busy hour does not leave a backlog. */
export async function sealAllAuditEvents(
  db: Db,
  keys: KeyRingConfig,
  batchSize = 1000,
): Promise<number> {
  let total = 0
  for (;;) {
    const sealed = await sealAuditEvents(db, keys, batchSize)
    total += sealed
    if (sealed < batchSize) return total
  }
}

/**
 * Takes on a chain sealed before checkpoints existed: checks every hash, then records the head
 * as the first checkpoint. Only ever on an operator's word (`npm run audit:verify -- --adopt`),
 * never by itself, since someone who deleted every checkpoint would otherwise have a rewritten
 * chain vouched for at the next seal.
 */
export async function adoptAuditChain(db: Db, keys: KeyRingConfig): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(SEALER_LOCK)
    const [recorded] = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_checkpoints',
    )
    if (recorded && recorded.n > 0) {
      throw new AuditChainError(
        'The audit chain already has checkpoints: there is nothing to adopt',
      )
    }
    let previous = GENESIS_HASH
    let expectedSeq = 1
    for (;;) {
      const rows = await tx.query<StoredRow>(
        `SELECT ${COLUMNS} FROM audit_events WHERE seal_seq >= $1 ORDER BY seal_seq LIMIT 5000`,
        [expectedSeq],
      )
      for (const row of rows) {
        if (brokenLink(row, expectedSeq, previous)) {
          throw new AuditChainError(
            `The audit chain is broken at seal ${expectedSeq} (event id ${row.id}): not adopted`,
          )
        }
        previous = row.hash ?? ''
        expectedSeq += 1
      }
      if (rows.length < 5000) break
    }
    if (expectedSeq > 1) await recordCheckpoint(tx, keys, expectedSeq - 1, previous)
    return expectedSeq - 1
  })
}

async function recordCheckpoint(
  tx: Queryable,
  keys: KeyRingConfig,
  sealSeq: number,
  hash: string,
): Promise<void> {
  const key = keys.keys.get(keys.activeKeyId)
  if (!key) throw new Error(`The active encryption key ${keys.activeKeyId} is not in the ring`)
  const checkpoint = { sealSeq, hash, recordedAt: new Date(), keyId: keys.activeKeyId }
  await tx.query(
    `INSERT INTO audit_checkpoints (seal_seq, hash, recorded_at, key_id, mac)
     VALUES ($1, $2, $3, $4, $5)`,
    [
      sealSeq,
      hash,
      checkpoint.recordedAt,
      checkpoint.keyId,
      checkpointMac(checkpointKey(key), checkpoint),
    ],
  )
}

function brokenLink(row: StoredRow, expectedSeq: number, previous: string): boolean {
  return (
    row.seal_seq !== expectedSeq ||
    row.prev_hash !== previous ||
    row.hash !== chainHash(previous, toAuditRow(row))
  )
}

/**
 * Why the chain fails to verify, at the first seal number where it does:
 * - `changed`: the event there no longer matches its seal (edited, or sealed out of turn);
 * - `missing`: no event holds that seal, though the chain or a checkpoint says one did (deleted);
 * - `unrecorded`: the event was sealed after the last checkpoint, so not by the sealer (added);
 * - `checkpoint`: the checkpoint there does not match the chain or its key (chain rewritten up
 *   to it, or the checkpoint forged);
 * - `unknown-key`: the checkpoint there was made with a key not in ENCRYPTION_KEYS.
 */
export type ChainBreakReason = 'changed' | 'missing' | 'unrecorded' | 'checkpoint' | 'unknown-key'

export interface ChainCheck {
  sealed: number
  unsealed: number
  /** The last checkpoint's seal number (0 when none has been recorded). */
  checkpointedTo: number
  /** The first break, in sealing order; `id` is the event there, if one is. */
  brokenAt: { reason: ChainBreakReason; sealSeq: number; id: number | null } | null
}

/** Walks the whole chain, recomputing every hash and checking every checkpoint on the way. */
export async function verifyAuditChain(
  db: Queryable,
  keys: KeyRingConfig,
  pageSize = 5000,
): Promise<ChainCheck> {
  const derived = new Map<string, Buffer>()
  const keyFor = (keyId: string) => {
    const key = keys.keys.get(keyId)
    if (key && !derived.has(keyId)) derived.set(keyId, checkpointKey(key))
    return derived.get(keyId)
  }
  const [head] = await db.query<{ seq: number }>(
    'SELECT coalesce(max(seal_seq), 0)::bigint AS seq FROM audit_checkpoints',
  )
  const checkpointedTo = head?.seq ?? 0
  let previous = GENESIS_HASH
  let expectedSeq = 1
  let sealed = 0
  const result = async (brokenAt: ChainCheck['brokenAt']): Promise<ChainCheck> => ({
    sealed,
    unsealed: await countUnsealed(db),
    checkpointedTo,
    brokenAt,
  })
  for (;;) {
    const rows = await db.query<StoredRow>(
      `SELECT ${COLUMNS} FROM audit_events
        WHERE seal_seq >= $1 ORDER BY seal_seq LIMIT $2`,
      [expectedSeq, pageSize],
    )
    const lastOfPage = rows.at(-1)?.seal_seq ?? expectedSeq
    const checkpoints = new Map(
      (
        await db.query<StoredCheckpoint>(
          `SELECT seal_seq, hash, recorded_at, key_id, mac FROM audit_checkpoints
            WHERE seal_seq BETWEEN $1 AND $2`,
          [expectedSeq, lastOfPage],
        )
      ).map((c) => [c.seal_seq, c]),
    )
    for (const row of rows) {
      if (row.seal_seq !== expectedSeq) {
        return result({ reason: 'missing', sealSeq: expectedSeq, id: null })
      }
      if (brokenLink(row, expectedSeq, previous)) {
        return result({ reason: 'changed', sealSeq: expectedSeq, id: row.id })
      }
      if (expectedSeq > checkpointedTo) {
        return result({ reason: 'unrecorded', sealSeq: expectedSeq, id: row.id })
      }
      const checkpoint = checkpoints.get(expectedSeq)
      if (checkpoint) {
        const key = keyFor(checkpoint.key_id)
        if (!key) return result({ reason: 'unknown-key', sealSeq: expectedSeq, id: row.id })
        if (
          checkpoint.hash !== row.hash ||
          !checkpointMacMatches(key, toCheckpoint(checkpoint), checkpoint.mac)
        ) {
          return result({ reason: 'checkpoint', sealSeq: expectedSeq, id: row.id })
        }
      }
      previous = row.hash ?? ''
      expectedSeq += 1
      sealed += 1
    }
    if (rows.length < pageSize) break
  }
  // The last events were sealed and checkpointed, and are gone.
  if (sealed < checkpointedTo) return result({ reason: 'missing', sealSeq: expectedSeq, id: null })
  return result(null)
}

export interface ChainHead {
  sealSeq: number
  hash: string
}

/**
 * The last checkpointed head, for noting outside the database (the housekeeping log): the one
 * tampering the database cannot show, its last batch deleted with its checkpoint, shows when a
 * head noted earlier is no longer on the chain (`npm run audit:verify -- --head SEQ:HASH`).
 */
export async function auditChainHead(db: Queryable): Promise<ChainHead | null> {
  const [head] = await db.query<{ seal_seq: number; hash: string }>(
    'SELECT seal_seq, hash FROM audit_checkpoints ORDER BY seal_seq DESC LIMIT 1',
  )
  return head ? { sealSeq: head.seal_seq, hash: head.hash } : null
}

/** Whether the chain still holds `head`; trust it only once `verifyAuditChain` finds no break. */
export async function chainHoldsHead(db: Queryable, head: ChainHead): Promise<boolean> {
  const [row] = await db.query<{ hash: string }>(
    'SELECT hash FROM audit_events WHERE seal_seq = $1',
    [head.sealSeq],
  )
  return row?.hash === head.hash
}

async function countUnsealed(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_events WHERE seal_seq IS NULL',
  )
  return row?.n ?? 0
}
