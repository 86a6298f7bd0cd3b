import { createHash, randomBytes } from 'node:crypto'
import type { Envelope } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'
import type { JourneyAnswers } from '../web/journey.js'

/**
 * Answers in progress live server-side, encrypted, and expire. The browser holds only an
 * opaque random id; the table holds its SHA-256, so a database dump cannot be replayed as
 * a cookie.
 */
export interface Draft {
  idHash: string
  answers: JourneyAnswers
  reportId: string | null
  expiresAt: Date
}

interface DraftRow {
  [key: string]: unknown
  id_hash: string
  key_id: string
  wrapped_data_key: Uint8Array
  answers_ciphertext: Uint8Array
  expires_at: Date
  report_id: string | null
}

export const newDraftId = (): string => randomBytes(32).toString('base64url')
export const hashDraftId = (id: string): string => createHash('sha256').update(id).digest('hex')

export function draftRepository(envelope: Envelope) {
  const aad = (idHash: string) => `draft:${idHash}`
  const toDraft = (row: DraftRow): Draft => ({
    idHash: row.id_hash,
    reportId: row.report_id,
    expiresAt: row.expires_at,
    // A sent draft keeps no answers: its report holds them.
    answers: row.report_id
      ? {}
      : (JSON.parse(
          envelope.open(
            {
              keyId: row.key_id,
              wrappedKey: Buffer.from(row.wrapped_data_key),
              ciphertext: Buffer.from(row.answers_ciphertext),
            },
            aad(row.id_hash),
          ),
        ) as JourneyAnswers),
  })

  /** The live drafts among `idHashes`, by id hash: one statement for many reporters. */
  async function findMany(
    db: Queryable,
    idHashes: readonly string[],
    now: Date,
  ): Promise<Map<string, Draft>> {
    const rows = await db.query<DraftRow>(
      `SELECT id_hash, key_id, wrapped_data_key, answers_ciphertext, expires_at, report_id
         FROM report_drafts WHERE id_hash = ANY($1::text[]) AND expires_at > $2`,
      [idHashes, now],
      { prepareAs: 'find-drafts' },
    )
    return new Map(rows.map((row) => [row.id_hash, toDraft(row)]))
  }

  return {
    findMany,

    /** A live draft, or undefined when there is none or it has expired. */
    async find(db: Queryable, idHash: string, now: Date): Promise<Draft | undefined> {
      return (await findMany(db, [idHash], now)).get(idHash)
    },

    async save(db: Queryable, idHash: string, answers: JourneyAnswers, now: Date, expiresAt: Date) {
      const sealed = envelope.seal(JSON.stringify(answers), aad(idHash))
      await db.query(
        `INSERT INTO report_drafts
           (id_hash, key_id, wrapped_data_key, answers_ciphertext, created_at, updated_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $5, $6)
         ON CONFLICT (id_hash) DO UPDATE SET
           key_id = EXCLUDED.key_id, wrapped_data_key = EXCLUDED.wrapped_data_key,
           answers_ciphertext = EXCLUDED.answers_ciphertext,
           updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at
         WHERE report_drafts.report_id IS NULL`,
        [idHash, sealed.keyId, sealed.wrappedKey, sealed.ciphertext, now, expiresAt],
      )
    },

    /** Expired drafts are deleted outright: nothing in them was ever acknowledged. */
    async deleteExpired(db: Queryable, now: Date): Promise<number> {
      const rows = await db.query('DELETE FROM report_drafts WHERE expires_at <= $1 RETURNING 1', [
        now,
      ])
      return rows.length
    },
  }
}

export type DraftRepository = ReturnType<typeof draftRepository>
