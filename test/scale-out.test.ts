import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startCluster, type Cluster, type ServiceProcess } from '../bench/instances.js'
import { StaffClient, signIn, type StaffMember } from '../bench/staff-client.js'
import { payloadContext } from '../src/notifications/reporter-messages.js'
import { enqueue } from '../src/outbox/repository.js'
import type { Role } from '../src/staff/permissions.js'
import { newTotpSecret } from '../src/staff/factors.js'
import { hashPassword } from '../src/staff/passwords.js'
import { insertStaff, saveTotp, setPassword } from '../src/staff/repository.js'
import { paths, staffPaths } from '../src/web/paths.js'
import { apiReport, registerApiClient } from './api.js'
import { testDatabases } from './db.js'
import { startSmsProvider } from './delivery.js'
import { reportSteps } from './reports.js'

/**
 * Two service instances, each `src/server.ts` in its own process, on one PostgreSQL schema,
 * as behind a load balancer with no sticky sessions: nothing a person does may depend on which
 * instance answers. Two `npm run worker` processes deliver the outbox beside them. Only under
 * `npm run test:postgres` (PGlite is one process's database).
 */
const server = testDatabases().find((d) => d.name === 'PostgreSQL')
/** Enough for one whole report (every POST counts), few enough to reach in a test. */
const RATE_LIMIT = 30
/** Outbox jobs for the two workers to share. */
const JOBS = 200

