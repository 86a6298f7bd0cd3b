import type { Sealed } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'

/** SQL for the outbox: writing a message with the change that causes it, claiming, settling. */
export type Purpose = 'referral' | 'reporter-acknowledgement' | 'reporter-message'
export type Channel = 'email' | 'webhook' | 'sms'
export type MessageStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'held'

export interface NewMessage {
  id: string
  purpose: Purpose
  reportId: string
  referralId?: string
  channel?: Channel
  maxAttempts: number
  availableAt: Date
  createdAt: Date
  createdBy: string
  /** The recipient and words of a reporter message; none for a referral. */
  payload?: Sealed
  /** 'held': waits for a person (a reporter's safe times the service could not read). */
  status?: 'pending' | 'held'
}

/** Writes a message; call it with the transaction of the change that causes it. */
export async function enqueue(db: Queryable, m: NewMessage): Promise<void> {
  await db.query(
    `INSERT INTO outbox_messages (id, purpose, report_id, referral_id, channel, status,
       max_attempts, available_at, created_at, created_by, key_id, wrapped_data_key,
       payload_ciphertext)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      m.id,
      m.purpose,
      m.reportId,
      m.referralId ?? null,
      m.channel ?? null,
      m.status ?? 'pending',
      m.maxAttempts,
      m.availableAt,
      m.createdAt,
      m.createdBy,
      m.payload?.keyId ?? null,
      m.payload?.wrappedKey ?? null,
      m.payload?.ciphertext ?? null,
    ],
  )
}

export interface ClaimedMessage {
  id: string
  purpose: Purpose
  reportId: string
  referralId: string | null
  channel: Channel | null
  attempt: number
  maxAttempts: number
  payload: Sealed | null
}

interface MessageRecord {
  id: string
  purpose: Purpose
  report_id: string
  referral_id: string | null
  channel: Channel | null
  attempts: number
  max_attempts: number
  key_id: string | null
  wrapped_data_key: Uint8Array | null
  payload_ciphertext: Uint8Array | null
}

const toClaimed = (r: MessageRecord): ClaimedMessage => ({
  id: r.id,
  purpose: r.purpose,
  reportId: r.report_id,
  referralId: r.referral_id,
  channel: r.channel,
  attempt: r.attempts,
  maxAttempts: r.max_attempts,
  payload:
    r.key_id && r.wrapped_data_key && r.payload_ciphertext
      ? {
          keyId: r.key_id,
          wrappedKey: Buffer.from(r.wrapped_data_key),
          ciphertext: Buffer.from(r.payload_ciphertext),
        }
      : null,
})

/**
 * Claims up to `limit` due messages for `worker` until `leaseUntil`: pending ones whose time
 * has come, and ones whose sender's lease ran out (it crashed or hung). SKIP LOCKED lets
 * several workers claim at once without waiting for or taking each other's rows.
 */
export async function claimDue(
  db: Queryable,
  worker: string,
  at: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedMessage[]> {
  const rows = await db.query<MessageRecord & Record<string, unknown>>(
    `UPDATE outbox_messages m
        SET status = 'sending', claimed_by = $1, claimed_until = $3, attempts = m.attempts + 1
      WHERE m.id IN (
        SELECT id FROM outbox_messages
         WHERE (status = 'pending' AND available_at <= $2)
            OR (status = 'sending' AND claimed_until < $2)
         ORDER BY available_at, id
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
     RETURNING m.id, m.purpose, m.report_id, m.referral_id, m.channel, m.attempts,
               m.max_attempts, m.key_id, m.wrapped_data_key, m.payload_ciphertext`,
    [worker, at, leaseUntil, limit],
  )
  return rows.map(toClaimed)
}

/**
 * Settles a claimed message, only while `worker` still holds it: a worker whose lease ran out
 * (and whose message another took up) changes nothing. Returns whether it held it.
 */
export async function markDelivered(
  db: Queryable,
  id: string,
  worker: string,
  at: Date,
  channel: Channel,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE outbox_messages
        SET status = 'delivered', delivered_at = $3, channel = $4, claimed_by = NULL,
            claimed_until = NULL, last_error = NULL
      WHERE id = $1 AND claimed_by = $2 AND status = 'sending'
     RETURNING id`,
    [id, worker, at, channel],
  )
  return rows.length > 0
}

/** Puts a message back to try again at `retryAt`, or marks it failed after its last attempt. */
export async function markAttemptFailed(
  db: Queryable,
  id: string,
  worker: string,
  at: Date,
  error: string,
  retryAt: Date | null,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE outbox_messages
        SET status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            available_at = COALESCE($4::timestamptz, available_at),
            failed_at = CASE WHEN $4::timestamptz IS NULL THEN $3::timestamptz END,
            last_error = $5, claimed_by = NULL, claimed_until = NULL
      WHERE id = $1 AND claimed_by = $2 AND status = 'sending'
     RETURNING id`,
    [id, worker, at, retryAt, error.slice(0, 300)],
  )
  return rows.length > 0
}

export interface MessageSummary {
  id: string
  purpose: Purpose
  reportId: string
  reference: string
  referralId: string | null
  agencyName: string | null
  channel: Channel | null
  status: MessageStatus
  attempts: number
  maxAttempts: number
  createdAt: Date
  availableAt: Date
  deliveredAt: Date | null
  failedAt: Date | null
  lastError: string | null
}

interface SummaryRecord {
  id: string
  purpose: Purpose
  report_id: string
  reference: string
  referral_id: string | null
  agency_name: string | null
  channel: Channel | null
  status: MessageStatus
  attempts: number
  max_attempts: number
  created_at: Date | string
  available_at: Date | string
  delivered_at: Date | string | null
  failed_at: Date | string | null
  last_error: string | null
}

const date = (v: Date | string) => new Date(v)
const toSummary = (r: SummaryRecord): MessageSummary => ({
  id: r.id,
  purpose: r.purpose,
  reportId: r.report_id,
  reference: r.reference,
  referralId: r.referral_id,
  agencyName: r.agency_name,
  channel: r.channel,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  createdAt: date(r.created_at),
  availableAt: date(r.available_at),
  deliveredAt: r.delivered_at === null ? null : date(r.delivered_at),
  failedAt: r.failed_at === null ? null : date(r.failed_at),
  lastError: r.last_error,
})

const SUMMARY = `SELECT m.id, m.purpose, m.report_id, rp.reference, m.referral_id,
       a.name AS agency_name, m.channel, m.status, m.attempts, m.max_attempts, m.created_at,
       m.available_at, m.delivered_at, m.failed_at, m.last_error
  FROM outbox_messages m
  JOIN reports rp ON rp.id = m.report_id
  LEFT JOIN referrals r ON r.id = m.referral_id
  LEFT JOIN partner_agencies a ON a.id = r.partner_agency_id`

/** Messages that failed after their last attempt (and those held for a person), oldest first. */
export async function failedMessages(db: Queryable, limit = 200): Promise<MessageSummary[]> {
  const rows = await db.query<SummaryRecord & Record<string, unknown>>(
    `${SUMMARY} WHERE m.status IN ('failed', 'held') ORDER BY m.created_at, m.id LIMIT $1`,
    [limit],
  )
  return rows.map(toSummary)
}

export async function messagesOfReport(db: Queryable, reportId: string): Promise<MessageSummary[]> {
  const rows = await db.query<SummaryRecord & Record<string, unknown>>(
    `${SUMMARY} WHERE m.report_id = $1 ORDER BY m.created_at, m.id`,
    [reportId],
  )
  return rows.map(toSummary)
}

/** Every message about a case: to its reporters (of the reports it holds) and its referrals. */
export async function messagesOfCase(db: Queryable, caseId: string): Promise<MessageSummary[]> {
  const rows = await db.query<SummaryRecord & Record<string, unknown>>(
    `${SUMMARY}
      WHERE m.report_id IN (SELECT report_id FROM case_reports WHERE case_id = $1)
         OR r.case_id = $1
      ORDER BY m.created_at, m.id`,
    [caseId],
  )
  return rows.map(toSummary)
}

export async function findMessage(db: Queryable, id: string): Promise<MessageSummary | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined
  const rows = await db.query<SummaryRecord & Record<string, unknown>>(
    `${SUMMARY} WHERE m.id = $1`,
    [id],
  )
  const r = rows[0]
  return r && toSummary(r)
}

/**
 * Sends a failed (or held) message again, with a fresh set of attempts. Its id stays the same,
 * so a receiver that did get an earlier attempt drops this one.
 */
export async function retry(db: Queryable, id: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE outbox_messages
        SET status = 'pending', available_at = $2, attempts = 0, failed_at = NULL
      WHERE id = $1 AND status IN ('failed', 'held')
     RETURNING id`,
    [id, at],
  )
  return rows.length > 0
}

/** How many messages are still to deliver (benchmarks and tests wait on it). */
export async function undeliveredCount(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox_messages WHERE status IN ('pending', 'sending')`,
  )
  return rows[0]?.n ?? 0
}
