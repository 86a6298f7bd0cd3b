import { randomBytes, randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { KeyRingConfig } from '../src/config.js'
import type { Db } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import { identifierHasher } from '../src/links/hashing.js'
import type { Identifier, IdentifierSources } from '../src/links/identifiers.js'
import { linkService } from '../src/links/service.js'
import { storeReports, type ReportToStore } from '../src/reports/repository.js'
import { percentile } from './stats.js'

/**
 * `npm run bench:links [-- --identifiers N]`: stores N hashed identifiers (default 1,000,000,
 * six a report) in a throwaway schema on PostgreSQL with COPY, then times intake's statement
 * (`storeReports`, one report at a time, as a lone reporter sends it) with the report's six
 * identifiers to store and look up, against the same statement with none, alternately, and
 * the normalising and hashing before it. What matching adds is the difference. Run with one
 * identifier key, then with two (a rotation in progress: every look-up probes twice).
 */
const AIM_P99_MS = 2
const PER_REPORT = 6
const START = Date.parse('2026-01-01T00:00:00Z')

const { values: args } = parseArgs({
  options: {
    identifiers: { type: 'string', default: '1000000' },
    iterations: { type: 'string', default: '1000' },
  },
})
const IDENTIFIERS = Number(args.identifiers)
const ITERATIONS = Number(args.iterations)
if (!Number.isInteger(IDENTIFIERS) || IDENTIFIERS < 6000)
  throw new Error('--identifiers must be 6000 or more')
if (!Number.isInteger(ITERATIONS) || ITERATIONS < 50) throw new Error('--iterations must be 50+')
const REPORTS = Math.floor(IDENTIFIERS / PER_REPORT)
/** Each synthetic username, number and child is shared by about two reports. */
const POOL = Math.max(1, Math.floor(REPORTS / 2))
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `bench_links_${randomBytes(4).toString('hex')}`

const OLD_KEY: [string, Buffer] = ['old', randomBytes(32)]
const NEW_KEY: [string, Buffer] = ['new', randomBytes(32)]
const oneKey: KeyRingConfig = { activeKeyId: 'old', keys: new Map([OLD_KEY]) }
const twoKeys: KeyRingConfig = { activeKeyId: 'new', keys: new Map([NEW_KEY, OLD_KEY]) }

const loadLine = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} (1, 5, 15 min)`

/** The canonical identifiers of synthetic report `n` (as identifiersOf would write them). */
function identifiersOfReport(n: number): Identifier[] {
  const shared = n % POOL
  return [
    { kind: 'username', value: `gamehub\u0000pal_${shared}` },
    { kind: 'profile-link', value: `example.com/pal-${shared}` },
    { kind: 'other-phone', value: `+4477009${String(shared % 100_000).padStart(5, '0')}` },
    { kind: 'child-name-age', value: `child ${shared}\u000013` },
    { kind: 'reporter-email', value: `reporter.${n}@example.org` },
    { kind: 'reporter-phone', value: `+4420790${String(n % 100_000).padStart(5, '0')}` },
  ]
}

/** What a new report says, as the form gives it, naming someone already in `n`'s reports. */
function sourcesFor(n: number): IdentifierSources {
  const shared = n % POOL
  return {
    accounts: [{ platform: 'GameHub', username: `@Pal_${shared}` }],
    profileLinks: [`https://www.example.com/pal-${shared}/`],
    otherPhones: `07700 9${String(shared % 100_000).padStart(5, '0')}`,
    otherText: [null],
    child: { name: `Child ${shared}`, dateOfBirth: null, age: 13 },
    reporter: { phone: null, email: `new.reporter.${n}@example.org` },
  }
}

const bytea = (bytes: Buffer) => `\\\\x${bytes.toString('hex')}`

function* reportLines(): Generator<string> {
  const blob = bytea(randomBytes(16))
  for (let n = 0; n < REPORTS; n++) {
    const at = new Date(START + n * 60_000).toISOString()
    yield `${reportId(n)}\tSC-BENCH-${n}\tbench-${n}\t${at}\tform\tparent-carer\tno\t{asked-for-images}\tyes\tadult\tP3\t[]\tbench\t${at}\t{advisors}\t{}\tbench\t${blob}\t${blob}\n`
  }
}

