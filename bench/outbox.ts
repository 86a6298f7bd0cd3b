import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { auditTrail } from '../src/audit/trail.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import { undeliveredCount } from '../src/outbox/repository.js'
import { deliveryChannelService } from '../src/partner-agencies/delivery-service.js'
import { startSmtpServer, startWebhookReceiver } from '../test/delivery.js'
import { productionTestEnv } from './production-env.js'

/**
 * `npm run bench:outbox`: a producer process files reports (each with its reporter's
 * acknowledgement) and urgent referrals, while two `npm run worker` processes deliver them to a
 * real SMTP server and a signed-webhook receiver in this process; the harness kills any of the
 * three with SIGKILL at random moments and starts it again. Afterwards every referral and
 * report the database holds must have arrived (`lost 0`), and after the receivers drop repeats
 * by message id nothing may have arrived twice. `--negative-control` writes referrals'
 * deliveries after they commit (UNSAFE_TEST_ENQUEUE_AFTER_COMMIT) and passes only if the
 * harness sees the loss. Run it briefly: `--count 200 --kills 10`.
 */
const REPO = fileURLToPath(new URL('..', import.meta.url))
const SECRET = randomBytes(32).toString('hex')

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    kills: { type: 'string', default: '20' },
    'negative-control': { type: 'boolean', default: false },
  },
})
const count = Number(values.count)
const maxKills = Number(values.kills)
const negativeControl = values['negative-control']
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const schema = `outbox_${randomBytes(6).toString('hex')}`
const admin = openPostgres({ connectionString: databaseUrl, maxConnections: 1 })
await admin.exec(`CREATE SCHEMA ${schema}`)
const db = openPostgres({
  connectionString: databaseUrl,
  maxConnections: 2,
  options: `-c search_path=${schema}`,
})
const smtp = await startSmtpServer()
const hook = await startWebhookReceiver(SECRET)
const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

