import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/**
 * The audit chain's hash: pure, so the sealer and the verifier compute it the same way. Each
 * hash covers the previous hash and every field of the row, serialised with sorted keys so the
 * database's own ordering of jsonb keys does not matter.
 */
export const GENESIS_HASH = '0'.repeat(64)

export interface AuditRow {
  id: number
  occurredAt: Date
  actor: string
  event: string
  subjectType: string
  subjectId: string
  details: unknown
}

export function chainHash(previousHash: string, row: AuditRow): string {
  const body = canonical([
    previousHash,
    row.id,
    row.occurredAt.toISOString(),
    row.actor,
    row.event,
    row.subjectType,
    row.subjectId,
    row.details,
  ])
  return createHash('sha256').update(body).digest('hex')
}

/** The chain's head as the sealer recorded it (migrations/005-audit-checkpoints.sql). */
export interface Checkpoint {
  sealSeq: number
  hash: string
  recordedAt: Date
  keyId: string
}

/**
 * The checkpoint's key is derived from an encryption key (HKDF, its own label), never the
 * encryption key itself, so one secret serves two purposes without the two ever meeting.
 */
export function checkpointKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, '', 'safety-centre audit checkpoint', 32))
}

export function checkpointMac(key: Buffer, checkpoint: Checkpoint): string {
  const body = canonical([
    checkpoint.sealSeq,
    checkpoint.hash,
    checkpoint.recordedAt.toISOString(),
    checkpoint.keyId,
  ])
  return createHmac('sha256', key).update(body).digest('hex')
}

export function checkpointMacMatches(key: Buffer, checkpoint: Checkpoint, mac: string): boolean {
  const expected = Buffer.from(checkpointMac(key, checkpoint), 'hex')
  const given = Buffer.from(mac, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  // JSON.stringify gives undefined for undefined (and functions): treat those as null.
  return value === undefined ? 'null' : JSON.stringify(value)
}
