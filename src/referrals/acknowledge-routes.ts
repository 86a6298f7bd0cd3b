import type { FastifyInstance } from 'fastify'
import { recordAuditEvent } from '../audit/repository.js'
import { paths } from '../web/paths.js'
import type { ReferralService } from './service.js'

/**
 * The partner's acknowledgement link. Opening it changes nothing (mail scanners open links);
 * the button on the page records it, once. The link itself is the authority: nobody signs in.
 */
export function acknowledgementRoutes(
  app: FastifyInstance,
  options: { service: ReferralService; now: () => Date },
): void {
  const url = paths.acknowledgeReferral(':token')
  const view = 'referral-acknowledge.njk'

  app.get<{ Params: { token: string } }>(url, async (request, reply) =>
    reply.view(view, { pageTitle: 'Acknowledge a referral', action: request.url }),
  )

  app.post<{ Params: { token: string } }>(
    url,
    { preHandler: app.csrfProtection.bind(app) },
    async (request, reply) => {
      const outcome = await options.service.acknowledgeByLink(
        request.params.token,
        request.ip,
        (tx, referral) =>
          recordAuditEvent(tx, {
            occurredAt: options.now(),
            actor: `partner-agency:${referral.partnerAgencyId}`,
            event: 'referral.acknowledged',
            subjectType: 'referral',
            subjectId: referral.id,
            address: request.ip,
            details: { reference: referral.reference, by: 'email-link' },
          }),
      )
      if (outcome === 'invalid')
        return reply.view(view, { pageTitle: 'This link is not valid', invalid: true }, 404)
      return reply.view(view, { pageTitle: 'Thank you', done: outcome })
    },
  )
}
