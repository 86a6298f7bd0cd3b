import type { Queryable } from '../db/db.js'
import type { HashedIdentifier } from './hashing.js'
import type { IdentifierKind } from './identifiers.js'

/**
 * A hashed identifier as it travels to the intake statement inside its JSON array, its bytes in
 * base64. The digest to store is also the first to look for, so it is not sent twice: only the
 * digests under the other configured keys follow it, and only while there are any.
 */
export interface IdentifierRow {
  kind: IdentifierKind
  key_id: string
  digest: string
  other_keys?: string[]
}

export const toIdentifierRows = (identifiers: readonly HashedIdentifier[]): IdentifierRow[] =>
  identifiers.map((i) => {
    const row: IdentifierRow = {
      kind: i.kind,
      key_id: i.keyId,
      digest: i.digest.toString('base64'),
    }
    const others = i.lookups.filter((d) => !d.equals(i.digest))
    if (others.length > 0) row.other_keys = others.map((d) => d.toString('base64'))
    return row
  })

/**
 * The most earlier reports one identifier of a new report is linked to. An identifier many
 * reports share (a school's safeguarding lead's email on every report they send) would otherwise
 * make each new report write a link to every one before it, and intake would slow as they grow.
 * Staff see "100 or more" (presenters.ts); the reports themselves are all still found by the
 * identifier.
 */
export const MAX_LINKS_PER_IDENTIFIER = 100

/**
 * The part of the intake statement (reports/repository.ts storeReports) that stores a report's
 * identifiers and links it to every earlier report sharing one. `stored` is a query giving
 * `report_id`, `received_at` and `identifiers` (IdentifierRow[] as jsonb) for each report the
 * statement stores. Each look-up is one probe of the digest index per configured key.
 *
 * The probe is ordered by the index (digest, report_id) so that no plan can be cheaper than the
 * index: with a bare LIMIT the planner expected many matches, chose a sequential scan that would
 * stop early, and when a digest matched nothing (the usual case) read the whole table once per
 * identifier, so intake slowed as the table grew (docs/benchmarks.md, bench:intake).
 *
 * A statement does not see the rows it inserts itself, so reports stored together are matched
 * with each other from the input, the earlier received leading.
 */
export function storeIdentifiersFrom(stored: string): string {
  return `link_found AS (
         SELECT s.report_id, s.received_at, x.kind, x.key_id,
                decode(x.digest, 'base64') AS digest, array_prepend(x.digest, x.other_keys) AS lookups
           FROM (${stored}) s
          CROSS JOIN LATERAL jsonb_to_recordset(s.identifiers)
                AS x(kind text, key_id text, digest text, other_keys text[])
       ), link_identifiers AS (
         INSERT INTO report_identifiers (digest, report_id, kind, key_id)
         SELECT digest, report_id, kind, key_id FROM link_found
         ON CONFLICT DO NOTHING
       ), link_links AS (
         INSERT INTO report_links (report_id, earlier_report_id, kind)
         SELECT f.report_id, e.report_id, f.kind
           FROM link_found f
          CROSS JOIN LATERAL (
                SELECT m.report_id
                  FROM unnest(f.lookups) AS l(digest)
                 CROSS JOIN LATERAL (
                       SELECT e.report_id
                         FROM report_identifiers e
                        WHERE e.digest = decode(l.digest, 'base64')
                        ORDER BY e.report_id
                        LIMIT ${MAX_LINKS_PER_IDENTIFIER}
                       ) m
                 LIMIT ${MAX_LINKS_PER_IDENTIFIER}
                ) e
         UNION
         SELECT f.report_id, o.report_id, f.kind
           FROM link_found f
           JOIN link_found o ON o.digest = f.digest
                            AND (o.received_at, o.report_id) < (f.received_at, f.report_id)
         ON CONFLICT DO NOTHING
       )`
}

