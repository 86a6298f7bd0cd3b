import { randomBytes } from 'node:crypto'
import { auditTrail } from '../src/audit/trail.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/open.js'
import { buildDeps } from '../src/deps.js'
import { resolveSecrets } from '../src/secrets.js'
import { parseSteps, reportSteps } from '../test/reports.js'

/**
 * The "service" side of `npm run bench:outbox`, its own process so the harness can kill it
 * with SIGKILL mid-transaction: it files reports through the real intake (which writes the
 * reporter's acknowledgement with the report) and refers each one urgently to the bench's
 * partner agency (which writes the referral's delivery with the referral), until the database
 * holds BENCH_TARGET referrals. Its clock is a weekday noon moving on in real time, so every
 * acknowledgement is due at once.
 */
const target = Number(process.env.BENCH_TARGET)
const agencyId = process.env.BENCH_AGENCY_ID ?? ''
const started = Date.now()
const now = () => new Date(Date.parse('2026-11-25T12:00:00Z') + (Date.now() - started))

const config = loadConfig()
const db = await openDatabase(config)
const deps = await buildDeps({ config, db, secrets: await resolveSecrets(config), now })
const answers = await parseSteps(deps.journey, reportSteps['concerned-adult'])
const viewer = { id: 'bench-supervisor', roles: ['supervisor'] as const }
const audit = auditTrail({ event: 'referral.created', actor: () => 'bench', address: '', now })

for (;;) {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM referrals')
  if ((row?.n ?? 0) >= target) break
  const idHash = randomBytes(16).toString('hex')
  await deps.reports.saveDraft(idHash, answers)
  const sent = await deps.reports.submit(idHash)
  if (sent.kind !== 'submitted') throw new Error(`intake said ${sent.kind}`)
  const [report] = await db.query<{ id: string }>('SELECT id FROM reports WHERE reference = $1', [
    sent.reference,
  ])
  if (!report) throw new Error('the report is missing')
  const made = await deps.referrals.create(
    audit,
    report.id,
    { ...viewer, roles: [...viewer.roles] },
    {
      partnerAgencyId: agencyId,
      urgency: 'urgent',
      reason: 'Bench referral',
      lawfulBasis: 'safeguarding-children-at-risk',
      shared: ['what-happened'],
    },
  )
  if (!made.ok) throw new Error(`referral refused: ${made.code}`)
}
await db.close()
process.exit(0)
