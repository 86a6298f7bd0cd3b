import type { FastifyRequest } from 'fastify'
import { errorList, readFormBody } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import {
  addedKindRadios,
  agencyRow,
  formValues,
  kindItems,
  readListQuery,
  type PartnerAgencyQuery,
} from './presenters.js'
import type { PartnerAgency } from './repository.js'
import type { PartnerAgencyService } from './service.js'

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: { saved?: string } }>

/**
 * The administrators' back office for partner agencies: every police force and children's
 * services authority from the jurisdiction tables, and the agencies they add. Contacts are the
 * agencies' own lines, but an email or a note can name a person, so every view is audited like
 * any other. Changes need a second factor proven in the last five minutes, as staff changes do.
 */
export function partnerAgencyRoutes(router: StaffRouter, service: PartnerAgencyService): void {
  const notFound = (ctx: StaffContext) =>
    ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
  const bodyOf = (request: FastifyRequest): FormBody => readFormBody(request.body) ?? {}

  function showForm(
    ctx: StaffContext,
    agency: PartnerAgency | undefined,
    options: { posted?: FormBody; errors?: FieldErrors; saved?: boolean } = {},
  ) {
    const values = formValues(agency, options.posted)
    const errors = options.errors ?? {}
    return ctx.view(
      'partner-agency.njk',
      {
        // `agency` in a view is the service's own (content/agency.json).
        partner: agency && {
          ...agencyRow(agency),
          jurisdictionCode: agency.jurisdictionCode,
          updatedAt: agency.updatedAt,
        },
        // Forces and children's services are named by the jurisdiction tables.
        namesItself: (agency?.jurisdictionCode ?? null) === null,
        deliveryUrl: agency && staffPaths.partnerAgencyDelivery(agency.id),
        action: agency ? staffPaths.partnerAgency(agency.id) : staffPaths.newPartnerAgency,
        listUrl: staffPaths.partnerAgencies,
        values,
        kindRadios: addedKindRadios(values.kind),
        errors,
        errorList: errorList(errors),
        saved: options.saved ?? false,
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  router.add({
    method: 'GET',
    url: staffPaths.partnerAgencies,
    access: { permission: 'partner-agencies.list' },
    audit: 'partner-agencies.listed',
    handler: async (request: FastifyRequest<{ Querystring: PartnerAgencyQuery }>, reply, ctx) => {
      const query = readListQuery(request.query)
      const common = {
        values: query.values,
        kindItems: kindItems(query.values.kind, { any: true }),
        newUrl: staffPaths.newPartnerAgency,
        listUrl: staffPaths.partnerAgencies,
      }
      if (!query.ok) {
        return ctx.view(
          'partner-agencies.njk',
          { ...common, errors: query.errors, errorList: errorList(query.errors), rows: [] },
          400,
        )
      }
      const agencies = await service.listForAdministrators(ctx.audit, query.filter)
      return ctx.view('partner-agencies.njk', {
        ...common,
        rows: agencies.map((agency) => ({
          ...agencyRow(agency),
          url: staffPaths.partnerAgency(agency.id),
        })),
        filtered: query.values.kind !== '' || query.values.name !== '',
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.newPartnerAgency,
    access: { permission: 'partner-agencies.create' },
    audit: { notAudited: 'a blank form' },
    handler: async (request, reply, ctx) => showForm(ctx, undefined),
  })

  router.add({
    method: 'POST',
    url: staffPaths.newPartnerAgency,
    access: { permission: 'partner-agencies.create', freshFactor: true },
    audit: 'partner-agency.added',
    handler: async (request, reply, ctx) => {
      const body = bodyOf(request)
      const outcome = await service.addAgency(ctx.audit, body)
      if (outcome.ok) return reply.redirect(`${staffPaths.partnerAgency(outcome.id)}?saved=1`, 303)
      if (outcome.code === 'INVALID')
        return showForm(ctx, undefined, { posted: body, errors: outcome.errors })
      return notFound(ctx)
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.partnerAgency(':id'),
    access: { permission: 'partner-agencies.update' },
    audit: 'partner-agency.viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const agency = await service.view(ctx.audit, request.params.id)
      if (!agency) return notFound(ctx)
      return showForm(ctx, agency, { saved: request.query.saved === '1' })
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.partnerAgency(':id'),
    access: { permission: 'partner-agencies.update', freshFactor: true },
    audit: 'partner-agency.updated',
    handler: async (request: IdRequest, reply, ctx) => {
      const body = bodyOf(request)
      const outcome = await service.updateAgency(ctx.audit, request.params.id, body)
      if (outcome.ok) return reply.redirect(`${staffPaths.partnerAgency(outcome.id)}?saved=1`, 303)
      if (outcome.code === 'INVALID')
        return showForm(ctx, outcome.agency, { posted: body, errors: outcome.errors })
      return notFound(ctx)
    },
  })
}
