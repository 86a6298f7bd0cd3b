import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { Browser } from '../../test/http.js'
import {
  addPerson,
  auditEvents,
  MINUTE,
  signIn,
  testClock,
  type TestPerson,
} from '../../test/staff.js'
import { staffPaths } from '../web/paths.js'
import { totpCode } from './factors.js'
import { findStaff } from './repository.js'

describe('staff sessions', () => {
  const clock = testClock()
  let t: TestApp
  let person: TestPerson
  before(async () => {
    t = await buildTestApp({ now: clock.now })
    person = await addPerson(t, ['advisor'])
  })
  after(() => t.close())

  it('gives a new session id at sign-in, and at the second factor, so an id seen before is worthless', async () => {
    const browser = new Browser(t.app)
    await browser.get(staffPaths.signIn)
    // A session id someone planted before sign-in (fixation) must not survive it.
    await signIn(t, person, clock, browser)
    const first = browser.cookie('sc_staff')
    assert.ok(first)
    await browser.post(staffPaths.signIn, { email: person.email, password: person.password })
    const afterPassword = browser.cookie('sc_staff')
    assert.notEqual(afterPassword, first)
    const old = new Browser(t.app)
    await old.get(staffPaths.signIn)
    const stale = await t.app.inject({ url: staffPaths.home, cookies: { sc_staff: first } })
    assert.equal(stale.statusCode, 303, 'the id from before signing in again no longer works')
    assert.equal(stale.headers.location, staffPaths.signIn)
    await browser.get(staffPaths.secondFactor)
    clock.advance(30_000)
    await browser.post(staffPaths.secondFactorCode, {
      code: totpCode(person.totpSecret, clock.now()),
    })
    assert.notEqual(browser.cookie('sc_staff'), afterPassword, 'rotated at the second factor')
    assert.equal((await browser.get(staffPaths.home)).statusCode, 200)
  })

  it('ends a session after 15 minutes without a request', async () => {
    const browser = await signIn(t, person, clock)
    clock.advance(14 * MINUTE)
    assert.equal((await browser.get(staffPaths.home)).statusCode, 200, 'still open at 14 minutes')
    clock.advance(14 * MINUTE)
    assert.equal((await browser.get(staffPaths.home)).statusCode, 200, 'each request counts')
    clock.advance(15 * MINUTE + 1000)
    const expired = await browser.get(staffPaths.home)
    assert.equal(expired.statusCode, 303)
    assert.equal(expired.headers.location, staffPaths.signIn)
  })

  it('ends a session 10 hours after sign-in however busy it is', async () => {
    const browser = await signIn(t, person, clock)
    for (let minutes = 0; minutes < 10 * 60 - 10; minutes += 10) {
      clock.advance(10 * MINUTE)
      assert.equal((await browser.get(staffPaths.home)).statusCode, 200)
    }
    clock.advance(11 * MINUTE)
    const expired = await browser.get(staffPaths.home)
    assert.equal(expired.statusCode, 303)
    assert.equal(expired.headers.location, staffPaths.signIn)
  })

  it('signs out on the server and asks the browser to clear what it kept', async () => {
    const browser = await signIn(t, person, clock)
    const cookie = browser.cookie('sc_staff') ?? ''
    await browser.get(staffPaths.home)
    const out = await browser.post(staffPaths.signOut, {})
    assert.equal(out.statusCode, 303)
    assert.match(String(out.headers['clear-site-data']), /"cookies"/)
    const replayed = await t.app.inject({ url: staffPaths.home, cookies: { sc_staff: cookie } })
    assert.equal(replayed.statusCode, 303, 'the old cookie is worth nothing')
  })

  it('serves staff pages uncached and unindexed, without "Exit this page"', async () => {
    const browser = await signIn(t, person, clock)
    for (const url of [staffPaths.signIn, staffPaths.home, staffPaths.account, '/staff/missing']) {
      const page = await browser.get(url)
      assert.equal(page.headers['cache-control'], 'no-store', url)
      assert.match(String(page.headers['x-robots-tag']), /noindex/, url)
      assert.doesNotMatch(page.body, /Exit this page/, url)
    }
    const home = await browser.get(staffPaths.home)
    assert.match(home.body, /<h1 class="govuk-heading-l">Staff home<\/h1>/)
    assert.match(home.body, /Signed in as <strong>Test Person \d+<\/strong>/)
    assert.match(home.body, /Child Protection Advisor/)
    assert.match(home.body, /moj-primary-navigation/)
  })
})

describe('a disabled account', () => {
  const clock = testClock()
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ now: clock.now })
  })
  after(() => t.close())

  it('ends all of that person’s sessions at once, and cannot sign in again', async () => {
    const admin = await addPerson(t, ['administrator'])
    const advisor = await addPerson(t, ['advisor'])
    const laptop = await signIn(t, advisor, clock)
    const phone = await signIn(t, advisor, clock)
    const adminBrowser = await signIn(t, admin, clock)
    await adminBrowser.get(staffPaths.staffMember(advisor.id))
    const disabled = await adminBrowser.post(staffPaths.staffAction(advisor.id, 'disable'), {})
    assert.equal(disabled.statusCode, 303)
    assert.equal((await findStaff(t.db, advisor.id))?.status, 'disabled')
    for (const browser of [laptop, phone]) {
      const page = await browser.get(staffPaths.home)
      assert.equal(page.statusCode, 303)
      assert.equal(page.headers.location, staffPaths.signIn)
    }
    const again = new Browser(t.app)
    await again.get(staffPaths.signIn)
    const refused = await again.post(staffPaths.signIn, {
      email: advisor.email,
      password: advisor.password,
    })
    assert.equal(refused.statusCode, 400)
    assert.equal(await auditEvents(t, 'staff.disabled'), 1)
  })
})

describe('staff cookies in production', () => {
  it('use the __Host- prefix, Secure, HttpOnly and SameSite=Strict', async () => {
    const clock = testClock()
    const t = await buildTestApp({
      now: clock.now,
      config: { secureCookies: true, serviceUrl: 'https://safety-centre.example.org' },
    })
    try {
      const person = await addPerson(t, ['advisor'])
      const browser = new Browser(t.app)
      await browser.get(staffPaths.signIn)
      const response = await t.app.inject({
        method: 'POST',
        url: staffPaths.signIn,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `__Host-sc_csrf=${browser.cookie('__Host-sc_csrf') ?? ''}`,
        },
        payload: new URLSearchParams({
          _csrf: /name="_csrf" value="([^"]+)"/.exec(browser.lastBody)?.[1] ?? '',
          email: person.email,
          password: person.password,
        }).toString(),
      })
      const cookie = response.cookies.find((c) => c.name === '__Host-sc_staff')
      assert.ok(cookie, 'the session cookie has the __Host- prefix')
      assert.equal(cookie.secure, true)
      assert.equal(cookie.httpOnly, true)
      assert.equal(cookie.sameSite, 'Strict')
      assert.equal(cookie.path, '/')
      assert.equal(cookie.domain, undefined)
    } finally {
      await t.close()
    }
  })
})
