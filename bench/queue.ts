import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { loadavg } from 'node:os'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { auditTrail } from '../src/audit/trail.js'
import type { Db, Queryable } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import { jurisdictionDirectory } from '../src/jurisdictions/directory.js'
import { readJurisdictionFile, type LocalAuthorityRow } from '../src/jurisdictions/import.js'
import type { Jurisdiction } from '../src/jurisdictions/model.js'
import { AUDIENCES, type Concern, type Priority } from '../src/reports/model.js'
import { productionTestEnv } from './production-env.js'
import { checkSyntheticAnswers, syntheticAnswers } from './synthetic-answers.js'
import { queueClock, type QueueClock } from '../src/queue/membership.js'
import { countByPriority, listQueue, type QueueFilters } from '../src/queue/repository.js'
import { queueService } from '../src/queue/service.js'
import { newTotpSecret } from '../src/staff/factors.js'
import { hashPassword } from '../src/staff/passwords.js'
import { insertStaff, saveTotp, setPassword } from '../src/staff/repository.js'
import { loadOfficeCalendar } from '../src/triage/calendar-settings.js'
import { defaultDeadlinePolicy, deadlineFor } from '../src/triage/deadlines.js'
import { queuesFor } from '../src/triage/queues.js'
import { staffPaths } from '../src/web/paths.js'
import {
  HttpBench,
  queuePath,
  signIn,
  StaffClient,
  startQueueServer,
  walkToPage,
  type HttpCase,
  type HttpResult,
  type StaffMember,
} from './queue-http.js'

/**
 * `npm run bench:queue [-- --reports N]`: loads N reports (default 1,000,000) into a throwaway
 * schema on PostgreSQL with COPY, each with its own sealed personal data, then
 * 1. times the triage queue's repository queries directly (the database layer), and
 * 2. starts the production app on that schema, signs a supervisor in over HTTP (password and
 *    authenticator code) and times the queue pages (the default queue, each filter, page 50)
 *    and opening a report, one request at a time on a keep-alive connection,
 * printing p50/p95/p99 and the plan of every statement. See docs/benchmarks.md.
 */
const AIM_P95_MS = 50
const KEY_ID = 'bench-1'
const PAGE = 50
// Reports arrive up to Wednesday 13 January 2027 23:00, the Control Centre's night; the office
// hours measured are 11:00 the next morning, so no report comes from the future of either.
const NIGHT = new Date('2027-01-13T23:00:00Z')
const DAY = new Date('2027-01-14T11:00:00Z')
const HTTP_WARM_UP = 10
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
    iterations: { type: 'string', default: '200' },
    /** Keeps the schema afterwards, for another run with --schema. */
    keep: { type: 'boolean', default: false },
    /** Measures a schema an earlier `--keep` run loaded, instead of loading a new one. */
    schema: { type: 'string' },
    /** Loads and keeps the schema without measuring (then measure it with --schema). */
    'load-only': { type: 'boolean', default: false },
    /** Only the HTTP measurements. */
    'skip-direct': { type: 'boolean', default: false },
  },
})
const REPORTS = Number(args.reports)
const ITERATIONS = Number(args.iterations)
if (!Number.isInteger(REPORTS) || REPORTS < 1000) throw new Error('--reports must be 1000 or more')
if (!Number.isInteger(ITERATIONS) || ITERATIONS < 10) throw new Error('--iterations must be 10+')
if (args.schema !== undefined && !/^bench_queue_[0-9a-f]{8}$/.test(args.schema))
  throw new Error('--schema must name a schema this benchmark made (bench_queue_xxxxxxxx)')
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = args.schema ?? `bench_queue_${randomBytes(4).toString('hex')}`

