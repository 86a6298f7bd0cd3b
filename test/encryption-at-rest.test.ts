import assert from 'node:assert/strict'
import { createHash, createHmac } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { Db } from '../src/db/db.js'
import { identifiersOf, type Identifier } from '../src/links/identifiers.js'
import { AUDIENCES } from '../src/reports/model.js'
import { identifierSources } from '../src/reports/report.js'
import { buildTestApp, type TestApp } from './app.js'
import { everyValueAsText, testDatabases } from './db.js'
import { answerAll, Browser } from './http.js'
import { canaries, parseSteps, reportSteps, type Step } from './reports.js'

/**
 * The security model's promise: a database dump alone reveals no names, contact details,
 * usernames, links, places or free text. Reports from every audience are sent through the
 * form, one more is left half-done as a draft, and then every column of every table is read
 * as text and searched for the strings planted in the answers.
 */
const draftSteps: readonly Step[] = [
  ['who-are-you', { audience: 'parent-carer' }],
  ['what-is-it-about', { concerns: ['asked-for-images'] }],
  ['immediate-danger', { immediateDanger: 'no' }],
  ['about-the-child', { childName: 'Drew Canarydraft' }],
  ['the-childs-age', { childAge: '9' }],
  ['where-the-child-lives', { place: 'Canarydraft Vale' }],
  ['what-happened', { description: 'A message asked for a photo. CANARY-DRAFT-WORDS' }],
  ['when-did-it-start', { started: 'today' }],
  ['is-it-still-happening', { stillHappening: 'yes' }],
  ['their-name', { names: 'Canarydraft Sender' }],
  ['their-usernames', { 'accountUsername-0': 'canary_draft_user' }],
  ['their-profile-links', { profileLinks: 'https://example.com/canary-draft-profile' }],
  ['their-phone-numbers', { phoneNumbers: '07700 900 644' }],
  ['their-email-addresses', { emailAddresses: 'canary.draft.other@example.com' }],
]
const draftCanaries = [
  'Drew Canarydraft',
  'Canarydraft Vale',
  'CANARY-DRAFT-WORDS',
  'Canarydraft Sender',
  'canary_draft_user',
  'https://example.com/canary-draft-profile',
  '07700 900 644',
  'canary.draft.other@example.com',
]

const planted = [...AUDIENCES.flatMap((a) => canaries[a]), ...draftCanaries]

/** Each canary, plus its digits alone for phone numbers (in case something normalises them). */
const needles = planted.flatMap((canary) => {
  const digits = canary.replace(/\D/g, '')
  return digits.length >= 7 && /^[+\d\s()-]+$/.test(canary) ? [canary, digits] : [canary]
})

/**
 * The identifiers of the reports as linking writes them (lower case, E.164 numbers, links
 * without their scheme), each part on its own: none of them may be stored in clear either.
 */
async function normalisedIdentifiers(journey: Parameters<typeof parseSteps>[0]) {
  const found: Identifier[] = []
  for (const audience of AUDIENCES) {
    const answers = await parseSteps(journey, reportSteps[audience])
    found.push(...identifiersOf(identifierSources(answers, 'form'), 'GB'))
  }
  return found
}

const identifierNeedles = (identifiers: readonly Identifier[]) => [
  ...new Set(
    identifiers.flatMap(({ value }) => [
      value,
      ...value.split('\u0000').filter((part) => part.length >= 6),
      ...(value.startsWith('+') ? [value.slice(1)] : []),
    ]),
  ),
]