function* identifierLines(): Generator<string> {
  const hasher = identifierHasher(oneKey)
  for (let n = 0; n < REPORTS; n++) {
    for (const identifier of identifiersOfReport(n)) {
      const hashed = hasher.hash(identifier)
      yield `${bytea(hashed.digest)}\t${reportId(n)}\t${hashed.kind}\t${hashed.keyId}\n`
    }
  }
}

/** Stable ids, so the identifiers can name their reports without a look-up. */
const reportId = (n: number) =>
  `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0').slice(-12)}`

async function copy(table: string, columns: string, lines: () => Generator<string>) {
  const client = new pg.Client({
    connectionString: DATABASE_URL,
    options: `-c search_path=${SCHEMA}`,
  })
  await client.connect()
  try {
    const stream = client.query(
      copyFrom(`COPY ${table} (${columns}) FROM STDIN WITH (FORMAT text)`),
    )
    await pipeline(Readable.from(lines()), stream)
  } finally {
    await client.end()
  }
}

async function load(db: Db): Promise<void> {
  console.log(
    `Schema ${SCHEMA}: loading ${REPORTS.toLocaleString('en-GB')} reports with ` +
      `${(REPORTS * PER_REPORT).toLocaleString('en-GB')} identifiers...`,
  )
  const started = Date.now()
  await copy(
    'reports',
    `id, reference, submission_key, received_at, source, audience, immediate_danger, concerns,
     still_happening, other_person_age, priority, priority_reasons, rules_version, deadline_at,
     queues, jurisdiction, key_id, wrapped_data_key, personal_ciphertext`,
    reportLines,
  )
  // The digest index is built after the load: one sort instead of a million inserts.
  await db.exec('ALTER TABLE report_identifiers DROP CONSTRAINT report_identifiers_pkey')
  await db.exec('DROP INDEX report_identifiers_by_report')
  await copy('report_identifiers', 'digest, report_id, kind, key_id', identifierLines)
  await db.exec("SET maintenance_work_mem = '256MB'")
  await db.exec(
    'ALTER TABLE report_identifiers ADD CONSTRAINT report_identifiers_pkey PRIMARY KEY (digest, report_id)',
  )
  await db.exec('CREATE INDEX report_identifiers_by_report ON report_identifiers (report_id)')
  await db.exec('VACUUM ANALYZE reports, report_identifiers')
  console.log(`Loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

let sequence = 0

/** A report ready for the intake statement, and the draft it claims. */
async function nextReport(
  db: Db,
  hash: (s: IdentifierSources) => ReportToStore['report']['identifiers'],
  withIdentifiers: boolean,
) {
  sequence += 1
  const id = randomUUID()
  const submissionKey = `bench-draft-${SCHEMA}-${sequence}`
  const receivedAt = new Date(START + (REPORTS + sequence) * 60_000)
  await db.query(
    `INSERT INTO report_drafts (id_hash, key_id, wrapped_data_key, answers_ciphertext,
       created_at, updated_at, expires_at) VALUES ($1, 'bench', '\\x00', '\\x00', $2, $2, $3)`,
    [submissionKey, receivedAt, new Date(receivedAt.getTime() + 3_600_000)],
  )
  const startedHashing = performance.now()
  const identifiers = withIdentifiers ? hash(sourcesFor(Math.floor(Math.random() * REPORTS))) : []
  const hashingMs = performance.now() - startedHashing
  const item: ReportToStore = {
    report: {
      id,
      reference: `SC-NEW-${sequence}`,
      submissionKey,
      receivedAt,
      source: 'form',
      sourceSite: null,
      audience: 'parent-carer',
      immediateDanger: 'no',
      concerns: ['asked-for-images'],
      stillHappening: 'yes',
      otherPersonAge: 'adult',
      childAge: 13,
      triage: {
        priority: 'P3',
        reasons: [],
        rulesVersion: 'bench',
        deadlineAt: receivedAt,
        queues: ['advisors'],
        jurisdiction: {},
      },
      personal: { keyId: 'bench', wrappedKey: randomBytes(40), ciphertext: randomBytes(400) },
      identifiers,
    },
    audit: { actor: 'public:form', details: { source: 'form' } },
  }
  return { item, hashingMs }
}

interface Figures {
  keys: number
  hashing: number[]
  withMatching: number[]
  without: number[]
  links: number
}

async function measure(db: Db, ring: KeyRingConfig): Promise<Figures> {
  const { hashIdentifiers } = linkService({ db, identifierKeys: ring, phoneDefaultCountry: 'GB' })
  const figures: Figures = {
    keys: ring.keys.size,
    hashing: [],
    withMatching: [],
    without: [],
    links: 0,
  }
  const warmUp = 50
  for (let i = 0; i < ITERATIONS + warmUp; i++) {
    // Alternately, so both see the same state of the database and the machine.
    for (const withIdentifiers of i % 2 === 0 ? [true, false] : [false, true]) {
      const { item, hashingMs } = await nextReport(db, hashIdentifiers, withIdentifiers)
      const started = performance.now()
      const [stored] = await storeReports(db, [item])
      const ms = performance.now() - started
      if (!stored) throw new Error('The intake statement stored nothing')
      if (i < warmUp) continue
      if (withIdentifiers) {
        figures.hashing.push(hashingMs)
        figures.withMatching.push(ms)
      } else figures.without.push(ms)
    }
  }
  const [links] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM report_links')
  figures.links = links?.n ?? 0
  return figures
}

const p = (values: number[], share: number) => percentile(values, share)
const row = (name: string, values: number[]) =>
  `| ${name} | ${[0.5, 0.95, 0.99].map((s) => p(values, s).toFixed(3)).join(' | ')} |`

function print(f: Figures) {
  const added = [0.5, 0.95, 0.99].map(
    (s) => p(f.hashing, s) + p(f.withMatching, s) - p(f.without, s),
  )
  console.log(`\n${f.keys} identifier key${f.keys === 1 ? '' : 's'} configured (ms):`)
  console.log('| step | p50 | p95 | p99 |')
  console.log('| --- | --: | --: | --: |')
  console.log(row('normalise and hash 6 identifiers', f.hashing))
  console.log(row('intake statement with matching', f.withMatching))
  console.log(row('intake statement without', f.without))
  console.log(
    `| **matching adds** (hashing + with - without) | ${added.map((a) => a.toFixed(3)).join(' | ')} |`,
  )
  const p99 = added[2] ?? NaN
  console.log(
    `aim: p99 under ${AIM_P99_MS} ms: ${p99 < AIM_P99_MS ? 'met' : 'NOT met'}; ` +
      `links stored so far: ${f.links.toLocaleString('en-GB')}`,
  )
}

async function main() {
  console.log(`${new Date().toISOString()} start, ${loadLine()}`)
  const admin = new pg.Client({ connectionString: DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${SCHEMA}`)
  const db = openPostgres({
    connectionString: DATABASE_URL,
    maxConnections: 2,
    options: `-c search_path=${SCHEMA}`,
  })
  try {
    await migrate(db)
    await load(db)
    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
       SELECT e.report_id FROM unnest($1::bytea[]) AS l(digest)
         JOIN report_identifiers e ON e.digest = l.digest`,
      [identifiersOfReport(7).map((i) => identifierHasher(oneKey).hash(i).digest)],
    )
    console.log(`\nThe look-up's plan:\n${plan.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`)
    console.log(
      `\n${ITERATIONS} reports with and ${ITERATIONS} without identifiers, one at a time, after 50 of each to warm up:`,
    )
    print(await measure(db, oneKey))
    print(await measure(db, twoKeys))
    console.log(`\n${new Date().toISOString()} end, ${loadLine()}`)
  } finally {
    await db.close()
    await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`)
    await admin.end()
  }
}

await main()
