import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startCluster, type Cluster } from '../bench/instances.js'
import { StaffClient, signIn, type StaffMember } from '../bench/staff-client.js'
import type { Role } from '../src/staff/permissions.js'
import { newTotpSecret } from '../src/staff/factors.js'
import { hashPassword } from '../src/staff/passwords.js'
import { insertStaff, saveTotp, setPassword } from '../src/staff/repository.js'
import { paths, staffPaths } from '../src/web/paths.js'
import { testDatabases } from './db.js'
import { reportSteps } from './reports.js'

/**
 * Two service instances, each `src/server.ts` in its own process, on one PostgreSQL schema,
 * as behind a load balancer with no sticky sessions: nothing a person does may depend on which
 * instance answers. Only under `npm run test:postgres` (PGlite is one process's database).
 */
const server = testDatabases().find((d) => d.name === 'PostgreSQL')
/** Enough for one whole report (every POST counts), few enough to reach in a test. */
const RATE_LIMIT = 30

describe('two instances on one PostgreSQL', { skip: !server && 'needs TEST_DATABASE_URL' }, () => {
  let cluster: Cluster
  let started = false
  let a: string
  let b: string

  before(async () => {
    cluster = await startCluster({
      instances: 2,
      // Behind a load balancer the client's address comes in X-Forwarded-For.
      env: { REPORT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), TRUST_PROXY: 'true' },
    })
    ;[a, b] = cluster.instances.map((i) => i.origin) as [string, string]
    started = true
  })

  after(async () => {
    // A failed start has closed what it started already.
    if (!started) return
    const errors = (await Promise.all(cluster.instances.map((i) => i.errorLines()))).flat()
    await cluster.close()
    assert.deepEqual(errors, [], 'no error-level log lines on either instance')
  })

  it('takes a report page by page from alternate instances and stores it once', async () => {
    const reporter = new StaffClient(a)
    const submission = randomUUID()
    const steps = reportSteps['parent-carer'].map(([slug, form]): [string, typeof form] => [
      slug,
      slug === 'what-happened'
        ? { ...form, description: `Asked for a photo. ${submission}` }
        : form,
    ])
    const forms = new Map(steps)
    let url = paths.report.page(steps[0]?.[0] ?? '')
    for (let page = 0; url !== paths.report.checkAnswers; page++) {
      assert.ok(page < 30, 'the form reaches check your answers')
      // Every page is shown by one instance and its form sent to the other.
      reporter.useOrigin(page % 2 === 0 ? a : b)
      const shown = await reporter.get(url)
      assert.equal(shown.status, 200, `GET ${url}`)
      reporter.useOrigin(page % 2 === 0 ? b : a)
      const form = forms.get(url.slice(paths.report.page('').length))
      assert.ok(form, `the form led to ${url}`)
      const sent = await reporter.post(url, form)
      assert.equal(
        sent.status,
        303,
        `POST ${url} on the other instance: ${sent.body.slice(0, 200)}`,
      )
      url = sent.location ?? ''
    }
    reporter.useOrigin(a)
    assert.equal((await reporter.get(paths.report.checkAnswers)).status, 200)
    reporter.useOrigin(b)
    const submitted = await reporter.post(paths.report.checkAnswers, {})
    assert.equal(submitted.status, 303)
    assert.equal(submitted.location, paths.report.confirmation)
    reporter.useOrigin(a)
    const confirmation = await reporter.get(paths.report.confirmation)
    assert.equal(
      confirmation.status,
      200,
      'the confirmation, from the instance that did not store it',
    )
    const reference = /class="app-reference">([^<]+)</.exec(confirmation.body)?.[1]
    const stored = await cluster.db.query<{ reference: string }>('SELECT reference FROM reports')
    assert.deepEqual(
      stored.map((r) => r.reference),
      [reference],
    )
    reporter.close()
  })

  it('keeps a staff session on both, and disabling the account ends it on both', async () => {
    const advisor = await addPerson(cluster, ['advisor'])
    const administrator = await addPerson(cluster, ['administrator'])
    const person = new StaffClient(a)
    await signIn(person, advisor, () => new Date())
    person.useOrigin(b)
    assert.equal((await person.get(staffPaths.home)).status, 200, 'signed in on A, known on B')
    assert.equal((await person.get(staffPaths.queue)).status, 200, 'the queue on B')

    const admin = new StaffClient(b)
    await signIn(admin, administrator, () => new Date())
    admin.useOrigin(a)
    await admin.get(staffPaths.staffMember(advisor.id))
    const disabled = await admin.post(staffPaths.staffAction(advisor.id, 'disable'), {})
    assert.equal(disabled.status, 303, `disabled on A: ${disabled.body.slice(0, 200)}`)

    for (const origin of [a, b]) {
      person.useOrigin(origin)
      const home = await person.get(staffPaths.home)
      assert.notEqual(home.status, 200, `the session is over on ${origin}`)
      assert.equal(home.location, staffPaths.signIn)
    }
    person.close()
    admin.close()
  })

  it('holds the report rate limit across both instances, counted in PostgreSQL', async () => {
    // Unsent forms (no CSRF token) still count: the limit comes before anything else.
    // A client of its own (a documentation address), so the other tests' posts do not count.
    const client = `192.0.2.${1 + Math.floor(Math.random() * 250)}`
    const post = async (origin: string) => {
      const response = await fetch(`${origin}${paths.report.page('who-are-you')}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': client,
        },
        body: 'audience=parent-carer',
      })
      await response.arrayBuffer()
      return response
    }
    // The window may roll over mid-test; start just after a minute begins.
    const intoMinute = Date.now() % 60_000
    if (intoMinute > 40_000) await sleep(60_500 - intoMinute)
    for (let i = 0; i < 20; i++) assert.notEqual((await post(a)).status, 429, `post ${i + 1} on A`)
    // B counts this client once, then learns A's twenty when it next shares its counts.
    assert.notEqual((await post(b)).status, 429, 'post 21, on B')
    await sleep(2_500)
    const onB = await Promise.all(Array.from({ length: RATE_LIMIT }, () => post(b)))
    const refused = onB.filter((r) => r.status === 429)
    assert.equal(onB.length - refused.length, RATE_LIMIT - 21, 'B lets through only what is left')
    assert.ok(refused.every((r) => Number(r.headers.get('retry-after')) > 0))
    await sleep(2_500)
    assert.equal((await post(a)).status, 429, 'and A has learnt of them')
  })
})

async function addPerson(cluster: Cluster, roles: Role[]): Promise<StaffMember & { id: string }> {
  const id = randomUUID()
  const person = {
    id,
    email: `scale.${id.slice(0, 8)}@example.org`,
    password: 'correct horse battery scale',
    totpSecret: newTotpSecret(),
  }
  const at = new Date(Date.now() - 86_400_000)
  await insertStaff(cluster.db, {
    id,
    email: person.email,
    name: `Scale ${roles[0]}`,
    roles,
    createdAt: at,
  })
  await setPassword(cluster.db, id, await hashPassword(person.password), at)
  await saveTotp(cluster.db, id, cluster.envelope.seal(person.totpSecret, `staff-totp:${id}`), at)
  return person
}
