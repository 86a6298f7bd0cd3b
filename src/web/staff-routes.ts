import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { auditTrail, type AuditTrail } from '../audit/trail.js'
import { allows, GRANTS, roleNames, type Grants, type Permission } from '../staff/permissions.js'
import type { StaffSession } from '../staff/session-repository.js'
import { staffPaths } from './paths.js'

/**
 * Deny by default, as a registration rule: a staff route exists only with the permission it
 * needs (from the table in src/staff/permissions.ts) and the audit event it writes. The app
 * refuses to start if anything is registered under /staff another way. The door's own pages
 * (signing in, setting up, proving a second factor) name the stage of the door they belong
 * to instead of a permission.
 */
export type StaffAccess =
  /** Signing in and set-up links: anyone may open them. */
  | { door: 'anyone' }
  /** Password given, a second factor next; or signed in and confirming it is them again. */
  | { door: 'second-factor' }
  /** A set-up finished without a second factor yet; or signed in with `or`, adding another. */
  | { door: 'enrol'; or: Permission }
  | { permission: Permission; freshFactor?: boolean }

/** A page that shows nobody's personal data may say so, with the reason, instead of an event. */
export interface NotAudited {
  notAudited: string
}

export interface StaffContext {
  /** Undefined only on the door's open pages. */
  session: StaffSession | undefined
  audit: AuditTrail
  address: string
  /** Renders a page in the staff layout: the person, their roles and what they may open. */
  view(template: string, context?: Record<string, unknown>, status?: number): FastifyReply
  /** Puts a new session id in the cookie (signing in, proving a factor again). */
  setSession(sessionId: string): void
  endSession(): void
}

export interface StaffRouteSpec {
  method: 'GET' | 'POST'
  url: string
  access: StaffAccess
  audit: string | NotAudited
  /** Where to come back to after confirming a second factor (default: this URL). */
  retryAt?(request: FastifyRequest): string
  handler(request: FastifyRequest, reply: FastifyReply, ctx: StaffContext): Promise<unknown>
}

export interface RegisteredStaffRoute {
  method: 'GET' | 'POST'
  url: string
  access: StaffAccess
  audit: string | NotAudited
}

export interface StaffRouterOptions {
  sessionFor(cookieValue: string | undefined): Promise<StaffSession | undefined>
  isFactorFresh(session: StaffSession): boolean
  now: () => Date
  secureCookies: boolean
  sessionMaxHours: number
  grants?: Grants
  /**
   * What every page of a signed-in person must put first: P1 reports nobody has opened by
   * their deadline, for the roles that can act on them (those who may see the queue).
   */
  urgentAlert?(): Promise<UrgentAlert | undefined>
  /** Writes an access refusal to the audit trail. */
  recordRefusal(event: {
    staffId: string
    address: string
    permission: Permission
    url: string
  }): Promise<void>
}

export interface UrgentAlert {
  count: number
  reports: { reference: string; href: string; overdueBy: string }[]
}

declare module 'fastify' {
  interface FastifyRequest {
    staffSession: StaffSession | undefined
    urgentAlert: UrgentAlert | undefined
  }
  interface FastifyContextConfig {
    staffRoute?: RegisteredStaffRoute
  }
}

export const STAFF_PREFIX = '/staff'
export const staffCookieName = (secure: boolean) => (secure ? '__Host-sc_staff' : 'sc_staff')

const NAVIGATION: { text: string; href: string; permission: Permission }[] = [
  { text: 'Home', href: staffPaths.home, permission: 'home.view' },
  { text: 'Queue', href: staffPaths.queue, permission: 'queue.view' },
  { text: 'Cases', href: staffPaths.cases, permission: 'cases.list' },
  { text: 'My tasks', href: staffPaths.myTasks, permission: 'tasks.list' },
  { text: 'Staff', href: staffPaths.staffList, permission: 'staff.list' },
  {
    text: 'Partner agencies',
    href: staffPaths.partnerAgencies,
    permission: 'partner-agencies.list',
  },
  {
    text: 'Report button sources',
    href: staffPaths.reportSources,
    permission: 'report-sources.list',
  },
  {
    text: 'Triage agreement',
    href: staffPaths.triageAgreement,
    permission: 'triage-agreement.view',
  },
  { text: 'Audit trail', href: staffPaths.auditTrail, permission: 'audit.view' },
  { text: 'Your account', href: staffPaths.account, permission: 'own-account.view' },
]

