import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { randomUUID } from 'node:crypto'
import { totpCode } from '../src/staff/factors.js'
import { ROLES, type Role } from '../src/staff/permissions.js'
import { staffPaths } from '../src/web/paths.js'
import type { RegisteredStaffRoute } from '../src/web/staff-routes.js'
import type { TestApp } from '../test/app.js'
import { Browser } from '../test/http.js'
import { insertQueuedReport } from '../test/queue.js'
import { addPerson } from '../test/staff.js'
import { echoesUnescaped } from './fuzz-checks.js'

/**
 * The staff half of `npm run fuzz`: every registered staff route, signed in as each role, first
 * once each with a real id (so no route and role goes unfuzzed), then at random: hostile ids and
 * query strings, and forms with the fields the pages really have (read from the pages) or
 * made-up ones, holding hostile values, with the page's CSRF token or without. A refusal is
 * fine; a 5xx, an unescaped echo or an error-level log line is a finding.
 */
export interface StaffFindings {
  sent: number
  serverErrors: number
  serverErrorExamples: string[]
  echoes: number
  echoExamples: string[]
  byStatus: Map<number, number>
  /** `role METHOD /url` of every route and role sent to at least once. */
  reached: Set<string>
  ms: number[]
}

export function newStaffFindings(): StaffFindings {
  return {
    sent: 0,
    serverErrors: 0,
    serverErrorExamples: [],
    echoes: 0,
    echoExamples: [],
    byStatus: new Map(),
    reached: new Set(),
    ms: [],
  }
}

interface Caller {
  role: Role
  browser: Browser
}

interface Targets {
  reportId: string
  staffId: string
}

interface StaffRequest {
  route: number
  role: number
  id: string | undefined
  query: string | undefined
  fields: [string, string | string[]][]
  csrf: 'page' | 'none' | 'wrong'
}

const MARK = '\u0000MARK\u0000'

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    '../../../etc/passwd',
    '%00',
    '\u202e\u0000',
    '-1',
    '1e309',
    'NaN',
    '2026-02-30',
    'P1',
    'advisor',
    'true',
    MARK,
  ),
  fc.integer().map(String),
  fc.uuid().map(String),
  fc.nat({ max: 70_000 }).map((n) => 'a'.repeat(n)),
)

/** Fields the staff pages really have: collected from the pages as the first pass meets them. */
const FIELDS_SEEN = new Set<string>(['_csrf'])

function staffRequest(routes: number, fieldNames: readonly string[]): fc.Arbitrary<StaffRequest> {
  const field = fc.oneof(
    fc.constantFrom(...fieldNames),
    fc.constantFrom('__proto__', 'constructor', 'roles[]', 'id'),
    fc.string({ maxLength: 12 }),
  )
  return fc.record({
    route: fc.nat({ max: routes - 1 }),
    role: fc.nat({ max: ROLES.length - 1 }),
    id: fc.option(hostile, { nil: undefined }),
    query: fc.option(
      fc.tuple(field, hostile).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
      { nil: undefined },
    ),
    fields: fc.array(fc.tuple(field, fc.oneof(hostile, fc.array(hostile, { maxLength: 4 }))), {
      maxLength: 8,
    }),
    csrf: fc.constantFrom('page', 'page', 'page', 'none', 'wrong'),
  })
}

/** A member of staff of each role, signed in through the real door at the real time. */
async function signInEach(t: TestApp): Promise<Caller[]> {
  return Promise.all(
    ROLES.map(async (role) => {
      const person = await addPerson(t, [role])
      const browser = new Browser(t.app)
      await browser.get(staffPaths.signIn)
      await browser.post(staffPaths.signIn, { email: person.email, password: person.password })
      await browser.get(staffPaths.secondFactor)
      const code = await browser.post(staffPaths.secondFactorCode, {
        code: totpCode(person.totpSecret, t.deps.now()),
        next: staffPaths.home,
      })
      if (code.statusCode !== 303) throw new Error(`${role}: sign-in refused (${code.statusCode})`)
      return { role, browser }
    }),
  )
}

async function seedTargets(t: TestApp): Promise<Targets> {
  const subject = await addPerson(t, ['advisor'])
  const report = await insertQueuedReport(t.db, t.deps.envelope, {
    priority: 'P2',
    receivedAt: t.deps.now(),
  })
  return { reportId: report.id, staffId: subject.id }
}