for (const database of testDatabases()) {
  describe(`personal data at rest on ${database.name}`, () => {
    let db: Db
    let t: TestApp
    const references: string[] = []

    before(async () => {
      db = await database.open()
      t = await buildTestApp({ db, config: { reportRateLimitPerMinute: 10_000 } })
      for (const audience of AUDIENCES) {
        const browser = new Browser(t.app)
        await answerAll(browser, reportSteps[audience])
        await browser.get('/report/check-your-answers')
        const sent = await browser.post('/report/check-your-answers', {})
        assert.equal(sent.headers.location, '/report/confirmation', audience)
        const confirmation = await browser.get('/report/confirmation')
        references.push(/class="app-reference">([^<]+)</.exec(confirmation.body)?.[1] ?? '')
      }
      const unsent = new Browser(t.app)
      const replies = await answerAll(unsent, draftSteps)
      assert.ok(replies.every((r) => r.statusCode === 303))
    })

    after(async () => {
      await t.close()
      await db.close()
    })

    it('stored a report for every audience and one unsent draft', async () => {
      const reports = await db.query('SELECT reference FROM reports')
      assert.equal(reports.length, AUDIENCES.length)
      const drafts = await db.query('SELECT 1 FROM report_drafts WHERE report_id IS NULL')
      assert.equal(drafts.length, 1)
    })

    it('finds no planted name, contact detail, username, link, place or free text anywhere', async () => {
      const values = await everyValueAsText(db)
      const found = needles.flatMap((needle) =>
        values
          .filter((v) => v.text.includes(needle.toLowerCase()))
          .map((v) => `${needle} in ${v.where}`),
      )
      assert.deepEqual(found, [])
    })

    it('stores every identifier of every report, and none of them in clear', async () => {
      const identifiers = await normalisedIdentifiers(t.deps.journey)
      const [stored] = await db.query<{ n: number; reports: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT report_id)::int AS reports FROM report_identifiers',
      )
      assert.equal(stored?.reports, AUDIENCES.length, 'every report has identifiers to scan')
      assert.equal(stored.n, identifiers.length)
      const values = await everyValueAsText(db)
      const found = identifierNeedles(identifiers).flatMap((needle) =>
        values.filter((v) => v.text.includes(needle)).map((v) => `${needle} in ${v.where}`),
      )
      assert.deepEqual(found, [])
    })

    it('stores keyed hashes of identifiers, not plain hashes anyone could recompute', async () => {
      const identifiers = await normalisedIdentifiers(t.deps.journey)
      const digests = new Set(
        (await db.query<{ digest: Uint8Array }>('SELECT digest FROM report_identifiers')).map((r) =>
          Buffer.from(r.digest).toString('hex'),
        ),
      )
      const { identifierKeys } = t.deps.secrets
      const key = identifierKeys.keys.get(identifierKeys.activeKeyId)
      assert.ok(key)
      const message = (i: Identifier) => `${i.kind}\u0000${i.value}`
      const keyed = identifiers.map((i) =>
        createHmac('sha256', key).update(message(i)).digest('hex'),
      )
      assert.ok(
        keyed.every((d) => digests.has(d)),
        'the digests are the HMACs under the key',
      )
      const plain = identifiers.flatMap((i) =>
        [message(i), i.value].map((m) => createHash('sha256').update(m).digest('hex')),
      )
      assert.deepEqual(
        plain.filter((d) => digests.has(d)),
        [],
      )
    })

    it('does find values stored in clear, so the search itself works', async () => {
      const values = await everyValueAsText(db)
      for (const reference of references) {
        assert.match(reference, /^SC-\d{3}-\d{3}-\d{4}$/)
        assert.ok(
          values.some((v) => v.where === 'reports.reference' && v.text === reference.toLowerCase()),
          reference,
        )
      }
      const [probe] = await db.query<{ v: string }>(
        `SELECT encode(convert_to('plain CANARY-PROBE text', 'UTF8'), 'escape') AS v`,
      )
      assert.match(probe?.v ?? '', /CANARY-PROBE/)
    })

    it('finds every planted string once the reports and the draft are decrypted', async () => {
      const reports = await db.query<{
        id: string
        key_id: string
        wrapped_data_key: Uint8Array
        personal_ciphertext: Uint8Array
      }>('SELECT id, key_id, wrapped_data_key, personal_ciphertext FROM reports')
      const drafts = await db.query<{
        id_hash: string
        key_id: string
        wrapped_data_key: Uint8Array
        answers_ciphertext: Uint8Array
      }>(
        `SELECT id_hash, key_id, wrapped_data_key, answers_ciphertext
           FROM report_drafts WHERE report_id IS NULL`,
      )
      const { envelope } = t.deps
      const plaintext = [
        ...reports.map((r) =>
          envelope.open(
            {
              keyId: r.key_id,
              wrappedKey: Buffer.from(r.wrapped_data_key),
              ciphertext: Buffer.from(r.personal_ciphertext),
            },
            `report:${r.id}`,
          ),
        ),
        ...drafts.map((d) =>
          envelope.open(
            {
              keyId: d.key_id,
              wrappedKey: Buffer.from(d.wrapped_data_key),
              ciphertext: Buffer.from(d.answers_ciphertext),
            },
            `draft:${d.id_hash}`,
          ),
        ),
      ].join('\n')
      const missing = planted.filter((canary) => !plaintext.includes(canary))
      assert.deepEqual(missing, [])
    })
  })
}
