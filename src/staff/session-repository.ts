import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../db/db.js'
import type { Role } from './permissions.js'

/** How far a person has come through the door: see migrations/006-staff.sql. */
export type SessionStage = 'second-factor' | 'enrol' | 'signed-in'

export interface StaffSession {
  idHash: string
  stage: SessionStage
  createdAt: Date
  lastSeenAt: Date
  factorVerifiedAt: Date | null
  challenge: string | null
  pendingTotp: { keyId: string; wrappedKey: string; ciphertext: string } | null
  staff: { id: string; name: string; email: string; roles: Role[] }
}

export const newSessionId = (): string => randomBytes(32).toString('base64url')
export const hashSessionId = (id: string): string =>
  createHash('sha256').update(id, 'utf8').digest('hex')

export interface SessionLimits {
  idleMinutes: number
  maxHours: number
}

export async function createSession(
  db: Queryable,
  session: { idHash: string; staffId: string; stage: SessionStage; now: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO staff_sessions (id_hash, staff_id, stage, created_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $4)`,
    [session.idHash, session.staffId, session.stage, session.now],
  )
}

/**
 * The live session for a cookie, read from the database on every request so that a disabled
 * account or a session ended elsewhere is refused by every instance at once. A session past its
 * idle or absolute limit, or of a disabled person, is deleted and reads as none.
 */
export async function findLiveSession(
  db: Queryable,
  idHash: string,
  now: Date,
  limits: SessionLimits,
): Promise<StaffSession | undefined> {
  const [row] = await db.query<{
    id_hash: string
    stage: SessionStage
    created_at: Date
    last_seen_at: Date
    factor_verified_at: Date | null
    challenge: string | null
    pending_totp: StaffSession['pendingTotp']
    staff_id: string
    name: string
    email: string
    roles: Role[]
    status: string
  }>(
    `SELECT x.id_hash, x.stage, x.created_at, x.last_seen_at, x.factor_verified_at,
            x.challenge, x.pending_totp, s.id AS staff_id, s.name, s.email, s.roles, s.status
       FROM staff_sessions x JOIN staff s ON s.id = x.staff_id
      WHERE x.id_hash = $1`,
    [idHash],
  )
  if (!row) return undefined
  const idle = now.getTime() - row.last_seen_at.getTime() > limits.idleMinutes * 60_000
  const old = now.getTime() - row.created_at.getTime() > limits.maxHours * 3_600_000
  if (idle || old || row.status !== 'active') {
    await deleteSession(db, idHash)
    return undefined
  }
  await db.query(`UPDATE staff_sessions SET last_seen_at = $2 WHERE id_hash = $1`, [idHash, now])
  return {
    idHash: row.id_hash,
    stage: row.stage,
    createdAt: row.created_at,
    lastSeenAt: now,
    factorVerifiedAt: row.factor_verified_at,
    challenge: row.challenge,
    pendingTotp: row.pending_totp,
    staff: { id: row.staff_id, name: row.name, email: row.email, roles: row.roles },
  }
}

/**
 * Moves a session to a new id (and stage): at every step up in privilege, so that an id seen
 * before the step is worth nothing after it. A proven second factor is remembered for re-checks.
 */
export async function rotateSession(
  db: Queryable,
  oldIdHash: string,
  change: { newIdHash: string; stage: SessionStage; factorVerifiedAt?: Date },
): Promise<void> {
  await db.query(
    `UPDATE staff_sessions
        SET id_hash = $2, stage = $3, challenge = NULL, pending_totp = NULL,
            factor_verified_at = coalesce($4, factor_verified_at)
      WHERE id_hash = $1`,
    [oldIdHash, change.newIdHash, change.stage, change.factorVerifiedAt ?? null],
  )
}

export async function setChallenge(db: Queryable, idHash: string, challenge: string | null) {
  await db.query(`UPDATE staff_sessions SET challenge = $2 WHERE id_hash = $1`, [idHash, challenge])
}

export async function setPendingTotp(
  db: Queryable,
  idHash: string,
  pending: StaffSession['pendingTotp'],
) {
  await db.query(`UPDATE staff_sessions SET pending_totp = $2 WHERE id_hash = $1`, [
    idHash,
    pending === null ? null : JSON.stringify(pending),
  ])
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query(`DELETE FROM staff_sessions WHERE id_hash = $1`, [idHash])
}

export async function endSessionsOf(db: Queryable, staffId: string): Promise<number> {
  const rows = await db.query(`DELETE FROM staff_sessions WHERE staff_id = $1 RETURNING 1`, [
    staffId,
  ])
  return rows.length
}

/** Sessions nobody can use any more; housekeeping deletes them. */
export async function purgeDeadSessions(db: Queryable, now: Date, limits: SessionLimits) {
  const rows = await db.query(
    `DELETE FROM staff_sessions
      WHERE last_seen_at < $1 OR created_at < $2 RETURNING 1`,
    [
      new Date(now.getTime() - limits.idleMinutes * 60_000),
      new Date(now.getTime() - limits.maxHours * 3_600_000),
    ],
  )
  return rows.length
}

export interface ThrottleState {
  failures: number
  lastFailureAt: Date
}

export async function readThrottle(
  db: Queryable,
  keys: readonly string[],
): Promise<Map<string, ThrottleState>> {
  const rows = await db.query<{ key: string; failures: number; last_failure_at: Date }>(
    `SELECT key, failures, last_failure_at FROM staff_sign_in_throttle WHERE key = ANY ($1)`,
    [keys],
  )
  return new Map(
    rows.map((r) => [r.key, { failures: r.failures, lastFailureAt: r.last_failure_at }]),
  )
}

export async function recordFailures(db: Queryable, keys: readonly string[], now: Date) {
  await db.query(
    `INSERT INTO staff_sign_in_throttle (key, failures, last_failure_at)
     SELECT k, 1, $2 FROM unnest($1::text[]) AS k
     ON CONFLICT (key) DO UPDATE
       SET failures = staff_sign_in_throttle.failures + 1, last_failure_at = EXCLUDED.last_failure_at`,
    [keys, now],
  )
}

export async function clearThrottle(db: Queryable, key: string) {
  await db.query(`DELETE FROM staff_sign_in_throttle WHERE key = $1`, [key])
}

/** Failures older than a day are forgotten. */
export async function purgeThrottle(db: Queryable, now: Date) {
  await db.query(`DELETE FROM staff_sign_in_throttle WHERE last_failure_at < $1`, [
    new Date(now.getTime() - 24 * 3_600_000),
  ])
}
