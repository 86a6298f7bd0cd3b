import { randomUUID } from 'node:crypto'
import type { AuditTrail } from '../audit/trail.js'
import type { Envelope } from '../crypto/envelope.js'
import type { Db, Queryable } from '../db/db.js'
import * as outbox from '../outbox/repository.js'
import type { PartnerAgencyService } from '../partner-agencies/service.js'
import type { QueueService, Viewer } from '../queue/service.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { readAcknowledgementToken } from './acknowledgement.js'
import type { ReferralContent } from './content.js'
import * as repository from './repository.js'
import { parseReferral } from './validation.js'

export interface ReferralServiceDeps {
  db: Db
  envelope: Envelope
  content: ReferralContent
  queue: QueueService
  partnerAgencies: PartnerAgencyService
  acknowledgementKey: Buffer
  /** Attempts before a person is told a referral could not be delivered. */
  maxAttempts: number
  /** An urgent referral not acknowledged within this raises the Control Centre's alert. */
  urgentAcknowledgeMinutes: number
  now: () => Date
  /** A case's referral is on its way (urgent, or approved): the case is now "referred". */
  caseReferred?(tx: Queryable, caseId: string, by: string, at: Date): Promise<void>
  /** UNSAFE, the negative control of bench:outbox only: see config.ts. */
  unsafeEnqueueAfterCommit?: boolean
}

/**
 * Writes a referral's delivery to the outbox: call it in the transaction that makes the
 * referral ready to go (recorded urgent, or approved), so the two commit together.
 */
export async function queueReferralDelivery(
  tx: Queryable,
  referral: { id: string; reportId: string },
  by: string,
  at: Date,
  maxAttempts: number,
): Promise<void> {
  await outbox.enqueue(tx, {
    id: randomUUID(),
    purpose: 'referral',
    reportId: referral.reportId,
    referralId: referral.id,
    maxAttempts,
    availableAt: at,
    createdAt: at,
    createdBy: by,
  })
}

export type CreateOutcome =
  | { ok: true; id: string; urgent: boolean }
  | { ok: false; code: 'INVALID'; errors: FieldErrors }
  | { ok: false; code: 'REPORT_NOT_FOUND' }

/** How a referral made from a case touches the case, inside the referral's transaction. */
export interface CaseLink<R = never> {
  caseId: string
  /** Locks the case; returns a refusal if it can no longer be referred. */
  lock(tx: Queryable): Promise<R | undefined>
}

export type ActionOutcome =
  { ok: true } | { ok: false; code: 'REFERRAL_NOT_FOUND' | 'NOT_ALLOWED' | 'ALREADY_DONE' }

const subject = (id: string) => ({ type: 'referral', id })
const UNSAFE_GAP_MS = 1000

/**
 * Referrals to partner agencies from a report: recorded with what is shared and why, urgent
 * ones sent at once (a supervisor reviews them after), others sent when a supervisor approves.
 * Each change and its delivery are one transaction; each view and change one audit event.
 */
