import type { Sealed } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'

/** SQL for referrals: recording, approving, delivery's outcome and the partner's acknowledgement. */
export type ReferralStatus =
  'awaiting-approval' | 'declined' | 'sending' | 'sent' | 'acknowledged' | 'failed'
export type Urgency = 'urgent' | 'standard'

export interface NewReferral {
  id: string
  reportId: string
  partnerAgencyId: string
  assessmentId: string | null
  kind: 'urgent-police' | 'referral'
  urgency: Urgency
  shared: readonly string[]
  lawfulBasis: string
  reason: Sealed | null
  createdAt: Date
  createdBy: string
  /** Urgent referrals are approved by the person sending them; others wait for a supervisor. */
  approvedBy: string | null
  /** Made from a case: the case it belongs to (its report is the case's first). */
  caseId?: string | null
}

export async function insertReferral(db: Queryable, r: NewReferral): Promise<void> {
  await db.query(
    `INSERT INTO referrals (id, report_id, partner_agency_id, assessment_id, kind, status,
       urgency, shared, lawful_basis, reason_key_id, reason_wrapped_key, reason_ciphertext,
       created_at, created_by, approved_by, approved_at, case_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
             CASE WHEN $15::text IS NULL THEN NULL ELSE $13::timestamptz END, $16)`,
    [
      r.id,
      r.reportId,
      r.partnerAgencyId,
      r.assessmentId,
      r.kind,
      r.approvedBy ? 'sending' : 'awaiting-approval',
      r.urgency,
      r.shared,
      r.lawfulBasis,
      r.reason?.keyId ?? null,
      r.reason?.wrappedKey ?? null,
      r.reason?.ciphertext ?? null,
      r.createdAt,
      r.createdBy,
      r.approvedBy,
      r.caseId ?? null,
    ],
  )
}

export interface Referral {
  id: string
  reportId: string
  caseId: string | null
  caseNumber: number | null
  reference: string
  partnerAgencyId: string
  agencyName: string
  agencyKind: string
  urgentPhone: string | null
  kind: 'urgent-police' | 'referral'
  urgency: Urgency
  status: ReferralStatus
  shared: string[]
  lawfulBasis: string
  reason: Sealed | null
  createdAt: Date
  createdBy: string
  approvedBy: string | null
  approvedAt: Date | null
  reviewedBy: string | null
  reviewedAt: Date | null
  sentAt: Date | null
  sentByChannel: string | null
  acknowledgedAt: Date | null
  acknowledgedBy: string | null
}

interface ReferralRecord {
  id: string
  report_id: string
  case_id: string | null
  case_number: string | number | null
  reference: string
  partner_agency_id: string
  agency_name: string
  agency_kind: string
  urgent_phone: string | null
  kind: Referral['kind']
  urgency: Urgency
  status: ReferralStatus
  shared: string[]
  lawful_basis: string
  reason_key_id: string | null
  reason_wrapped_key: Uint8Array | null
  reason_ciphertext: Uint8Array | null
  created_at: Date | string
  created_by: string
  approved_by: string | null
  approved_at: Date | string | null
  reviewed_by: string | null
  reviewed_at: Date | string | null
  sent_at: Date | string | null
  sent_by_channel: string | null
  acknowledged_at: Date | string | null
  acknowledged_by: string | null
}

const maybeDate = (v: Date | string | null) => (v === null ? null : new Date(v))

