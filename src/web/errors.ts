import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'

/**
 * The one error handler for HTML pages: a plain page with the request's reference id, never a
 * stack trace. Staff can find the log line by that id; the log carries no request body.
 */
export function registerErrorPages(app: FastifyInstance): void {
  // Staff pages have their own layout: no "Exit this page", no reporter's wording.
  const page = (request: FastifyRequest, name: string) =>
    request.url.startsWith('/staff') ? `staff-errors/${name}` : `errors/${name}`

  app.setNotFoundHandler((request, reply) => {
    return reply.view(page(request, 'not-found.njk'), {}, 404)
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      request.log.warn({ code: error.code }, 'form sent without a valid CSRF token')
      return reply.view(page(request, 'form-expired.njk'), {}, 403)
    }
    if (status === 429) return reply.view(page(request, 'too-many-requests.njk'), {}, 429)
    if (status >= 400 && status < 500) {
      request.log.info({ code: error.code, status }, 'client error')
      return reply.view(page(request, 'bad-request.njk'), {}, status)
    }
    request.log.error({ err: error }, 'unhandled error')
    return reply.view(page(request, 'server-error.njk'), { errorReference: request.id }, 500)
  })
}