/** Refuses, at registration, anything under /staff that did not come through the registry. */
export function guardStaffArea(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const url = route.url
    if (!url.startsWith(STAFF_PREFIX)) return
    const declared = route.config?.staffRoute
    if (!declared) {
      throw new Error(
        `Staff route ${String(route.method)} ${url} was registered without a permission and an audit event: use staffRouter().add()`,
      )
    }
  })
  // Staff pages are never kept by a browser or a proxy, and never indexed.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith(STAFF_PREFIX)) {
      void reply.header('cache-control', 'no-store')
      void reply.header('x-robots-tag', 'noindex, nofollow')
    }
  })
}

export function staffRouter(app: FastifyInstance, options: StaffRouterOptions) {
  const grants = options.grants ?? GRANTS
  const cookieName = staffCookieName(options.secureCookies)
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: options.secureCookies,
  }
  const registered: RegisteredStaffRoute[] = []
  if (!app.hasRequestDecorator('staffSession')) app.decorateRequest('staffSession', undefined)
  if (!app.hasRequestDecorator('urgentAlert')) app.decorateRequest('urgentAlert', undefined)

  function check(spec: StaffRouteSpec): void {
    const where = `${spec.method} ${spec.url}`
    if (!spec.url.startsWith(STAFF_PREFIX)) throw new Error(`${where}: not under ${STAFF_PREFIX}`)
    const access = spec.access as Partial<Record<string, unknown>>
    if ('permission' in access && !(String(access.permission) in grants))
      throw new Error(`${where}: permission ${String(access.permission)} is not in the table`)
    if (!('permission' in access) && !('door' in access))
      throw new Error(`${where}: declares no permission`)
    if (typeof spec.audit === 'string') {
      if (!/^[a-z-]+\.[a-z-]+$/.test(spec.audit))
        throw new Error(`${where}: audit event must be noun.verbed`)
    } else if (spec.method !== 'GET' || !spec.audit.notAudited) {
      throw new Error(`${where}: only a page that changes nothing may go unaudited, with a reason`)
    }
  }

  type Decision =
    { pass: true } | { pass: false; redirect: string } | { pass: false; refused: Permission }

  /** Who may pass, decided from the session read from the database for this request. */
  function decide(
    session: StaffSession | undefined,
    spec: StaffRouteSpec,
    request: FastifyRequest,
  ): Decision {
    const access = spec.access
    const pass = { pass: true } as const
    const goTo = (redirect: string) => ({ pass: false, redirect }) as const
    const confirmFirst = () => {
      const next = spec.retryAt ? spec.retryAt(request) : request.url
      return goTo(`${staffPaths.confirm}?next=${encodeURIComponent(next)}`)
    }
    if ('door' in access) {
      if (access.door === 'anyone') return pass
      if (!session) return goTo(staffPaths.signIn)
      if (access.door === 'second-factor')
        return session.stage === 'enrol' ? goTo(staffPaths.enrol) : pass
      if (session.stage === 'enrol') return pass
      if (session.stage !== 'signed-in') return goTo(staffPaths.signIn)
      if (!allows(session.staff.roles, access.or, grants))
        return { pass: false, refused: access.or }
      return options.isFactorFresh(session) ? pass : confirmFirst()
    }
    if (!session) return goTo(staffPaths.signIn)
    if (session.stage === 'second-factor') return goTo(staffPaths.secondFactor)
    if (session.stage === 'enrol') return goTo(staffPaths.enrol)
    if (!allows(session.staff.roles, access.permission, grants))
      return { pass: false, refused: access.permission }
    if (access.freshFactor && !options.isFactorFresh(session)) return confirmFirst()
    return pass
  }

  async function forbidden(
    request: FastifyRequest,
    reply: FastifyReply,
    session: StaffSession,
    permission: Permission,
  ) {
    await options.recordRefusal({
      staffId: session.staff.id,
      address: request.ip,
      permission,
      url: request.routeOptions.url ?? request.url,
    })
    return staffView(reply, session, 'staff-forbidden.njk', {}, 403)
  }

  function staffView(
    reply: FastifyReply,
    session: StaffSession | undefined,
    template: string,
    context: Record<string, unknown> = {},
    status = 200,
  ): FastifyReply {
    const signedIn = session?.stage === 'signed-in' ? session : undefined
    const current = reply.request.url.split('?')[0] ?? ''
    return reply.view(
      template,
      {
        ...context,
        staffArea: true,
        urgentAlert: signedIn ? reply.request.urgentAlert : undefined,
        signedIn: signedIn && {
          name: signedIn.staff.name,
          roles: roleNames(signedIn.staff.roles),
        },
        navigation: signedIn
          ? NAVIGATION.filter((item) => allows(signedIn.staff.roles, item.permission, grants)).map(
              (item) => ({
                text: item.text,
                href: item.href,
                active:
                  item.href === staffPaths.home
                    ? current === item.href
                    : current.startsWith(item.href),
              }),
            )
          : [],
      },
      status,
    )
  }

  return {
    /** Every staff route, as registered: the access-control test walks this list. */
    routes: registered as readonly RegisteredStaffRoute[],
    grants,

    add(spec: StaffRouteSpec): void {
      check(spec)
      const declared: RegisteredStaffRoute = {
        method: spec.method,
        url: spec.url,
        access: spec.access,
        audit: spec.audit,
      }
      registered.push(declared)
      const event = typeof spec.audit === 'string' ? spec.audit : 'none'
      app.route({
        method: spec.method,
        url: spec.url,
        config: { staffRoute: declared },
        preHandler: [
          async (request, reply) => {
            const session = await options.sessionFor(request.cookies[cookieName])
            request.staffSession = session
            const decision = decide(session, spec, request)
            if (decision.pass) {
              if (
                options.urgentAlert &&
                session?.stage === 'signed-in' &&
                allows(session.staff.roles, 'queue.view', grants)
              )
                request.urgentAlert = await options.urgentAlert()
              return
            }
            if ('redirect' in decision) {
              await reply.redirect(decision.redirect, 303)
            } else if (session) {
              await forbidden(request, reply, session, decision.refused)
            }
          },
          ...(spec.method === 'POST' ? [app.csrfProtection.bind(app)] : []),
        ],
        handler: async (request, reply) => {
          const session = request.staffSession
          const audit = auditTrail({
            event,
            actor: () => (session ? `staff:${session.staff.id}` : 'unknown'),
            address: request.ip,
            now: options.now,
          })
          const ctx: StaffContext = {
            session,
            audit,
            address: request.ip,
            view: (template, context, status) =>
              staffView(reply, request.staffSession, template, context, status),
            setSession(sessionId) {
              void reply.setCookie(cookieName, sessionId, {
                ...cookieOptions,
                maxAge: options.sessionMaxHours * 3600,
              })
            },
            endSession() {
              void reply.clearCookie(cookieName, cookieOptions)
            },
          }
          const result = await spec.handler(request, reply, ctx)
          if (event !== 'none' && !audit.recorded && reply.statusCode < 400) {
            request.log.error({ route: spec.url, event }, 'staff route succeeded without auditing')
          }
          return result
        },
      })
    },
  }
}

export type StaffRouter = ReturnType<typeof staffRouter>
