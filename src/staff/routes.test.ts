import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { Browser } from '../../test/http.js'
import { addPerson, signIn, testClock, type TestPerson } from '../../test/staff.js'
import { staffPaths } from '../web/paths.js'
import { totpCode } from './factors.js'
import { ROLES } from './permissions.js'
import { findStaff } from './repository.js'

const MINUTE = 60_000

async function auditEvents(t: TestApp, event: string): Promise<number> {
  const [row] = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_events WHERE event = $1',
    [event],
  )
  return row?.n ?? 0
}

async function allAuditEvents(t: TestApp): Promise<number> {
  const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events')
  return row?.n ?? 0
}

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

describe('signing in', () => {
  const clock = testClock()
  let t: TestApp
  let known: TestPerson
  let disabled: TestPerson
  before(async () => {
    t = await buildTestApp({ now: clock.now })
    known = await addPerson(t, ['advisor'])
    disabled = await addPerson(t, ['advisor'], { status: 'disabled' })
  })
  after(() => t.close())

  /** The page as a person sees it, without the per-response CSRF token and nonce. */
  const comparable = (body: string) =>
    body
      .replace(/name="_csrf" value="[^"]+"/g, '')
      .replace(/nonce="[^"]+"/g, '')
      .replace(/value="[^"]*@example\.org"/g, '')

  async function attempt(email: string, password: string) {
    const browser = new Browser(t.app)
    await browser.get(staffPaths.signIn)
    const started = process.hrtime.bigint()
    const response = await browser.post(staffPaths.signIn, { email, password })
    return { response, ms: Number(process.hrtime.bigint() - started) / 1e6 }
  }

  it('answers an unknown email, a wrong password and a disabled account identically', async () => {
    const outcomes = [
      await attempt('nobody.here@example.org', 'some long password 1'),
      await attempt(known.email, 'some long password 1'),
      await attempt(disabled.email, disabled.password),
    ]
    for (const { response } of outcomes) {
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /Enter a correct email address and password/)
    }
    const [first, ...rest] = outcomes.map((o) => comparable(o.response.body))
    for (const body of rest) assert.equal(body, first)
    assert.deepEqual(
      outcomes.map((o) => Object.keys(o.response.headers).sort()),
      outcomes.map(() => Object.keys(outcomes[0]?.response.headers ?? {}).sort()),
    )
  })

  it('takes a comparable time for unknown and known emails (both check a password hash)', async () => {
    const unknownMs: number[] = []
    const knownMs: number[] = []
    for (let i = 0; i < 4; i++) {
      clock.advance(10 * MINUTE) // stays below the throttle
      unknownMs.push((await attempt(`unknown${i}@example.org`, 'wrong password here')).ms)
      knownMs.push((await attempt(known.email, 'wrong password here')).ms)
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
    const ratio = median(unknownMs) / median(knownMs)
    process.stdout.write(
      `sign-in time, median of 4: unknown email ${median(unknownMs).toFixed(1)} ms, ` +
        `known email ${median(knownMs).toFixed(1)} ms (ratio ${ratio.toFixed(2)})\n`,
    )
    // Both hash with argon2id (19 MiB, 2 passes); a skipped hash would be about 100 times faster.
    assert.ok(ratio > 0.4 && ratio < 2.5, `ratio ${ratio}`)
  })

  it('slows down repeated failures for an account without locking the real person out', async () => {
    const person = await addPerson(t, ['advisor'])
    const attacker = '203.0.113.7'
    const post = async (password: string, address: string) => {
      const browser = new Browser(t.app)
      await browser.get(staffPaths.signIn)
      return t.app.inject({
        method: 'POST',
        url: staffPaths.signIn,
        remoteAddress: address,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `sc_csrf=${browser.cookie('sc_csrf') ?? ''}`,
        },
        payload: new URLSearchParams({
          _csrf: /name="_csrf" value="([^"]+)"/.exec(browser.lastBody)?.[1] ?? '',
          email: person.email,
          password,
        }).toString(),
      })
    }
    for (let i = 0; i < 5; i++)
      assert.equal((await post('not my password', attacker)).statusCode, 400)
    const slowed = await post('not my password', attacker)
    assert.equal(slowed.statusCode, 429)
    assert.match(slowed.body, /Wait \d+ seconds/)
    // Even the right password waits its turn while the account is throttled...
    assert.equal((await post(person.password, '198.51.100.20')).statusCode, 429)
    // ...but never long: at most a minute after the last failure, the real person gets in.
    clock.advance(61_000)
    const real = await post(person.password, '198.51.100.20')
    assert.equal(real.statusCode, 303, 'the real person signs in')
    // After many more failures the account still waits at most a minute.
    for (let i = 0; i < 12; i++) {
      clock.advance(61_000)
      await post('still not my password', `192.0.2.${i + 1}`)
    }
    clock.advance(61_000)
    assert.equal((await post(person.password, '198.51.100.20')).statusCode, 303)
  })

  it('slows one address trying many accounts for longer', async () => {
    const address = '203.0.113.99'
    let last = 0
    for (let i = 0; i < 25; i++) {
      const browser = new Browser(t.app)
      await browser.get(staffPaths.signIn)
      const response = await t.app.inject({
        method: 'POST',
        url: staffPaths.signIn,
        remoteAddress: address,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `sc_csrf=${browser.cookie('sc_csrf') ?? ''}`,
        },
        payload: new URLSearchParams({
          _csrf: /name="_csrf" value="([^"]+)"/.exec(browser.lastBody)?.[1] ?? '',
          email: `spray${i}@example.org`,
          password: 'Password123456',
        }).toString(),
      })
      last = response.statusCode
      if (last === 429) break
    }
    assert.equal(last, 429, 'the address is throttled after 20 failures across accounts')
  })

  it('records failed and successful sign-ins in the audit trail', async () => {
    assert.ok((await auditEvents(t, 'staff.sign-in-failed')) > 0)
    const before = await auditEvents(t, 'staff.signed-in')
    await signIn(t, known, clock)
    assert.equal(await auditEvents(t, 'staff.signed-in'), before + 1)
  })
})

