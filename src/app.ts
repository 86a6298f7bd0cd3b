import compress from '@fastify/compress'
import fastifyStatic from '@fastify/static'
import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify'
import { readFileSync } from 'node:fs'
import { constants as zlib } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { apiClientRoutes } from './api/admin-routes.js'
import { apiRoutes } from './api/routes.js'
import { decisionRoutes } from './assessments/decision-routes.js'
import { triageAgreementRoutes } from './assessments/agreement-routes.js'
import { auditRoutes } from './audit/routes.js'
import { caseRoutes } from './cases/routes.js'
import { recordAuditEvent } from './audit/repository.js'
import { contentRoutes } from './content/routes.js'
import { describeMinutes } from './content/retention.js'
import type { Deps } from './deps.js'
import { urgentAlertView } from './queue/presenters.js'
import { queueRoutes } from './queue/routes.js'
import { reporterMessageRoutes } from './notifications/routes.js'
import { deliveryChannelRoutes } from './partner-agencies/delivery-routes.js'
import { partnerAgencyRoutes } from './partner-agencies/routes.js'
import { acknowledgementRoutes } from './referrals/acknowledge-routes.js'
import { unacknowledgedAlertView } from './referrals/presenters.js'
import { referralRoutes } from './referrals/routes.js'
import { caseReferralRoutes } from './referrals/case-routes.js'
import { reportSourceRoutes } from './report-button/admin-routes.js'
import { reportButtonRoutes } from './report-button/routes.js'
import { reportRoutes } from './reports/routes.js'
import { adminRoutes } from './staff/admin-routes.js'
import { doorRoutes } from './staff/routes.js'
import { registerErrorPages } from './web/errors.js'
import { genReqId, loggerOptions, registerRequestLog } from './web/logging.js'
import { paths } from './web/paths.js'
import { loadSheddingPlugin } from './web/load-shedding.js'
import { rateLimitPlugin } from './web/rate-limit.js'
import { securityPlugin } from './web/security.js'
import { guardStaffArea, staffRouter, type RegisteredStaffRoute } from './web/staff-routes.js'
import { viewsPlugin } from './web/views.js'

const ASSETS_DIR = fileURLToPath(new URL('../public/assets/', import.meta.url))

/**
 * The built assets' fingerprinted names. Before `npm run build` there are none, and pages name
 * the plain files (which are then missing): the tests that need assets build them first.
 */
function assetPaths(): (name: string) => string {
  let manifest: Record<string, string> = {}
  try {
    manifest = JSON.parse(readFileSync(`${ASSETS_DIR}manifest.json`, 'utf8')) as Record<
      string,
      string
    >
  } catch {
    manifest = {}
  }
  return (name) => `/assets/${manifest[name] ?? name}`
}

