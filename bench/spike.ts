import { randomUUID } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import type { Db } from '../src/db/db.js'
import type { Envelope } from '../src/crypto/envelope.js'
import { paths } from '../src/web/paths.js'
import { reportSteps, type Form } from '../test/reports.js'
import { startCluster } from './instances.js'
import { percentile } from './stats.js'

/**
 * `npm run bench:spike`: reporters fill in the real form over HTTP against the production
 * composition (src/server.ts in its own process, on PostgreSQL) at a normal rate, then at
 * `--factor` times that rate, then at the normal rate again. Requests arrive on a schedule
 * (open loop), whatever the answers, as a spike does; each goes to a reporter who is ready for
 * their next page, or to a new one. A reporter turned away (429 or 503) waits the Retry-After it
 * was given and sends the same page again, as a person would. Afterwards every acknowledged
 * report must be stored whole, once, with its audit entry. Loopback only, and bounded: at most
 * `--max-in-flight` requests are open at once. See docs/reliability.md.
 */
interface Settings {
  rate: number
  factor: number
  normalSeconds: number
  spikeSeconds: number
  instances: number
  maxInFlight: number
  /** Settings for the instances (SHED_MAX_IN_PROGRESS, SHED_RETRY_AFTER_SECONDS) if not the defaults. */
  shedding: Record<string, string>
  /** Fails the run if nothing was shed: for a short run meant to exercise shedding. */
  expectShedding: boolean
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '10' },
      factor: { type: 'string', default: '50' },
      'normal-seconds': { type: 'string', default: '5' },
      'spike-seconds': { type: 'string', default: '10' },
      instances: { type: 'string', default: '1' },
      'max-in-flight': { type: 'string', default: '500' },
      'shed-max-in-progress': { type: 'string' },
      'shed-retry-after': { type: 'string' },
      'expect-shedding': { type: 'boolean', default: false },
    },
  })
  const int = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`--${name} must be an integer from ${min} to ${max}`)
    return value
  }
  return {
    rate: int('rate', values.rate, 1, 200),
    factor: int('factor', values.factor, 1, 100),
    normalSeconds: int('normal-seconds', values['normal-seconds'], 1, 60),
    spikeSeconds: int('spike-seconds', values['spike-seconds'], 1, 60),
    instances: int('instances', values.instances, 1, 4),
    maxInFlight: int('max-in-flight', values['max-in-flight'], 1, 900),
    shedding: {
      ...(values['shed-max-in-progress'] === undefined
        ? {}
        : {
            SHED_MAX_IN_PROGRESS: String(
              int('shed-max-in-progress', values['shed-max-in-progress'], 1, 10_000),
            ),
          }),
      ...(values['shed-retry-after'] === undefined
        ? {}
        : {
            SHED_RETRY_AFTER_SECONDS: String(
              int('shed-retry-after', values['shed-retry-after'], 1, 60),
            ),
          }),
    },
    expectShedding: values['expect-shedding'],
  }
}

type Phase = 'before' | 'spike' | 'after'

interface Tally {
  sent: number
  ok: number
  tooMany: number
  tooManyWithoutRetryAfter: number
  busy: number
  busyWithoutRetryAfter: number
  otherServerErrors: number
  /** 4xx other than 429: a working form never gives one to good answers. */
  otherClientErrors: number
  /** No answer: a connection error or no answer within 30 s. */
  noAnswer: number
  acknowledged: number
  okMs: number[]
}

const newTally = (): Tally => ({
  sent: 0,
  ok: 0,
  tooMany: 0,
  tooManyWithoutRetryAfter: 0,
  busy: 0,
  busyWithoutRetryAfter: 0,
  otherServerErrors: 0,
  otherClientErrors: 0,
  noAnswer: 0,
  acknowledged: 0,
  okMs: [],
})

const STEPS = reportSteps['parent-carer']
const FORMS = new Map(STEPS.map(([slug, form]) => [paths.report.page(slug), form]))
const CSRF = /name="_csrf" value="([^"]+)"/
const MARKER = 'SPIKE-'

