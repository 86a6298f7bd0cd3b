import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { sealAllAuditEvents, verifyAuditChain } from '../src/audit/sealing.js'
import { createEnvelope } from '../src/crypto/envelope.js'
import type { Db } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import type { Audience } from '../src/reports/model.js'
import { paths } from '../src/web/paths.js'
import {
  CrashReporter,
  newReporterStats,
  plantedSubmission,
  type ReporterStats,
} from './crash-reporter.js'
import { Ledger, readLedger } from './ledger.js'
import { brokenInvariants, reconcile, type Reconciliation, type StoredReport } from './reconcile.js'
import { median } from './stats.js'

/**
 * `npm run bench:crash`: reporters fill in the real form over HTTP against the service
 * (src/server.ts, its own process, on PostgreSQL) while this harness kills it with SIGKILL at
 * random moments and starts it again. The reporters write what they sent and what they were
 * told to an fsync'd ledger; afterwards the database must hold every acknowledged report,
 * once, with its audit entry. `--negative-control` turns on UNSAFE_TEST_ACK_BEFORE_COMMIT and
 * passes only if the harness catches the reports that switch loses. See docs/reliability.md.
 */
const REPO = fileURLToPath(new URL('..', import.meta.url))
const KEY_ID = 'crash-1'
const AUDIENCES: readonly Audience[] = [
  'parent-carer',
  'young-person',
  'professional',
  'concerned-adult',
]
/** Every reporter comes from 127.0.0.1, so the per-address limit on report POSTs is lifted. */
const RATE_LIMIT = 100_000_000

