import type { Sealed } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'
import type { Priority } from '../reports/model.js'
import type { DecisionKind, RiskLevel } from './validation.js'

/**
 * SQL for what a decision records: the risk assessment (its rationale sealed), and the record
 * the decision creates at once, an urgent referral "to send" or an open case.
 */
export interface NewAssessment {
  id: string
  reportId: string
  recordedAt: Date
  recordedBy: string
  riskLevel: RiskLevel
  riskFactors: readonly string[]
  decision: DecisionKind
  template: string | null
  automaticPriority: Priority
  automaticReasons: readonly string[]
  rationale: Sealed
}

export async function insertAssessment(db: Queryable, a: NewAssessment): Promise<void> {
  await db.query(
    `INSERT INTO risk_assessments (id, report_id, recorded_at, recorded_by, risk_level,
       risk_factors, decision, template, automatic_priority, automatic_reasons, key_id,
       wrapped_data_key, rationale_ciphertext)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      a.id,
      a.reportId,
      a.recordedAt,
      a.recordedBy,
      a.riskLevel,
      a.riskFactors,
      a.decision,
      a.template,
      a.automaticPriority,
      a.automaticReasons,
      a.rationale.keyId,
      a.rationale.wrappedKey,
      a.rationale.ciphertext,
    ],
  )
}

export interface NewReferral {
  id: string
  reportId: string
  partnerAgencyId: string
  assessmentId: string
  kind: 'urgent-police'
  shared: readonly string[]
  lawfulBasis: string
  createdAt: Date
  createdBy: string
}

export async function insertReferral(db: Queryable, r: NewReferral): Promise<void> {
  await db.query(
    `INSERT INTO referrals (id, report_id, partner_agency_id, assessment_id, kind, status,
       shared, lawful_basis, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, 'to-send', $6, $7, $8, $9)`,
    [
      r.id,
      r.reportId,
      r.partnerAgencyId,
      r.assessmentId,
      r.kind,
      r.shared,
      r.lawfulBasis,
      r.createdAt,
      r.createdBy,
    ],
  )
}

export interface StoredAssessment {
  id: string
  recordedAt: Date
  recordedBy: string
  riskLevel: RiskLevel
  riskFactors: string[]
  decision: DecisionKind
  template: string | null
  rationale: Sealed
}

export async function assessmentsOf(db: Queryable, reportId: string): Promise<StoredAssessment[]> {
  const rows = await db.query<{
    id: string
    recorded_at: Date | string
    recorded_by: string
    risk_level: RiskLevel
    risk_factors: string[]
    decision: DecisionKind
    template: string | null
    key_id: string
    wrapped_data_key: Uint8Array
    rationale_ciphertext: Uint8Array
  }>(
    `SELECT id, recorded_at, recorded_by, risk_level, risk_factors, decision, template, key_id,
            wrapped_data_key, rationale_ciphertext
       FROM risk_assessments WHERE report_id = $1 ORDER BY recorded_at, id`,
    [reportId],
  )
  return rows.map((r) => ({
    id: r.id,
    recordedAt: new Date(r.recorded_at),
    recordedBy: r.recorded_by,
    riskLevel: r.risk_level,
    riskFactors: r.risk_factors,
    decision: r.decision,
    template: r.template,
    rationale: {
      keyId: r.key_id,
      wrappedKey: Buffer.from(r.wrapped_data_key),
      ciphertext: Buffer.from(r.rationale_ciphertext),
    },
  }))
}

export interface StoredReferral {
  id: string
  agencyName: string
  urgentPhone: string | null
  kind: string
  status: string
  shared: string[]
  lawfulBasis: string
  createdAt: Date
  createdBy: string
}

export async function referralsOf(db: Queryable, reportId: string): Promise<StoredReferral[]> {
  const rows = await db.query<{
    id: string
    agency_name: string
    urgent_phone: string | null
    kind: string
    status: string
    shared: string[]
    lawful_basis: string
    created_at: Date | string
    created_by: string
  }>(
    `SELECT r.id, a.name AS agency_name, a.urgent_phone, r.kind, r.status, r.shared,
            r.lawful_basis, r.created_at, r.created_by
       FROM referrals r JOIN partner_agencies a ON a.id = r.partner_agency_id
      WHERE r.report_id = $1 ORDER BY r.created_at, r.id`,
    [reportId],
  )
  return rows.map((r) => ({
    id: r.id,
    agencyName: r.agency_name,
    urgentPhone: r.urgent_phone,
    kind: r.kind,
    status: r.status,
    shared: r.shared,
    lawfulBasis: r.lawful_basis,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
  }))
}