describe('set-up links', () => {
  const clock = testClock()
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ now: clock.now })
  })
  after(() => t.close())

  const pathOf = (link: string) => new URL(link).pathname

  it('sets a password once, refuses weak ones, and leads to enrolling a second factor', async () => {
    const created = await t.deps.staff.createFirstAdministrator({
      email: 'First.Admin@example.org',
      name: 'First Admin',
    })
    assert.ok(created.kind === 'created')
    const url = pathOf(created.link)
    const browser = new Browser(t.app)
    assert.equal((await browser.get(url)).statusCode, 200)
    for (const [password, message] of [
      ['short one', /12 characters or more/],
      ['qwerty123456', /harder to guess/],
      ['aaaaaaaaaaaaaaaa', /harder to guess/],
      ['first.admin is great', /harder to guess/],
    ] as const) {
      const refused = await browser.post(url, { password, confirmPassword: password })
      assert.equal(refused.statusCode, 400)
      assert.match(refused.body, message)
    }
    const mismatch = await browser.post(url, {
      password: 'lantern orchard velvet',
      confirmPassword: 'lantern orchard velvEt',
    })
    assert.match(mismatch.body, /do not match/)
    const good = await browser.post(url, {
      password: 'lantern orchard velvet',
      confirmPassword: 'lantern orchard velvet',
    })
    assert.equal(good.statusCode, 303)
    assert.equal(good.headers.location, staffPaths.enrol)
    // Until a factor is enrolled, nothing else opens.
    assert.equal((await browser.get(staffPaths.home)).headers.location, staffPaths.enrol)
    const used = await new Browser(t.app).get(url)
    assert.equal(used.statusCode, 404)
    assert.match(used.body, /cannot be used/)
    const [row] = await t.db.query<{ password_hash: string }>(
      'SELECT password_hash FROM staff WHERE email = $1',
      ['first.admin@example.org'],
    )
    assert.match(row?.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)

    // Enrolling an authenticator app: the first right code finishes set-up and signs in.
    const page = await browser.get(staffPaths.enrolApp)
    const secret = (/id="secret-key">(.*?)<\/p>/s.exec(page.body)?.[1] ?? '').replace(
      /<[^>]+>|\s/g,
      '',
    )
    assert.match(secret, /^[A-Z2-7]{32}$/)
    const wrong = await browser.post(staffPaths.enrolApp, { code: '000000' })
    assert.equal(wrong.statusCode, 400)
    const enrolled = await browser.post(staffPaths.enrolApp, {
      code: totpCode(secret, clock.now()),
    })
    assert.equal(enrolled.statusCode, 303)
    assert.equal((await browser.get(staffPaths.home)).statusCode, 200)
    const [stored] = await t.db.query<{ secret_ciphertext: Uint8Array }>(
      'SELECT secret_ciphertext FROM staff_totp',
    )
    assert.ok(stored)
    assert.ok(!Buffer.from(stored.secret_ciphertext).toString('latin1').includes(secret))
  })

  it('refuses a second administrator from the command line', async () => {
    const again = await t.deps.staff.createFirstAdministrator({
      email: 'another@example.org',
      name: 'Another',
    })
    assert.equal(again.kind, 'exists')
  })

  it('expires after 24 hours', async () => {
    const admin = await addPerson(t, ['administrator'])
    const browser = await signIn(t, admin, clock)
    await browser.get(staffPaths.newStaff)
    const created = await browser.post(staffPaths.newStaff, {
      name: 'Late Starter',
      email: 'late.starter@example.org',
      roles: 'advisor',
    })
    assert.equal(created.statusCode, 200)
    const link = /id="set-up-link">([^<]+)</.exec(created.body)?.[1] ?? ''
    assert.match(link, /\/staff\/set-up\/[\w-]{40,}$/)
    clock.advance(24 * 60 * MINUTE + 1000)
    assert.equal((await new Browser(t.app).get(pathOf(link))).statusCode, 404)
  })
})

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
          cookie: `sc_csrf=${browser.cookie('sc_csrf') ?? ''}`,
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
