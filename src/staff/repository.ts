import type { Sealed } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'
import type { Role } from './permissions.js'

export type StaffStatus = 'active' | 'disabled'

export interface StaffMember {
  id: string
  email: string
  name: string
  roles: Role[]
  status: StaffStatus
  createdAt: Date
}

export interface StaffCredentials extends StaffMember {
  passwordHash: string | null
}

interface StaffRow extends Record<string, unknown> {
  id: string
  email: string
  name: string
  roles: Role[]
  status: StaffStatus
  created_at: Date
  password_hash: string | null
}

const toMember = (r: StaffRow): StaffMember => ({
  id: r.id,
  email: r.email,
  name: r.name,
  roles: r.roles,
  status: r.status,
  createdAt: r.created_at,
})

export class DuplicateEmailError extends Error {
  constructor() {
    super('A member of staff already has that email address')
    this.name = 'DuplicateEmailError'
  }
}

const isUniqueViolation = (error: unknown, constraint: string): boolean => {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { code?: string; constraint?: string; message?: string }
  return e.code === '23505' && (e.constraint ?? e.message ?? '').includes(constraint)
}

export async function insertStaff(
  db: Queryable,
  staff: { id: string; email: string; name: string; roles: readonly Role[]; createdAt: Date },
): Promise<void> {
  try {
    await db.query(
      `INSERT INTO staff (id, email, name, roles, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [staff.id, staff.email, staff.name, staff.roles, staff.createdAt],
    )
  } catch (error) {
    if (isUniqueViolation(error, 'staff_email_unique')) throw new DuplicateEmailError()
    throw error
  }
}

const STAFF_COLUMNS = 'id, email, name, roles, status, created_at, password_hash'

export async function findCredentialsByEmail(
  db: Queryable,
  email: string,
): Promise<StaffCredentials | undefined> {
  const [row] = await db.query<StaffRow>(`SELECT ${STAFF_COLUMNS} FROM staff WHERE email = $1`, [
    email,
  ])
  return row ? { ...toMember(row), passwordHash: row.password_hash } : undefined
}

export async function findStaff(db: Queryable, id: string): Promise<StaffMember | undefined> {
  if (!isUuid(id)) return undefined
  const [row] = await db.query<StaffRow>(`SELECT ${STAFF_COLUMNS} FROM staff WHERE id = $1`, [id])
  return row ? toMember(row) : undefined
}

export interface StaffListing extends StaffMember {
  passwordSet: boolean
  passkeys: number
  authenticatorApp: boolean
}

export async function listStaff(db: Queryable): Promise<StaffListing[]> {
  const rows = await db.query<StaffRow & { passkeys: number; totp: boolean }>(
    `SELECT s.id, s.email, s.name, s.roles, s.status, s.created_at, s.password_hash,
            (SELECT count(*)::int FROM staff_passkeys p WHERE p.staff_id = s.id) AS passkeys,
            EXISTS (SELECT 1 FROM staff_totp t WHERE t.staff_id = s.id) AS totp
       FROM staff s ORDER BY s.name, s.email`,
  )
  return rows.map((r) => ({
    ...toMember(r),
    passwordSet: r.password_hash !== null,
    passkeys: r.passkeys,
    authenticatorApp: r.totp,
  }))
}

export async function setPassword(
  db: Queryable,
  staffId: string,
  passwordHash: string,
  at: Date,
): Promise<void> {
  await db.query(`UPDATE staff SET password_hash = $2, password_set_at = $3 WHERE id = $1`, [
    staffId,
    passwordHash,
    at,
  ])
}

export async function setStatus(db: Queryable, staffId: string, status: StaffStatus) {
  await db.query(`UPDATE staff SET status = $2 WHERE id = $1`, [staffId, status])
}

export async function setRoles(db: Queryable, staffId: string, roles: readonly Role[]) {
  await db.query(`UPDATE staff SET roles = $2 WHERE id = $1`, [staffId, roles])
}

/** A new set-up link replaces any unused one: only the latest link given out works. */
export async function insertSetupLink(
  db: Queryable,
  link: { tokenHash: string; staffId: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.query(`DELETE FROM staff_setup_links WHERE staff_id = $1 AND used_at IS NULL`, [
    link.staffId,
  ])
  await db.query(
    `INSERT INTO staff_setup_links (token_hash, staff_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4)`,
    [link.tokenHash, link.staffId, link.createdAt, link.expiresAt],
  )
}

export async function findLiveSetupLink(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<{ staffId: string } | undefined> {
  const [row] = await db.query<{ staff_id: string }>(
    `SELECT l.staff_id FROM staff_setup_links l JOIN staff s ON s.id = l.staff_id
      WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2
        AND s.status = 'active'`,
    [tokenHash, now],
  )
  return row ? { staffId: row.staff_id } : undefined
}

/** Uses the link up: of two people sending it at once, one gets the staff id, one nothing. */
export async function claimSetupLink(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<string | undefined> {
  const [row] = await db.query<{ staff_id: string }>(
    `UPDATE staff_setup_links l SET used_at = $2
       FROM staff s
      WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2
        AND s.id = l.staff_id AND s.status = 'active'
     RETURNING l.staff_id`,
    [tokenHash, now],
  )
  return row?.staff_id
}

export interface StoredTotp {
  secret: Sealed
  lastUsedStep: number
}

export async function saveTotp(db: Queryable, staffId: string, secret: Sealed, at: Date) {
  await db.query(
    `INSERT INTO staff_totp (staff_id, key_id, wrapped_data_key, secret_ciphertext, created_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (staff_id) DO UPDATE
       SET key_id = EXCLUDED.key_id, wrapped_data_key = EXCLUDED.wrapped_data_key,
           secret_ciphertext = EXCLUDED.secret_ciphertext, created_at = EXCLUDED.created_at,
           last_used_step = 0`,
    [staffId, secret.keyId, secret.wrappedKey, secret.ciphertext, at],
  )
}

export async function findTotp(db: Queryable, staffId: string): Promise<StoredTotp | undefined> {
  const [row] = await db.query<{
    key_id: string
    wrapped_data_key: Uint8Array
    secret_ciphertext: Uint8Array
    last_used_step: number
  }>(
    `SELECT key_id, wrapped_data_key, secret_ciphertext, last_used_step
       FROM staff_totp WHERE staff_id = $1`,
    [staffId],
  )
  if (!row) return undefined
  return {
    secret: {
      keyId: row.key_id,
      wrappedKey: Buffer.from(row.wrapped_data_key),
      ciphertext: Buffer.from(row.secret_ciphertext),
    },
    lastUsedStep: row.last_used_step,
  }
}

/** Accepts a code's time step once: false when it (or a later one) was already used. */
export async function useTotpStep(db: Queryable, staffId: string, step: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE staff_totp SET last_used_step = $2 WHERE staff_id = $1 AND last_used_step < $2
     RETURNING staff_id`,
    [staffId, step],
  )
  return rows.length === 1
}

export interface StoredPasskey {
  credentialId: string
  staffId: string
  publicKey: Uint8Array
  signCount: number
  transports: string[]
  createdAt: Date
  lastUsedAt: Date | null
}

interface PasskeyRow extends Record<string, unknown> {
  credential_id: string
  staff_id: string
  public_key: Uint8Array
  sign_count: number
  transports: string[]
  created_at: Date
  last_used_at: Date | null
}

const toPasskey = (r: PasskeyRow): StoredPasskey => ({
  credentialId: r.credential_id,
  staffId: r.staff_id,
  publicKey: new Uint8Array(r.public_key),
  signCount: r.sign_count,
  transports: r.transports,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
})

export async function insertPasskey(db: Queryable, passkey: Omit<StoredPasskey, 'lastUsedAt'>) {
  await db.query(
    `INSERT INTO staff_passkeys
       (credential_id, staff_id, public_key, sign_count, transports, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      passkey.credentialId,
      passkey.staffId,
      Buffer.from(passkey.publicKey),
      passkey.signCount,
      passkey.transports,
      passkey.createdAt,
    ],
  )
}

export async function listPasskeys(db: Queryable, staffId: string): Promise<StoredPasskey[]> {
  const rows = await db.query<PasskeyRow>(
    `SELECT * FROM staff_passkeys WHERE staff_id = $1 ORDER BY created_at`,
    [staffId],
  )
  return rows.map(toPasskey)
}

export async function findPasskey(
  db: Queryable,
  credentialId: string,
): Promise<StoredPasskey | undefined> {
  const [row] = await db.query<PasskeyRow>(
    `SELECT * FROM staff_passkeys WHERE credential_id = $1`,
    [credentialId],
  )
  return row ? toPasskey(row) : undefined
}

export async function recordPasskeyUse(
  db: Queryable,
  credentialId: string,
  signCount: number,
  at: Date,
): Promise<void> {
  await db.query(
    `UPDATE staff_passkeys SET sign_count = $2, last_used_at = $3 WHERE credential_id = $1`,
    [credentialId, signCount, at],
  )
}

/** Removes every second factor (an administrator's reset) and the password with them. */
export async function removeFactors(db: Queryable, staffId: string): Promise<void> {
  await db.query(`DELETE FROM staff_passkeys WHERE staff_id = $1`, [staffId])
  await db.query(`DELETE FROM staff_totp WHERE staff_id = $1`, [staffId])
}

export async function hasSecondFactor(db: Queryable, staffId: string): Promise<boolean> {
  const [row] = await db.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM staff_passkeys WHERE staff_id = $1)
         OR EXISTS (SELECT 1 FROM staff_totp WHERE staff_id = $1) AS any`,
    [staffId],
  )
  return row?.any ?? false
}

export async function countAdministrators(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM staff
      WHERE status = 'active' AND 'administrator' = ANY (roles)`,
  )
  return row?.n ?? 0
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string): boolean => UUID.test(value)
