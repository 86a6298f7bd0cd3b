import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { Role } from '../src/staff/permissions.js'
import { newTotpSecret, totpCode } from '../src/staff/factors.js'
import { hashPassword } from '../src/staff/passwords.js'
import { insertStaff, saveTotp, setPassword, setStatus } from '../src/staff/repository.js'
import { staffPaths } from '../src/web/paths.js'
import type { TestApp } from './app.js'
import { Browser } from './http.js'

/** A clock the test moves: every staff test controls time (sessions, codes, throttling). */
export function testClock(start = '2026-11-30T10:00:00Z') {
  let at = Date.parse(start)
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms
    },
  }
}

export interface TestPerson {
  id: string
  email: string
  name: string
  password: string
  totpSecret: string
  roles: Role[]
}

let counter = 0

/**
 * A member of staff who has finished set-up: a password and an authenticator app. Made through
 * the repository (set-up itself has its own tests), with synthetic details.
 */
export async function addPerson(
  t: TestApp,
  roles: Role[],
  options: { status?: 'active' | 'disabled' } = {},
): Promise<TestPerson> {
  counter += 1
  const person: TestPerson = {
    id: randomUUID(),
    email: `person${counter}.${randomUUID().slice(0, 6)}@example.org`,
    name: `Test Person ${counter}`,
    password: `correct horse battery ${counter}`,
    totpSecret: newTotpSecret(),
    roles,
  }
  await insertStaff(t.db, { ...person, createdAt: t.deps.now() })
  await setPassword(t.db, person.id, await hashPassword(person.password), t.deps.now())
  await saveTotp(
    t.db,
    person.id,
    t.deps.envelope.seal(person.totpSecret, `staff-totp:${person.id}`),
    t.deps.now(),
  )
  if (options.status === 'disabled') await setStatus(t.db, person.id, 'disabled')
  return person
}

/**
 * Signs in through the real pages: email and password, then a code from the app. The clock
 * moves on 30 seconds first, so each sign-in uses a fresh code (a code is accepted once).
 */
export async function signIn(
  t: TestApp,
  person: TestPerson,
  clock: { now: () => Date; advance(ms: number): void },
  browser = new Browser(t.app),
): Promise<Browser> {
  await browser.get(staffPaths.signIn)
  const password = await browser.post(staffPaths.signIn, {
    email: person.email,
    password: person.password,
  })
  assert.equal(password.statusCode, 303, 'password accepted')
  assert.equal(password.headers.location, staffPaths.secondFactor)
  await browser.get(staffPaths.secondFactor)
  clock.advance(30_000)
  const code = await browser.post(staffPaths.secondFactorCode, {
    code: totpCode(person.totpSecret, clock.now()),
    next: staffPaths.home,
  })
  assert.equal(code.statusCode, 303, `code accepted: ${code.body.slice(0, 200)}`)
  return browser
}

export const MINUTE = 60_000

/** How many audit events of one kind have been written. */
export async function auditEvents(t: TestApp, event: string): Promise<number> {
  const [row] = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_events WHERE event = $1',
    [event],
  )
  return row?.n ?? 0
}

export async function allAuditEvents(t: TestApp): Promise<number> {
  const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events')
  return row?.n ?? 0
}
