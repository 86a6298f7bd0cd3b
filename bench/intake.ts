import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import { readJurisdictionFile } from '../src/jurisdictions/import.js'
import { importJurisdictionTables } from '../src/jurisdictions/service.js'
import { draftRepository, hashDraftId, newDraftId } from '../src/reports/drafts.js'
import { buildReportJourney } from '../src/reports/journey.js'
import {
  saveAnswer,
  walk,
  type FormBody,
  type Journey,
  type JourneyAnswers,
} from '../src/web/journey.js'
import { cookieName } from '../src/web/security.js'
import { paths } from '../src/web/paths.js'
import { completeAnswers } from '../test/reports.js'
import {
  loadGeneratorCpuMicros,
  machineBusyShare,
  postgresCpuMicros,
  type CpuTimes,
} from './cpu.js'
import { drive, type LoadOptions, type LoadResult } from './load.js'
import { productionTestEnv } from './production-env.js'
import {
  BARE_INSERT_PATH,
  BARE_TABLE,
  type ServerCommand,
  type ServerCpu,
  type ServerReady,
  type ServerStart,
} from './protocol.js'

/**
 * `npm run bench:intake`: complete reports submitted over HTTP to the real app on PostgreSQL,
 * then, in the same run and under the same load, a bare route that inserts one row. Prints
 * reports/s, p50/p99 latency, the ratio of the two rates and whether the aims are met, then
 * checks that every 303 left exactly one stored report behind. See docs/benchmarks.md.
 */
const AIMS = { reportsPerSecond: 1000, p99Ms: 100, ratio: 0.5 }
/** Every request comes from 127.0.0.1, so the per-address limit on report POSTs is lifted. */
const RATE_LIMIT = 100_000_000

export interface Settings {
  databaseUrl: string
  poolSize: number
  connections: number
  seconds: number
  rounds: number
  warmup: number
  logLevel: string
  jurisdictionsDir: string
  cpuProfDir: string | undefined
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const int = (name: string, fallback: number): number => {
    const value = Number(env[name] ?? fallback)
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
    return value
  }
  return {
    databaseUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    // The production default (DATABASE_POOL_SIZE).
    poolSize: int('BENCH_POOL_SIZE', 10),
    connections: int('BENCH_CONNECTIONS', 50),
    seconds: int('BENCH_SECONDS', 10),
    rounds: int('BENCH_ROUNDS', 3),
    warmup: int('BENCH_WARMUP', 1000),
    logLevel: env.BENCH_LOG_LEVEL ?? 'info',
    // The UK open data kept beside the repository, as docs/jurisdiction-data.md imports it.
    jurisdictionsDir:
      env.BENCH_JURISDICTIONS ??
      fileURLToPath(new URL('../../shared/data/jurisdictions/', import.meta.url)),
    cpuProfDir: env.BENCH_CPU_PROF,
  }
}

/** A measured run, with the CPU time each party spent per request (milliseconds). */
export type Measured = LoadResult & { cpuMs: CpuTimes }

interface Csrf {
  cookie: string
  token: string
}

export interface Bench {
  settings: Settings
  db: Db
  port: number
  journey: Journey
  answers: JourneyAnswers
  drafts: ReturnType<typeof draftRepository>
  csrf: Csrf[]
  /** Successful responses so far, warm-ups included: what the database must hold afterwards. */
  answered: { reports: number; bare: number }
}

async function main(): Promise<void> {
  const settings = readSettings(process.env)
  const schema = `bench_${randomBytes(6).toString('hex')}`
  const admin = openPostgres({ connectionString: settings.databaseUrl, maxConnections: 1 })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  try {
    const db = openPostgres({
      connectionString: settings.databaseUrl,
      maxConnections: 10,
      options: `-c search_path=${schema}`,
    })
    try {
      await run(settings, schema, db)
    } finally {
      await db.close()
    }
  } finally {
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
    await admin.close()
  }
}

