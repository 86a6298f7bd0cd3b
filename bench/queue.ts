import { auditTrail } from '../src/audit/trail.js'
import { jurisdictionDirectory } from '../src/jurisdictions/directory.js'
import { randomBytes, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { createEnvelope } from '../src/crypto/envelope.js'
import type { Queryable } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import { readJurisdictionFile, type LocalAuthorityRow } from '../src/jurisdictions/import.js'
import type { Jurisdiction } from '../src/jurisdictions/model.js'
import { AUDIENCES, type Priority } from '../src/reports/model.js'
import { queueClock, type QueueClock } from '../src/queue/membership.js'
import { countByPriority, listQueue, type QueueFilters } from '../src/queue/repository.js'
import { queueService } from '../src/queue/service.js'
import { loadOfficeCalendar } from '../src/triage/calendar-settings.js'
import { defaultDeadlinePolicy, deadlineFor } from '../src/triage/deadlines.js'
import { queuesFor } from '../src/triage/queues.js'

/**
 * `npm run bench:queue [-- --reports N]`: loads N reports (default 1,000,000) into a throwaway
 * schema on PostgreSQL with COPY, each with its own sealed personal data, then times the triage
 * queue's repository queries and opening one report (claim, audit, decrypt) and prints
 * p50/p95/p99 and each query's plan. See docs/benchmarks.md.
 */
const AIM_P95_MS = 50
const KEY_ID = 'bench-1'
const PAGE = 50
// Wednesday 13 January 2027: 11:00 is office hours, 23:00 the Control Centre's night.
const DAY = new Date('2027-01-13T11:00:00Z')
const NIGHT = new Date('2027-01-13T23:00:00Z')
const SPAN_MS = 3 * 365 * 86_400_000
const LA_FILE = fileURLToPath(
  new URL(
    '../../shared/data/jurisdictions/la_police_force_childrens_services.csv',
    import.meta.url,
  ),
)

const { values: args } = parseArgs({
  options: {
    reports: { type: 'string', default: '1000000' },
    iterations: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
  },
})
const REPORTS = Number(args.reports)
const ITERATIONS = Number(args.iterations)
if (!Number.isInteger(REPORTS) || REPORTS < 1000) throw new Error('--reports must be 1000 or more')
if (!Number.isInteger(ITERATIONS) || ITERATIONS < 10) throw new Error('--iterations must be 10+')
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const envelope = createEnvelope({
  keys: new Map([[KEY_ID, randomBytes(32)]]),
  activeKeyId: KEY_ID,
})

// ---------------------------------------------------------------- synthetic reports

/** A deterministic generator, so two runs load the same spread. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pickWeighted<T>(rand: () => number, choices: readonly (readonly [T, number])[]): T {
  let r = rand()
  for (const [value, weight] of choices) {
    if (r < weight) return value
    r -= weight
  }
  const last = choices.at(-1)
  if (!last) throw new Error('no choices')
  return last[0]
}

const PRIORITIES = [
  ['P1', 0.03],
  ['P2', 0.17],
  ['P3', 0.55],
  ['out-of-scope', 0.25],
] as const
const DECIDED_STATUSES = [
  ['referred', 0.09],
  ['case-opened', 0.3],
  ['closed', 0.61],
] as const
const IN_SCOPE = ['asked-for-images', 'image-shared-threats', 'pressure-to-meet', 'sexual-chat']

const copyText = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
const copyArray = (values: readonly string[]) => copyText(`{${values.join(',')}}`)
const NULL = '\\N'

function jurisdictionFor(rand: () => number, authorities: readonly LocalAuthorityRow[]) {
  const kind = pickWeighted(rand, [
    ['resolved', 0.85],
    ['to-confirm', 0.1],
    ['national', 0.05],
  ] as const)
  const candidate = (la: LocalAuthorityRow, share: number) => ({
    localAuthority: { code: la.code, name: la.name },
    childrenServices: { code: la.childrenServicesCode, name: la.childrenServicesName },
    policeForce: { code: la.policeForceCode, name: la.policeForceName ?? la.policeForceCode },
    share,
  })
  const any = () => {
    const la = authorities[Math.floor(rand() * authorities.length)]
    if (!la) throw new Error('No local authorities to route to')
    return la
  }
  const jurisdiction: Jurisdiction =
    kind === 'national'
      ? { status: 'national', basis: 'none', candidates: [], reason: 'No location given' }
      : kind === 'resolved'
        ? { status: 'resolved', basis: 'postcode', candidates: [candidate(any(), 1)], reason: '' }
        : {
            status: 'to-confirm',
            basis: 'postcode-district',
            candidates: [candidate(any(), 0.6), candidate(any(), 0.4)],
            reason: 'The postcode district straddles two authorities',
          }
  return jurisdiction
}

function* reportLines(
  count: number,
  authorities: readonly LocalAuthorityRow[],
  calendar: Awaited<ReturnType<typeof loadOfficeCalendar>>,
): Generator<string> {
  const rand = random(20270113)
  const end = NIGHT.getTime()
  let chunk: string[] = []
  for (let i = 0; i < count; i++) {
    const id = randomUUID()
    // Reports arrive evenly over three years. Most are decided within their deadline, so those
    // still waiting are mostly from the last few days, with a few stragglers from long ago.
    const receivedAt = new Date(end - Math.floor(rand() * SPAN_MS))
    const ageDays = (end - receivedAt.getTime()) / 86_400_000
    const priority: Priority = pickWeighted(rand, PRIORITIES)
    const waiting = ageDays < 3 ? 0.9 : ageDays < 14 ? 0.1 : 0.001
    const status = rand() < waiting ? 'new' : pickWeighted(rand, DECIDED_STATUSES)
    const claimed = status === 'new' && rand() < 0.1
    const concerns = [IN_SCOPE[Math.floor(rand() * IN_SCOPE.length)] ?? 'sexual-chat']
    const childAge = rand() < 0.1 ? null : 5 + Math.floor(rand() * 13)
    const personal = JSON.stringify({
      'about-the-child': {
        childName: `Synthetic Child ${i}`,
        town: 'Testford',
        postcode: 'ZZ1 1ZZ',
      },
      'what-happened': {
        description: `An adult in a game asked for a photo and to meet. Bench report ${i}.`,
      },
      'their-name': { names: `Synthetic Other ${i}` },
      'their-phone-numbers': { phoneNumbers: '07700 900 000' },
      'your-name': { name: `Synthetic Reporter ${i}` },
      'contact-details': { email: `reporter${i}@example.org`, phone: null },
    })
    const sealed = envelope.seal(personal, `report:${id}`)
    chunk.push(
      [
        id,
        `SC-B${String(i).padStart(9, '0')}`,
        `bench-${id}`,
        receivedAt.toISOString(),
        'form',
        NULL,
        AUDIENCES[Math.floor(rand() * AUDIENCES.length)] ?? 'parent-carer',
        status,
        rand() < 0.05 ? 'yes' : 'no',
        copyArray(concerns),
        'yes',
        'adult',
        childAge === null ? NULL : String(childAge),
        priority,
        copyText(JSON.stringify([{ code: 'bench', text: 'A bench reason', priority }])),
        'bench-rules',
        deadlineFor(priority, receivedAt, defaultDeadlinePolicy, calendar).toISOString(),
        copyArray(queuesFor(priority, receivedAt, calendar)),
        copyText(JSON.stringify(jurisdictionFor(rand, authorities))),
        sealed.keyId,
        `\\\\x${sealed.wrappedKey.toString('hex')}`,
        `\\\\x${sealed.ciphertext.toString('hex')}`,
        claimed ? `advisor-${1 + Math.floor(rand() * 40)}` : NULL,
        claimed ? receivedAt.toISOString() : NULL,
      ].join('\t'),
    )
    if (chunk.length === 1000) {
      yield `${chunk.join('\n')}\n`
      chunk = []
    }
  }
  if (chunk.length > 0) yield `${chunk.join('\n')}\n`
}

const COLUMNS = `id, reference, submission_key, received_at, source, source_site, audience, status,
  immediate_danger, concerns, still_happening, other_person_age, child_age, priority,
  priority_reasons, rules_version, deadline_at, queues, jurisdiction, key_id, wrapped_data_key,
  personal_ciphertext, claimed_by, claimed_at`

// ---------------------------------------------------------------- measuring

/** Passes queries through, keeping the last one so its plan can be shown. */
function capturing(db: Queryable) {
  const seen: { sql: string; params: readonly unknown[] }[] = []
  const wrapped: Queryable = {
    query: (sql, params) => {
      seen.push({ sql, params: params ?? [] })
      return db.query(sql, params)
    },
    exec: (sql) => db.exec(sql),
  }
  return { db: wrapped, seen }
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN

interface Measured {
  name: string
  p50: number
  p95: number
  p99: number
  rows: number
}

async function measure(name: string, run: () => Promise<number>): Promise<Measured> {
  for (let i = 0; i < 5; i++) await run()
  const times: number[] = []
  let rows = 0
  for (let i = 0; i < ITERATIONS; i++) {
    const start = process.hrtime.bigint()
    rows = await run()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  times.sort((a, b) => a - b)
  return {
    name,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    p99: percentile(times, 0.99),
    rows,
  }
}

async function main() {
  const schema = `bench_queue_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  const db = openPostgres({
    connectionString: DATABASE_URL,
    maxConnections: 4,
    options: `-c search_path=${schema}`,
  })
  try {
    await migrate(db)
    const calendar = await loadOfficeCalendar({
      timeZone: 'Europe/London',
      officeHours: '09:00-17:00',
      workingDays: 'Mon-Fri',
    })
    const authorities = (await readJurisdictionFile(createReadStream(LA_FILE))).localAuthorities
    console.log(`Schema ${schema}: loading ${REPORTS.toLocaleString('en-GB')} reports...`)

    // Indexes are built after the load: one sort per index instead of a million inserts each.
    const indexes = await db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = $1 AND tablename = 'reports'
          AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      [schema],
    )
    for (const index of indexes) await db.exec(`DROP INDEX ${index.indexname}`)

    const loadStart = Date.now()
    const client = new pg.Client({
      connectionString: DATABASE_URL,
      options: `-c search_path=${schema}`,
    })
    await client.connect()
    try {
      const copy = client.query(copyFrom(`COPY reports (${COLUMNS}) FROM STDIN WITH (FORMAT text)`))
      await pipeline(Readable.from(reportLines(REPORTS, authorities, calendar)), copy)
    } finally {
      await client.end()
    }
    const copied = Date.now()
    await db.exec("SET maintenance_work_mem = '256MB'")
    for (const index of indexes) await db.exec(index.indexdef)
    const indexed = Date.now()
    await db.exec('VACUUM ANALYZE reports')
    const analysed = Date.now()
    console.log(
      `Loaded in ${((analysed - loadStart) / 1000).toFixed(0)} s: COPY with sealing ` +
        `${((copied - loadStart) / 1000).toFixed(0)} s, ${indexes.length} indexes ` +
        `${((indexed - copied) / 1000).toFixed(0)} s, VACUUM ANALYZE ` +
        `${((analysed - indexed) / 1000).toFixed(0)} s`,
    )
    const spread = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM reports GROUP BY status ORDER BY status',
    )
    console.log(
      `Statuses: ${spread.map((s) => `${s.status} ${s.n.toLocaleString('en-GB')}`).join(', ')}`,
    )
    const size = await db.query<{ size: string }>(
      `SELECT pg_size_pretty(pg_total_relation_size('reports')) AS size`,
    )
    console.log(`Table with indexes: ${size[0]?.size ?? '?'}`)

    const [force] = await db.query<{ code: string }>(
      `SELECT police_force_code AS code FROM reports
        WHERE status = 'new' AND police_force_code IS NOT NULL
        GROUP BY police_force_code ORDER BY count(*) DESC LIMIT 1`,
    )
    const [authority] = await db.query<{ code: string }>(
      `SELECT local_authority_code AS code FROM reports
        WHERE status = 'new' AND local_authority_code IS NOT NULL
        GROUP BY local_authority_code ORDER BY count(*) DESC LIMIT 1`,
    )
    const day = queueClock(DAY, calendar)
    const night = queueClock(NIGHT, calendar)
    const results: Measured[] = []
    const plans: { name: string; plan: string }[] = []

    async function listCase(
      name: string,
      filters: QueueFilters,
      clock: QueueClock,
      after?: string,
    ) {
      const probe = capturing(db)
      const result = await measure(name, async () => {
        probe.seen.length = 0
        return (await listQueue(probe.db, filters, clock, { after, size: PAGE })).rows.length
      })
      results.push(result)
      await explain(name, probe.seen[0])
    }

    async function explain(
      name: string,
      query: { sql: string; params: readonly unknown[] } | undefined,
    ) {
      if (!query) return
      const rows = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
        query.params,
      )
      plans.push({ name, plan: rows.map((r) => r['QUERY PLAN']).join('\n') })
    }

    await listCase('advisors queue, office hours', { queue: 'advisors' }, day)
    await listCase('Control Centre queue, night', { queue: 'control-centre' }, night)
    await listCase('every queue (supervisor)', { queue: 'all' }, day)
    await listCase('filter: priority P2', { queue: 'advisors', priorities: ['P2'] }, day)
    await listCase('filter: status closed', { queue: 'all', statuses: ['closed'] }, day)
    await listCase(
      'filter: status referred or case opened',
      { queue: 'all', statuses: ['referred', 'case-opened'] },
      day,
    )
    await listCase(
      'filter: police force',
      { queue: 'advisors', policeForceCode: force?.code ?? '' },
      day,
    )
    await listCase(
      'filter: local authority',
      { queue: 'advisors', localAuthorityCode: authority?.code ?? '' },
      day,
    )
    await listCase('filter: overdue', { queue: 'advisors', overdue: true }, day)
    await listCase('filter: unclaimed', { queue: 'advisors', unclaimed: true }, day)
    await listCase(
      'filter: P3, unclaimed, overdue, force',
      {
        queue: 'advisors',
        priorities: ['P3'],
        unclaimed: true,
        overdue: true,
        policeForceCode: force?.code ?? '',
      },
      day,
    )

    let cursor: string | undefined
    for (let page = 1; page < 50; page++) {
      const found = await listQueue(db, { queue: 'advisors' }, day, { after: cursor, size: PAGE })
      if (found.next === null) break
      cursor = found.next
    }
    await listCase('page 50 of the advisors queue (keyset)', { queue: 'advisors' }, day, cursor)

    const countProbe = capturing(db)
    results.push(
      await measure('counts per priority, advisors queue', async () => {
        countProbe.seen.length = 0
        const counts = await countByPriority(countProbe.db, { queue: 'advisors' }, day)
        return Object.values(counts).reduce((a, b) => a + b, 0)
      }),
    )
    await explain('counts per priority, advisors queue', countProbe.seen[0])

    const ids = (
      await db.query<{ id: string }>(
        `SELECT id FROM reports WHERE status = 'new' ORDER BY random() LIMIT ${ITERATIONS + 5}`,
      )
    ).map((r) => r.id)
    const service = queueService({
      db,
      envelope,
      calendar,
      deadlines: defaultDeadlinePolicy,
      jurisdictions: jurisdictionDirectory(db),
      now: () => DAY,
    })
    const audit = auditTrail({
      event: 'report.viewed',
      actor: () => 'staff:advisor-bench',
      address: '127.0.0.1',
      now: () => DAY,
    })
    const supervisor = { id: 'advisor-bench', roles: ['supervisor' as const] }
    let next = 0
    results.push(
      await measure('open a report (claim, audit, decrypt)', async () => {
        const id = ids[next++ % ids.length] ?? ''
        const opened = await service.openReport(audit, id, supervisor)
        if (!opened.ok) throw new Error(opened.code)
        return 1
      }),
    )
    await explain('open a report: the read', {
      sql: `SELECT * FROM reports WHERE id = $1 FOR UPDATE`,
      params: [ids[0]],
    })

    console.log('')
    for (const { name, plan } of plans) console.log(`--- ${name}\n${plan}\n`)
    console.log(`${REPORTS.toLocaleString('en-GB')} reports, ${ITERATIONS} runs each (ms):`)
    console.log('| query | rows | p50 | p95 | p99 | p95 under 50 ms |')
    console.log('| --- | --: | --: | --: | --: | --- |')
    for (const r of results) {
      console.log(
        `| ${r.name} | ${r.rows} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.p95 < AIM_P95_MS ? 'yes' : 'NO'} |`,
      )
    }
  } finally {
    await db.close()
    if (!args.keep) await admin.query(`DROP SCHEMA ${schema} CASCADE`)
    await admin.end()
  }
}

await main()
