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
    assert.ok(ratio > 0.25 && ratio < 4, `ratio ${ratio}`)
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