// The key is derived from the schema's name, so a later run with --schema can open what an
// earlier one sealed. The data is synthetic and the schema is dropped; this is no way to key
// real data.
const KEY = createHash('sha256').update(`bench:queue:${SCHEMA}`).digest()
const production = productionTestEnv({ keyId: KEY_ID, encryptionKey: KEY })
const envelope = production.envelope

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
const IN_SCOPE: readonly Concern[] = [
  'asked-for-images',
  'image-shared-threats',
  'pressure-to-meet',
  'sexual-chat',
]

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
    const concerns: Concern[] = [IN_SCOPE[Math.floor(rand() * IN_SCOPE.length)] ?? 'sexual-chat']
    const childAge = rand() < 0.1 ? null : 5 + Math.floor(rand() * 13)
    const audience = AUDIENCES[Math.floor(rand() * AUDIENCES.length)] ?? 'parent-carer'
    const immediateDanger = rand() < 0.05
    const personal = JSON.stringify(
      syntheticAnswers(i, audience, concerns, childAge, immediateDanger),
    )
    const sealed = envelope.seal(personal, `report:${id}`)
    chunk.push(
      [
        id,
        `SC-B${String(i).padStart(9, '0')}`,
        `bench-${id}`,
        receivedAt.toISOString(),
        'form',
        NULL,
        audience,
        status,
        immediateDanger ? 'yes' : 'no',
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
    query: (sql, params, options) => {
      seen.push({ sql, params: params ?? [] })
      return db.query(sql, params, options)
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

const loadLine = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} (1, 5, 15 min)`

type Calendar = Awaited<ReturnType<typeof loadOfficeCalendar>>

/** COPY into the schema with the indexes dropped, then build them and VACUUM ANALYZE. */
async function load(db: Db, calendar: Calendar): Promise<void> {
  const authorities = (await readJurisdictionFile(createReadStream(LA_FILE))).localAuthorities
  console.log(`Schema ${SCHEMA}: loading ${REPORTS.toLocaleString('en-GB')} reports...`)

  // Indexes are built after the load: one sort per index instead of a million inserts each.
  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = $1 AND tablename = 'reports'
        AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
    [SCHEMA],
  )
  for (const index of indexes) await db.exec(`DROP INDEX ${index.indexname}`)

  const loadStart = Date.now()
  const client = new pg.Client({
    connectionString: DATABASE_URL,
    options: `-c search_path=${SCHEMA}`,
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
}

interface Codes {
  force: string
  authority: string
}

/** Part 1: the repository's queries, called directly on the schema. */
async function measureDirect(db: Db, calendar: Calendar, codes: Codes) {
  const day = queueClock(DAY, calendar)
  const night = queueClock(NIGHT, calendar)
  const results: Measured[] = []
  const plans: { name: string; plan: string }[] = []

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

  async function listCase(name: string, filters: QueueFilters, clock: QueueClock, after?: string) {
    const probe = capturing(db)
    const result = await measure(name, async () => {
      probe.seen.length = 0
      return (await listQueue(probe.db, filters, clock, { after, size: PAGE })).rows.length
    })
    results.push(result)
    await explain(name, probe.seen[0])
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
  await listCase('filter: police force', { queue: 'advisors', policeForceCode: codes.force }, day)
  await listCase(
    'filter: local authority',
    { queue: 'advisors', localAuthorityCode: codes.authority },
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
      policeForceCode: codes.force,
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

  async function countCase(name: string, filters: QueueFilters) {
    const probe = capturing(db)
    results.push(
      await measure(name, async () => {
        probe.seen.length = 0
        const counts = await countByPriority(probe.db, filters, day)
        return Object.values(counts).reduce((a, b) => a + b, 0)
      }),
    )
    await explain(name, probe.seen[0])
  }
  await countCase('counts per priority, advisors queue', { queue: 'advisors' })
  await countCase('counts per priority, status closed', { queue: 'all', statuses: ['closed'] })

  return {
    results,
    plans,
    /** Opening is measured last, after the HTTP part, as it claims reports. */
    async measureOpening(ids: readonly string[]) {
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
    },
  }
}

/** A supervisor who also advises, made through the staff repository as set-up would leave them. */
async function addSupervisor(db: Db): Promise<StaffMember> {
  const id = randomUUID()
  const person = {
    email: `bench.supervisor.${id.slice(0, 8)}@example.org`,
    password: 'correct horse battery bench',
    totpSecret: newTotpSecret(),
  }
  const at = new Date(NIGHT.getTime() - 86_400_000)
  await insertStaff(db, {
    id,
    email: person.email,
    name: 'Bench Supervisor',
    roles: ['advisor', 'supervisor'],
    createdAt: at,
  })
  await setPassword(db, id, await hashPassword(person.password), at)
  await saveTotp(db, id, envelope.seal(person.totpSecret, `staff-totp:${id}`), at)
  return person
}

/** Part 2: the pages over HTTP, signed in, against the production app on the schema. */
async function measureHttp(db: Db, codes: Codes, openIds: readonly string[]) {
  const person = await addSupervisor(db)
  const server = await startQueueServer({
    databaseUrl: DATABASE_URL,
    schema: SCHEMA,
    poolSize: 10,
    logLevel: 'info',
    rateLimitPerMinute: 1000,
    productionEnv: production.env,
    clock: NIGHT.toISOString(),
    captureQueries: true,
  })
  const explainer = new pg.Client({
    connectionString: DATABASE_URL,
    options: `-c search_path=${SCHEMA}`,
  })
  await explainer.connect()
  let client = new StaffClient(server.origin)
  const settings = { iterations: ITERATIONS, warmUp: HTTP_WARM_UP }
  let bench = new HttpBench(client, server, explainer, settings)
  const results: HttpResult[] = []
  const plans: HttpBench['plans'][] = []
  let pageReached = 0
  try {
    // Night: the Control Centre's hours. Sign in, warm the server up, measure.
    await server.setClock(NIGHT)
    await signIn(client, person, () => server.now())
    const probe = await client.get(staffPaths.queue)
    if (probe.status === 404) {
      console.log(
        `\n${staffPaths.queue} answers 404: the queue pages are not on this branch yet. ` +
          'Timing the staff home page only, to check the harness.',
      )
      await bench.measure({ name: 'staff home page (signed in)', path: staffPaths.home })
      return { results: bench.results, plans: [bench.plans], pageReached }
    }
    for (let i = 0; i < 50; i++) await client.get(staffPaths.queue)
    await bench.measure({ name: 'night: default queue (every queue)', path: queuePath() })
    await bench.measure({
      name: 'night: Control Centre queue',
      path: queuePath({ queue: 'control-centre' }),
    })
    results.push(...bench.results)
    plans.push(bench.plans)

    // Office hours the next morning: the session has long gone idle, so sign in again.
    await server.setClock(DAY)
    client.close()
    client = new StaffClient(server.origin)
    bench = new HttpBench(client, server, explainer, settings)
    await signIn(client, person, () => server.now())
    const cases: HttpCase[] = [
      // The yardstick: the same session, layout and urgent alert, and no queue.
      { name: 'staff home page (yardstick)', path: staffPaths.home },
      { name: 'default queue (every queue)', path: queuePath() },
      { name: 'queue: advisors', path: queuePath({ queue: 'advisors' }) },
      { name: 'queue: Control Centre', path: queuePath({ queue: 'control-centre' }) },
      { name: 'queue: all', path: queuePath({ queue: 'all' }) },
      { name: 'priority P1', path: queuePath({ priority: 'P1' }) },
      { name: 'priority P2 or P3', path: queuePath({ priority: ['P2', 'P3'] }) },
      { name: 'priority out of scope', path: queuePath({ priority: 'out-of-scope' }) },
      { name: 'status closed', path: queuePath({ status: 'closed' }) },
      {
        name: 'status referred or case opened',
        path: queuePath({ status: ['referred', 'case-opened'] }),
      },
      { name: 'police force', path: queuePath({ force: codes.force }) },
      { name: 'local authority', path: queuePath({ authority: codes.authority }) },
      { name: 'overdue', path: queuePath({ overdue: 'yes' }) },
      { name: 'unclaimed', path: queuePath({ unclaimed: 'yes' }) },
      {
        name: 'advisors, P3, unclaimed, overdue, force',
        path: queuePath({
          queue: 'advisors',
          priority: 'P3',
          unclaimed: 'yes',
          overdue: 'yes',
          force: codes.force,
        }),
      },
    ]
    for (const spec of cases) await bench.measure(spec)

    const walked = await walkToPage(client, queuePath(), 50)
    pageReached = walked.reached
    await bench.measure({
      name: `page ${walked.reached} of the default queue (keyset)`,
      path: walked.path,
    })

    let next = 0
    await bench.measure({
      name: 'open a report (claim, audit, decrypt)',
      path: () => staffPaths.report(openIds[next++ % openIds.length] ?? ''),
      check: (page) =>
        /SC-B\d{9}/.test(page.body) && page.body.includes('Bench report')
          ? undefined
          : 'the page shows no reference or no decrypted description',
    })
    results.push(...bench.results)
    plans.push(bench.plans)
    return { results, plans, pageReached }
  } finally {
    client.close()
    await explainer.end()
    await server.stop()
  }
}

async function main() {
  console.log(`${new Date().toISOString()} start, ${loadLine()}`)
  checkSyntheticAnswers()
  const admin = new pg.Client({ connectionString: DATABASE_URL })
  await admin.connect()
  if (!args.schema) await admin.query(`CREATE SCHEMA ${SCHEMA}`)
  const db = openPostgres({
    connectionString: DATABASE_URL,
    maxConnections: 4,
    options: `-c search_path=${SCHEMA}`,
  })
  try {
    await migrate(db)
    const calendar = await loadOfficeCalendar({
      timeZone: 'Europe/London',
      officeHours: '09:00-17:00',
      workingDays: 'Mon-Fri',
    })
    if (args.schema) console.log(`Schema ${SCHEMA}: measuring what an earlier run loaded`)
    else await load(db, calendar)

    const spread = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM reports GROUP BY status ORDER BY status',
    )
    const total = spread.reduce((sum, s) => sum + s.n, 0)
    console.log(
      `${total.toLocaleString('en-GB')} reports. Statuses: ` +
        spread.map((s) => `${s.status} ${s.n.toLocaleString('en-GB')}`).join(', '),
    )
    const size = await db.query<{ size: string }>(
      `SELECT pg_size_pretty(pg_total_relation_size('reports')) AS size`,
    )
    console.log(`Table with indexes: ${size[0]?.size ?? '?'}`)

    if (args['load-only']) return

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
    const codes = { force: force?.code ?? '', authority: authority?.code ?? '' }
    console.log(`Filters use police force ${codes.force} and local authority ${codes.authority}`)
    // Reports to open, each once: half over HTTP, half directly. Unclaimed, so each opening
    // takes the claim as a person's first look at a report would.
    const perPart = ITERATIONS + HTTP_WARM_UP
    const toOpen = (
      await db.query<{ id: string }>(
        `SELECT id FROM reports WHERE status = 'new' AND claimed_by IS NULL
          ORDER BY random() LIMIT ${2 * perPart}`,
      )
    ).map((r) => r.id)

    console.log(`\n${new Date().toISOString()} part 1 (repository), ${loadLine()}`)
    const direct = args['skip-direct'] ? undefined : await measureDirect(db, calendar, codes)
    console.log(`${new Date().toISOString()} part 2 (HTTP), ${loadLine()}`)
    const http = await measureHttp(db, codes, toOpen.slice(0, perPart))
    if (direct) await direct.measureOpening(toOpen.slice(perPart))
    console.log(`${new Date().toISOString()} measured, ${loadLine()}`)

    if (direct) {
      console.log('\n=== Part 1: the repository called directly, plans')
      for (const { name, plan } of direct.plans) console.log(`--- ${name}\n${plan}\n`)
    }
    console.log('\n=== Part 2: over HTTP, every distinct statement the pages ran, plans')
    for (const plans of http.plans) {
      for (const { firstCase, sql, params, plan } of plans.values()) {
        console.log(`--- first run by: ${firstCase}\n${sql.trim()}`)
        console.log(`params: ${JSON.stringify(params)}\n${plan}\n`)
      }
    }

    const aim = (p95: number) => (p95 < AIM_P95_MS ? 'yes' : 'NO')
    if (direct) {
      console.log(
        `\nPart 1: ${total.toLocaleString('en-GB')} reports, the repository directly, ` +
          `${ITERATIONS} runs each (ms):`,
      )
      console.log('| query | rows | p50 | p95 | p99 | p95 under 50 ms |')
      console.log('| --- | --: | --: | --: | --: | --- |')
      for (const r of direct.results) {
        console.log(
          `| ${r.name} | ${r.rows} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${aim(r.p95)} |`,
        )
      }
    }
    console.log(
      `\nPart 2: ${total.toLocaleString('en-GB')} reports, over HTTP signed in as a supervisor, ` +
        `${ITERATIONS} runs each after ${HTTP_WARM_UP} to warm up (ms, to the last byte). ` +
        '"server CPU" is the server process\'s CPU time per request; "db" adds up the ' +
        'execution times of the plans of the statements one request ran:',
    )
    console.log(
      '| page | rows | KB | p50 | p95 | p99 | server CPU ms | statements | db ms | slowest statement ms | p95 under 50 ms |',
    )
    console.log('| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |')
    for (const r of http.results) {
      console.log(
        `| ${r.name} | ${r.rows} | ${r.kb.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ` +
          `${r.p99.toFixed(1)} | ${r.serverCpuMs.toFixed(1)} | ${r.statements} | ${r.dbMs.toFixed(2)} | ${r.slowest.ms.toFixed(2)} | ${aim(r.p95)} |`,
      )
    }
    if (http.pageReached > 0 && http.pageReached < 50)
      console.log(`(the default queue has only ${http.pageReached} pages at this size)`)
    console.log(`\n${new Date().toISOString()} end, ${loadLine()}`)
  } finally {
    await db.close()
    if (!args.keep && !args['load-only']) await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`)
    else console.log(`Schema ${SCHEMA} kept: measure it again with --schema ${SCHEMA}`)
    await admin.end()
  }
}

await main()
