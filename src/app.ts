import fastifyStatic from '@fastify/static'
import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify'
import { fileURLToPath } from 'node:url'
import { contentRoutes } from './content/routes.js'
import type { Deps } from './deps.js'
import { reportRoutes } from './reports/routes.js'
import { registerErrorPages } from './web/errors.js'
import { genReqId, loggerOptions, registerRequestLog } from './web/logging.js'
import { paths } from './web/paths.js'
import { rateLimitPlugin } from './web/rate-limit.js'
import { securityPlugin } from './web/security.js'
import { viewsPlugin } from './web/views.js'

const ASSETS_DIR = fileURLToPath(new URL('../public/assets/', import.meta.url))

/** The composition root: shared plumbing first, then each capability, in this order. */
export interface AppOptions {
  /** Where logs go instead of standard output (tests read them). */
  logStream?: NodeJS.WritableStream
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, for the tests that check all of them (headers, CSRF). */
    registeredRoutes: readonly RouteOptions[]
  }
}

export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config, content } = deps
  const { connections } = config
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    genReqId,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // registerRequestLog writes one line per request in place of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // A client that sends slowly or not at all cannot hold a connection for long.
    requestTimeout: connections.requestTimeoutMs,
    keepAliveTimeout: connections.keepAliveTimeoutMs,
    connectionTimeout: connections.requestTimeoutMs,
    http: {
      headersTimeout: connections.headersTimeoutMs,
      // Node looks for timed-out requests this often; its default of 30 s lets them linger.
      connectionsCheckingInterval: 1_000,
    },
  })
  app.server.maxConnections = connections.maxConnections
  const routes: RouteOptions[] = []
  app.decorate('registeredRoutes', routes)
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })

  // plumbing
  await app.register(securityPlugin, {
    cookieSecret: deps.secrets.cookieSecret,
    secureCookies: config.secureCookies,
  })
  await app.register(rateLimitPlugin, {
    counter: deps.rateLimits,
    keySecret: deps.secrets.cookieSecret,
    syncMs: 1_000,
  })
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
    draftTtlMinutes: config.draftTtlMinutes,
    rateLimitPerMinute: config.reportRateLimitPerMinute,
    councilAreas: () => deps.jurisdictions.councilAreas(),
    partnersFor: (topic) => content.partners.filter((p) => p.topics.includes(topic)),
  })
  return app
}
