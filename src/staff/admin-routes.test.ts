import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import {
  addPerson,
  allAuditEvents,
  auditEvents,
  MINUTE,
  signIn,
  testClock,
  type TestPerson,
} from '../../test/staff.js'
import { staffPaths } from '../web/paths.js'
import { totpCode } from './factors.js'
import { ROLES } from './permissions.js'
import { findStaff } from './repository.js'

describe('administration', () => {
  const clock = testClock()
  let t: TestApp
  let admin: TestPerson
  let advisor: TestPerson
  before(async () => {
    t = await buildTestApp({ now: clock.now })
    admin = await addPerson(t, ['administrator'])
    advisor = await addPerson(t, ['advisor'])
  })
  after(() => t.close())

  it('needs a second factor proven in the last 5 minutes for every change', async () => {
    const browser = await signIn(t, admin, clock)
    clock.advance(6 * MINUTE)
    await browser.get(staffPaths.staffMember(advisor.id))
    const stale = await browser.post(staffPaths.staffAction(advisor.id, 'roles'), {
      roles: ['advisor', 'supervisor'],
    })
    assert.equal(stale.statusCode, 303)
    const confirmUrl = String(stale.headers.location)
    assert.ok(confirmUrl.startsWith(`${staffPaths.confirm}?next=`))
    assert.deepEqual((await findStaff(t.db, advisor.id))?.roles, ['advisor'], 'nothing changed')
    await browser.get(confirmUrl)
    clock.advance(30_000)
    const confirmed = await browser.post(`${staffPaths.confirm}/code`, {
      code: totpCode(admin.totpSecret, clock.now()),
      next: staffPaths.staffMember(advisor.id),
    })
    assert.equal(confirmed.statusCode, 303)
    assert.equal(confirmed.headers.location, staffPaths.staffMember(advisor.id))
    await browser.get(staffPaths.staffMember(advisor.id))
    const changed = await browser.post(staffPaths.staffAction(advisor.id, 'roles'), {
      roles: ['advisor', 'supervisor'],
    })
    assert.equal(changed.statusCode, 303)
    assert.deepEqual((await findStaff(t.db, advisor.id))?.roles, ['advisor', 'supervisor'])
    assert.equal(await auditEvents(t, 'staff.reauthenticated'), 1)
    assert.equal(await auditEvents(t, 'staff.roles-changed'), 1)
  })

  it('resets a second factor: factors gone, sessions ended, a new set-up link', async () => {
    const advisorBrowser = await signIn(t, advisor, clock)
    const browser = await signIn(t, admin, clock)
    await browser.get(staffPaths.staffMember(advisor.id))
    const reset = await browser.post(staffPaths.staffAction(advisor.id, 'reset-second-factor'), {})
    assert.equal(reset.statusCode, 200)
    assert.match(reset.body, /\/staff\/set-up\//)
    assert.equal((await advisorBrowser.get(staffPaths.home)).statusCode, 303)
    const [left] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM staff_totp WHERE staff_id = $1',
      [advisor.id],
    )
    assert.equal(left?.n, 0)
  })

  it('does not let an administrator change their own account', async () => {
    const browser = await signIn(t, admin, clock)
    await browser.get(staffPaths.staffMember(admin.id))
    const own = await browser.post(staffPaths.staffAction(admin.id, 'disable'), {})
    assert.equal(own.statusCode, 400)
    assert.equal((await findStaff(t.db, admin.id))?.status, 'active')
  })

  it('refuses a new member of staff with errors, changing nothing', async () => {
    const browser = await signIn(t, admin, clock)
    await browser.get(staffPaths.newStaff)
    const before = await allAuditEvents(t)
    const bad = await browser.post(staffPaths.newStaff, { name: '', email: 'nope', roles: 'king' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Enter their full name/)
    assert.match(bad.body, /correct format/)
    assert.match(bad.body, /Select at least one role/)
    const taken = await browser.post(staffPaths.newStaff, {
      name: 'Copy',
      email: advisor.email.toUpperCase(),
      roles: 'advisor',
    })
    assert.equal(taken.statusCode, 400)
    assert.match(taken.body, /already has this email address/)
    assert.equal(await allAuditEvents(t), before)
  })
})

describe('CSRF protection on the staff side', () => {
  const clock = testClock()
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ now: clock.now })
  })
  after(() => t.close())

  it('refuses every state-changing staff route without a valid token, changing nothing', async () => {
    const person = await addPerson(t, [...ROLES])
    const target = await addPerson(t, ['advisor'])
    const browser = await signIn(t, person, clock)
    const posts = t.app.staffRoutes.filter((r) => r.method === 'POST')
    assert.ok(posts.length >= 12)
    for (const route of posts) {
      const url = route.url.replace(':id', target.id).replace(':token', 'not-a-real-link')
      for (const token of ['', 'forged-token']) {
        await browser.get(staffPaths.home)
        const before = await allAuditEvents(t)
        const response = await browser.post(url, { roles: 'administrator' }, { csrfToken: token })
        assert.equal(response.statusCode, 403, `${url} with token "${token}"`)
        assert.match(response.body, /Your page timed out/, url)
        assert.equal(await allAuditEvents(t), before, `${url} wrote nothing`)
      }
    }
    assert.deepEqual((await findStaff(t.db, target.id))?.roles, ['advisor'])
    assert.equal((await browser.get(staffPaths.home)).statusCode, 200, 'still signed in')
  })
})
