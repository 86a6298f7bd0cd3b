import type { Envelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import type { EmailSender } from '../notifications/email.js'
import { postWebhook } from '../notifications/webhook.js'
import type { DeliveryChannels } from '../partner-agencies/delivery-service.js'
import { findReport } from '../queue/repository.js'
import type { ReportAnswers } from '../reports/answers.js'
import { checkAnswersSections } from '../reports/presenters.js'
import type { ClaimedMessage } from '../outbox/repository.js'
import { PermanentDeliveryError, type PurposeHandler } from '../outbox/worker.js'
import type { Journey } from '../web/journey.js'
import type { ReferralContent } from './content.js'
import {
  buildPackage,
  packageHtml,
  packageJson,
  packageText,
  type ReferralPackage,
} from './package.js'
import { packagePdf } from './pdf.js'
import * as repository from './repository.js'

export interface ReferralDeliveryDeps {
  db: Db
  envelope: Envelope
  journey: Journey
  content: ReferralContent
  agency: { serviceName: string; operatorName: string }
  channelsOf(agencyId: string): Promise<DeliveryChannels | undefined>
  email: EmailSender
  staffName(id: string): Promise<string>
  acknowledgeUrl(referralId: string): string
  timeZone: string
  now: () => Date
}

/**
 * Builds a referral's package from what is stored now, for the channel it goes by: the same
 * words on every attempt (and for the staff preview), so a repeat is a true repeat.
 */
export function referralPackages(deps: Omit<ReferralDeliveryDeps, 'email' | 'channelsOf' | 'now'>) {
  return async function packageOf(
    referralId: string,
    messageId: string,
    options: { withAcknowledgeLink: boolean },
  ): Promise<{ pkg: ReferralPackage; pdf: Buffer; referral: repository.Referral } | undefined> {
    const referral = await repository.findReferral(deps.db, referralId)
    const report = referral && (await findReport(deps.db, referral.reportId))
    if (!referral || !report) return undefined
    const answers = JSON.parse(
      deps.envelope.open(report.sealed, `report:${report.id}`),
    ) as ReportAnswers
    const basis = deps.content.lawfulBases.find((b) => b.id === referral.lawfulBasis) ?? {
      id: referral.lawfulBasis,
      label: referral.lawfulBasis,
      text: '',
    }
    const pkg = buildPackage({
      referralId: referral.id,
      messageId,
      reference: referral.reference,
      serviceName: deps.agency.serviceName,
      operatorName: deps.agency.operatorName,
      agency: { name: referral.agencyName, kind: referral.agencyKind },
      urgency: referral.urgency,
      reason: referral.reason
        ? deps.envelope.open(referral.reason, `referral:${referral.id}`)
        : 'Urgent referral from triage: a child may be at immediate risk.',
      lawfulBasis: basis,
      shared: referral.shared,
      priority: report.priority,
      triageReasons: report.priorityReasons.map((r) => r.text),
      approvedBy: referral.approvedBy
        ? await deps.staffName(referral.approvedBy)
        : 'Not yet approved',
      createdAt: referral.createdAt,
      timeZone: deps.timeZone,
      sections: checkAnswersSections(answers, deps.journey, new Map(), { everyAnswer: true }),
      acknowledgeUrl: options.withAcknowledgeLink ? deps.acknowledgeUrl(referral.id) : null,
      content: deps.content,
    })
    return { pkg, pdf: await packagePdf(pkg, referral.createdAt), referral }
  }
}

/** The outbox's handler for referrals: webhook when the agency has one, else secure email. */
export function referralDelivery(deps: ReferralDeliveryDeps): PurposeHandler {
  const packageOf = referralPackages(deps)
  return {
    async send(message: ClaimedMessage) {
      const referralId = message.referralId ?? ''
      const found = await repository.findReferral(deps.db, referralId)
      if (!found) throw new PermanentDeliveryError('REFERRAL_NOT_FOUND')
      const channels = await deps.channelsOf(found.partnerAgencyId)
      if (channels?.webhook) {
        const built = await packageOf(referralId, message.id, { withAcknowledgeLink: false })
        if (!built) throw new PermanentDeliveryError('REFERRAL_NOT_FOUND')
        await postWebhook({
          url: channels.webhook.url,
          secret: channels.webhook.secret,
          body: packageJson(built.pkg, built.pdf),
          idempotencyKey: message.id,
          now: deps.now(),
        })
        return { channel: 'webhook', acknowledged: true }
      }
      if (channels?.deliveryEmail) {
        const built = await packageOf(referralId, message.id, { withAcknowledgeLink: true })
        if (!built) throw new PermanentDeliveryError('REFERRAL_NOT_FOUND')
        await deps.email.send({
          messageId: message.id,
          to: channels.deliveryEmail,
          subject: `${built.pkg.urgent ? 'URGENT: ' : ''}${built.pkg.title} (${built.pkg.reference})`,
          text: packageText(built.pkg),
          html: packageHtml(built.pkg),
          attachments: [
            {
              filename: `referral-${built.pkg.reference}.pdf`,
              content: built.pdf,
              contentType: 'application/pdf',
            },
          ],
        })
        return { channel: 'email', acknowledged: false }
      }
      throw new PermanentDeliveryError(
        'NO_DELIVERY_CHANNEL: the agency has no secure email or webhook',
      )
    },
    async delivered(tx, message, result, at) {
      await repository.markSent(
        tx,
        message.referralId ?? '',
        at,
        result.channel,
        result.acknowledged ? 'webhook' : null,
      )
    },
    async failed(tx, message) {
      await repository.markFailed(tx, message.referralId ?? '')
    },
  }
}
