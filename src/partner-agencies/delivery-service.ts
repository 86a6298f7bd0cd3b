import type { AuditTrail } from '../audit/trail.js'
import type { Envelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import * as repository from './delivery-repository.js'
import { findPartnerAgency, type PartnerAgency } from './repository.js'
import { parseDeliveryChannels, type WebhookFormat } from './delivery-validation.js'

/** A partner's channels as the worker uses them: the webhook secret opened. */
export interface DeliveryChannels {
  deliveryEmail: string | null
  webhook: { url: string; format: WebhookFormat; secret: string } | null
}

const secretContext = (agencyId: string) => `partner-agency-webhook:${agencyId}`

/**
 * How partner agencies receive referrals, kept by administrators. Every view and change is
 * audited; the webhook secret is sealed at rest and never shown again once saved.
 */
export function deliveryChannelService(deps: { db: Db; envelope: Envelope; now: () => Date }) {
  const { db, envelope, now } = deps

  return {
    /** For the worker: the agency's channels at the moment of sending. */
    async channelsOf(agencyId: string): Promise<DeliveryChannels | undefined> {
      const stored = await repository.findDeliveryChannels(db, agencyId)
      if (!stored) return undefined
      return {
        deliveryEmail: stored.deliveryEmail,
        webhook: stored.webhook && {
          url: stored.webhook.url,
          format: stored.webhook.format,
          secret: envelope.open(stored.webhook.secret, secretContext(agencyId)),
        },
      }
    },

    async view(audit: AuditTrail, agencyId: string) {
      return db.transaction(async (tx) => {
        const agency = await findPartnerAgency(tx, agencyId)
        const stored = agency && (await repository.findDeliveryChannels(tx, agencyId))
        if (!agency || !stored) return undefined
        await audit.record(
          tx,
          { type: 'partner-agency', id: agencyId },
          { details: { kind: agency.kind } },
        )
        return { agency, channels: stored }
      })
    },

    async save(
      audit: AuditTrail,
      agencyId: string,
      body: FormBody,
    ): Promise<
      | { ok: true }
      | {
          ok: false
          code: 'INVALID'
          errors: FieldErrors
          agency: PartnerAgency
          hasSecret: boolean
        }
      | { ok: false; code: 'PARTNER_AGENCY_NOT_FOUND' }
    > {
      const agency = await findPartnerAgency(db, agencyId)
      const stored = agency && (await repository.findDeliveryChannels(db, agencyId))
      if (!agency || !stored) return { ok: false, code: 'PARTNER_AGENCY_NOT_FOUND' }
      const hasSecret = stored.webhook !== null
      const parsed = parseDeliveryChannels(body, hasSecret)
      if (!parsed.ok)
        return { ok: false, code: 'INVALID', errors: parsed.errors, agency, hasSecret }
      const { deliveryEmail, webhook } = parsed.value
      await db.transaction(async (tx) => {
        await repository.saveDeliveryChannels(
          tx,
          agencyId,
          {
            deliveryEmail,
            webhook: webhook && {
              url: webhook.url,
              format: webhook.format,
              secret: webhook.secret
                ? envelope.seal(webhook.secret, secretContext(agencyId))
                : null,
            },
          },
          now(),
        )
        await audit.record(
          tx,
          { type: 'partner-agency', id: agencyId },
          {
            details: {
              kind: agency.kind,
              email: deliveryEmail !== null,
              webhook: webhook !== null,
              secretChanged: webhook?.secret != null,
            },
          },
        )
      })
      return { ok: true }
    },
  }
}

export type DeliveryChannelService = ReturnType<typeof deliveryChannelService>