/** One person on the form: the request they will send next, and when they may send it. */
class Reporter {
  readonly submission = randomUUID()
  readonly address: string
  private readonly cookies = new Map<string, string>()
  private url = paths.report.page(STEPS[0]?.[0] ?? '')
  private method: 'GET' | 'POST' = 'GET'
  private token = ''
  readyAt = 0
  busy = false
  done = false

  constructor(
    index: number,
    private readonly origins: readonly string[],
  ) {
    // Each person has an address of their own (TRUST_PROXY), so the per-person limit applies.
    this.address = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`
  }

  /** Sends the next request and moves on, or stays to send it again after Retry-After. */
  async step(tally: Tally, acknowledged: Set<string>): Promise<void> {
    this.busy = true
    const origin = this.origins[Math.floor(Math.random() * this.origins.length)] ?? ''
    const final = this.method === 'POST' && this.url === paths.report.checkAnswers
    tally.sent++
    const started = performance.now()
    try {
      const response = await fetch(`${origin}${this.url}`, {
        method: this.method,
        headers: this.headers(),
        ...(this.method === 'POST' ? { body: this.body() } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      })
      const text = await response.text()
      this.remember(response.headers.getSetCookie())
      const retryAfter = Number(response.headers.get('retry-after'))
      const status = response.status
      if (status === 429 || status === 503) {
        if (status === 429) tally.tooMany++
        else tally.busy++
        if (!(retryAfter > 0)) {
          if (status === 429) tally.tooManyWithoutRetryAfter++
          else tally.busyWithoutRetryAfter++
        }
        this.readyAt = performance.now() + (retryAfter > 0 ? retryAfter : 5) * 1000
        return
      }
      if (status >= 500) tally.otherServerErrors++
      else if (status >= 400) tally.otherClientErrors++
      else tally.ok++
      if (status >= 400) {
        this.done = true
        return
      }
      tally.okMs.push(performance.now() - started)
      this.advance(status, response.headers.get('location'), text, final, tally, acknowledged)
    } catch {
      tally.noAnswer++
      this.readyAt = performance.now() + 1000
    } finally {
      this.busy = false
    }
  }

  private advance(
    status: number,
    location: string | null,
    text: string,
    final: boolean,
    tally: Tally,
    acknowledged: Set<string>,
  ): void {
    if (final) {
      if (status === 303 && location === paths.report.confirmation) {
        acknowledged.add(this.submission)
        tally.acknowledged++
      }
      this.done = true
      return
    }
    if (this.method === 'GET') {
      this.token = CSRF.exec(text)?.[1] ?? this.token
      this.method = 'POST'
      return
    }
    if (status === 303 && location) {
      this.url = location
      this.method = 'GET'
      return
    }
    this.done = true
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.address }
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    if (cookie) headers.cookie = cookie
    if (this.method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded'
    return headers
  }

  private body(): string {
    const params = new URLSearchParams({ _csrf: this.token })
    const form: Form = FORMS.get(this.url) ?? {}
    for (const [key, value] of Object.entries(form))
      for (const v of Array.isArray(value) ? value : [value])
        params.append(key, key === 'description' ? `${v} ${MARKER}${this.submission}` : v)
    return params.toString()
  }

  private remember(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair = ''] = header.split(';')
      const equals = pair.indexOf('=')
      if (equals < 1) continue
      const value = pair.slice(equals + 1).trim()
      const expired = /max-age=0|expires=[^;]*1970/i.test(header)
      if (value === '' || expired) this.cookies.delete(pair.slice(0, equals).trim())
      else this.cookies.set(pair.slice(0, equals).trim(), value)
    }
  }
}

async function main(): Promise<number> {
  const settings = readSettings()
  const cluster = await startCluster({
    instances: settings.instances,
    env: {
      // The load generator stands where the proxy would, so its X-Forwarded-For is believed.
      TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...settings.shedding,
    },
  })
  try {
    const origins = cluster.instances.map((i) => i.origin)
    printHeader(settings, await serverVersion(cluster.db))
    const tallies: Record<Phase, Tally> = {
      before: newTally(),
      spike: newTally(),
      after: newTally(),
    }
    const acknowledged = new Set<string>()
    const phases: [Phase, number, number][] = [
      ['before', settings.rate, settings.normalSeconds],
      ['spike', settings.rate * settings.factor, settings.spikeSeconds],
      ['after', settings.rate, settings.normalSeconds],
    ]
    const reporters: Reporter[] = []
    const inFlight = new Set<Promise<void>>()
    let heldBack = 0
    const seconds: Record<Phase, number> = { before: 0, spike: 0, after: 0 }
    for (const [phase, rate, duration] of phases) {
      const started = performance.now()
      const total = rate * duration
      for (let n = 0; n < total; n++) {
        // The schedule: request n of this phase goes out at n / rate seconds, late or not.
        const due = started + (n * 1000) / rate
        const wait = due - performance.now()
        if (wait > 1) await sleep(wait)
        while (inFlight.size >= settings.maxInFlight) {
          heldBack++
          await Promise.race(inFlight)
        }
        const now = performance.now()
        let reporter = reporters.find((r) => !r.busy && !r.done && r.readyAt <= now)
        if (!reporter) {
          reporter = new Reporter(reporters.length + 1, origins)
          reporters.push(reporter)
        }
        const request = reporter.step(tallies[phase], acknowledged)
        inFlight.add(request)
        void request.finally(() => inFlight.delete(request))
        // Finished reporters leave the list, so finding a ready one stays cheap.
        if (reporters.length > 2000) removeDone(reporters)
      }
      seconds[phase] = (performance.now() - started) / 1000
    }
    await Promise.all(inFlight)
    const stored = await storedReports(cluster.db, cluster.envelope)
    const errorLines = (await Promise.all(cluster.instances.map((i) => i.errorLines()))).flat()
      .length
    return printResults(settings, tallies, seconds, acknowledged, stored, heldBack, errorLines)
  } finally {
    await cluster.close()
  }
}

function removeDone(reporters: Reporter[]): void {
  const live = reporters.filter((r) => !r.done)
  reporters.length = 0
  reporters.push(...live)
}

interface Stored {
  submissions: Map<string, number>
  /** Stored reports that cannot be opened, hold no submission, or lack their audit entry. */
  halfWritten: number
  total: number
}

async function storedReports(db: Db, envelope: Envelope): Promise<Stored> {
  const rows = await db.query<{
    id: string
    key_id: string
    wrapped_data_key: Buffer
    personal_ciphertext: Buffer
    audited: boolean
  }>(
    `SELECT r.id, r.key_id, r.wrapped_data_key, r.personal_ciphertext,
            EXISTS (SELECT 1 FROM audit_events a
                     WHERE a.event = 'report.received' AND a.subject_type = 'report'
                       AND a.subject_id = r.id::text) AS audited
       FROM reports r`,
  )
  const submissions = new Map<string, number>()
  let halfWritten = 0
  for (const row of rows) {
    let submission: string | undefined
    try {
      const text = envelope.open(
        {
          keyId: row.key_id,
          wrappedKey: row.wrapped_data_key,
          ciphertext: row.personal_ciphertext,
        },
        `report:${row.id}`,
      )
      submission = new RegExp(`${MARKER}([0-9a-f-]{36})`).exec(text)?.[1]
    } catch {
      submission = undefined
    }
    if (!submission || !row.audited) halfWritten++
    if (submission) submissions.set(submission, (submissions.get(submission) ?? 0) + 1)
  }
  return { submissions, halfWritten, total: rows.length }
}

async function serverVersion(db: Db): Promise<string> {
  const [row] = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")
  return row?.v ?? '?'
}

function printHeader(settings: Settings, pgVersion: string): void {
  const cpu = cpus()
  console.log(`Safety Centre spike benchmark, ${new Date().toISOString()}`)
  console.log(`load average (1 min) at the start: ${loadavg()[0]?.toFixed(1) ?? '?'}`)
  console.log(
    `machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ` +
      `PostgreSQL ${pgVersion} on 127.0.0.1`,
  )
  console.log(
    `service: ${settings.instances} x src/server.ts (NODE_ENV=production, ` +
      Object.entries(settings.shedding)
        .map(([k, v]) => `${k}=${v}, `)
        .join('') +
      'otherwise default shedding ' +
      'and rate limit, TRUST_PROXY with one address per reporter)',
  )
  console.log(
    `load: reporters walking the form; ${settings.rate} requests/s for ${settings.normalSeconds} s, ` +
      `${settings.rate * settings.factor}/s (x${settings.factor}) for ${settings.spikeSeconds} s, ` +
      `${settings.rate}/s for ${settings.normalSeconds} s; at most ${settings.maxInFlight} open at once\n`,
  )
}

function printResults(
  settings: Settings,
  tallies: Record<Phase, Tally>,
  seconds: Record<Phase, number>,
  acknowledged: Set<string>,
  stored: Stored,
  heldBack: number,
  errorLines: number,
): number {
  const all = Object.values(tallies)
  const sum = (pick: (t: Tally) => number) => all.reduce((total, t) => total + pick(t), 0)
  const line = (label: string, value: string | number) => {
    console.log(`${label.padEnd(52)}${String(value)}`)
  }
  const lost = [...acknowledged].filter((s) => !stored.submissions.has(s)).length
  const duplicates = [...stored.submissions.values()].reduce((t, n) => t + n - 1, 0)
  line(
    'requests sent',
    sum((t) => t.sent),
  )
  line(
    'answered 2xx/3xx',
    sum((t) => t.ok),
  )
  line(
    '429 (with Retry-After / without)',
    `${sum((t) => t.tooMany)} / ${sum((t) => t.tooManyWithoutRetryAfter)}`,
  )
  line(
    '503 (with Retry-After / without)',
    `${sum((t) => t.busy)} / ${sum((t) => t.busyWithoutRetryAfter)}`,
  )
  line(
    'other 5xx',
    sum((t) => t.otherServerErrors),
  )
  line(
    'other 4xx',
    sum((t) => t.otherClientErrors),
  )
  line(
    'no answer (connection error or 30 s)',
    sum((t) => t.noAnswer),
  )
  line('reports acknowledged', acknowledged.size)
  line('reports stored', stored.total)
  line('acknowledged but not stored (lost)', lost)
  line('half-written (unreadable, unmarked or unaudited)', stored.halfWritten)
  line('duplicates', duplicates)
  line('requests held back by the harness bound', heldBack)
  line('error-level lines in the service logs', errorLines)
  console.log('\nthe rate held, by phase:')
  console.log(
    `${'phase'.padEnd(8)}${'offered/s'.padStart(10)}${'2xx3xx/s'.padStart(10)}${'shed/s'.padStart(8)}` +
      `${'reports/s'.padStart(10)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}`,
  )
  for (const phase of ['before', 'spike', 'after'] as const) {
    const t = tallies[phase]
    const s = seconds[phase]
    const rate = (n: number) => (n / s).toFixed(1).padStart(10)
    const ms = (q: number) =>
      (t.okMs.length === 0 ? '-' : percentile(t.okMs, q).toFixed(0)).padStart(8)
    console.log(
      `${phase.padEnd(8)}${rate(t.sent)}${rate(t.ok)}${((t.tooMany + t.busy) / s).toFixed(1).padStart(8)}` +
        `${rate(t.acknowledged)}${ms(0.5)}${ms(0.99)}`,
    )
  }
  line('\nload average (1 min) at the end', loadavg()[0]?.toFixed(1) ?? '?')
  const broken: string[] = []
  if (lost > 0) broken.push(`${lost} acknowledged reports lost`)
  if (stored.halfWritten > 0) broken.push(`${stored.halfWritten} half-written reports`)
  if (duplicates > 0) broken.push(`${duplicates} duplicates`)
  if (sum((t) => t.tooManyWithoutRetryAfter + t.busyWithoutRetryAfter) > 0)
    broken.push('429 or 503 without Retry-After')
  if (sum((t) => t.otherServerErrors) > 0) broken.push('5xx other than 503')
  if (acknowledged.size === 0) broken.push('no report was acknowledged, so nothing was tested')
  if (settings.factor > 1 && tallies.spike.ok === 0) broken.push('nothing served during the spike')
  if (settings.expectShedding && sum((t) => t.busy) === 0)
    broken.push('nothing was shed, so shedding was not tested')
  console.log(broken.length === 0 ? '\nall invariants held' : `\nFAILED: ${broken.join('; ')}`)
  return broken.length === 0 ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
    process.exitCode = 1
  },
)
