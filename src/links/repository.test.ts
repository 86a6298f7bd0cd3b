import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { testSecrets } from '../../test/app.js'
import { testDatabases } from '../../test/db.js'
import { parseSteps, reportSteps, type Step } from '../../test/reports.js'
import type { KeyRingConfig } from '../config.js'
import { createEnvelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import { draftRepository, hashDraftId, newDraftId } from '../reports/drafts.js'
import { buildReportJourney } from '../reports/journey.js'
import { reportService, type ReportServiceDeps, type Triage } from '../reports/service.js'
import { insertQueuedReport } from '../../test/queue.js'
import { MAX_LINKS_PER_IDENTIFIER, storeIdentifiersFrom } from './repository.js'
import { linkService } from './service.js'

const START = Date.parse('2026-11-30T10:00:00Z')

const fixedTriage: Triage = (_input, _location, receivedAt) =>
  Promise.resolve({
    priority: 'P3',
    reasons: [],
    rulesVersion: 'test-rules',
    deadlineAt: new Date(receivedAt.getTime() + 86_400_000),
    queues: ['advisors'],
    jurisdiction: { status: 'national', basis: 'none', candidates: [], reason: 'test' },
  })

/** A parent's report whose only identifier shared with the base report is the username. */
const withSteps = (changes: Record<string, Record<string, string>>): Step[] =>
  reportSteps['parent-carer'].map(([slug, form]) => [slug, changes[slug] ?? form] as const)

const otherReport = (n: number, account: Record<string, string>) =>
  withSteps({
    'about-the-child': { childName: `Robin Synthetic${String(n)}` },
    'their-usernames': account,
    'their-profile-links': { profileLinks: '' },
    'their-phone-numbers': { phoneNumbers: '' },
    'contact-details': { email: `someone.${String(n)}@example.org`, phone: '' },
  })

const ring = (...keys: [string, Buffer][]): KeyRingConfig => ({
  activeKeyId: keys[0]?.[0] ?? '',
  keys: new Map(keys),
})

/** Each scan in an EXPLAIN (FORMAT JSON) plan, as "node type on relation". */
function readsOf(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(readsOf)
  if (typeof plan !== 'object' || plan === null) return []
  const node = plan as Record<string, unknown>
  const own =
    typeof node['Relation Name'] === 'string'
      ? [`${String(node['Node Type'])} on ${node['Relation Name']}`]
      : []
  return [...own, ...Object.values(node).flatMap(readsOf)]
}

for (const database of testDatabases()) {
  describe(`linked reports on ${database.name}`, () => {
    let db: Db
    const envelope = createEnvelope(testSecrets().encryptionKeys)
    // Each report a second after the one before, as reports arrive.
    let ticks = 0
    const now = () => new Date(START + ticks++ * 1000)
    const journey = buildReportJourney(now)
    const keyA = randomBytes(32)
    const keyB = randomBytes(32)

    before(async () => {
      db = await database.open()
    })
    after(() => db.close())

    const links = (keys: KeyRingConfig = ring(['a', keyA])) =>
      linkService({ db, identifierKeys: keys, phoneDefaultCountry: 'GB' })

    const service = (keys?: KeyRingConfig, overrides: Partial<ReportServiceDeps> = {}) =>
      reportService({
        db,
        envelope,
        drafts: draftRepository(envelope),
        journey,
        now,
        draftTtlMinutes: 60,
        triage: fixedTriage,
        hashIdentifiers: links(keys).hashIdentifiers,
        ...overrides,
      })

    /** Sends a report through intake; gives its id. */
    async function send(steps: readonly Step[], keys?: KeyRingConfig): Promise<string> {
      const idHash = hashDraftId(newDraftId())
      const reports = service(keys)
      await reports.saveDraft(idHash, await parseSteps(journey, steps))
      const outcome = await reports.submit(idHash)
      assert.equal(outcome.kind, 'submitted')
      const [row] = await db.query<{ id: string }>(
        'SELECT id FROM reports WHERE submission_key = $1',
        [idHash],
      )
      return row?.id ?? assert.fail('no report stored')
    }

    const linkedTo = async (id: string, keys?: KeyRingConfig) =>
      ((await links(keys).linksFor([id])).get(id) ?? []).map(
        (l) => `${l.kind} ${l.earlier ? 'earlier' : 'later'} ${l.other.id}`,
      )

    it('stores every identifier as a keyed hash, one row each, under the active key', async () => {
      const id = await send(reportSteps['parent-carer'])
      const rows = await db.query<{ kind: string; key_id: string; digest: Uint8Array }>(
        'SELECT kind, key_id, digest FROM report_identifiers WHERE report_id = $1 ORDER BY kind',
        [id],
      )
      assert.deepEqual(
        rows.map((r) => r.kind),
        [
          'child-name-age',
          'other-phone',
          'profile-link',
          'reporter-email',
          'reporter-phone',
          'username',
        ],
      )
      assert.ok(rows.every((r) => r.key_id === 'a' && r.digest.length === 32))
    })

    it('links a later report naming the same username, written differently, and no other', async () => {
      const first = await send(
        otherReport(1, { 'accountPlatform-0': 'Insta', 'accountUsername-0': 'sunny_day' }),
      )
      const unrelated = await send(
        otherReport(2, { 'accountPlatform-0': 'Instagram', 'accountUsername-0': 'rainy_day' }),
      )
      const second = await send(
        otherReport(3, { 'accountPlatform-0': ' INSTAGRAM', 'accountUsername-0': '@Sunny_Day ' }),
      )
      assert.deepEqual(await linkedTo(second), [`username earlier ${first}`])
      assert.deepEqual(await linkedTo(first), [`username later ${second}`])
      assert.deepEqual(await linkedTo(unrelated), [])
      const stored = await db.query<{ kind: string }>(
        'SELECT kind FROM report_links WHERE report_id = $1 AND earlier_report_id = $2',
        [second, first],
      )
      assert.deepEqual(stored, [{ kind: 'username' }], 'the match was found and kept at intake')
    })

    it('links a report to at most a set number of earlier reports per identifier', async () => {
      const first = await send(
        otherReport(1, { 'accountPlatform-0': 'Insta', 'accountUsername-0': 'often_named' }),
      )
      const [digest] = await db.query<{ digest: Uint8Array }>(
        `SELECT digest FROM report_identifiers WHERE report_id = $1 AND kind = 'username'`,
        [first],
      )
      assert.ok(digest)
      // More earlier reports than the cap naming the same username.
      for (let i = 0; i < MAX_LINKS_PER_IDENTIFIER; i++) {
        const { id } = await insertQueuedReport(db, envelope, {})
        await db.query(
          `INSERT INTO report_identifiers (digest, report_id, kind, key_id) VALUES ($1, $2, 'username', 'a')`,
          [digest.digest, id],
        )
      }
      const later = await send(
        otherReport(2, { 'accountPlatform-0': 'Instagram', 'accountUsername-0': 'Often_Named' }),
      )
      const [stored] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM report_links WHERE report_id = $1 AND kind = 'username'`,
        [later],
      )
      assert.equal(stored?.n, MAX_LINKS_PER_IDENTIFIER)
    })

    it('looks identifiers up through the index, even before the table has statistics', async () => {
      // Many digests that match nothing, added faster than anything analyses them: the state of
      // a busy day's intake. A plan that scans the table here costs a whole read per identifier.
      const { id } = await insertQueuedReport(db, envelope, {})
      await db.query(
        `INSERT INTO report_identifiers (digest, report_id, kind, key_id)
         SELECT decode(md5(n::text) || md5((-n)::text), 'hex'), $1, 'username', 'a'
           FROM generate_series(1, 20000) AS n`,
        [id],
      )
      const [digest, other] = [
        randomBytes(32).toString('base64'),
        randomBytes(32).toString('base64'),
      ]
      const identifiers = [
        { kind: 'username', key_id: 'a', digest, other_keys: [other] },
        { kind: 'other-email', key_id: 'a', digest: other },
      ]
      const [plan] = await db.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) WITH ${storeIdentifiersFrom(
          'SELECT gen_random_uuid() AS report_id, now() AS received_at, $1::jsonb AS identifiers',
        )} SELECT 1`,
        [JSON.stringify(identifiers)],
      )
      const reads = readsOf(plan?.['QUERY PLAN']).filter((r) => r.endsWith('report_identifiers'))
      assert.ok(reads.length > 0, 'the plan reads report_identifiers')
      assert.deepEqual(
        reads.filter((r) => r.startsWith('Seq Scan')),
        [],
        `every read of report_identifiers uses its index: ${reads.join(', ')}`,
      )
      await db.query('DELETE FROM report_identifiers WHERE report_id = $1', [id])
    })

    it('links reports stored together in one statement, the earlier leading', async () => {
      const reports = service(undefined, { batching: { maxBatch: 64, maxInFlight: 1 } })
      const drafts = await Promise.all(
        [4, 5, 6].map(async (n) => {
          const idHash = hashDraftId(newDraftId())
          const steps = otherReport(n, {
            'accountPlatform-0': 'GameHub',
            'accountUsername-0': 'batch_pal',
          })
          await reports.saveDraft(idHash, await parseSteps(journey, steps))
          return idHash
        }),
      )
      // The first goes alone; the two that wait for it share the next statement.
      const outcomes = await Promise.all(drafts.map((d) => reports.submit(d)))
      assert.ok(outcomes.every((o) => o.kind === 'submitted'))
      const ids = await db.query<{ id: string }>(
        `SELECT id FROM reports WHERE submission_key = ANY($1::text[]) ORDER BY received_at, id`,
        [drafts],
      )
      const [a, b, c] = ids.map((r) => r.id)
      const kept = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM report_links WHERE report_id = ANY($1::uuid[])',
        [[a, b, c]],
      )
      assert.equal(kept[0]?.n, 3, 'each report is linked at intake to every earlier one')
      assert.equal((await linkedTo(c ?? '')).length, 2)
    })

    it('still finds two reports that two statements stored at the same moment', async () => {
      const first = await send(
        otherReport(7, { 'accountPlatform-0': 'ChatApp', 'accountUsername-0': 'same_moment' }),
      )
      const second = await send(
        otherReport(8, { 'accountPlatform-0': 'ChatApp', 'accountUsername-0': 'same_moment' }),
      )
      // As if neither statement had seen the other's identifiers.
      await db.query('DELETE FROM report_links WHERE report_id = $1', [second])
      assert.deepEqual(await linkedTo(second), [`username earlier ${first}`])
      assert.equal(await links().areLinked(first, second), true)
    })

    it('keeps old matches after the key is rotated, and says which key each digest used', async () => {
      const before = await send(
        otherReport(9, { 'accountPlatform-0': 'GameHub', 'accountUsername-0': 'rotating_pal' }),
      )
      const rotated = ring(['b', keyB], ['a', keyA])
      const after = await send(
        otherReport(10, { 'accountPlatform-0': 'GameHub', 'accountUsername-0': 'Rotating_Pal' }),
        rotated,
      )
      assert.deepEqual(await linkedTo(after, rotated), [`username earlier ${before}`])
      const keys = await db.query<{ key_id: string }>(
        `SELECT DISTINCT key_id FROM report_identifiers WHERE report_id = $1`,
        [after],
      )
      assert.deepEqual(keys, [{ key_id: 'b' }], 'new identifiers are hashed with the new key only')
      // Once the old key is retired, its digests match nothing new (so keep it configured while
      // rows name it), but the matches made while it was configured are kept.
      const onlyB = ring(['b', keyB])
      const third = await send(
        otherReport(11, { 'accountPlatform-0': 'GameHub', 'accountUsername-0': '@rotating_pal' }),
        onlyB,
      )
      assert.deepEqual(await linkedTo(third, onlyB), [`username earlier ${after}`])
      assert.deepEqual(await linkedTo(after, onlyB), [
        `username earlier ${before}`,
        `username later ${third}`,
      ])
    })

    it('hashes old identifiers again under the new key, so the old key can be retired', async () => {
      const old = await send(
        otherReport(15, { 'accountPlatform-0': 'GameHub', 'accountUsername-0': 'retired_pal' }),
      )
      const rotated = ring(['b', keyB], ['a', keyA])
      const rehash = () =>
        links(rotated).rehashOtherKeys((id) => service(rotated).identifierSourcesOf(id))
      assert.ok((await rehash()) >= 1)
      const left = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM report_identifiers WHERE key_id <> 'b'`,
      )
      assert.equal(left[0]?.n, 0)
      assert.equal(await rehash(), 0, 'nothing is left to do a second time')
      const onlyB = ring(['b', keyB])
      const later = await send(
        otherReport(16, { 'accountPlatform-0': 'GameHub', 'accountUsername-0': '@Retired_Pal' }),
        onlyB,
      )
      assert.deepEqual(await linkedTo(later, onlyB), [`username earlier ${old}`])
    })

    it('reads the links of several reports at once, as a case needs', async () => {
      const a = await send(
        otherReport(12, { 'accountPlatform-0': 'GameHub', 'accountUsername-0': 'case_pal' }),
      )
      const b = await send(
        otherReport(13, { 'accountPlatform-0': 'GameHub', 'accountUsername-0': 'case_pal' }),
      )
      const c = await send(
        otherReport(14, { 'accountPlatform-0': 'GameHub', 'accountUsername-0': 'case_pal' }),
      )
      const found = await links().linksFor([a, b])
      // The reports asked about together are not listed for each other.
      assert.deepEqual(
        [...found].map(([id, rows]) => [id, rows.map((r) => r.other.id)]),
        [
          [a, [c]],
          [b, [c]],
        ],
      )
      assert.deepEqual(await links().linksFor([]), new Map())
    })
  })
}
