import assert from 'node:assert/strict'
import { chainHash } from '../src/audit/chain.js'
import type { AuditEvent } from '../src/audit/repository.js'
import type { Db, Queryable } from '../src/db/db.js'

/** Synthetic audit events, one a second from a fixed time. */
export function auditEvent(n: number): AuditEvent & { details: Record<string, string | number> } {
  return {
    occurredAt: new Date(Date.UTC(2026, 10, 24, 10, 0, n)),
    actor: 'public:form',
    event: 'report.received',
    subjectType: 'report',
    subjectId: `report-${n}`,
    details: { source: 'form', n, priority: 'P2' },
  }
}

/** Does what only the tables' owner can: acts with the append-only triggers out of the way. */
export async function behindTheTriggers(
  db: Db,
  work: (tx: Queryable) => Promise<void>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec('SET LOCAL session_replication_role = replica')
    await work(tx)
  })
}

export async function idAtSeal(db: Queryable, seq: number): Promise<number> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM audit_events WHERE seal_seq = $1', [
    seq,
  ])
  assert.ok(row, `no event sealed at ${seq}`)
  return row.id
}

/** A forged event, appended with a seal that chains correctly onto the last one. */
export async function appendForgedEvent(
  tx: Queryable,
): Promise<{ id: number; seq: number; hash: string }> {
  const [last] = await tx.query<{ id: number; seal_seq: number; hash: string }>(
    `SELECT (SELECT max(id) FROM audit_events) AS id, seal_seq, hash
       FROM audit_events ORDER BY seal_seq DESC NULLS LAST LIMIT 1`,
  )
  assert.ok(last)
  // Well above the ids the identity hands out next, so later writes do not collide with it.
  const forged = { ...auditEvent(99), id: last.id + 1000, actor: 'staff:forged' }
  const hash = chainHash(last.hash, forged)
  await tx.query(
    `INSERT INTO audit_events
       (id, occurred_at, actor, event, subject_type, subject_id, details, seal_seq, prev_hash, hash)
     OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      forged.id,
      forged.occurredAt,
      forged.actor,
      forged.event,
      forged.subjectType,
      forged.subjectId,
      JSON.stringify(forged.details),
      last.seal_seq + 1,
      last.hash,
      hash,
    ],
  )
  return { id: forged.id, seq: last.seal_seq + 1, hash }
}
