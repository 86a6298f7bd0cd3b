import { randomBytes, randomUUID } from 'node:crypto'
import { cpus } from 'node:os'
import { hashApiKey, newApiKey } from '../src/api/keys.js'
import { insertClient, insertKey } from '../src/api/repository.js'
import type { Db } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import { draftRepository } from '../src/reports/drafts.js'
import { buildReportJourney } from '../src/reports/journey.js'
import { apiReport } from '../test/api.js'
import { machineBusyShare } from './cpu.js'
import {
  csrfPairs,
  importJurisdictions,
  measureOnce,
  median,
  medianOf,
  readSettings,
  startServer,
  storedAnswers,
  submitReports,
  warmUp,
  type Bench,
  type Measured,
  type Route,
  type Settings,
} from './intake.js'
import { drive } from './load.js'
import { productionTestEnv } from './production-env.js'

/**
 * `npm run bench:api`: reports sent to the platform API (`POST /api/v1/reports`, JSON, a key
 * and a fresh Idempotency-Key each) beside reports submitted through the form (the final
 * POST of a complete draft, as `bench:intake` measures it), on one server, in the same run,
 * round by round. The API request carries the whole report, so it also does the form's page
 * by page checks that the form spreads over its earlier pages. Settings as bench:intake's
 * (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_DATABASE_URL).
 */
const RATE_LIMIT = 100_000_000

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
    const apiKey = newApiKey()
    const clientId = randomUUID()
    await insertClient(db, { id: clientId, name: 'Benchmark Platform' }, new Date())
    await insertKey(db, { id: randomUUID(), clientId, keyHash: hashApiKey(apiKey) }, new Date())
    const answeredApi = { count: 0 }
    const api: Route = (amount) =>
      Promise.resolve(() => sendApiReports(bench, apiKey, amount, answeredApi))

    const cpu = cpus()
    const busy = await machineBusyShare()
    console.log(`Safety Centre API intake benchmark, ${new Date().toISOString()}`)
    console.log(
      `machine: ${String(cpu.length)} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}; ` +
        `CPU busy just before the run: ${busy === undefined ? 'unknown' : `${(busy * 100).toFixed(0)}%`}`,
    )
    console.log(
      `triage data: ${String(jurisdictionRows)} jurisdiction rows; load: ${String(settings.connections)} connections, ` +
        `${String(settings.rounds)} rounds of form then API, each about ${String(settings.seconds)} s\n`,
    )

    const form: Route = (amount) => submitReports(bench, amount)
    let formRate = await warmUp(settings, form)
    let apiRate = await warmUp(settings, api)
    const rounds: { form: Measured; api: Measured }[] = []
    for (let round = 0; round < settings.rounds; round++) {
      const formRun = await measureOnce(settings, server, form, formRate)
      const apiRun = await measureOnce(settings, server, api, apiRate)
      rounds.push({ form: formRun, api: apiRun })
      formRate = formRun
      apiRate = apiRun
    }
    print(rounds)
    await verify(db, bench.answered.reports, answeredApi.count)
  } finally {
    await server.stop()
  }
}

let apiReportsMade = 0

/**
 * A report with its own child and account, as different reports have (see withOwnIdentifiers in
 * bench/intake.ts: the form's drafts get theirs the same way).
 */
function withOwnIdentifiers(n: number): string {
  const base = apiReport()
  return JSON.stringify(
    apiReport({
      victim: { name: `Sam Canary${String(n)}`, age: 13, location: { postcode: 'LS1 4AP' } },
      personOrUserReported: {
        ...base.personOrUserReported,
        accounts: [
          {
            espService: 'Synthetic Chat',
            screenName: `canary_user_${String(n)}`,
            userId: String(n),
            profileUrl: `https://chat.example.org/u/canary_user_${String(n)}`,
          },
        ],
      },
    }),
  )
}

function sendApiReports(bench: Bench, apiKey: string, amount: number, answered: { count: number }) {
  return drive({
    port: bench.port,
    connections: bench.settings.connections,
    amount,
    path: '/api/v1/reports',
    next: () => ({
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: withOwnIdentifiers(apiReportsMade++),
    }),
    check: (status) => (status === 201 ? undefined : String(status)),
  }).then((result) => {
    answered.count += result.succeeded
    return result
  })
}

function print(rounds: readonly { form: Measured; api: Measured }[]): void {
  const cpu = (ms: number | undefined) => (ms === undefined ? '?' : ms.toFixed(2)).padStart(10)
  const row = (label: string, r: Measured) => {
    console.log(
      `${label.padEnd(20)}${String(r.succeeded).padStart(8)}${r.perSecond.toFixed(0).padStart(10)}` +
        `${String(r.p50).padStart(9)}${String(r.p99).padStart(9)}${cpu(r.cpuMs.server)}${cpu(r.cpuMs.postgres)}`,
    )
  }
  console.log(
    `${''.padEnd(20)}   count     per s   p50 ms   p99 ms  server ms  postgres ms (CPU per report)`,
  )
  rounds.forEach((round, i) => {
    row(`round ${String(i + 1)}: form`, round.form)
    row(`round ${String(i + 1)}: API`, round.api)
  })
  const form = medianOf(rounds.map((r) => r.form))
  const api = medianOf(rounds.map((r) => r.api))
  row('median: form', form)
  row('median: API', api)
  const ratio = median(rounds.map((r) => r.api.perSecond / r.form.perSecond))
  console.log(`\nAPI/form rate (median of the rounds' ratios): ${ratio.toFixed(2)}`)
  console.log(`aim API intake at least as fast as the form's: ${ratio >= 1 ? 'met' : 'NOT MET'}`)
}

/** Every 303 and every 201 is exactly one stored report of its source. */
async function verify(db: Db, form: number, api: number): Promise<void> {
  const rows = await db.query<{ source: string; n: number }>(
    'SELECT source, count(*)::int AS n FROM reports GROUP BY source',
  )
  const stored = new Map(rows.map((r) => [r.source, r.n]))
  console.log(
    `\nchecked: ${String(form)} form 303s -> ${String(stored.get('form') ?? 0)} reports; ` +
      `${String(api)} API 201s -> ${String(stored.get('api') ?? 0)} reports`,
  )
  if ((stored.get('form') ?? 0) !== form || (stored.get('api') ?? 0) !== api)
    throw new Error('Stored reports do not match the successful responses')
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exitCode = 1
})