/** The composition root: shared plumbing first, then each capability, in this order. */
export interface AppOptions {
  /** Where logs go instead of standard output (tests read them). */
  logStream?: NodeJS.WritableStream
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, for the tests that check all of them (headers, CSRF). */
    registeredRoutes: readonly RouteOptions[]
    /** Every staff route with its permission and audit event, as registered. */
    staffRoutes: readonly RegisteredStaffRoute[]
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
  // Before the rate limit and everything else: an overloaded instance turns requests away first.
  await app.register(loadSheddingPlugin, {
    ...config.shedding,
    poolWaiting: deps.db.waiting?.bind(deps.db),
  })
  await app.register(rateLimitPlugin, {
    counter: deps.rateLimits,
    keySecret: deps.secrets.cookieSecret,
    syncMs: 1_000,
  })
  // Pages are compressed as they are sent (the built assets already are, see build-assets.ts),
  // at a brotli quality cheap enough for every request. CSRF tokens are salted afresh on each
  // page, so compression does not leak them.
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } },
  })
  await app.register(viewsPlugin, {
    agency: content.agency,
    exitPageUrl: config.exitPageUrl,
    assetPath: assetPaths(),
    globals: { draftTtl: describeMinutes(config.draftTtlMinutes) },
    timeZone: deps.calendar.timeZone,
  })
  await app.register(fastifyStatic, {
    root: ASSETS_DIR,
    prefix: '/assets/',
    decorateReply: false,
    // Every file is named by its content's hash, so a browser may keep it for good.
    maxAge: '365d',
    immutable: true,
    preCompressed: true,
    // Only fingerprinted files are served; the manifest is for the server alone.
    allowedPath: (path) => path !== '/manifest.json',
  })
  registerRequestLog(app)
  registerErrorPages(app)
  app.get(paths.health, async () => {
    await deps.db.query('SELECT 1')
    return { status: 'ok' }
  })

  // capabilities
  // First: it remembers which report button brought someone, for the pages and intake after it.
  const arrival = reportButtonRoutes(app, {
    service: deps.reportSources,
    agency: content.agency,
    serviceUrl: config.serviceUrl,
    secureCookies: config.secureCookies,
    visitMinutes: config.draftTtlMinutes,
  })
  contentRoutes(app, content, { draftTtlMinutes: config.draftTtlMinutes })
  reportRoutes(app, {
    journey: deps.journey,
    service: deps.reports,
    secureCookies: config.secureCookies,
    draftTtlMinutes: config.draftTtlMinutes,
    rateLimitPerMinute: config.reportRateLimitPerMinute,
    councilAreas: () => deps.jurisdictions.councilAreas(),
    partnersFor: (topic) => content.partners.filter((p) => p.topics.includes(topic)),
    advicePage: (slug) => content.pages.get(slug),
    arrival,
  })
  await apiRoutes(app, {
    service: deps.apiReports,
    counter: deps.rateLimits,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    serviceUrl: config.serviceUrl,
    serviceName: content.agency.serviceName,
  })

  acknowledgementRoutes(app, { service: deps.referrals, now: deps.now })

  // the staff side: deny by default, every route with its permission and audit event
  guardStaffArea(app)
  const staff = staffRouter(app, {
    sessionFor: (cookie) => deps.staff.sessionFor(cookie),
    isFactorFresh: (session) => deps.staff.isFactorFresh(session),
    now: deps.now,
    secureCookies: config.secureCookies,
    sessionMaxHours: config.staff.sessionMaxHours,
    urgentAlert: async () => {
      const reports = urgentAlertView(await deps.queue.unopenedOverdueP1(), deps.now())
      const referrals = unacknowledgedAlertView(
        await deps.referrals.unacknowledgedUrgent(),
        deps.now(),
      )
      if (!reports && referrals.length === 0) return undefined
      return { count: reports?.count ?? 0, reports: reports?.reports ?? [], referrals }
    },
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
  queueRoutes(staff, {
    queue: deps.queue,
    assessments: deps.assessments,
    assessmentContent: deps.assessmentContent,
    journey: deps.journey,
    links: deps.links,
    calendar: deps.calendar,
    councilAreas: () => deps.jurisdictions.councilAreas(),
    policeForces: () => deps.assessments.policeForces(),
    people: () => deps.staff.people(),
    now: deps.now,
  })
  decisionRoutes(staff, {
    queue: deps.queue,
    assessments: deps.assessments,
    content: deps.assessmentContent,
    people: async () => new Map((await deps.staff.people()).map((p) => [p.id, p.name])),
  })
  caseRoutes(staff, {
    cases: deps.cases,
    people: () => deps.staff.people(),
    policeForces: () => deps.assessments.policeForces(),
    councilAreas: () => deps.jurisdictions.councilAreas(),
    timeZone: deps.calendar.timeZone,
    links: deps.links,
    mayOpenReport: (viewer, report) => deps.queue.mayOpen(viewer, report, deps.now()),
  })
  auditRoutes(staff, { reader: deps.audit, people: () => deps.staff.people() })
  partnerAgencyRoutes(staff, deps.partnerAgencies)
  reportSourceRoutes(staff, {
    service: deps.reportSources,
    agency: content.agency,
    serviceUrl: config.serviceUrl,
  })
  triageAgreementRoutes(staff, deps.triageAgreement)
  deliveryChannelRoutes(staff, deps.deliveryChannels)
  referralRoutes(staff, {
    service: deps.referrals,
    queue: deps.queue,
    packageOf: deps.packageOf,
    people: async () => new Map((await deps.staff.people()).map((p) => [p.id, p.name])),
  })
  caseReferralRoutes(staff, { db: deps.db, service: deps.referrals, queue: deps.queue })
  reporterMessageRoutes(staff, { service: deps.reporterMessageService, queue: deps.queue })
  apiClientRoutes(staff, deps.apiClients)
  app.decorate('staffRoutes', staff.routes)
  return app
}
