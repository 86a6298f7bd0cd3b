import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { Browser } from '../../test/http.js'
import { addPerson, signIn, testClock, type TestPerson } from '../../test/staff.js'
import { staffPaths, type CaseAction } from '../web/paths.js'
import type { RegisteredStaffRoute } from '../web/staff-routes.js'
import { testAudit } from '../../test/delivery.js'
import { insertQueuedReport } from '../../test/queue.js'
import { dateFields, insertOpenCase } from '../../test/cases.js'
import { insertTask } from '../cases/repository.js'
import { allows, GRANTS, queuesOf, ROLES, type Grants, type Role } from './permissions.js'
import { setStatus } from './repository.js'

/** Who calls: each role alone, nobody signed in, and a signed-in person since disabled. */
type Caller =
  { kind: 'role'; role: Role } | { kind: 'signed-out' } | { kind: 'disabled'; roles: Role[] }

interface Call {
  route: RegisteredStaffRoute
  caller: Caller
  response: LightMyRequestResponse
  audited: boolean
}

const callerName = (c: Caller) => (c.kind === 'role' ? c.role : c.kind)

/** Whether the policy table lets this caller through this route. */
function permitted(caller: Caller, route: RegisteredStaffRoute, grants: Grants): boolean {
  const access = route.access
  if ('door' in access && access.door === 'anyone') return true
  if (caller.kind !== 'role') return false
  if ('door' in access)
    return access.door === 'second-factor' || allows([caller.role], access.or, grants)
  return allows([caller.role], access.permission, grants)
}

/** The guard turned the caller away: to sign in, or with the 403 page. */
function refused(response: LightMyRequestResponse): boolean {
  const location = response.headers.location ?? ''
  if (response.statusCode === 303 && location === staffPaths.signIn) return true
  return (
    response.statusCode === 403 && response.body.includes('You do not have access to this page')
  )
}

function unauthorisedSuccesses(calls: readonly Call[], grants: Grants): Call[] {
  return calls.filter((c) => !refused(c.response) && !permitted(c.caller, c.route, grants))
}

/** A form each route accepts or refuses on its merits, so the guard is what is tested. */
function formFor(route: RegisteredStaffRoute, n: number): Record<string, string | string[]> {
  if (route.url === staffPaths.newStaff)
    return { name: `Synthetic Person ${n}`, email: `synthetic.${n}@example.org`, roles: 'advisor' }
  if (route.url.endsWith('/roles')) return { roles: ['advisor', 'operator'] }
  if (route.url === staffPaths.newPartnerAgency)
    return { name: `Synthetic Helpline ${n}`, kind: 'helpline' }
  if (route.url === staffPaths.newReportSource)
    return { id: `synthetic-${n}`, name: `Synthetic Site ${n}`, website: 'https://example.org' }
  if (isCaseRoute(route))
    return CASE_FORMS[route.url.slice(staffPaths.case(':id').length + 1)] ?? {}
  if (route.url === staffPaths.newApiClient) return { name: `Synthetic Platform ${n}` }
  return REPORT_FORMS[route.url.split('/').pop() ?? ''] ?? {}
}

const isCaseRoute = (route: RegisteredStaffRoute) => route.url.startsWith(staffPaths.case(':id'))
const AHEAD = '2026-12-15'

/** Forms each case action would accept from someone allowed to make it, on the subject's case. */
const CASE_FORMS: Record<string, Record<string, string>> = {
  'contacts/new': {
    method: 'phone',
    withWhom: 'The reporter',
    ...dateFields('when', '2026-11-30'),
    time: '09:00',
    outcome: 'no-answer',
  },
  'notes/new': { note: 'Synthetic note' },
  'plan/edit': {
    rows: '1',
    'action-0-what': 'Block the account',
    'action-0-who': 'reporter',
    ...dateFields('action-0-due', AHEAD),
    'action-0-status': 'to-do',
    ...dateFields('review', AHEAD),
    agreed: 'yes',
  },
  status: { status: 'planning' },
  close: { outcome: 'safer', summary: 'Synthetic summary' },
  closure: { decision: 'approved' },
  reopen: { reason: 'Synthetic reason' },
}

