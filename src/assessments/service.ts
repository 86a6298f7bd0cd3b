import { randomUUID } from 'node:crypto'
import type { AuditTrail } from '../audit/trail.js'
import { caseOfReport, openCase } from '../cases/repository.js'
import type { AssessmentContent } from '../content/assessment.js'
import type { Envelope } from '../crypto/envelope.js'
import type { Sealed } from '../crypto/envelope.js'
import type { Db, Queryable } from '../db/db.js'
import type { PartnerAgencyService } from '../partner-agencies/service.js'
import * as changes from '../queue/report-changes.js'
import type { ReportStatus } from '../queue/repository.js'
import type { QueueService, Outcome, Viewer } from '../queue/service.js'
import { allows, type Permission } from '../staff/permissions.js'
import type { FormBody } from '../web/journey.js'
import { messagesOfReport } from '../outbox/repository.js'
import { insertReferral } from '../referrals/repository.js'
import { queueReferralDelivery } from '../referrals/service.js'
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
  /** Delivery attempts for the urgent referral before a person is told it failed. */
  referralAttempts?: number
  /**
   * Writes the advice or signposting of a closing decision to the reporter, through the outbox
   * in the decision's transaction (nothing, when no way of writing to them is safe).
   */
  messageReporter?(
    tx: Queryable,
    report: { id: string; reference: string; sealed: Sealed },
    words: { subject: string; text: string },
    by: string,
    at: Date,
  ): Promise<void>
}

/** The advice or signposting as the reporter reads it: the template, then the services named. */
function closingWords(
  content: AssessmentContent,
  decision: RiskAssessment['decision'],
): { subject: string; text: string } | undefined {
  if (decision.kind === 'close-with-advice') {
    const template = content.adviceTemplates.find((t) => t.id === decision.adviceTemplateId)
    return template && { subject: template.title, text: template.body }
  }
  if (decision.kind === 'close-with-signposting') {
    const template = content.signpostingTemplates.find(
      (t) => t.id === decision.signpostingTemplateId,
    )
    if (!template) return undefined
    const services = template.partners.map((p) =>
      [p.name, p.phone, p.hours, p.website].filter(Boolean).join(', '),
    )
    return {
      subject: template.title,
      text: [template.body, ...services].join('\n\n'),
    }
  }
  return undefined
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
          // Urgent: it goes at once, through the outbox in this transaction; a supervisor
          // reviews it afterwards.
          const referralId = randomUUID()
          await insertReferral(tx, {
            id: referralId,
            reportId,
            partnerAgencyId: force.id,
            assessmentId: id,
            kind: 'urgent-police',
            urgency: 'urgent',
            shared: decision.shared,
            lawfulBasis: URGENT_REFERRAL_LAWFUL_BASIS,
            reason: null,
            createdAt: at,
            createdBy: viewer.id,
            approvedBy: viewer.id,
          })
          await queueReferralDelivery(
            tx,
            { id: referralId, reportId },
            viewer.id,
            at,
            deps.referralAttempts ?? 8,
          )
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
        const words = closingWords(content, decision)
        if (words && deps.messageReporter)
          await deps.messageReporter(tx, report, words, viewer.id, at)
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
      const [assessments, referrals, openedCase, messages] = await Promise.all([
        repository.assessmentsOf(db, reportId),
        repository.referralsOf(db, reportId),
        caseOfReport(db, reportId),
        messagesOfReport(db, reportId),
      ])
      return {
        assessments: assessments.map(({ rationale, ...a }) => ({
          ...a,
          rationale: envelope.open(rationale, `assessment:${a.id}`),
        })),
        referrals,
        openedCase,
        /** Every referral delivery and message to the reporter, sent, waiting or failed. */
        messages,
      }
    },
  }
}

export type AssessmentService = ReturnType<typeof assessmentService>
