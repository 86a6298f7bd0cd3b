import type { FastifyRequest } from 'fastify'
import { errorList, readFormBody } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import type { DeliveryChannelService } from './delivery-service.js'
import { WEBHOOK_FORMATS } from './delivery-validation.js'
import type { PartnerAgency } from './repository.js'

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: { saved?: string } }>

const FORMAT_NAMES: Record<string, string> = {
  'safety-centre-referral-v1': 'Safety Centre referral, JSON, version 1',
}

/** Administrators set how each partner agency receives referrals: secure email, a webhook. */
export function deliveryChannelRoutes(router: StaffRouter, service: DeliveryChannelService) {
  const url = staffPaths.partnerAgencyDelivery(':id')

  function show(
    ctx: StaffContext,
    agency: PartnerAgency,
    values: FormBody,
    hasSecret: boolean,
    errors: FieldErrors = {},
    saved = false,
  ) {
    return ctx.view(
      'partner-agency-delivery.njk',
      {
        partner: { id: agency.id, name: agency.name },
        action: staffPaths.partnerAgencyDelivery(agency.id),
        backLink: staffPaths.partnerAgency(agency.id),
        values,
        hasSecret,
        formats: WEBHOOK_FORMATS.map((f) => ({
          value: f,
          text: FORMAT_NAMES[f] ?? f,
          checked: values.webhookFormat === f,
        })),
        errors,
        errorList: errorList(errors),
        saved,
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  router.add({
    method: 'GET',
    url,
    access: { permission: 'partner-agencies.update' },
    audit: 'partner-agency-delivery.viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const found = await service.view(ctx.audit, request.params.id)
      if (!found) return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
      const { agency, channels } = found
      return show(
        ctx,
        agency,
        {
          deliveryEmail: channels.deliveryEmail ?? '',
          webhookUrl: channels.webhook?.url ?? '',
          webhookFormat: channels.webhook?.format ?? WEBHOOK_FORMATS[0],
        },
        channels.webhook !== null,
        {},
        request.query.saved === '1',
      )
    },
  })

  router.add({
    method: 'POST',
    url,
    access: { permission: 'partner-agencies.update', freshFactor: true },
    audit: 'partner-agency-delivery.updated',
    handler: async (request: IdRequest, reply, ctx) => {
      const body = readFormBody(request.body) ?? {}
      const outcome = await service.save(ctx.audit, request.params.id, body)
      if (outcome.ok)
        return reply.redirect(`${staffPaths.partnerAgencyDelivery(request.params.id)}?saved=1`, 303)
      if (outcome.code === 'INVALID')
        // The secret typed is never shown back.
        return show(
          ctx,
          outcome.agency,
          { ...body, webhookSecret: '' },
          outcome.hasSecret,
          outcome.errors,
        )
      return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
    },
  })
}