/** Forms each report action would accept from someone allowed to make it. */
const REPORT_FORMS: Record<string, Record<string, string>> = {
  priority: { priority: 'P1', reason: 'Synthetic reason' },
  jurisdiction: { councilArea: 'E08000035', reason: 'Synthetic reason' },
  assessment: { riskLevel: 'high', rationale: 'Synthetic rationale', decision: 'open-case' },
  reopen: { reason: 'Synthetic reason' },
}

const isReportRoute = (route: RegisteredStaffRoute) =>
  route.url.startsWith(staffPaths.report(':id'))

/**
 * Whether a caller may succeed on a report route for a report in the advisors' queue that
 * someone else has open: only if they work that queue, and then only to read it, open the
 * action forms, or (a supervisor) give it to someone. Every change needs the report open by
 * the person making it, and reopening needs a closed report.
 */
function mayActOnHeldReport(caller: Caller, route: RegisteredStaffRoute): boolean {
  if (caller.kind !== 'role' || !permitted(caller, route, GRANTS)) return false
  if (!queuesOf([caller.role]).includes('advisors')) return false
  return route.method === 'GET' || route.url.endsWith('/reassign')
}

describe('staff access control', () => {
  const clock = testClock()
  let t: TestApp
  let subject: TestPerson
  const calls: Call[] = []
  /** Calls on a report in the advisors' queue that `subject` has open. */
  const reportCalls: Call[] = []

  before(async () => {
    t = await buildTestApp({ now: clock.now })
    subject = await addPerson(t, ['advisor'])
    const heldReport = await insertQueuedReport(t.db, t.deps.envelope, {
      priority: 'P3',
      receivedAt: clock.now(),
      claimedBy: subject.id,
    })
    // A case the subject owns, with a task, a report to add and another case to link it with.
    const heldCase = await insertOpenCase(t.db, t.deps.envelope, {
      owner: subject.id,
      openedAt: clock.now(),
    })
    const otherCase = await insertOpenCase(t.db, t.deps.envelope, {
      owner: subject.id,
      openedAt: clock.now(),
    })
    const looseReport = await insertQueuedReport(t.db, t.deps.envelope, { status: 'referred' })
    const taskId = randomUUID()
    await insertTask(t.db, {
      id: taskId,
      caseId: heldCase.caseId,
      kind: 'task',
      owner: subject.id,
      forRole: null,
      due: AHEAD,
      createdAt: clock.now(),
      createdBy: subject.id,
      title: t.deps.envelope.seal('Synthetic task', `case-task:${taskId}`),
    })
    Object.assign(CASE_FORMS, {
      'tasks/new': { title: 'Synthetic task', ...dateFields('due', AHEAD), owner: subject.id },
      reassign: { owner: subject.id, reason: 'Synthetic reason' },
      'reports/add': { reference: looseReport.reference, reason: 'Synthetic reason' },
      link: { caseNumber: String(otherCase.number), how: 'link', reason: 'Synthetic reason' },
      'reports/:reportId/move': { caseNumber: String(otherCase.number), reason: 'Synthetic' },
    })
    // A referral awaiting approval, and a failed delivery, for the referral and delivery routes.
    const agency = await t.deps.partnerAgencies.addAgency(testAudit(clock.now), {
      name: 'Synthetic Partner',
      kind: 'other',
    })
    assert.ok(agency.ok)
    CASE_FORMS['referrals/new'] = {
      partnerAgencyId: agency.id,
      urgency: 'standard',
      reason: 'Synthetic reason',
      lawfulBasis: 'public-task',
    }
    const referral = await t.deps.referrals.create(testAudit(clock.now), heldReport.id, subject, {
      partnerAgencyId: agency.id,
      urgency: 'urgent',
      reason: 'Synthetic reason',
      lawfulBasis: 'public-task',
    })
    assert.ok(referral.ok)
    const [delivery] = await t.db.query<{ id: string }>('SELECT id FROM outbox_messages')
    await t.db.query(`UPDATE outbox_messages SET status = 'failed'`)
    const idFor = (url: string) =>
      url.startsWith('/staff/referrals/')
        ? referral.id
        : url.startsWith('/staff/deliveries/')
          ? (delivery?.id ?? '')
          : isReportRoute({ url } as RegisteredStaffRoute)
            ? heldReport.id
            : subject.id
    const callers: { caller: Caller; browser: Browser }[] = []
    for (const role of ROLES) {
      const person = await addPerson(t, [role])
      callers.push({ caller: { kind: 'role', role }, browser: await signIn(t, person, clock) })
    }
    const everything = await addPerson(t, [...ROLES])
    const disabled = await signIn(t, everything, clock)
    await setStatus(t.db, everything.id, 'disabled')
    callers.push({ caller: { kind: 'disabled', roles: [...ROLES] }, browser: disabled })
    const signedOut = new Browser(t.app)
    await signedOut.get(staffPaths.signIn)
    callers.push({ caller: { kind: 'signed-out' }, browser: signedOut })

    // Signing out goes last: it ends the session the other calls use.
    const routes = [...t.app.staffRoutes].sort(
      (a, b) => Number(a.url === staffPaths.signOut) - Number(b.url === staffPaths.signOut),
    )
    let n = 0
    for (const route of routes) {
      const id = isCaseRoute(route) ? heldCase.caseId : idFor(route.url)
      const url = route.url
        .replace(':id', id)
        .replace(':token', 'not-a-real-link')
        .replace(':taskId', taskId)
        .replace(':reportId', looseReport.id)
      for (const { caller, browser } of callers) {
        n += 1
        const before = await auditCount(route)
        // Each browser posts with the CSRF token of the last page it was given.
        const response =
          route.method === 'GET'
            ? await browser.get(url)
            : await browser.post(url, formFor(route, n))
        const call = { route, caller, response, audited: (await auditCount(route)) > before }
        calls.push(call)
        if (isReportRoute(route)) reportCalls.push(call)
      }
    }
  })

  after(() => t.close())

  async function auditCount(route: RegisteredStaffRoute): Promise<number> {
    if (typeof route.audit !== 'string') return 0
    const [row] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_events WHERE event = $1',
      [route.audit],
    )
    return row?.n ?? 0
  }

  it('calls every registered staff route as each role, signed out and disabled', () => {
    assert.ok(t.app.staffRoutes.length >= 25, 'the registry lists the staff routes')
    assert.equal(calls.length, t.app.staffRoutes.length * (ROLES.length + 2))
  })

  it('lets nobody through that the table does not grant', () => {
    const wrong = unauthorisedSuccesses(calls, GRANTS)
    process.stdout.write(`unauthorised successes: ${wrong.length}\n`)
    assert.deepEqual(
      wrong.map(
        (c) =>
          `${callerName(c.caller)} ${c.route.method} ${c.route.url} -> ${c.response.statusCode}`,
      ),
      [],
    )
  })

  it('lets through everyone the table grants (so the count above can be trusted)', () => {
    const turnedAway = calls.filter(
      (c) =>
        c.caller.kind === 'role' &&
        permitted(c.caller, c.route, GRANTS) &&
        refused(c.response) &&
        // The report is in the advisors' queue: those who do not work it are refused it.
        !(isReportRoute(c.route) && !queuesOf([c.caller.role]).includes('advisors')),
    )
    assert.deepEqual(
      turnedAway.map((c) => `${callerName(c.caller)} ${c.route.method} ${c.route.url}`),
      [],
    )
  })

  it('lets nobody open a report outside their queues, or change one someone else has open', () => {
    assert.ok(reportCalls.length >= 11 * (ROLES.length + 2), 'every report route was called')
    const wrong = reportCalls.filter(
      (c) =>
        c.response.statusCode < 400 &&
        !refused(c.response) &&
        !mayActOnHeldReport(c.caller, c.route),
    )
    process.stdout.write(
      `report routes (another queue, another person's claim): unauthorised successes: ${wrong.length}\n`,
    )
    assert.deepEqual(
      wrong.map(
        (c) =>
          `${callerName(c.caller)} ${c.route.method} ${c.route.url} -> ${c.response.statusCode}`,
      ),
      [],
    )
    const operatorRead = reportCalls.find(
      (c) =>
        c.caller.kind === 'role' &&
        c.caller.role === 'operator' &&
        c.route.method === 'GET' &&
        c.route.url === staffPaths.report(':id'),
    )
    assert.equal(operatorRead?.response.statusCode, 403, 'the operator is refused the report')
  })

  it('reaches the case actions on a real case: those allowed succeed', () => {
    const succeeded = new Set(
      calls
        .filter((c) => isCaseRoute(c.route) && c.route.method === 'POST')
        .filter((c) => c.response.statusCode === 303 && !refused(c.response))
        .map((c) => c.route.url),
    )
    const actions: CaseAction[] = ['contacts/new', 'notes/new', 'plan/edit', 'tasks/new', 'status']
    for (const action of [...actions, 'link' as const])
      assert.ok(succeeded.has(staffPaths.caseAction(':id', action)), action)
    assert.ok(succeeded.has(staffPaths.caseTaskDone(':id', ':taskId')), 'task done')
    assert.ok(succeeded.has(staffPaths.caseReportMove(':id', ':reportId')), 'report moved')
  })

  it('counts such a success: negative control where reading a held report is forbidden', () => {
    const stricter = (c: Call) => mayActOnHeldReport(c.caller, c.route) && c.route.method !== 'GET'
    const wrong = reportCalls.filter(
      (c) => c.response.statusCode < 400 && !refused(c.response) && !stricter(c),
    )
    process.stdout.write(
      `negative control (nobody may read a report someone else has open): unauthorised successes: ${wrong.length}\n`,
    )
    assert.ok(wrong.length > 0)
    assert.ok(wrong.every((c) => c.route.method === 'GET'))
  })

  it('counts a success the table does not grant: negative control with one grant removed', () => {
    const withoutOne: Grants = { ...GRANTS, 'staff.list': [] }
    const wrong = unauthorisedSuccesses(calls, withoutOne)
    process.stdout.write(
      `negative control (staff.list granted to nobody): unauthorised successes: ${wrong.length}\n`,
    )
    assert.ok(wrong.length > 0)
    assert.ok(wrong.every((c) => c.route.url === staffPaths.staffList))
  })

  it('writes the declared audit event whenever a route that declares one succeeds', () => {
    const silent = calls.filter(
      (c) =>
        typeof c.route.audit === 'string' &&
        c.response.statusCode < 400 &&
        !refused(c.response) &&
        !c.audited &&
        // Signing out without a session has nothing to end and nobody to name.
        !(c.route.url === staffPaths.signOut && c.caller.kind !== 'role'),
    )
    assert.deepEqual(
      silent.map(
        (c) =>
          `${callerName(c.caller)} ${c.route.method} ${c.route.url} -> ${c.response.statusCode}`,
      ),
      [],
    )
  })
})

describe('registering a staff route', () => {
  it('refuses to start when a route under /staff has no permission and audit event', async () => {
    await assert.rejects(
      buildTestApp({
        routes: (app) => {
          app.get('/staff/unguarded', () => 'anyone could read this')
        },
      }),
      /without a permission and an audit event/,
    )
  })
})