function toReferral(r: ReferralRecord): Referral {
  return {
    id: r.id,
    reportId: r.report_id,
    caseId: r.case_id,
    caseNumber: r.case_number === null ? null : Number(r.case_number),
    reference: r.reference,
    partnerAgencyId: r.partner_agency_id,
    agencyName: r.agency_name,
    agencyKind: r.agency_kind,
    urgentPhone: r.urgent_phone,
    kind: r.kind,
    urgency: r.urgency,
    status: r.status,
    shared: r.shared,
    lawfulBasis: r.lawful_basis,
    reason:
      r.reason_key_id && r.reason_wrapped_key && r.reason_ciphertext
        ? {
            keyId: r.reason_key_id,
            wrappedKey: Buffer.from(r.reason_wrapped_key),
            ciphertext: Buffer.from(r.reason_ciphertext),
          }
        : null,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    approvedBy: r.approved_by,
    approvedAt: maybeDate(r.approved_at),
    reviewedBy: r.reviewed_by,
    reviewedAt: maybeDate(r.reviewed_at),
    sentAt: maybeDate(r.sent_at),
    sentByChannel: r.sent_by_channel,
    acknowledgedAt: maybeDate(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
  }
}

const SELECT = `SELECT r.id, r.report_id, r.case_id, rc.number AS case_number, rp.reference, r.partner_agency_id, a.name AS agency_name,
       a.kind AS agency_kind, a.urgent_phone, r.kind, r.urgency, r.status, r.shared,
       r.lawful_basis, r.reason_key_id, r.reason_wrapped_key, r.reason_ciphertext, r.created_at,
       r.created_by, r.approved_by, r.approved_at, r.reviewed_by, r.reviewed_at, r.sent_at,
       r.sent_by_channel, r.acknowledged_at, r.acknowledged_by
  FROM referrals r
  JOIN reports rp ON rp.id = r.report_id
  JOIN partner_agencies a ON a.id = r.partner_agency_id
  LEFT JOIN cases rc ON rc.id = r.case_id`

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function findReferral(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<Referral | undefined> {
  if (!UUID.test(id)) return undefined
  const rows = await db.query<ReferralRecord & Record<string, unknown>>(
    `${SELECT} WHERE r.id = $1${options.forUpdate ? ' FOR UPDATE OF r' : ''}`,
    [id],
  )
  const r = rows[0]
  return r && toReferral(r)
}

export async function referralsOfReport(db: Queryable, reportId: string): Promise<Referral[]> {
  if (!UUID.test(reportId)) return []
  const rows = await db.query<ReferralRecord & Record<string, unknown>>(
    `${SELECT} WHERE r.report_id = $1 ORDER BY r.created_at, r.id`,
    [reportId],
  )
  return rows.map(toReferral)
}

/**
 * A case's referrals: those made from it, and those made from any report it holds now (from
 * the queue, before the case was opened, or in a case it was moved from).
 */
export async function referralsOfCase(db: Queryable, caseId: string): Promise<Referral[]> {
  if (!UUID.test(caseId)) return []
  const rows = await db.query<ReferralRecord & Record<string, unknown>>(
    `${SELECT}
      WHERE r.case_id = $1
         OR r.report_id IN (SELECT report_id FROM case_reports WHERE case_id = $1)
      ORDER BY r.created_at, r.id`,
    [caseId],
  )
  return rows.map(toReferral)
}

/** What supervisors have to do: referrals awaiting approval, and urgent ones not yet reviewed. */
export async function referralsForSupervisors(db: Queryable): Promise<Referral[]> {
  const rows = await db.query<ReferralRecord & Record<string, unknown>>(
    `${SELECT}
      WHERE r.status = 'awaiting-approval'
         OR (r.urgency = 'urgent' AND r.reviewed_at IS NULL AND r.status <> 'declined')
      ORDER BY r.urgency = 'urgent' DESC, r.created_at, r.id LIMIT 500`,
  )
  return rows.map(toReferral)
}

/** Urgent referrals sent (or trying) before `before` that the partner has not acknowledged. */
export async function unacknowledgedUrgent(db: Queryable, before: Date): Promise<Referral[]> {
  const rows = await db.query<ReferralRecord & Record<string, unknown>>(
    `${SELECT}
      WHERE r.urgency = 'urgent' AND r.acknowledged_at IS NULL
        AND r.status IN ('sending', 'sent', 'failed') AND r.approved_at < $1
      ORDER BY r.approved_at, r.id LIMIT 20`,
    [before],
  )
  return rows.map(toReferral)
}

/** A decision on a referral awaiting approval; false if it was no longer waiting. */
export async function decide(
  db: Queryable,
  id: string,
  approved: boolean,
  by: string,
  at: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE referrals
        SET status = CASE WHEN $2 THEN 'sending' ELSE 'declined' END,
            approved_by = CASE WHEN $2 THEN $3 END,
            approved_at = CASE WHEN $2 THEN $4::timestamptz END,
            reviewed_by = $3, reviewed_at = $4
      WHERE id = $1 AND status = 'awaiting-approval'
     RETURNING id`,
    [id, approved, by, at],
  )
  return rows.length > 0
}

/** A supervisor's look at an urgent referral after it went. */
export async function markReviewed(db: Queryable, id: string, by: string, at: Date) {
  const rows = await db.query(
    `UPDATE referrals SET reviewed_by = $2, reviewed_at = $3
      WHERE id = $1 AND urgency = 'urgent' AND reviewed_at IS NULL RETURNING id`,
    [id, by, at],
  )
  return rows.length > 0
}

export async function markSent(
  db: Queryable,
  id: string,
  at: Date,
  channel: string,
  acknowledgedBy: string | null,
): Promise<void> {
  await db.query(
    `UPDATE referrals
        SET status = CASE WHEN acknowledged_at IS NOT NULL OR $4::text IS NOT NULL
                          THEN 'acknowledged' ELSE 'sent' END,
            sent_at = COALESCE(sent_at, $2), sent_by_channel = $3,
            acknowledged_at = COALESCE(acknowledged_at, CASE WHEN $4::text IS NOT NULL THEN $2::timestamptz END),
            acknowledged_by = COALESCE(acknowledged_by, $4)
      WHERE id = $1 AND status IN ('sending', 'failed', 'sent', 'acknowledged')`,
    [id, at, channel, acknowledgedBy],
  )
}

export async function markFailed(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE referrals SET status = 'failed' WHERE id = $1 AND status = 'sending'`, [
    id,
  ])
}

export async function markSending(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE referrals SET status = 'sending' WHERE id = $1 AND status = 'failed'`, [
    id,
  ])
}

/** The partner's acknowledgement, once: true only the first time. */
export async function acknowledge(db: Queryable, id: string, at: Date, by: string) {
  if (!UUID.test(id)) return false
  const rows = await db.query(
    `UPDATE referrals SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3
      WHERE id = $1 AND acknowledged_at IS NULL AND status IN ('sending', 'sent', 'failed')
     RETURNING id`,
    [id, at, by],
  )
  return rows.length > 0
}