describe('two instances on one PostgreSQL', { skip: !server && 'needs TEST_DATABASE_URL' }, () => {
  let cluster: Cluster
  let started = false
  const workers: ServiceProcess[] = []
  let a: string
  let b: string

  before(async () => {
    cluster = await startCluster({
      instances: 2,
      // Behind a load balancer the client's address comes in X-Forwarded-For.
      // The outbox is the two worker processes' alone, as when an agency runs them apart.
      env: {
        REPORT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
        // The test's own requests come from here, as a load balancer's would.
        TRUST_PROXY: '127.0.0.1',
        WORKER_IN_PROCESS: 'false',
        // Shedding is bench:spike's to prove; on a busy machine an instance's first requests
        // can find its event loop slow from starting up and be shed.
        SHED_EVENT_LOOP_DELAY_MS: '0',
      },
    })
    ;[a, b] = cluster.instances.map((i) => i.origin) as [string, string]
    started = true
  })

  after(async () => {
    // A failed start has closed what it started already.
    if (!started) return
    const processes = [...cluster.instances, ...workers]
    const errors = (await Promise.all(processes.map((p) => p.errorLines()))).flat()
    await cluster.close()
    assert.deepEqual(errors, [], 'no error-level log lines on either instance or worker')
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
  it("answers a platform's retry on the other instance with the report the first stored", async () => {
    const platform = await addApiClient(cluster)
    const key = randomUUID()
    const body = apiReport({ additionalInfo: `Asked for a photo. ${key}` })
    const first = await sendApiReport(a, platform, key, body)
    assert.equal(first.status, 201)
    const again = await sendApiReport(b, platform, key, body)
    assert.equal(again.status, 201, 'the same Idempotency-Key and body, sent to B')
    assert.equal(again.headers.get('idempotent-replayed'), 'true')
    assert.deepEqual(await again.json(), await first.json())
    const stored = await cluster.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM reports WHERE source = 'api'",
    )
    assert.equal(stored[0]?.n, 1, 'one report for one key')
  })

  it('gives each outbox job to one of two workers only, and delivers it once', async (t) => {
    // A provider that takes 100 ms a text: one worker alone would need seconds for the batch,
    // so the other, polling every second, comes in for its share.
    const token = randomUUID()
    const provider = await startSmsProvider(token, { delayMs: 100 })
    try {
      const env = { SMS_PROVIDER: 'http', SMS_HTTP_URL: provider.url, SMS_HTTP_TOKEN: token }
      workers.push(
        ...(await Promise.all([
          cluster.startProcess('src/worker.ts', env),
          cluster.startProcess('src/worker.ts', env),
        ])),
      )
      await Promise.all(workers.map((w) => w.logged('outbox worker started')))

      const platform = await addApiClient(cluster)
      const sent = await sendApiReport(a, platform, randomUUID(), apiReport())
      const { reference } = (await sent.json()) as { reference: string }
      const [report] = await cluster.db.query<{ id: string }>(
        'SELECT id FROM reports WHERE reference = $1',
        [reference],
      )
      assert.ok(report)
      // Messages to the reporter, written as the staff's message page writes them (the outbox
      // row sealed with the service's keys), all due at once, in one transaction.
      const ids = Array.from({ length: JOBS }, () => randomUUID())
      const at = new Date()
      await cluster.db.transaction(async (tx) => {
        for (const id of ids)
          await enqueue(tx, {
            id,
            purpose: 'reporter-message',
            reportId: report.id,
            channel: 'sms',
            maxAttempts: 8,
            availableAt: at,
            createdAt: at,
            createdBy: 'scale-out-test',
            payload: cluster.envelope.seal(
              JSON.stringify({ to: '+44 7700 900 123', subject: '', text: 'We read your report.' }),
              payloadContext(id),
            ),
          })
      })

      const rows = await pollUntil(
        () =>
          cluster.db.query<{ id: string; status: string; attempts: number }>(
            'SELECT id, status, attempts FROM outbox_messages WHERE id = ANY($1::uuid[])',
            [ids],
          ),
        (found) => found.every((r) => r.status === 'delivered'),
        120_000,
      )
      assert.equal(rows.length, JOBS)
      assert.deepEqual(
        rows.filter((r) => r.status !== 'delivered' || r.attempts !== 1),
        [],
        'every job delivered, claimed once (each claim counts an attempt)',
      )
      assert.deepEqual(
        ids.filter((id) => provider.received.get(id) !== 1),
        [],
        'the provider got every text exactly once',
      )
      assert.equal(provider.refused(), 0)

      // This test's jobs only: the workers also deliver what the earlier tests' reports sent,
      // such as an acknowledgement held until the time the reporter said is safe. A worker
      // logs a delivery after its commit, so the last lines can still be on their way.
      const ours = new Set<string>(ids)
      const [one = [], two = []] = await pollUntil(
        async () =>
          (await Promise.all(workers.map((w) => deliveredMessages(w)))).map((list) =>
            list.filter((id) => ours.has(id)),
          ),
        (deliveredBy) => new Set(deliveredBy.flat()).size === JOBS,
        10_000,
      )
      const twice = one.filter((id) => two.includes(id))
      assert.deepEqual(twice, [], 'no job delivered by both workers')
      assert.deepEqual(
        [...one, ...two].sort(),
        [...ids].sort(),
        'every job delivered by one of the two',
      )
      t.diagnostic(`worker 1 delivered ${String(one.length)}, worker 2 ${String(two.length)}`)
      assert.ok(
        one.length > 0 && two.length > 0,
        `both workers took jobs (${String(one.length)} and ${String(two.length)})`,
      )
    } finally {
      await provider.close()
    }
  })
})

/** Reads until what it reads is `done`, or `ms` have passed: the last reading either way. */
async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms: number,
): Promise<T> {
  const deadline = performance.now() + ms
  let value = await read()
  while (!done(value) && performance.now() < deadline) {
    await sleep(200)
    value = await read()
  }
  return value
}

/** The message ids a worker says it delivered, from its log (the log names ids, never people). */
async function deliveredMessages(worker: ServiceProcess): Promise<string[]> {
  return (await worker.logLines()).flatMap((line) => {
    if (!line.startsWith('{') || !line.endsWith('}')) return [] // not JSON, or still being written
    const entry = JSON.parse(line) as { msg?: string; message?: string }
    return entry.msg === 'message delivered' && entry.message ? [entry.message] : []
  })
}

/** An API client registered straight in the schema, as an administrator's page does. */
async function addApiClient(cluster: Cluster): Promise<string> {
  return (await registerApiClient(cluster.db, 'Synthetic Platform')).key
}

async function sendApiReport(
  origin: string,
  apiKey: string,
  idempotencyKey: string,
  body: unknown,
): Promise<Response> {
  return fetch(`${origin}/api/v1/reports`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
    },
    body: JSON.stringify(body),
  })
}

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
