import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { sealAllAuditEvents, verifyAuditChain } from '../src/audit/sealing.js'
import type { Envelope } from '../src/crypto/envelope.js'
import type { Db } from '../src/db/db.js'
import type { Audience } from '../src/reports/model.js'
import { registerApiClient } from '../test/api.js'
import { Balancer } from './balancer.js'
import { CrashApiClient } from './crash-api-client.js'
import {
  CrashReporter,
  instancesInIntake,
  newReporterStats,
  plantedSubmission,
  type ReporterStats,
} from './crash-reporter.js'
import { startCluster, type Cluster, type ServiceProcess } from './instances.js'
import { Ledger, readLedger } from './ledger.js'
import {
  brokenInvariants,
  reconcile,
  type LedgerEntry,
  type Reconciliation,
  type StoredReport,
} from './reconcile.js'
import { median } from './stats.js'

/**
 * `npm run bench:crash`: reporters fill in the real form over HTTP, and platforms send reports
 * through the API, against two instances of the service (src/server.ts, each its own process,
 * on one PostgreSQL schema) while this harness kills one instance at a time with SIGKILL at
 * random moments and starts it again. A client whose instance stops answering moves to the
 * other, as behind a load balancer, and sends the same request again (a platform with the same
 * Idempotency-Key and body). The clients write what they sent and what they were told to an
 * fsync'd ledger; afterwards the database must hold every acknowledged report, once, with its
 * audit entry. `--negative-control` turns on UNSAFE_TEST_ACK_BEFORE_COMMIT and passes only if
 * the harness catches the reports that switch loses. See docs/reliability.md.
 */
const AUDIENCES: readonly Audience[] = [
  'parent-carer',
  'young-person',
  'professional',
  'concerned-adult',
]
/** Every client comes from 127.0.0.1 with one API key, so the limits on reports are lifted. */
const RATE_LIMIT = 100_000_000

interface Settings {
  kills: number
  instances: number
  reporters: number
  apiClients: number
  negativeControl: boolean
  /** Keeps the temporary folder (ledger and the instances' logs) for a look afterwards. */
  keep: boolean
  databaseUrl: string
  /** An instance runs for a random time in this range (ms) after a restart, then one dies. */
  uptime: readonly [number, number]
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      kills: { type: 'string', default: '100' },
      instances: { type: 'string', default: '2' },
      reporters: { type: 'string', default: '50' },
      'api-clients': { type: 'string', default: '10' },
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
    instances: int('instances', values.instances, 1),
    reporters: int('reporters', values.reporters, 0),
    apiClients: int('api-clients', values['api-clients'], 0),
    negativeControl: values['negative-control'],
    keep: values.keep,
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    uptime: [minUptime, Math.max(minUptime, int('max-uptime-ms', values['max-uptime-ms'], 0))],
  }
}

async function main(): Promise<number> {
  const settings = readSettings()
  if (settings.reporters + settings.apiClients === 0)
    throw new Error('--reporters and --api-clients cannot both be 0')
  const cluster = await startCluster({
    instances: settings.instances,
    databaseUrl: settings.databaseUrl,
    keep: settings.keep,
    env: {
      // The production composition, except for the negative control: config.ts refuses the
      // unsafe switch in production, which is part of what keeps it out of real use.
      ...(settings.negativeControl
        ? { NODE_ENV: 'test', UNSAFE_TEST_ACK_BEFORE_COMMIT: 'true' }
        : {}),
      DATABASE_POOL_SIZE: '10',
      REPORT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      API_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    },
  })
  try {
    return await run(settings, cluster)
  } finally {
    await cluster.close()
    if (settings.keep) console.log(`ledger and the instances' logs kept in ${cluster.dir}`)
  }
}

