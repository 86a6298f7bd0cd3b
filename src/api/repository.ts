import type { Queryable } from '../db/db.js'
import {
  asDomainError,
  insertReportsClaimedBy,
  reportInput,
  reportInputRows,
  type ReportToStore,
} from '../reports/repository.js'
import type { ReportStatus } from './schemas.js'

/** SQL for API clients, their keys, idempotency keys and the reports they send. */
export interface ApiClient {
  id: string
  name: string
  createdAt: Date
  revokedAt: Date | null
  /** Keys that work now (a rotated key until its grace period ends). */
  liveKeys: number
}

export interface ApiClientKey {
  id: string
  createdAt: Date
  expiresAt: Date | null
}

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value))
const toDateOrNull = (value: Date | string | null): Date | null =>
  value === null ? null : toDate(value)

interface ClientRecord {
  [key: string]: unknown
  id: string
  name: string
  created_at: Date | string
  revoked_at: Date | string | null
  live_keys: number
}

const toClient = (r: ClientRecord): ApiClient => ({
  id: r.id,
  name: r.name,
  createdAt: toDate(r.created_at),
  revokedAt: toDateOrNull(r.revoked_at),
  liveKeys: r.live_keys,
})

const CLIENT_SELECT = `SELECT c.id, c.name, c.created_at, c.revoked_at,
         (SELECT count(*)::int FROM api_client_keys k
           WHERE k.client_id = c.id AND c.revoked_at IS NULL
             AND (k.expires_at IS NULL OR k.expires_at > $1)) AS live_keys
    FROM api_clients c`

export async function listClients(db: Queryable, at: Date): Promise<ApiClient[]> {
  const rows = await db.query<ClientRecord>(
    `${CLIENT_SELECT} ORDER BY c.revoked_at IS NOT NULL, c.name, c.id`,
    [at],
  )
  return rows.map(toClient)
}

export async function findClient(
  db: Queryable,
  id: string,
  at: Date,
): Promise<ApiClient | undefined> {
  const rows = await db.query<ClientRecord>(`${CLIENT_SELECT} WHERE c.id = $2`, [at, id])
  const row = rows[0]
  return row ? toClient(row) : undefined
}

export async function keysOf(db: Queryable, clientId: string): Promise<ApiClientKey[]> {
  const rows = await db.query<{
    id: string
    created_at: Date | string
    expires_at: Date | string | null
  }>(
    `SELECT id, created_at, expires_at FROM api_client_keys
      WHERE client_id = $1 ORDER BY created_at DESC, id`,
    [clientId],
  )
  return rows.map((r) => ({
    id: r.id,
    createdAt: toDate(r.created_at),
    expiresAt: toDateOrNull(r.expires_at),
  }))
}

export async function insertClient(
  db: Queryable,
  client: { id: string; name: string },
  at: Date,
): Promise<void> {
  await db.query('INSERT INTO api_clients (id, name, created_at) VALUES ($1, $2, $3)', [
    client.id,
    client.name,
    at,
  ])
}

export async function insertKey(
  db: Queryable,
  key: { id: string; clientId: string; keyHash: string },
  at: Date,
): Promise<void> {
  await db.query(
    'INSERT INTO api_client_keys (id, client_id, key_hash, created_at) VALUES ($1, $2, $3, $4)',
    [key.id, key.clientId, key.keyHash, at],
  )
}

/** Gives every key of a client that has no earlier end this one: rotation's grace period. */
export async function endKeysAt(db: Queryable, clientId: string, endsAt: Date): Promise<void> {
  await db.query(
    `UPDATE api_client_keys SET expires_at = $2
      WHERE client_id = $1 AND (expires_at IS NULL OR expires_at > $2)`,
    [clientId, endsAt],
  )
}

/** Revokes a client: every key stops at once. False when there is no such live client. */
export async function revokeClient(db: Queryable, clientId: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE api_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
    [clientId, at],
  )
  return rows.length > 0
}

/**
 * The clients keys belong to (by the keys' hashes), while the key works and the client is not
 * revoked. Many requests at once share one statement (see the service).
 */