async function run(settings: Settings, schema: string, db: Db): Promise<void> {
  await migrate(db)
  await db.exec(
    `CREATE TABLE ${BARE_TABLE} (id uuid PRIMARY KEY, inserted_at timestamptz NOT NULL)`,
  )
  const jurisdictionRows = await importJurisdictions(db, settings.jurisdictionsDir)
  const production = productionTestEnv()
  const server = await startServer(
    {
      databaseUrl: settings.databaseUrl,
      schema,
      poolSize: settings.poolSize,
      logLevel: settings.logLevel,
      rateLimitPerMinute: RATE_LIMIT,
      productionEnv: production.env,
    },
    settings.cpuProfDir,
  )
  try {
    const journey = buildReportJourney(() => new Date())
    const bench: Bench = {
      settings,
      db,
      port: server.ready.port,
      journey,
      answers: await storedAnswers(journey),
      drafts: draftRepository(production.envelope),
      csrf: await csrfPairs(server.ready.port, journey, settings.connections),
      answered: { reports: 0, bare: 0 },
    }
    const [pg] = await db.query<{ server_version: string }>('SHOW server_version')
    printHeader(settings, {
      postgres: pg?.server_version ?? 'unknown',
      jurisdictionRows,
      busy: await machineBusyShare(),
    })

    const rounds = await measureRounds(settings, server, {
      reports: (amount) => submitReports(bench, amount),
      bare: (amount) => insertBare(bench, amount),
    })
    printResults(rounds)
    await verify(db, bench.answered.reports, bench.answered.bare)
  } finally {
    await server.stop()
  }
}

/**
 * Triage routes each report through the jurisdiction tables, so they are loaded as an
 * installation would have them; without them the lookup stops after one query.
 */
export async function importJurisdictions(db: Db, dir: string): Promise<number> {
  if (!existsSync(dir)) return 0
  let rows = 0
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort()) {
    const tables = await readJurisdictionFile(createReadStream(join(dir, name)))
    rows += (await importJurisdictionTables(db, name, tables)).rowsLoaded
  }
  return rows
}

/** The stored answers of a complete report: each page's form parsed by the journey itself. */
export async function storedAnswers(journey: Journey): Promise<JourneyAnswers> {
  const forms: Record<string, FormBody | undefined> = completeAnswers
  let answers: JourneyAnswers = {}
  for (let slug = journey.start; slug !== journey.end;) {
    const page = journey.pages.get(slug)
    const form = forms[slug]
    if (!page || !form) throw new Error(`No synthetic answers for the page "${slug}"`)
    const parsed = await page.parse(form, answers)
    if (!parsed.ok) throw new Error(`Synthetic answers for "${slug}" do not parse`)
    answers = saveAnswer(journey, answers, slug, parsed.value)
    slug = page.next(answers)
  }
  if (!walk(journey, answers).complete) throw new Error('Synthetic answers are not complete')
  return answers
}

/**
 * One CSRF secret cookie and token per connection, got as a browser gets them: by opening
 * the first page of the form.
 */
export async function csrfPairs(port: number, journey: Journey, count: number): Promise<Csrf[]> {
  const url = `http://127.0.0.1:${port}${paths.report.page(journey.start)}`
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(url)
      const cookie = response.headers
        .getSetCookie()
        .map((c) => c.split(';')[0] ?? '')
        .find((c) => c.startsWith(`${cookieName('sc_csrf', true)}=`))
      const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1]
      if (response.status !== 200 || !cookie || !token)
        throw new Error(`GET ${url} gave ${response.status} without a CSRF cookie and token`)
      return { cookie, token }
    }),
  )
}

let draftsMade = 0

/**
 * The synthetic answers with this draft's own usernames, links, numbers, emails and child's
 * name, as different reports have: one set shared by every report would make each link to all
 * those before it (linked reports, src/links), which is the cost of a hot identifier, not of
 * intake. bench:links measures matching on its own.
 */
