import { randomUUID } from 'node:crypto'
import type { AuditTrail } from '../audit/trail.js'
import { caseOfReport, openCase } from '../cases/repository.js'
import type { AssessmentContent } from '../content/assessment.js'
import type { Envelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import type { PartnerAgencyService } from '../partner-agencies/service.js'
import * as changes from '../queue/report-changes.js'
import type { ReportStatus } from '../queue/repository.js'
import type { QueueService, Outcome, Viewer } from '../queue/service.js'
import { allows, type Permission } from '../staff/permissions.js'
import type { FormBody } from '../web/journey.js'
import * as repository from './repository.js'
import {
  DECISIONS,
  parseRiskAssessment,
  type DecisionKind,
  type RiskAssessment,
} from './validation.js'

export interface AssessmentServiceDeps {
  db: Db
  envelope: Envelope
  content: AssessmentContent
  queue: QueueService
  partnerAgencies: PartnerAgencyService
  /** The police forces a referral can go to: code and name, from the jurisdiction tables. */
  policeForces(): Promise<{ code: string; name: string }[]>
  now: () => Date
}

/** What each decision makes of the report. */
const STATUS_AFTER: Record<DecisionKind, ReportStatus> = {
  'urgent-referral': 'referred',
  'open-case': 'case-opened',
  'close-with-advice': 'closed',
  'close-with-signposting': 'closed',
}

export const URGENT_REFERRAL_LAWFUL_BASIS = 'safeguarding-children-at-risk'

/** The decisions `roles` may record: the Control Centre refers urgent reports, no more. */
export const decisionsFor = (viewer: Viewer): DecisionKind[] =>
  DECISIONS.filter((d) => allows(viewer.roles, `decision.${d}` as Permission))

/**
 * Recording a risk assessment and its decision, and what the decision creates at once: an
 * urgent referral "to send" to the child's police force, or an open case owned by the advisor.
 * One transaction, one audit event; the report must be open by the person deciding.
 */
export function assessmentService(deps: AssessmentServiceDeps) {
  const { db, envelope, content, now } = deps

  async function choices() {
    const forces = await deps.policeForces()
    return {
      riskFactorIds: content.riskFactors.map((f) => f.id),
      adviceTemplateIds: content.adviceTemplates.map((t) => t.id),
      signpostingTemplateIds: content.signpostingTemplates.map((t) => t.id),
      policeForceCodes: forces.map((f) => f.code),
    }
  }

  return {
    policeForces: () => deps.policeForces(),

    async record(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
    ): Promise<Outcome<{ decision: DecisionKind; urgentPhone: string | null }>> {
      const parsed = parseRiskAssessment(body, await choices())
      const allowed = decisionsFor(viewer)
      const errors = parsed.ok ? {} : { ...parsed.errors }
      if (parsed.ok && !allowed.includes(parsed.value.decision.kind))
        errors.decision = 'Select a decision you can make: refer urgent reports to the police'
      const force =
        parsed.ok && parsed.value.decision.kind === 'urgent-referral'
          ? await deps.partnerAgencies.findPoliceForce(parsed.value.decision.policeForceCode)
          : undefined
      if (parsed.ok && parsed.value.decision.kind === 'urgent-referral' && !force)
        errors.policeForceCode =
          'That police force has no partner agency record: ask an administrator to add it'

      return db.transaction(async (tx) => {
        const locked = await deps.queue.lockForChange(tx, audit, reportId, viewer, {
          statuses: ['new'],
        })
        if (!locked.ok) return locked
        if (!parsed.ok || Object.keys(errors).length > 0)
          return { ok: false, code: 'INVALID', errors } as const
        const report = locked.report
        const assessment: RiskAssessment = parsed.value
        const decision = assessment.decision
        const at = now()
        const id = randomUUID()
        await repository.insertAssessment(tx, {
          id,
          reportId,
          recordedAt: at,
          recordedBy: viewer.id,
          riskLevel: assessment.riskLevel,
          riskFactors: assessment.riskFactors,
          decision: decision.kind,
          template:
            decision.kind === 'close-with-advice'
              ? decision.adviceTemplateId
              : decision.kind === 'close-with-signposting'
                ? decision.signpostingTemplateId
                : null,
          automaticPriority: await changes.automaticPriority(tx, reportId, report.priority),
          automaticReasons: report.priorityReasons.map((r) => r.code),
          rationale: envelope.seal(assessment.rationale, `assessment:${id}`),
        })
        if (decision.kind === 'urgent-referral' && force) {
          await repository.insertReferral(tx, {
            id: randomUUID(),
            reportId,
            partnerAgencyId: force.id,
            assessmentId: id,
            kind: 'urgent-police',
            shared: decision.shared,
            lawfulBasis: URGENT_REFERRAL_LAWFUL_BASIS,
            createdAt: at,
            createdBy: viewer.id,
          })
        }
        if (decision.kind === 'open-case') {
          await openCase(tx, {
            id: randomUUID(),
            eventId: randomUUID(),
            reportId,
            owner: viewer.id,
            openedAt: at,
          })
        }
        await changes.setStatus(tx, reportId, STATUS_AFTER[decision.kind])
        await audit.record(
          tx,
          { type: 'report', id: reportId },
          {
            details: {
              reference: report.reference,
              assessment: id,
              riskLevel: assessment.riskLevel,
              decision: decision.kind,
            },
          },
        )
        return { ok: true, decision: decision.kind, urgentPhone: force?.urgentPhone ?? null }
      })
    },

    /** A report's assessments, rationales decrypted, with what each decision created. */
    async historyOf(reportId: string) {
      const [assessments, referrals, openedCase] = await Promise.all([
        repository.assessmentsOf(db, reportId),
        repository.referralsOf(db, reportId),
        caseOfReport(db, reportId),
      ])
      return {
        assessments: assessments.map(({ rationale, ...a }) => ({
          ...a,
          rationale: envelope.open(rationale, `assessment:${a.id}`),
        })),
        referrals,
        openedCase,
      }
    },
  }
}

export type AssessmentService = ReturnType<typeof assessmentService>
