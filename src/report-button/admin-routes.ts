import type { FastifyRequest } from 'fastify'
import { errorList, readFormBody } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import { buttonChoices, type ButtonAgency } from './buttons.js'
import type { ReportSource, ReportSourceService } from './service.js'

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: { saved?: string } }>

export interface ReportSourceRoutesOptions {
  service: ReportSourceService
  agency: ButtonAgency
  serviceUrl: string
}

/**
 * The administrators' back office for report button sources: the websites and apps that carry
 * the button, each with the snippet to send them. Changes need a second factor proven in the
 * last five minutes, as other administrators' changes do.
 */
export function reportSourceRoutes(router: StaffRouter, options: ReportSourceRoutesOptions): void {
  const { service } = options
  const notFound = (ctx: StaffContext) =>
    ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
  const bodyOf = (request: FastifyRequest): FormBody => readFormBody(request.body) ?? {}

  function valuesOf(source: ReportSource | undefined, posted?: FormBody) {
    const pick = (name: string, stored: string | undefined) => {
      const value = posted?.[name]
      return posted ? (typeof value === 'string' ? value : '') : (stored ?? '')
    }
    return {
      id: pick('id', source?.id),
      name: pick('name', source?.name),
      website: pick('website', source?.website),
    }
  }

  function showForm(
    ctx: StaffContext,
    source: ReportSource | undefined,
    shown: { posted?: FormBody; errors?: FieldErrors; saved?: boolean } = {},
  ) {
    const errors = shown.errors ?? {}
    return ctx.view(
      'report-source.njk',
      {
        source: source && { ...source, withdrawn: source.withdrawnAt !== null },
        action: source ? staffPaths.reportSource(source.id) : staffPaths.newReportSource,
        withdrawUrl: source && staffPaths.reportSourceAction(source.id, 'withdraw'),
        restoreUrl: source && staffPaths.reportSourceAction(source.id, 'restore'),
        listUrl: staffPaths.reportSources,
        values: valuesOf(source, shown.posted),
        errors,
        errorList: errorList(errors),
        saved: shown.saved ?? false,
        // Its own snippet: the medium button in each colour is enough to choose from.
        buttons: source
          ? buttonChoices(options.agency, options.serviceUrl, source.id).filter(
              (b) => b.size === 'medium',
            )
          : [],
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  router.add({
    method: 'GET',
    url: staffPaths.reportSources,
    access: { permission: 'report-sources.list' },
    audit: 'report-sources.listed',
    handler: async (request, reply, ctx) => {
      const sources = await service.listForAdministrators(ctx.audit)
      return ctx.view('report-sources.njk', {
        newUrl: staffPaths.newReportSource,
        rows: sources.map((s) => ({
          ...s,
          withdrawn: s.withdrawnAt !== null,
          url: staffPaths.reportSource(s.id),
        })),
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.newReportSource,
    access: { permission: 'report-sources.create' },
    audit: { notAudited: 'a blank form' },
    handler: async (request, reply, ctx) => showForm(ctx, undefined),
  })

  router.add({
    method: 'POST',
    url: staffPaths.newReportSource,
    access: { permission: 'report-sources.create', freshFactor: true },
    audit: 'report-source.added',
    handler: async (request, reply, ctx) => {
      const body = bodyOf(request)
      const outcome = await service.addSource(ctx.audit, body)
      if (outcome.ok) return reply.redirect(`${staffPaths.reportSource(outcome.id)}?saved=1`, 303)
      if (outcome.code === 'INVALID')
        return showForm(ctx, undefined, { posted: body, errors: outcome.errors })
      return notFound(ctx)
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.reportSource(':id'),
    access: { permission: 'report-sources.update' },
    audit: 'report-source.viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const source = await service.view(ctx.audit, request.params.id)
      if (!source) return notFound(ctx)
      return showForm(ctx, source, { saved: request.query.saved === '1' })
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.reportSource(':id'),
    access: { permission: 'report-sources.update', freshFactor: true },
    audit: 'report-source.updated',
    handler: async (request: IdRequest, reply, ctx) => {
      const body = bodyOf(request)
      const outcome = await service.updateSource(ctx.audit, request.params.id, body)
      if (outcome.ok) return reply.redirect(`${staffPaths.reportSource(outcome.id)}?saved=1`, 303)
      if (outcome.code === 'INVALID')
        return showForm(ctx, outcome.source, { posted: body, errors: outcome.errors })
      return notFound(ctx)
    },
  })

  for (const action of ['withdraw', 'restore'] as const) {
    router.add({
      method: 'POST',
      url: staffPaths.reportSourceAction(':id', action),
      access: { permission: 'report-sources.update', freshFactor: true },
      audit: action === 'withdraw' ? 'report-source.withdrawn' : 'report-source.restored',
      handler: async (request: IdRequest, reply, ctx) => {
        const { id } = request.params
        const outcome = await service.setWithdrawn(ctx.audit, id, action === 'withdraw')
        if (!outcome.ok) return notFound(ctx)
        return reply.redirect(`${staffPaths.reportSource(id)}?saved=1`, 303)
      },
    })
  }
}
