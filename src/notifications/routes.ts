import type { FastifyRequest } from 'fastify'
import { viewerOf } from '../queue/routes.js'
import type { QueueService } from '../queue/service.js'
import { messageRow } from '../referrals/presenters.js'
import { errorList, readFormBody } from '../web/form-fields.js'
import type { FieldErrors } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import type { ReporterMessageService } from './service.js'

type IdRequest = FastifyRequest<{
  Params: { id: string }
  Querystring: { template?: string; done?: string }
}>

/** Writing to the reporter from a report, starting from a template. */
export function reporterMessageRoutes(
  router: StaffRouter,
  deps: { service: ReporterMessageService; queue: QueueService },
): void {
  const url = staffPaths.newReporterMessage(':id')

  async function show(
    ctx: StaffContext,
    request: IdRequest,
    message?: string,
    errors: FieldErrors = {},
  ) {
    const report = await deps.queue.reportForAction(request.params.id, viewerOf(ctx))
    if (!report) return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
    const chosen = request.query.template
    return ctx.view(
      'reporter-message.njk',
      {
        report,
        backLink: staffPaths.report(report.id),
        action: staffPaths.newReporterMessage(report.id),
        templates: deps.service.templates().map((t) => ({
          title: t.title,
          href: `${staffPaths.newReporterMessage(report.id)}?template=${t.id}`,
          current: t.id === chosen,
        })),
        message: message ?? deps.service.startingWords(chosen, report.reference),
        sent: (await deps.service.messagesOf(report.id)).map(messageRow),
        flash:
          request.query.done === 'queued'
            ? 'Message written. It goes at a time the reporter said is safe.'
            : undefined,
        errors,
        errorList: errorList(errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  router.add({
    method: 'GET',
    url,
    access: { permission: 'reporter-message.send' },
    audit: { notAudited: "the templates and the report's reference; no personal data" },
    handler: (request: IdRequest, reply, ctx) => show(ctx, request),
  })

  router.add({
    method: 'POST',
    url,
    access: { permission: 'reporter-message.send' },
    audit: 'reporter-message.written',
    handler: async (request: IdRequest, reply, ctx) => {
      const body = readFormBody(request.body) ?? {}
      const outcome = await deps.service.send(ctx.audit, request.params.id, viewerOf(ctx), body)
      if (outcome.ok)
        return reply.redirect(
          `${staffPaths.newReporterMessage(request.params.id)}?done=queued`,
          303,
        )
      if (outcome.code === 'INVALID')
        return show(
          ctx,
          request,
          typeof body.message === 'string' ? body.message : '',
          outcome.errors,
        )
      return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
    },
  })
}