export async function clientsForKeys(
  db: Queryable,
  keyHashes: readonly string[],
  at: Date,
): Promise<Map<string, { id: string; name: string }>> {
  const rows = await db.query<{ key_hash: string; id: string; name: string }>(
    `SELECT k.key_hash, c.id, c.name FROM api_client_keys k JOIN api_clients c ON c.id = k.client_id
      WHERE k.key_hash = ANY($1::text[]) AND c.revoked_at IS NULL
        AND (k.expires_at IS NULL OR k.expires_at > $2)`,
    [keyHashes, at],
  )
  return new Map(rows.map((r) => [r.key_hash, { id: r.id, name: r.name }]))
}

export interface StoredResponse {
  bodyHash: string
  status: number
  body: Record<string, unknown>
}

export async function findIdempotent(
  db: Queryable,
  clientId: string,
  idempotencyKey: string,
): Promise<StoredResponse | undefined> {
  const rows = await db.query<{
    body_hash: string
    response_status: number
    response_body: Record<string, unknown>
  }>(
    `SELECT body_hash, response_status, response_body FROM api_idempotency_keys
      WHERE client_id = $1 AND idempotency_key = $2`,
    [clientId, idempotencyKey],
  )
  const row = rows[0]
  return row
    ? { bodyHash: row.body_hash, status: row.response_status, body: row.response_body }
    : undefined
}

/** A report from the API, with the idempotency key it came with (if any) and its answer. */
export interface ApiReportToStore extends ReportToStore {
  idempotency: {
    clientId: string
    key: string | null
    bodyHash: string
    status: number
    body: Record<string, unknown>
  }
}

const STORE_API_REPORTS = `WITH input AS (${reportInput(
  `, client_id uuid, idempotency_key text, body_hash text, response_status smallint,
           response_body jsonb`,
)}), keyed AS (
         INSERT INTO api_idempotency_keys (
           client_id, idempotency_key, body_hash, report_id, response_status, response_body,
           created_at)
         SELECT client_id, idempotency_key, body_hash, id, response_status, response_body,
                received_at
           FROM input WHERE idempotency_key IS NOT NULL
         ON CONFLICT (client_id, idempotency_key) DO NOTHING
         RETURNING report_id
       ), claimed AS (
         SELECT report_id FROM keyed
         UNION ALL
         SELECT id FROM input WHERE idempotency_key IS NULL
       ), ${insertReportsClaimedBy('claimed')}
       SELECT id FROM report`

/**
 * Intake's one statement (ADR 0006) for the API. Instead of claiming a draft, each report
 * claims its (client, Idempotency-Key) row, inserting it with the response it will give; a
 * key another request claimed first (even one in flight, whose commit this waits for) claims
 * nothing and stores nothing: its result is false. A request without a key always claims.
 */
export async function storeApiReports(
  db: Queryable,
  batch: readonly ApiReportToStore[],
): Promise<boolean[]> {
  const rows = reportInputRows(batch).map((row, i) => {
    const idempotency = batch[i]?.idempotency
    return {
      ...row,
      client_id: idempotency?.clientId,
      idempotency_key: idempotency?.key,
      body_hash: idempotency?.bodyHash,
      response_status: idempotency?.status,
      response_body: idempotency?.body,
    }
  })
  try {
    const stored = await db.query<{ id: string }>(STORE_API_REPORTS, [JSON.stringify(rows)], {
      prepareAs: 'store-api-reports',
    })
    const ids = new Set(stored.map((row) => row.id))
    return batch.map(({ report }) => ids.has(report.id))
  } catch (error) {
    throw asDomainError(error)
  }
}

/** The status a client may see of a report it sent; undefined for any other report. */
export async function statusOf(
  db: Queryable,
  reference: string,
  sourceSite: string,
): Promise<ReportStatus | undefined> {
  const rows = await db.query<{ status: ReportStatus }>(
    `SELECT CASE
              WHEN status = 'closed' THEN 'closed'
              WHEN status <> 'new' OR first_opened_at IS NOT NULL OR claimed_by IS NOT NULL
                THEN 'being-assessed'
              ELSE 'received'
            END AS status
       FROM reports WHERE reference = $1 AND source = 'api' AND source_site = $2`,
    [reference, sourceSite],
  )
  return rows[0]?.status
}

/** Idempotency keys are kept long enough for any retry; older ones are deleted. */
export async function deleteIdempotencyKeysBefore(db: Queryable, before: Date): Promise<number> {
  const rows = await db.query(
    'DELETE FROM api_idempotency_keys WHERE created_at < $1 RETURNING 1',
    [before],
  )
  return rows.length
}