function urlFor(route: RegisteredStaffRoute, id: string, targets: Targets): string {
  const real = route.url.startsWith('/staff/reports/') ? targets.reportId : targets.staffId
  return route.url
    .replace(':id', encodeURIComponent(id === '' ? real : id))
    .replace(':token', encodeURIComponent(id === '' ? 'not-a-real-link' : id))
}

/** Runs the staff fuzz: the first pass over every route and role, then `runs` at random. */
export async function fuzzStaff(
  t: TestApp,
  runs: number,
  seed: number,
  findings: StaffFindings,
): Promise<void> {
  const targets = await seedTargets(t)
  // Signing out ends the caller's session, so it goes last in the first pass and never after.
  const routes = [...t.app.staffRoutes].sort(
    (a, b) => Number(a.url === staffPaths.signOut) - Number(b.url === staffPaths.signOut),
  )
  let callers = await signInEach(t)
  for (const route of routes) {
    for (const caller of callers) {
      const fields: [string, string][] = [['note', MARK]]
      await send(t.app, caller, route, urlFor(route, '', targets), fields, 'page', findings)
    }
  }
  const randomRoutes = routes.filter((r) => r.url !== staffPaths.signOut)
  const batch = 500
  for (let done = 0, n = 0; done < runs; done += batch, n++) {
    callers = await signInEach(t)
    const requests = fc.sample(staffRequest(randomRoutes.length, [...FIELDS_SEEN]), {
      numRuns: Math.min(batch, runs - done),
      seed: seed + 7919 * (n + 1),
    })
    for (const request of requests) {
      const route = randomRoutes[request.route]
      const caller = callers[request.role]
      if (!route || !caller) continue
      const base = urlFor(route, request.id ?? '', targets)
      const url = request.query ? `${base}?${request.query}` : base
      await send(t.app, caller, route, url, request.fields, request.csrf, findings)
    }
  }
}

async function send(
  app: FastifyInstance,
  caller: Caller,
  route: RegisteredStaffRoute,
  url: string,
  fields: readonly [string, string | string[]][],
  csrf: StaffRequest['csrf'],
  findings: StaffFindings,
): Promise<void> {
  const marker = `<x-sc-staff-${randomUUID().slice(0, 8)}>`
  const mark = (v: string) => v.split(MARK).join(marker)
  const markedUrl = url.split(encodeURIComponent(MARK)).join(encodeURIComponent(marker))
  const started = performance.now()
  let response
  try {
    response =
      route.method === 'GET'
        ? await caller.browser.get(markedUrl)
        : await caller.browser.post(
            markedUrl,
            Object.fromEntries(
              fields.map(([k, v]): [string, string | string[]] => [
                k,
                Array.isArray(v) ? v.map(mark) : mark(v),
              ]),
            ),
            csrf === 'page' ? {} : { csrfToken: csrf === 'none' ? '' : 'not-the-token' },
          )
  } catch {
    // light-my-request refuses some URLs outright; the server never sees them.
    return
  }
  findings.ms.push(performance.now() - started)
  findings.sent++
  findings.reached.add(`${caller.role} ${route.method} ${route.url}`)
  findings.byStatus.set(response.statusCode, (findings.byStatus.get(response.statusCode) ?? 0) + 1)
  const example = `${caller.role} ${route.method} ${markedUrl.slice(0, 160)} -> ${response.statusCode}`
  if (response.statusCode >= 500) {
    findings.serverErrors++
    if (findings.serverErrorExamples.length < 10) findings.serverErrorExamples.push(example)
  }
  if (echoesUnescaped(response.body, marker)) {
    findings.echoes++
    if (findings.echoExamples.length < 5) findings.echoExamples.push(example)
  }
  for (const [, name] of response.body.matchAll(/name="([^"]{1,60})"/g))
    if (name && FIELDS_SEEN.size < 500) FIELDS_SEEN.add(name)
}

/** Every staff route and role the fuzz never reached: must be none. */
export function staffUnreached(app: FastifyInstance, findings: StaffFindings): string[] {
  return app.staffRoutes.flatMap((route) =>
    ROLES.map((role) => `${role} ${route.method} ${route.url}`).filter(
      (key) => !findings.reached.has(key),
    ),
  )
}
