import type { FastifyRequest } from 'fastify'
import { errorList, readFormBody } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import type { ApiClient } from './repository.js'
import type { ApiClientService } from './service.js'

type IdRequest = FastifyRequest<{ Params: { id: string } }>

/**
 * The administrators' back office for API clients: register a platform, give it a key, rotate
 * the key (the old one works for a grace period) and revoke the client. A new key is shown on
 * the page that answers the POST which made it, once: it is never stored, so it cannot be
 * shown again, and the page is not kept by the browser (no-store). Changes need a second
 * factor proven in the last five minutes, as other administrators' changes do.
 */
export function apiClientRoutes(router: StaffRouter, service: ApiClientService): void {
  const notFound = (ctx: StaffContext) =>
    ctx.view('staff-error.njk', { title: 'Page not found' }, 404)

  const showKey = (ctx: StaffContext, client: ApiClient, key: string, rotated: boolean) =>
    ctx.view('api-client-key.njk', {
      client,
      key,
      rotated,
      graceHours: service.rotationGraceHours,
      clientUrl: staffPaths.apiClient(client.id),
    })

  const showNewForm = (ctx: StaffContext, posted: FormBody = {}, errors: FieldErrors = {}) =>
    ctx.view(
      'api-client-new.njk',
      {
        action: staffPaths.newApiClient,
        listUrl: staffPaths.apiClients,
        values: { name: typeof posted.name === 'string' ? posted.name : '' },
        errors,
        errorList: errorList(errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )

  router.add({
    method: 'GET',
    url: staffPaths.apiClients,
    access: { permission: 'api-clients.list' },
    audit: 'api-clients.listed',
    handler: async (request, reply, ctx) => {
      const clients = await service.list(ctx.audit)
      return ctx.view('api-clients.njk', {
        newUrl: staffPaths.newApiClient,
        docsUrl: '/api/v1/docs',
        rows: clients.map((c) => ({ ...c, url: staffPaths.apiClient(c.id) })),
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.newApiClient,
    access: { permission: 'api-clients.create' },
    audit: { notAudited: 'a blank form' },
    handler: async (request, reply, ctx) => showNewForm(ctx),
  })

  router.add({
    method: 'POST',
    url: staffPaths.newApiClient,
    access: { permission: 'api-clients.create', freshFactor: true },
    audit: 'api-client.registered',
    handler: async (request, reply, ctx) => {
      const body = readFormBody(request.body) ?? {}
      const outcome = await service.register(ctx.audit, body)
      if (outcome.ok) return showKey(ctx, outcome.client, outcome.key, false)
      if (outcome.code === 'INVALID') return showNewForm(ctx, body, outcome.errors)
      return notFound(ctx)
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.apiClient(':id'),
    access: { permission: 'api-clients.update' },
    audit: 'api-client.viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const found = await service.view(ctx.audit, request.params.id)
      if (!found) return notFound(ctx)
      const { client, keys } = found
      return ctx.view('api-client.njk', {
        client,
        keys,
        listUrl: staffPaths.apiClients,
        rotateUrl: staffPaths.apiClientAction(client.id, 'rotate'),
        revokeUrl: staffPaths.apiClientAction(client.id, 'revoke'),
        graceHours: service.rotationGraceHours,
      })
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.apiClientAction(':id', 'rotate'),
    access: { permission: 'api-clients.update', freshFactor: true },
    audit: 'api-client.key-rotated',
    handler: async (request: IdRequest, reply, ctx) => {
      const outcome = await service.rotate(ctx.audit, request.params.id)
      if (!outcome.ok) return notFound(ctx)
      return showKey(ctx, outcome.client, outcome.key, true)
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.apiClientAction(':id', 'revoke'),
    access: { permission: 'api-clients.update', freshFactor: true },
    audit: 'api-client.revoked',
    handler: async (request: IdRequest, reply, ctx) => {
      const { id } = request.params
      if (!(await service.revoke(ctx.audit, id))) return notFound(ctx)
      return reply.redirect(staffPaths.apiClient(id), 303)
    },
  })
}