/** Another report that shares an identifier with one of the reports asked about. */
export interface LinkRow {
  /** The report asked about. */
  reportId: string
  kind: IdentifierKind
  /** Whether the other report arrived before it. */
  earlier: boolean
  other: {
    id: string
    reference: string
    receivedAt: Date
    status: string
    priority: string
    queues: string[]
  }
}

interface LinkRecord {
  report_id: string
  kind: IdentifierKind
  earlier: boolean
  other_id: string
  reference: string
  received_at: Date | string
  status: string
  priority: string
  queues: string[]
}

/**
 * Every report sharing an identifier with one of `reportIds`, by kind, oldest first. The links
 * found at intake are read both ways; the digests are joined again too, because two reports
 * stored at the same moment by two statements could not see each other at intake.
 */
export async function findLinks(db: Queryable, reportIds: readonly string[]): Promise<LinkRow[]> {
  if (reportIds.length === 0) return []
  const rows = await db.query<LinkRecord & Record<string, unknown>>(
    `WITH pairs AS (
       SELECT report_id AS id, earlier_report_id AS other, kind
         FROM report_links WHERE report_id = ANY($1::uuid[])
       UNION
       SELECT earlier_report_id, report_id, kind
         FROM report_links WHERE earlier_report_id = ANY($1::uuid[])
       UNION
       SELECT m.report_id, o.report_id, m.kind
         FROM report_identifiers m
         JOIN report_identifiers o ON o.digest = m.digest AND o.report_id <> m.report_id
        WHERE m.report_id = ANY($1::uuid[])
     )
     SELECT p.id AS report_id, p.kind, (r.received_at, r.id) < (me.received_at, me.id) AS earlier,
            r.id AS other_id, r.reference, r.received_at, r.status, r.priority, r.queues
       FROM pairs p
       JOIN reports r ON r.id = p.other
       JOIN reports me ON me.id = p.id
      ORDER BY p.id, p.kind, r.received_at, r.id`,
    [reportIds],
  )
  return rows.map((r) => ({
    reportId: r.report_id,
    kind: r.kind,
    earlier: r.earlier,
    other: {
      id: r.other_id,
      reference: r.reference,
      receivedAt: r.received_at instanceof Date ? r.received_at : new Date(r.received_at),
      status: r.status,
      priority: r.priority,
      queues: r.queues,
    },
  }))
}

/** Whether the two reports share an identifier, as findLinks would show it. */
export async function areLinked(db: Queryable, a: string, b: string): Promise<boolean> {
  const rows = await db.query<{ linked: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM report_links
        WHERE (report_id = $1 AND earlier_report_id = $2)
           OR (report_id = $2 AND earlier_report_id = $1)
     ) OR EXISTS (
       SELECT 1 FROM report_identifiers m
         JOIN report_identifiers o ON o.digest = m.digest
        WHERE m.report_id = $1 AND o.report_id = $2
     ) AS linked`,
    [a, b],
  )
  return rows[0]?.linked === true
}

/** Reports with identifiers hashed under a key other than `activeKeyId`, up to `limit`. */
export async function reportsHashedWithOtherKeys(
  db: Queryable,
  activeKeyId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db.query<{ report_id: string }>(
    `SELECT DISTINCT report_id FROM report_identifiers WHERE key_id <> $1 LIMIT $2`,
    [activeKeyId, limit],
  )
  return rows.map((r) => r.report_id)
}

/** Replaces a report's identifiers with `identifiers`, in `tx`; its links are kept. */
export async function replaceIdentifiers(
  tx: Queryable,
  reportId: string,
  identifiers: readonly HashedIdentifier[],
): Promise<void> {
  await tx.query('DELETE FROM report_identifiers WHERE report_id = $1', [reportId])
  await tx.query(
    `INSERT INTO report_identifiers (digest, report_id, kind, key_id)
     SELECT decode(x.digest, 'base64'), $1, x.kind, x.key_id
       FROM jsonb_to_recordset($2::jsonb) AS x(kind text, key_id text, digest text)
     ON CONFLICT DO NOTHING`,
    [reportId, JSON.stringify(toIdentifierRows(identifiers))],
  )
}