export function withOwnIdentifiers(answers: JourneyAnswers, n: number): JourneyAnswers {
  const letters = n.toString(26).replace(/./g, (d) => String.fromCharCode(97 + parseInt(d, 26)))
  const digits = String(n % 1_000_000).padStart(6, '0')
  return {
    ...answers,
    'about-the-child': { childName: `Sam Canary${letters}` },
    'their-usernames': { accounts: [{ platform: 'GameChat', username: `canary_user_${n}` }] },
    'their-profile-links': { profileLinks: [`https://example.com/canary-profile-${n}`] },
    'their-phone-numbers': { phoneNumbers: `07700 ${digits}` },
    'contact-details': { email: `canary.${n}@example.com`, phone: `07800 ${digits}` },
  }
}

/** Not timed: complete drafts written straight through the draft repository. */
async function prepareDrafts(bench: Bench, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, newDraftId)
  const now = new Date()
  const expiresAt = new Date(now.getTime() + 2 * 60 * 60_000)
  const batch = 10
  for (let i = 0; i < ids.length; i += batch) {
    await Promise.all(
      ids
        .slice(i, i + batch)
        .map((id) =>
          bench.drafts.save(
            bench.db,
            hashDraftId(id),
            withOwnIdentifiers(bench.answers, draftsMade++),
            now,
            expiresAt,
          ),
        ),
    )
  }
  return ids
}

async function counted(
  bench: Bench,
  route: keyof Bench['answered'],
  options: Omit<LoadOptions, 'port' | 'connections'>,
): Promise<LoadResult> {
  const result = await drive({
    port: bench.port,
    connections: bench.settings.connections,
    ...options,
  })
  bench.answered[route] += result.succeeded
  return result
}

/**
 * A route under load: `prepare(amount)` does the untimed set-up for that many requests and
 * gives back the timed part, so set-up work is outside both the clock and the CPU figures.
 */
export type Route = (amount: number) => Promise<() => Promise<LoadResult>>

/** The real final submission: its own complete draft per request, and a valid CSRF token. */
export async function submitReports(
  bench: Bench,
  amount: number,
): Promise<() => Promise<LoadResult>> {
  // autocannon builds no more requests than it sends; the margin only guards a reconnect.
  const ids = await prepareDrafts(bench, amount + bench.settings.connections)
  let sent = 0
  return () =>
    counted(bench, 'reports', {
      amount,
      path: paths.report.checkAnswers,
      next: () => {
        const csrf = bench.csrf[sent++ % bench.csrf.length]
        return {
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: `${cookieName('sc_report', true)}=${ids.pop() ?? ''}; ${csrf?.cookie ?? ''}`,
          },
          body: `_csrf=${encodeURIComponent(csrf?.token ?? '')}`,
        }
      },
      check: (status, headers) =>
        status === 303 && headers.location === paths.report.confirmation
          ? undefined
          : `${status} ${headers.location ?? ''}`.trim(),
    })
}

function insertBare(bench: Bench, amount: number): Promise<() => Promise<LoadResult>> {
  return Promise.resolve(() =>
    counted(bench, 'bare', {
      amount,
      path: BARE_INSERT_PATH,
      next: () => ({ headers: {}, body: '' }),
      check: (status) => (status === 204 ? undefined : String(status)),
    }),
  )
}

/** Warms a route up: a fixed count, then about two seconds, so the JIT and pools are warm. */
export async function warmUp(settings: Settings, route: Route): Promise<LoadResult> {
  const first = await (await route(settings.warmup))()
  return (await route(sized(settings, first, 2)))()
}

/** A fixed count, so every run stops by itself and its count can be checked. */
function sized(settings: Settings, rate: LoadResult, seconds: number): number {
  return Math.max(settings.connections * 10, Math.round(rate.perSecond * seconds))
}

/** One timed run sized to last about `seconds` at the rate last seen, with its CPU per request. */
export async function measureOnce(
  settings: Settings,
  server: RunningServer,
  route: Route,
  rate: LoadResult,
): Promise<Measured> {
  const run = await route(sized(settings, rate, settings.seconds))
  const cpuTimes = async (): Promise<CpuTimes> => ({
    server: await server.cpuMicros(),
    postgres: await postgresCpuMicros(),
    load: loadGeneratorCpuMicros(),
  })
  const before = await cpuTimes()
  const measured = await run()
  const after = await cpuTimes()
  const perRequest = (micros: number) => micros / 1000 / measured.succeeded
  const cpuMs = {
    server: perRequest(after.server - before.server),
    postgres:
      after.postgres === undefined || before.postgres === undefined
        ? undefined
        : perRequest(after.postgres - before.postgres),
    load: perRequest(after.load - before.load),
  }
  return { ...measured, cpuMs }
}