async function run(settings: Settings, cluster: Cluster): Promise<number> {
  const { db, instances } = cluster
  const [pg] = await db.query<{
    server_version: string
    fsync: string
    synchronous_commit: string
  }>(
    `SELECT current_setting('server_version') AS server_version, current_setting('fsync') AS fsync,
            current_setting('synchronous_commit') AS synchronous_commit`,
  )
  printHeader(settings, pg)

  const { key: apiKey } = await registerApiClient(db, 'Crash Benchmark Platform')
  const ledgerPath = join(cluster.dir, 'ledger.jsonl')
  const ledger = await Ledger.create(ledgerPath)
  const stats = newReporterStats()
  const balancer = new Balancer(instances.map((i) => i.origin))
  const started = performance.now()

  let stopping = false
  const keepReporting = async (report: (n: number) => Promise<void>) => {
    for (let n = 0; !stopping; n++) {
      try {
        await report(n)
      } catch {
        // Counted as unexpected by the client; a person or a platform would start again.
        await sleep(100)
      }
    }
  }
  const clients = [
    ...Array.from({ length: settings.reporters }, (_, i) => {
      const reporter = new CrashReporter(balancer, ledger, stats)
      return keepReporting((n) =>
        reporter.report(AUDIENCES[(i + n) % AUDIENCES.length] ?? 'parent-carer'),
      )
    }),
    ...Array.from({ length: settings.apiClients }, () => {
      const platform = new CrashApiClient(balancer, ledger, stats, apiKey)
      return keepReporting(() => platform.report())
    }),
  ]

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
      const victim = await chooseVictim(settings, stats, instances, kill)
      if (instancesInIntake(stats).includes(victim.origin)) killsDuringIntake++
      const killedAt = performance.now()
      await victim.kill()
      failedStarts += await restart(victim)
      recoveries.push(performance.now() - killedAt)
      if (kill % 10 === 0 || kill === settings.kills)
        console.log(`  ${kill} kills, ${stats.reports} reports acknowledged so far`)
    }
    if (settings.kills === 0) await sleep(10_000)
  } catch (error) {
    await Promise.all(instances.map((i) => i.kill()))
    throw error
  } finally {
    // No more kills: every client finishes the report it is on, then stops.
    stopping = true
    await Promise.all(clients)
  }
  const seconds = (performance.now() - started) / 1000
  await Promise.all(instances.map((i) => i.stop()))
  await ledger.close()

  const stored = await storedReports(db, cluster.envelope)
  await sealAllAuditEvents(db, cluster.keys)
  const chain = await verifyAuditChain(db, cluster.keys)
  const entries = await readLedger(ledgerPath)
  const result = reconcile(entries, stored)
  const errorLines = (await Promise.all(instances.map((i) => i.errorLines()))).flat().length
  printResults(settings, result, stats, entries, {
    recoveries,
    killsDuringIntake,
    seconds,
    failedStarts,
    chainBroken: chain.brokenAt !== null,
    sealed: chain.sealed,
    errorLines,
  })
  return verdict(settings, result, stats, waysAcknowledged(entries), chain.brokenAt !== null)
}

/**
 * Which instance dies next. Every other kill waits (up to 2 min) for a final submission on the
 * wire and kills the instance it went to, so that many kills land inside intake itself, the
 * window a crash must not lose anything in; the others pick an instance at random. The
 * negative control's unsafe switch stores a report a second after acknowledging it, so it
 * kills the instance that acknowledged a report in the last 300 ms, to show whether the
 * harness notices what that loses.
 */
async function chooseVictim(
  settings: Settings,
  stats: ReporterStats,
  instances: readonly ServiceProcess[],
  kill: number,
): Promise<ServiceProcess> {
  const byOrigin = (origin: string | undefined) => instances.find((i) => i.origin === origin)
  const anyOf = <T>(list: readonly T[]): T | undefined =>
    list[Math.floor(Math.random() * list.length)]
  if (settings.negativeControl) {
    await until(() => performance.now() - stats.lastAcknowledgedAt < 300, 300_000)
    const acknowledging = byOrigin(stats.lastAcknowledgedBy)
    if (acknowledging) return acknowledging
  } else if (kill % 2 === 0) {
    await until(() => instancesInIntake(stats).length > 0, 120_000)
    const inIntake = byOrigin(anyOf(instancesInIntake(stats)))
    if (inIntake) return inIntake
  }
  const victim = anyOf(instances)
  if (!victim) throw new Error('No instance to kill')
  return victim
}

