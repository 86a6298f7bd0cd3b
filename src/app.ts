import fastifyStatic from '@fastify/static'
import rateLimit from '@fastify/rate-limit'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import { fileURLToPath } from 'node:url'
import { auditRoutes } from './audit/routes.js'
import { recordAuditEvent } from './audit/repository.js'
import { contentRoutes } from './content/routes.js'
import type { Deps } from './deps.js'
import { reportRoutes } from './reports/routes.js'
import { adminRoutes } from './staff/admin-routes.js'
import { doorRoutes } from './staff/routes.js'
import { registerErrorPages } from './web/errors.js'
import { genReqId, loggerOptions, registerRequestLog } from './web/logging.js'
import { paths } from './web/paths.js'
import { securityPlugin } from './web/security.js'
import { guardStaffArea, staffRouter, type RegisteredStaffRoute } from './web/staff-routes.js'
import { viewsPlugin } from './web/views.js'

const ASSETS_DIR = fileURLToPath(new URL('../public/assets/', import.meta.url))

/** The composition root: shared plumbing first, then each capability, in this order. */
export interface AppOptions {
  /** Where logs go instead of standard output (tests read them). */
  logStream?: NodeJS.WritableStream
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every staff route with its permission and audit event, as registered. */
    staffRoutes: readonly RegisteredStaffRoute[]
  }
}

export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config, content } = deps
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    genReqId,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // registerRequestLog writes one line per request in place of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  })

  // plumbing
  await app.register(securityPlugin, {
    cookieSecret: deps.secrets.cookieSecret,
    secureCookies: config.secureCookies,
  })
  await app.register(rateLimit, { global: false })
  await app.register(viewsPlugin, {
    agency: content.agency,
    exitPageUrl: config.exitPageUrl,
    globals: { draftTtlHours: Math.round((config.draftTtlMinutes / 60) * 10) / 10 },
  })
  await app.register(fastifyStatic, {
    root: ASSETS_DIR,
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1h',
  })
  registerRequestLog(app)
  registerErrorPages(app)
  app.get(paths.health, async () => {
    await deps.db.query('SELECT 1')
    return { status: 'ok' }
  })

  // capabilities
  contentRoutes(app, content)
  reportRoutes(app, {
    journey: deps.journey,
    service: deps.reports,
    secureCookies: config.secureCookies,
    rateLimitPerMinute: config.reportRateLimitPerMinute,
    councilAreas: () => deps.jurisdictions.councilAreas(),
    partnersFor: (topic) => content.partners.filter((p) => p.topics.includes(topic)),
  })

  // the staff side: deny by default, every route with its permission and audit event
  guardStaffArea(app)
  const staff = staffRouter(app, {
    sessionFor: (cookie) => deps.staff.sessionFor(cookie),
    isFactorFresh: (session) => deps.staff.isFactorFresh(session),
    now: deps.now,
    secureCookies: config.secureCookies,
    sessionMaxHours: config.staff.sessionMaxHours,
    recordRefusal: (refusal) =>
      recordAuditEvent(deps.db, {
        occurredAt: deps.now(),
        actor: `staff:${refusal.staffId}`,
        event: 'access.refused',
        subjectType: 'route',
        subjectId: refusal.url,
        address: refusal.address,
        details: { permission: refusal.permission },
      }),
  })
  doorRoutes(staff, { service: deps.staff, serviceName: content.agency.serviceName })
  adminRoutes(staff, deps.staff)
  auditRoutes(staff, { reader: deps.audit, people: () => deps.staff.people() })
  app.decorate('staffRoutes', staff.routes)
  return app
}