interface Round {
  reports: Measured
  bare: Measured
}

/**
 * Both routes warmed up, then `rounds` rounds of reports followed by bare inserts. A machine
 * shared with other work speeds up and slows down over a minute; the ratio is taken within a
 * round, where both routes met the same machine, and the median round is what counts.
 */
async function measureRounds(
  settings: Settings,
  server: RunningServer,
  routes: { reports: Route; bare: Route },
): Promise<Round[]> {
  let reportRate = await warmUp(settings, routes.reports)
  let bareRate = await warmUp(settings, routes.bare)
  const rounds: Round[] = []
  for (let round = 0; round < settings.rounds; round++) {
    const reports = await measureOnce(settings, server, routes.reports, reportRate)
    const bare = await measureOnce(settings, server, routes.bare, bareRate)
    rounds.push({ reports, bare })
    reportRate = reports
    bareRate = bare
  }
  return rounds
}

/** Nothing lost, nothing duplicated: each 303 is one report, one audit row, one used draft. */
async function verify(db: Db, reports: number, bare: number): Promise<void> {
  const [counts] = await db.query<{
    reports: number
    keys: number
    audited: number
    submitted: number
    bare: number
  }>(
    `SELECT (SELECT count(*) FROM reports) AS reports,
            (SELECT count(DISTINCT submission_key) FROM reports) AS keys,
            (SELECT count(*) FROM audit_events WHERE event = 'report.received') AS audited,
            (SELECT count(*) FROM report_drafts WHERE report_id IS NOT NULL) AS submitted,
            (SELECT count(*) FROM ${BARE_TABLE}) AS bare`,
  )
  const stored = [counts?.reports, counts?.keys, counts?.audited, counts?.submitted]
  console.log(
    `\nchecked: ${reports} reports answered 303 -> ${counts?.reports} reports ` +
      `(${counts?.keys} submission keys), ${counts?.audited} audit rows, ` +
      `${counts?.submitted} drafts marked; ${bare} bare answered 204 -> ${counts?.bare} rows`,
  )
  if (stored.some((n) => n !== reports) || counts?.bare !== bare)
    throw new Error('Stored rows do not match the successful responses')
}

function printHeader(
  settings: Settings,
  found: { postgres: string; jurisdictionRows: number; busy: number | undefined },
): void {
  const cpu = cpus()
  const busy = found.busy === undefined ? 'unknown' : `${(found.busy * 100).toFixed(0)}%`
  console.log(`Safety Centre intake benchmark, ${new Date().toISOString()}`)
  console.log(
    `machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ` +
      `PostgreSQL ${found.postgres} at ${new URL(settings.databaseUrl).host}; ` +
      `CPU busy just before the run: ${busy}`,
  )
  console.log(
    `server: child process, NODE_ENV=production, pool ${settings.poolSize}, ` +
      `log level ${settings.logLevel}, triage on (buildDeps), ` +
      `report rate limit raised to ${RATE_LIMIT}/min`,
  )
  console.log(
    found.jurisdictionRows > 0
      ? `triage data: ${found.jurisdictionRows} jurisdiction rows from ${settings.jurisdictionsDir}`
      : `triage data: none found at ${settings.jurisdictionsDir}, so triage routes nowhere`,
  )
  console.log(
    `load: autocannon from this process, ${settings.connections} connections to 127.0.0.1, ` +
      `each route warmed up (${settings.warmup} requests, then about 2 s), then ` +
      `${settings.rounds} rounds of reports then bare inserts, each sized to about ` +
      `${settings.seconds} s\n`,
  )
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
}