export function referralService(deps: ReferralServiceDeps) {
  const { db, envelope, now } = deps
  const reasonContext = (id: string) => `referral:${id}`

  async function agencies() {
    return (await deps.partnerAgencies.list()).filter((a) => a.withdrawnAt === null)
  }

  async function record<R = never>(
    audit: AuditTrail,
    report: { id: string; reference: string },
    viewer: Viewer,
    body: FormBody,
    caseLink?: CaseLink<R>,
  ): Promise<CreateOutcome | R> {
    const reportId = report.id
    const parsed = parseReferral(body, {
      agencyIds: (await agencies()).map((a) => a.id),
      lawfulBasisIds: deps.content.lawfulBases.map((b) => b.id),
    })
    if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
    const form = parsed.value
    const id = randomUUID()
    const at = now()
    const urgent = form.urgency === 'urgent'
    const refused = await db.transaction(async (tx) => {
      if (caseLink) {
        const refusal = await caseLink.lock(tx)
        if (refusal) return refusal
      }
      await repository.insertReferral(tx, {
        id,
        reportId,
        partnerAgencyId: form.partnerAgencyId,
        assessmentId: null,
        kind: 'referral',
        urgency: form.urgency,
        shared: form.shared,
        lawfulBasis: form.lawfulBasis,
        reason: envelope.seal(form.reason, reasonContext(id)),
        createdAt: at,
        createdBy: viewer.id,
        approvedBy: urgent ? viewer.id : null,
        caseId: caseLink?.caseId ?? null,
      })
      if (urgent && !deps.unsafeEnqueueAfterCommit)
        await queueReferralDelivery(tx, { id, reportId }, viewer.id, at, deps.maxAttempts)
      if (caseLink && urgent) await deps.caseReferred?.(tx, caseLink.caseId, viewer.id, at)
      await audit.record(tx, subject(id), {
        details: {
          reference: report.reference,
          ...(caseLink ? { case: caseLink.caseId } : {}),
          agency: form.partnerAgencyId,
          urgency: form.urgency,
          shared: form.shared.join(' ') || 'nothing personal',
          lawfulBasis: form.lawfulBasis,
        },
      })
      return undefined
    })
    if (refused) return refused
    if (urgent && deps.unsafeEnqueueAfterCommit) {
      // The broken way the outbox exists to prevent: a crash in this gap loses the referral.
      await new Promise((resolve) => setTimeout(resolve, UNSAFE_GAP_MS))
      await queueReferralDelivery(db, { id, reportId }, viewer.id, at, deps.maxAttempts)
    }
    return { ok: true, id, urgent }
  }

  return {
    agencies,
    lawfulBases: () => deps.content.lawfulBases,

    async create(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
    ): Promise<CreateOutcome> {
      const report = await deps.queue.reportForAction(reportId, viewer)
      if (!report) return { ok: false, code: 'REPORT_NOT_FOUND' }
      return record(audit, { id: reportId, reference: report.reference }, viewer, body)
    },

    /**
     * A referral from a case: its package is built from the case's first report; `withCase`
     * runs in the referral's transaction (it locks the case, checks it is still being worked,
     * and marks it referred) and may refuse, leaving nothing recorded.
     */
    createForCase: <R>(
      audit: AuditTrail,
      report: { id: string; reference: string },
      viewer: Viewer,
      body: FormBody,
      caseLink: CaseLink<R>,
    ) => record(audit, report, viewer, body, caseLink),

    /** One referral, its reason opened, for someone who may see its report. */
    async view(audit: AuditTrail, id: string, viewer: Viewer) {
      const referral = await repository.findReferral(db, id)
      if (!referral || !(await deps.queue.reportForAction(referral.reportId, viewer)))
        return undefined
      return db.transaction(async (tx) => {
        await audit.record(tx, subject(id), { details: { reference: referral.reference } })
        const messages = (await outbox.messagesOfReport(tx, referral.reportId)).filter(
          (m) => m.referralId === id,
        )
        return {
          referral,
          reason: referral.reason ? envelope.open(referral.reason, reasonContext(id)) : null,
          messages,
        }
      })
    },

    /** A supervisor approves (and so sends) or declines a referral awaiting approval. */
    async decide(
      audit: AuditTrail,
      id: string,
      viewer: Viewer,
      approved: boolean,
    ): Promise<ActionOutcome> {
      return db.transaction(async (tx) => {
        const referral = await repository.findReferral(tx, id, { forUpdate: true })
        if (!referral) return { ok: false, code: 'REFERRAL_NOT_FOUND' }
        // Four eyes: the person who asked to share is not the one who agrees to it.
        if (referral.createdBy === viewer.id) return { ok: false, code: 'NOT_ALLOWED' }
        const at = now()
        if (!(await repository.decide(tx, id, approved, viewer.id, at)))
          return { ok: false, code: 'ALREADY_DONE' }
        if (approved) await queueReferralDelivery(tx, referral, viewer.id, at, deps.maxAttempts)
        if (approved && referral.caseId)
          await deps.caseReferred?.(tx, referral.caseId, viewer.id, at)
        await audit.record(tx, subject(id), {
          details: { reference: referral.reference, approved },
        })
        return { ok: true }
      })
    },

    /** A supervisor's review of an urgent referral after it went. */
    async review(audit: AuditTrail, id: string, viewer: Viewer): Promise<ActionOutcome> {
      return db.transaction(async (tx) => {
        const referral = await repository.findReferral(tx, id, { forUpdate: true })
        if (!referral) return { ok: false, code: 'REFERRAL_NOT_FOUND' }
        if (!(await repository.markReviewed(tx, id, viewer.id, now())))
          return { ok: false, code: 'ALREADY_DONE' }
        await audit.record(tx, subject(id), { details: { reference: referral.reference } })
        return { ok: true }
      })
    },

    async forSupervisors(audit: AuditTrail) {
      return db.transaction(async (tx) => {
        const referrals = await repository.referralsForSupervisors(tx)
        await audit.record(
          tx,
          { type: 'referral', id: 'to-decide' },
          { details: { count: referrals.length } },
        )
        return referrals
      })
    },

    referralsOfReport: (reportId: string) => repository.referralsOfReport(db, reportId),
    referralsOfCase: (caseId: string) => repository.referralsOfCase(db, caseId),

    /**
     * The partner's click on the emailed link. No one signs in: the token is the authority,
     * and the audit trail names the agency. Says whether this was the first acknowledgement.
     */
    async acknowledgeByLink(
      token: string,
      address: string,
      record: (tx: Queryable, referral: repository.Referral) => Promise<void>,
    ): Promise<'acknowledged' | 'already' | 'invalid'> {
      const id = readAcknowledgementToken(deps.acknowledgementKey, token)
      if (!id) return 'invalid'
      return db.transaction(async (tx) => {
        const referral = await repository.findReferral(tx, id, { forUpdate: true })
        if (!referral) return 'invalid'
        if (!(await repository.acknowledge(tx, id, now(), `email-link:${address}`)))
          return 'already'
        await record(tx, referral)
        return 'acknowledged'
      })
    },

    /** Urgent referrals the partner has not acknowledged within the setting's time. */
    unacknowledgedUrgent: () =>
      repository.unacknowledgedUrgent(
        db,
        new Date(now().getTime() - deps.urgentAcknowledgeMinutes * 60_000),
      ),

    async failedDeliveries(audit: AuditTrail) {
      return db.transaction(async (tx) => {
        const messages = await outbox.failedMessages(tx)
        await audit.record(
          tx,
          { type: 'delivery', id: 'failed' },
          { details: { count: messages.length } },
        )
        return messages
      })
    },

    /** Sends a failed message again with fresh attempts; its referral is "sending" again. */
    async retryDelivery(audit: AuditTrail, messageId: string): Promise<ActionOutcome> {
      return db.transaction(async (tx) => {
        const message = await outbox.findMessage(tx, messageId)
        if (!message) return { ok: false, code: 'REFERRAL_NOT_FOUND' }
        if (!(await outbox.retry(tx, messageId, now()))) return { ok: false, code: 'ALREADY_DONE' }
        if (message.referralId) await repository.markSending(tx, message.referralId)
        await audit.record(
          tx,
          { type: 'delivery', id: messageId },
          {
            details: { reference: message.reference, purpose: message.purpose },
          },
        )
        return { ok: true }
      })
    },
  }
}

export type ReferralService = ReturnType<typeof referralService>