interface Settings {
  kills: number
  reporters: number
  negativeControl: boolean
  /** Keeps the temporary folder (ledger and service log) for a look afterwards. */
  keep: boolean
  databaseUrl: string
  /** The service runs for a random time in this range (ms) after it answers /health, then dies. */
  uptime: readonly [number, number]
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      kills: { type: 'string', default: '100' },
      reporters: { type: 'string', default: '50' },
      'negative-control': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'min-uptime-ms': { type: 'string', default: '500' },
      'max-uptime-ms': { type: 'string', default: '4000' },
    },
  })
  const int = (name: string, text: string, min: number): number => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be an integer >= ${min}`)
    return value
  }
  const minUptime = int('min-uptime-ms', values['min-uptime-ms'], 0)
  return {
    kills: int('kills', values.kills, 0),
    reporters: int('reporters', values.reporters, 1),
    negativeControl: values['negative-control'],
    keep: values.keep,
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    uptime: [minUptime, Math.max(minUptime, int('max-uptime-ms', values['max-uptime-ms'], 0))],
  }
}

async function main(): Promise<number> {
  const settings = readSettings()
  const schema = `crash_${randomBytes(6).toString('hex')}`
  const dir = await mkdtemp(join(tmpdir(), 'safety-centre-crash-'))
  const admin = openPostgres({ connectionString: settings.databaseUrl, maxConnections: 1 })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  const db = openPostgres({
    connectionString: settings.databaseUrl,
    maxConnections: 2,
    options: `-c search_path=${schema}`,
  })
  try {
    await migrate(db)
    return await run(settings, schema, dir, db)
  } finally {
    await db.close()
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
    await admin.close()
    if (settings.keep) console.log(`ledger and service log kept in ${dir}`)
    else await rm(dir, { recursive: true, force: true })
  }
}

async function run(settings: Settings, schema: string, dir: string, db: Db): Promise<number> {
  const key = randomBytes(32)
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const url = new URL(settings.databaseUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  const service = new Service(origin, join(dir, 'service.log'), {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    // The production composition, except for the negative control: config.ts refuses the
    // unsafe switch in production, which is part of what keeps it out of real use.
    NODE_ENV: settings.negativeControl ? 'test' : 'production',
    ...(settings.negativeControl ? { UNSAFE_TEST_ACK_BEFORE_COMMIT: 'true' } : {}),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    DATABASE_URL: url.toString(),
    ENCRYPTION_KEYS: `${KEY_ID}:${key.toString('base64')}`,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    IDENTIFIER_KEYS: `${KEY_ID}:${randomBytes(32).toString('base64')}`,
    SERVICE_URL: 'https://safety-centre.example.org',
    REPORT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    LOG_LEVEL: 'warn',
  })
  const [pg] = await db.query<{
    server_version: string
    fsync: string
    synchronous_commit: string
  }>(
    `SELECT current_setting('server_version') AS server_version, current_setting('fsync') AS fsync,
            current_setting('synchronous_commit') AS synchronous_commit`,
  )
  printHeader(settings, pg)

  const ledgerPath = join(dir, 'ledger.jsonl')
  const ledger = await Ledger.create(ledgerPath)
  const stats = newReporterStats()
  const started = performance.now()
  await service.start()
  await service.healthy()

  let stopping = false
  const reporters = Array.from({ length: settings.reporters }, async (_, i) => {
    const reporter = new CrashReporter(origin, ledger, stats)
    for (let n = 0; !stopping; n++) {
      try {
        await reporter.report(AUDIENCES[(i + n) % AUDIENCES.length] ?? 'parent-carer')
      } catch {
        // Counted as unexpected by the reporter; a person would start again.
        await sleep(100)
      }
    }
  })

  const recoveries: number[] = []
  let failedStarts = 0
  let killsDuringIntake = 0
  // SIGINT or SIGTERM ends the killing early; the run still reconciles and prints its figures.
  const stop = { requested: false }
  const interrupt = () => {
    stop.requested = true
  }
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt)
  try {
    for (let kill = 1; kill <= settings.kills && !stop.requested; kill++) {
      const [min, max] = settings.uptime
      await sleep(min + Math.random() * (max - min))
      // Every other kill waits (up to 2 min) for a final submission on the wire, so that many
      // kills land inside intake itself, the window a crash must not lose anything in.
      if (settings.negativeControl) {
        // The unsafe switch stores a report a second after acknowledging it; killing just
        // after an acknowledgement shows whether the harness notices what that loses.
        await until(() => performance.now() - stats.lastAcknowledgedAt < 300, 300_000)
      } else if (kill % 2 === 0) await until(() => stats.finalPostsInFlight > 0, 120_000)
      if (stats.finalPostsInFlight > 0) killsDuringIntake++
      const killedAt = performance.now()
      await service.kill()
      failedStarts += await restart(service)
      recoveries.push(performance.now() - killedAt)
      if (kill % 10 === 0 || kill === settings.kills)
        console.log(`  ${kill} kills, ${stats.reports} reports acknowledged so far`)
    }
    if (settings.kills === 0) await sleep(10_000)
  } catch (error) {
    await service.kill()
    throw error
  } finally {
    // No more kills: every reporter finishes the report it is on, then stops.
    stopping = true
    await Promise.all(reporters)
  }
  const seconds = (performance.now() - started) / 1000
  await service.stop()
  await ledger.close()

  const stored = await storedReports(db, key)
  const keys = { activeKeyId: KEY_ID, keys: new Map([[KEY_ID, key]]) }
  await sealAllAuditEvents(db, keys)
  const chain = await verifyAuditChain(db, keys)
  const result = reconcile(await readLedger(ledgerPath), stored)
  const errorLines = await countErrorLines(service.logPath)
  printResults(settings, result, stats, {
    recoveries,
    killsDuringIntake,
    seconds,
    failedStarts,
    chainBroken: chain.brokenAt !== null,
    sealed: chain.sealed,
    errorLines,
  })
  return verdict(settings, result, stats, chain.brokenAt !== null)
}

function verdict(
  settings: Settings,
  result: Reconciliation,
  stats: ReporterStats,
  chainBroken: boolean,
): number {
  const lost = result.acknowledgedButMissing.length
  if (settings.negativeControl) {
    if (lost > 0) {
      console.log(`\nnegative control: harness caught ${lost} lost acknowledgements`)
      return 0
    }
    console.log(
      '\nnegative control FAILED: acknowledging before COMMIT lost nothing the harness could see',
    )
    return 1
  }
  const broken = brokenInvariants(result)
  const unexpected = [...stats.unexpected.values()].reduce((a, b) => a + b, 0)
  if (unexpected > 0) broken.push(`unexpected answers: ${unexpected}`)
  if (chainBroken) broken.push('audit hash chain broken')
  if (result.acknowledged === 0) broken.push('no report was acknowledged, so nothing was tested')
  if (broken.length === 0) {
    console.log('\nall invariants held')
    return 0
  }
  console.log(`\nFAILED: ${broken.join('; ')}`)
  return 1
}

/** Every stored report, its answers decrypted to find the submission id its reporter planted. */
async function storedReports(db: Db, key: Buffer): Promise<StoredReport[]> {
  const envelope = createEnvelope({ activeKeyId: KEY_ID, keys: new Map([[KEY_ID, key]]) })
  const rows = await db.query<{
    id: string
    reference: string
    key_id: string
    wrapped_data_key: Buffer
    personal_ciphertext: Buffer
    audited: boolean
  }>(
    `SELECT r.id, r.reference, r.key_id, r.wrapped_data_key, r.personal_ciphertext,
            EXISTS (SELECT 1 FROM audit_events a
                     WHERE a.event = 'report.received' AND a.subject_type = 'report'
                       AND a.subject_id = r.id::text) AS audited
       FROM reports r`,
  )
  return rows.map((row) => {
    let submission: string | undefined
    try {
      const plaintext = envelope.open(
        {
          keyId: row.key_id,
          wrappedKey: row.wrapped_data_key,
          ciphertext: row.personal_ciphertext,
        },
        `report:${row.id}`,
      )
      submission = plantedSubmission(plaintext)
    } catch {
      submission = undefined
    }
    return { id: row.id, reference: row.reference, submission, audited: row.audited }
  })
}

/** The service as production runs it: `src/server.ts` in its own Node process, no wrapper. */
class Service {
  private child: ChildProcess | undefined

  constructor(
    private readonly origin: string,
    readonly logPath: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    // The harness must not leave a service behind, whichever way it ends.
    process.once('exit', () => this.child?.kill('SIGKILL'))
  }

  async start(): Promise<void> {
    const log = await open(this.logPath, 'a')
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: REPO,
      env: this.env,
      stdio: ['ignore', log.fd, log.fd],
    })
    await log.close()
  }

  /** Polls /health until it answers 200; on a busy shared machine a start can take a minute. */
  async healthy(): Promise<void> {
    const deadline = performance.now() + 180_000
    while (performance.now() < deadline) {
      if (this.child?.exitCode !== null)
        throw new Error(`The service exited (${String(this.child?.exitCode)}); see its log`)
      try {
        const response = await fetch(`${this.origin}${paths.health}`, {
          signal: AbortSignal.timeout(1000),
        })
        await response.arrayBuffer()
        if (response.status === 200) return
      } catch {
        // not listening yet
      }
      await sleep(10)
    }
    throw new Error('The service did not answer /health within 180 s')
  }

  async kill(): Promise<void> {
    const child = this.running()
    if (!child) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }

  private running(): ChildProcess | undefined {
    const child = this.child
    return child?.exitCode === null && child.signalCode === null ? child : undefined
  }

  /** A graceful stop at the end, as an operator would. */
  async stop(): Promise<void> {
    const child = this.running()
    if (!child) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await Promise.race([exited, sleep(10_000).then(() => this.kill())])
  }
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms
  while (!condition() && performance.now() < deadline) await sleep(1)
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('No TCP port')
  return address.port
}

/** Lines the service logged at level error or above (pino: 50 and 60). */
async function countErrorLines(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '')
  return text.split('\n').filter((line) => /"level":(50|60)\b/.test(line)).length
}

function printHeader(
  settings: Settings,
  pg: { server_version: string; fsync: string; synchronous_commit: string } | undefined,
): void {
  const cpu = cpus()
  console.log(`Safety Centre crash benchmark, ${new Date().toISOString()}`)
  console.log(`load average (1 min) at the start: ${loadavg()[0]?.toFixed(1) ?? '?'}`)
  console.log(
    `machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ` +
      `PostgreSQL ${pg?.server_version ?? '?'} at ${new URL(settings.databaseUrl).host} ` +
      `(fsync ${pg?.fsync ?? '?'}, synchronous_commit ${pg?.synchronous_commit ?? '?'})`,
  )
  console.log(
    `service: src/server.ts in its own process, NODE_ENV=${settings.negativeControl ? 'test' : 'production'}` +
      `${settings.negativeControl ? ', UNSAFE_TEST_ACK_BEFORE_COMMIT=true (negative control)' : ''}, ` +
      `report rate limit raised to ${RATE_LIMIT}/min`,
  )
  console.log(
    `load: ${settings.reporters} reporters walking the form over HTTP; ${settings.kills} SIGKILLs, ` +
      `each ${settings.uptime[0]}-${settings.uptime[1]} ms (uniform) after the service answers /health, ` +
      (settings.negativeControl
        ? 'each then held until a report was acknowledged in the last 300 ms (at most 5 min)\n'
        : 'every other one then held until a final submission is in flight (at most 2 min)\n'),
  )
}

function printResults(
  settings: Settings,
  r: Reconciliation,
  stats: ReporterStats,
  run: {
    recoveries: number[]
    killsDuringIntake: number
    seconds: number
    chainBroken: boolean
    sealed: number
    errorLines: number
    failedStarts: number
  },
): void {
  const line = (label: string, value: string | number) => {
    console.log(`${label.padEnd(48)}${String(value)}`)
  }
  const ms = (v: number) => (Number.isNaN(v) ? '-' : `${Math.round(v)} ms`)
  console.log('')
  line('acknowledged but missing', r.acknowledgedButMissing.length)
  line('duplicates', r.duplicates)
  line('reports without their audit entry', r.withoutAudit)
  line('confirmation showed another reference', r.referenceMismatches)
  line('acknowledged without a reference shown', r.acknowledgedWithoutReference)
  line('reports no client sent', r.unknownReports)
  line('audit hash chain', run.chainBroken ? 'BROKEN' : `intact (${run.sealed} events sealed)`)
  line(
    'unexpected answers',
    [...stats.unexpected.values()].reduce((a, b) => a + b, 0),
  )
  for (const [what, count] of stats.unexpected) line(`  ${what}`, count)
  console.log('')
  line('kills (SIGKILL)', `${run.recoveries.length} of ${settings.kills}`)
  line('  of which during a final submission', run.killsDuringIntake)
  line('recovery, kill to first good /health: median', ms(median(run.recoveries)))
  line('recovery: max', ms(run.recoveries.length > 0 ? Math.max(...run.recoveries) : NaN))
  line('reports sent (final POST)', r.sent)
  line('reports acknowledged (303 to confirmation)', r.acknowledged)
  line('reports stored', r.stored)
  line('stored, client never heard back', r.storedNotAcknowledged)
  line('requests sent again after a connection error', stats.connectionErrors)
  line('5xx answers (sent again)', stats.serverErrors)
  line('error-level lines in the service log', run.errorLines)
  line('starts that failed and were tried again', run.failedStarts)
  line('seconds', run.seconds.toFixed(1))
  line('load average (1 min) at the end', loadavg()[0]?.toFixed(1) ?? '?')
  if (settings.negativeControl && r.acknowledgedButMissing.length === 0)
    line('note', 'the negative control should have lost reports')
}

/**
 * Starts the service again after a kill. A start that fails (the port not yet free on a busy
 * machine, say) is tried again, up to three times, so one bad start does not throw away a
 * run's ledger; each failure is counted and printed, and the third one ends the run.
 */
async function restart(service: Service): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      await service.start()
      await service.healthy()
      return attempt - 1
    } catch (error) {
      if (attempt === 3) throw error
      console.log(
        `  a start failed (${error instanceof Error ? error.message : String(error)}); trying again`,
      )
      await service.kill()
      await sleep(1000)
    }
  }
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