try {
  await migrate(db)
  const production = productionTestEnv()
  const envelope = production.envelope
  const agencyId = crypto.randomUUID()
  await db.query(
    `INSERT INTO partner_agencies (id, kind, name, created_at, updated_at)
     VALUES ($1, 'other', 'Bench partner', now(), now())`,
    [agencyId],
  )
  const saved = await deliveryChannelService({ db, envelope, now: () => new Date() }).save(
    auditTrail({ event: 'bench.set-up', actor: () => 'bench', address: '', now: () => new Date() }),
    agencyId,
    { webhookUrl: hook.url, webhookSecret: SECRET, webhookFormat: 'safety-centre-referral-v1' },
  )
  if (!saved.ok) throw new Error('could not set the partner agency up')

  const url = new URL(databaseUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  const env = {
    PATH: process.env.PATH,
    ...production.env,
    // Not production: the workers trust the test SMTP server's own certificate, and the
    // negative control's unsafe switch is refused in production.
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url.toString(),
    DATABASE_POOL_SIZE: '3',
    SMTP_URL: smtp.url,
    SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
    OUTBOX_RETRY_BASE_SECONDS: '1',
    OUTBOX_LEASE_SECONDS: '5',
    BENCH_TARGET: String(count),
    BENCH_AGENCY_ID: agencyId,
    UNSAFE_TEST_ENQUEUE_AFTER_COMMIT: String(negativeControl),
  }
  const start = (script: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    children.add(child)
    child.once('exit', () => children.delete(child))
    return child
  }
  const roles = {
    producer: start('bench/outbox-producer.ts'),
    worker1: start('src/worker.ts'),
    worker2: start('src/worker.ts'),
  }
  const scripts = {
    producer: 'bench/outbox-producer.ts',
    worker1: 'src/worker.ts',
    worker2: 'src/worker.ts',
  }
  const began = performance.now()
  let kills = 0
  let producerDone = false
  // Bounded: at most `kills` kills, and the run gives up after ten minutes.
  while (!producerDone && performance.now() - began < 600_000) {
    await sleep(1_000 + Math.random() * 3_000)
    producerDone = roles.producer.exitCode === 0
    if (producerDone || kills >= maxKills) continue
    const names = Object.keys(roles) as (keyof typeof roles)[]
    // The negative control's loss happens in the producer: half the kills go to it.
    const victim =
      negativeControl && Math.random() < 0.5
        ? 'producer'
        : (names[Math.floor(Math.random() * names.length)] ?? 'worker1')
    roles[victim].kill('SIGKILL')
    kills += 1
    await sleep(100)
    roles[victim] = start(scripts[victim])
  }
  if (!producerDone) {
    while (roles.producer.exitCode === null && performance.now() - began < 600_000) await sleep(200)
  }
  const produced = performance.now()
  while ((await undeliveredCount(db)) > 0 && performance.now() - began < 600_000) await sleep(200)
  const deliveredAt = performance.now()
  await sleep(500)

  const referrals = await db.query<{ id: string }>('SELECT id FROM referrals')
  const reports = await db.query<{ reference: string }>('SELECT reference FROM reports')
  const arrivedReferrals = new Map<string, number>()
  for (const r of hook.received) {
    const id = String(r.body.referralId)
    arrivedReferrals.set(id, (arrivedReferrals.get(id) ?? 0) + 1)
  }
  const emailIds = new Map<string, string>()
  let emailTransportDuplicates = 0
  for (const mail of smtp.received) {
    const id = mail.messageId ?? ''
    if (emailIds.has(id)) emailTransportDuplicates += 1
    const reference = /your report (SC-[\d-]+)/.exec(mail.raw.replace(/\r\n[ \t]/g, ' '))?.[1] ?? ''
    emailIds.set(id, reference)
  }
  const acknowledgedReports = new Map<string, number>()
  for (const reference of emailIds.values())
    acknowledgedReports.set(reference, (acknowledgedReports.get(reference) ?? 0) + 1)

  const lostReferrals = referrals.filter((r) => !arrivedReferrals.has(r.id)).length
  const lostAcks = reports.filter((r) => !acknowledgedReports.has(r.reference)).length
  const duplicates =
    [...arrivedReferrals.values()].filter((n) => n > 1).length +
    [...acknowledgedReports.values()].filter((n) => n > 1).length
  const lost = lostReferrals + lostAcks
  if (process.env.BENCH_DEBUG)
    process.stdout.write(
      `${JSON.stringify({
        referrals: [...arrivedReferrals].filter(([, n]) => n > 1).slice(0, 3),
        acks: [...acknowledgedReports].filter(([, n]) => n > 1).slice(0, 3),
      })}\n`,
    )
  const out = (line: string) => process.stdout.write(`${line}\n`)
  out(
    `${negativeControl ? 'NEGATIVE CONTROL (deliveries written after commit): ' : ''}SIGKILLs: ${String(kills)}`,
  )
  out(
    `referrals committed ${String(referrals.length)}, reporter acknowledgements committed ${String(reports.length)}`,
  )
  out(
    `lost ${String(lost)} (referrals ${String(lostReferrals)}, acknowledgements ${String(lostAcks)})`,
  )
  out(`duplicates after receiver de-duplication ${String(duplicates)}`)
  out(
    `transport duplicates ${String(hook.transportDuplicates() + emailTransportDuplicates)} (the same message id again)`,
  )
  out(
    `time to deliver everything ${((deliveredAt - began) / 1000).toFixed(1)} s (producing took ${((produced - began) / 1000).toFixed(1)} s)`,
  )
  const passed = negativeControl ? lost > 0 : lost === 0 && duplicates === 0
  out(passed ? 'PASS' : 'FAIL')
  process.exitCode = passed ? 0 : 1
} finally {
  for (const child of children) child.kill('SIGKILL')
  await smtp.close()
  await hook.close()
  await db.close()
  await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
  await admin.close()
}