function verdict(
  settings: Settings,
  result: Reconciliation,
  stats: ReporterStats,
  acknowledgedVia: ReadonlySet<'form' | 'api'>,
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
  for (const [way, clients] of [
    ['form', settings.reporters],
    ['api', settings.apiClients],
  ] as const)
    if (clients > 0 && !acknowledgedVia.has(way))
      broken.push(`no ${way} report was acknowledged, so that way in was not tested`)
  if (broken.length === 0) {
    console.log('\nall invariants held')
    return 0
  }
  console.log(`\nFAILED: ${broken.join('; ')}`)
  return 1
}

/** The ways in (form, API) through which at least one report was acknowledged. */
function waysAcknowledged(entries: readonly LedgerEntry[]): Set<'form' | 'api'> {
  const via = new Map<string, 'form' | 'api'>()
  for (const e of entries) if (e.kind === 'sent') via.set(e.submission, e.via ?? 'form')
  return new Set(
    entries.flatMap((e) => (e.kind === 'acknowledged' ? [via.get(e.submission) ?? 'form'] : [])),
  )
}

/** Every stored report, its answers decrypted to find the submission id its reporter planted. */
async function storedReports(db: Db, envelope: Envelope): Promise<StoredReport[]> {
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

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms
  while (!condition() && performance.now() < deadline) await sleep(1)
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
    `service: ${settings.instances} x src/server.ts, each its own process on one schema, ` +
      `NODE_ENV=${settings.negativeControl ? 'test' : 'production'}` +
      `${settings.negativeControl ? ', UNSAFE_TEST_ACK_BEFORE_COMMIT=true (negative control)' : ''}, ` +
      `report and API rate limits raised to ${RATE_LIMIT}/min`,
  )
  console.log(
    `load: ${settings.reporters} reporters walking the form over HTTP and ${settings.apiClients} ` +
      `platforms sending to the API (retrying with their Idempotency-Key), each moving to the ` +
      `next instance on a connection error; ${settings.kills} SIGKILLs of one instance at a time, ` +
      `each ${settings.uptime[0]}-${settings.uptime[1]} ms (uniform) after the last restart answers /health, ` +
      (settings.negativeControl
        ? 'each then held until a report was acknowledged in the last 300 ms (at most 5 min) and aimed at the instance that acknowledged it\n'
        : 'every other one then held until a final submission is in flight (at most 2 min) and aimed at its instance\n'),
  )
}

function printResults(
  settings: Settings,
  r: Reconciliation,
  stats: ReporterStats,
  entries: readonly LedgerEntry[],
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
  // Each figure about submissions, split by the way in: "3 (form 2, API 1)".
  const via = new Map<string, string>()
  for (const e of entries) if (e.kind === 'sent') via.set(e.submission, e.via ?? 'form')
  const byWay = (submissions: Iterable<string>) => {
    const list = [...submissions]
    const api = list.filter((s) => via.get(s) === 'api').length
    return `${list.length} (form ${list.length - api}, API ${api})`
  }
  const acknowledged = new Set(
    entries.filter((e) => e.kind === 'acknowledged').map((e) => e.submission),
  )
  console.log('')
  line('acknowledged but missing', byWay(r.acknowledgedButMissing))
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
  line('reports sent (final POST)', byWay(via.keys()))
  line('reports acknowledged (303 to confirmation, 201)', byWay(acknowledged))
  line('reports stored', r.stored)
  line('stored, client never heard back', r.storedNotAcknowledged)
  line('requests sent again after a connection error', stats.connectionErrors)
  line('  of which to the other instance', stats.switchedInstance)
  line('503 answers, load shed (sent again)', stats.shed)
  line('other 5xx answers (sent again)', stats.serverErrors)
  line("error-level lines in the instances' logs", run.errorLines)
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
async function restart(service: ServiceProcess): Promise<number> {
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