/** The median of each figure over the rounds (each figure on its own). */
export function medianOf(runs: readonly Measured[]): Measured {
  const of = (pick: (r: Measured) => number | undefined) => {
    const values = runs.map(pick)
    return values.some((v) => v === undefined) ? undefined : median(values as number[])
  }
  return {
    succeeded: runs.reduce((sum, r) => sum + r.succeeded, 0),
    seconds: runs.reduce((sum, r) => sum + r.seconds, 0),
    perSecond: median(runs.map((r) => r.perSecond)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuMs: {
      server: median(runs.map((r) => r.cpuMs.server)),
      postgres: of((r) => r.cpuMs.postgres),
      load: median(runs.map((r) => r.cpuMs.load)),
    },
  }
}

function printResults(rounds: readonly Round[]): void {
  const cpu = (ms: number | undefined) => (ms === undefined ? '?' : ms.toFixed(2)).padStart(10)
  const row = (label: string, r: Measured, ratio: number) => {
    console.log(
      `${label.padEnd(22)}${String(r.succeeded).padStart(8)}${r.seconds.toFixed(1).padStart(9)}` +
        `${r.perSecond.toFixed(0).padStart(10)}${String(r.p50).padStart(9)}` +
        `${String(r.p99).padStart(9)}${cpu(r.cpuMs.server)}${cpu(r.cpuMs.postgres)}` +
        `${cpu(r.cpuMs.load)}${(Number.isNaN(ratio) ? '' : ratio.toFixed(2)).padStart(8)}`,
    )
  }
  console.log(`${''.padEnd(22)}${''.padStart(51)}CPU ms per request`)
  console.log(
    `${''.padEnd(22)}   count  seconds     per s   p50 ms   p99 ms` +
      `    server  postgres  autocannon   ratio`,
  )
  const ratios = rounds.map((r) => r.reports.perSecond / r.bare.perSecond)
  rounds.forEach((round, index) => {
    row(`round ${index + 1}: reports`, round.reports, ratios[index] ?? NaN)
    row(`round ${index + 1}: bare`, round.bare, NaN)
  })
  const reports = medianOf(rounds.map((r) => r.reports))
  const ratio = median(ratios)
  row('median: reports', reports, ratio)
  row('median: bare', medianOf(rounds.map((r) => r.bare)), NaN)
  console.log(`\nratio reports/bare (median of the rounds' ratios) ${ratio.toFixed(2)}\n`)
  const aim = (text: string, met: boolean) => {
    console.log(`aim ${text.padEnd(32)}${met ? 'met' : 'NOT MET'}`)
  }
  aim(`>= ${AIMS.reportsPerSecond} reports/s`, reports.perSecond >= AIMS.reportsPerSecond)
  aim(`report p99 < ${AIMS.p99Ms} ms`, reports.p99 < AIMS.p99Ms)
  aim(`>= ${AIMS.ratio} x the bare-insert rate`, ratio >= AIMS.ratio)
}

export interface RunningServer {
  ready: ServerReady
  /** The server process's CPU time so far, in microseconds. */
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

/** The app in its own process, so it does not share an event loop with autocannon. */
export async function startServer(start: ServerStart, cpuProfDir?: string): Promise<RunningServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
    execArgv: [
      '--import',
      'tsx',
      ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
    ],
    // The server logs as in production; its stdout goes nowhere so the terminal stays readable.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const exited = once(child, 'exit')
  child.send(start)
  const ready = await Promise.race([
    once(child, 'message').then(([message]) => message as ServerReady),
    exited.then(([code]) => {
      throw new Error(`The benchmark server exited (${String(code)}) before listening`)
    }),
  ])
  const command = (c: ServerCommand) => {
    child.send(c)
  }
  return {
    ready,
    async cpuMicros() {
      const answer = once(child, 'message')
      command('cpu')
      const [cpu] = (await answer) as [ServerCpu]
      return cpu.cpuMicros
    },
    async stop() {
      if (child.exitCode === null) command('stop')
      await exited
    },
  }
}

// bench/api.ts reuses the pieces above; only `npm run bench:intake` runs this benchmark.
if (process.argv[1] === fileURLToPath(import.meta.url))
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
    process.exitCode = 1
  })
