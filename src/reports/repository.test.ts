import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { testSecrets } from '../../test/app.js'
import { testDatabases } from '../../test/db.js'
import { parseSteps, reportSteps } from '../../test/reports.js'
import { createEnvelope } from '../crypto/envelope.js'
import { linkService } from '../links/service.js'
import type { Db } from '../db/db.js'
import type { JourneyAnswers } from '../web/journey.js'
import { draftRepository, hashDraftId, newDraftId } from './drafts.js'
import { buildReportJourney } from './journey.js'
import type { Audience } from './model.js'
import { newReference } from './reference.js'
import { DuplicateReferenceError } from './repository.js'
import {
  reportService,
  type ReportServiceDeps,
  type SubmitOutcome,
  type Triage,
} from './service.js'

const TTL_MINUTES = 60
const START = new Date('2026-03-10T10:00:00Z')
const minutes = (n: number) => n * 60_000

const fixedTriage: Triage = (_input, _location, receivedAt) =>
  Promise.resolve({
    priority: 'P3',
    reasons: [{ code: 'standard', text: 'A standard report', priority: 'P3' }],
    rulesVersion: 'test-rules',
    deadlineAt: new Date(receivedAt.getTime() + minutes(60 * 24)),
    queues: ['advisors'],
    jurisdiction: { status: 'national', basis: 'none', candidates: [], reason: 'test' },
  })

/** Runs `work` while every `operation` on `table` fails, as a full disk or a bug would. */
async function whileWritesFail(
  db: Db,
  operation: 'INSERT' | 'UPDATE',
  table: string,
  work: () => Promise<void>,
): Promise<void> {
  await db.exec(`
    CREATE FUNCTION synthetic_failure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'synthetic failure'; END $$;
    CREATE TRIGGER synthetic_failure BEFORE ${operation} ON ${table}
      FOR EACH ROW EXECUTE FUNCTION synthetic_failure();`)
  try {
    await work()
  } finally {
    await db.exec(`DROP TRIGGER synthetic_failure ON ${table}; DROP FUNCTION synthetic_failure();`)
  }
}

for (const database of testDatabases()) {
  describe(`intake and drafts on ${database.name}`, () => {
    let db: Db
    let clock: Date
    const envelope = createEnvelope(testSecrets().encryptionKeys)
    const drafts = draftRepository(envelope)
    const journey = buildReportJourney(() => clock)

    before(async () => {
      db = await database.open()
    })
    after(() => db.close())
    beforeEach(() => {
      clock = START
    })

    const service = (overrides: Partial<ReportServiceDeps> = {}) =>
      reportService({
        db,
        envelope,
        drafts,
        journey,
        now: () => clock,
        draftTtlMinutes: TTL_MINUTES,
        triage: fixedTriage,
        hashIdentifiers: linkService({
          db,
          identifierKeys: testSecrets().identifierKeys,
          phoneDefaultCountry: 'GB',
        }).hashIdentifiers,
        ...overrides,
      })

    async function savedDraft(answers: JourneyAnswers): Promise<string> {
      const idHash = hashDraftId(newDraftId())
      await service().saveDraft(idHash, answers)
      return idHash
    }
    const completeDraft = async (audience: Audience = 'parent-carer') =>
      savedDraft(await parseSteps(journey, reportSteps[audience]))

    async function count(sql: string, params: unknown[] = []): Promise<number> {
      const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)
      return rows[0]?.n ?? -1
    }
    const reportsFor = (idHash: string) => count('reports WHERE submission_key = $1', [idHash])
    const auditsFor = (idHash: string) =>
      count(
        `audit_events WHERE subject_type = 'report'
           AND subject_id IN (SELECT id::text FROM reports WHERE submission_key = $1)`,
        [idHash],
      )
    const allAudits = () => count('audit_events')

    async function assertNothingStored(idHash: string, answers: JourneyAnswers) {
      assert.equal(await reportsFor(idHash), 0)
      const draft = await drafts.find(db, idHash, clock)
      assert.ok(draft)
      assert.equal(draft.reportId, null)
      assert.deepEqual(draft.answers, answers)
    }

    describe('submitting a report', () => {
      it('stores the report, its triage and one audit entry, then marks the draft sent', async () => {
        const idHash = await completeDraft()
        const outcome = await service().submit(idHash)
        assert.equal(outcome.kind, 'submitted')
        const { reference } = outcome
        assert.match(reference, /^SC-\d{3}-\d{3}-\d{4}$/)

        const [report] = await db.query(
          `SELECT id, reference, source, audience, immediate_danger, concerns, child_age,
                  priority, rules_version, queues, received_at
             FROM reports WHERE submission_key = $1`,
          [idHash],
        )
        assert.ok(report)
        assert.deepEqual(
          { ...report, id: undefined },
          {
            id: undefined,
            reference,
            source: 'form',
            audience: 'parent-carer',
            immediate_danger: 'no',
            concerns: ['asked-for-images'],
            child_age: 13,
            priority: 'P3',
            rules_version: 'test-rules',
            queues: ['advisors'],
            received_at: START,
          },
        )
        const audits = await db.query(
          'SELECT actor, event, subject_id, details FROM audit_events WHERE subject_id = $1',
          [report.id],
        )
        assert.deepEqual(audits, [
          {
            actor: 'public:form',
            event: 'report.received',
            subject_id: report.id,
            details: { source: 'form', audience: 'parent-carer', priority: 'P3' },
          },
        ])
        const draft = await drafts.find(db, idHash, clock)
        assert.ok(draft)
        assert.equal(draft.reportId, report.id)
        assert.deepEqual(draft.answers, {})
      })

      it('keeps every answer, encrypted and bound to the report', async () => {
        const answers = await parseSteps(journey, reportSteps.professional)
        const idHash = await savedDraft(answers)
        await service().submit(idHash)
        const [row] = await db.query<{
          id: string
          key_id: string
          wrapped_data_key: Uint8Array
          personal_ciphertext: Uint8Array
        }>(
          `SELECT id, key_id, wrapped_data_key, personal_ciphertext
             FROM reports WHERE submission_key = $1`,
          [idHash],
        )
        assert.ok(row)
        const sealed = {
          keyId: row.key_id,
          wrappedKey: Buffer.from(row.wrapped_data_key),
          ciphertext: Buffer.from(row.personal_ciphertext),
        }
        assert.deepEqual(JSON.parse(envelope.open(sealed, `report:${row.id}`)), answers)
        assert.throws(() => envelope.open(sealed, 'report:another-report'))
      })

      it('stores nothing when triage fails: no report, no audit entry, the draft unsent', async () => {
        const answers = await parseSteps(journey, reportSteps['young-person'])
        const idHash = await savedDraft(answers)
        const auditsBefore = await allAudits()
        const failing: Triage = () => Promise.reject(new Error('triage rules unavailable'))
        await assert.rejects(service({ triage: failing }).submit(idHash), /triage rules/)
        await assertNothingStored(idHash, answers)
        assert.equal(await allAudits(), auditsBefore)
      })

      it('stores nothing when the audit entry fails after the report row was written', async () => {
        const answers = await parseSteps(journey, reportSteps['concerned-adult'])
        const idHash = await savedDraft(answers)
        const auditsBefore = await allAudits()
        await whileWritesFail(db, 'INSERT', 'audit_events', () =>
          assert.rejects(service().submit(idHash), /synthetic failure/),
        )
        await assertNothingStored(idHash, answers)
        assert.equal(await allAudits(), auditsBefore)

        const outcome = await service().submit(idHash)
        assert.equal(outcome.kind, 'submitted')
        assert.equal(await reportsFor(idHash), 1)
      })

      it('stores nothing when the draft cannot be marked sent', async () => {
        const answers = await parseSteps(journey, reportSteps['parent-carer'])
        const idHash = await savedDraft(answers)
        const auditsBefore = await allAudits()
        await whileWritesFail(db, 'UPDATE', 'report_drafts', () =>
          assert.rejects(service().submit(idHash), /synthetic failure/),
        )
        await assertNothingStored(idHash, answers)
        assert.equal(await allAudits(), auditsBefore)
      })

      it('gives the same reference and stores one report when a draft is sent twice', async () => {
        const idHash = await completeDraft('young-person')
        const first = await service().submit(idHash)
        const second = await service().submit(idHash)
        assert.deepEqual(second, first)
        assert.equal(await reportsFor(idHash), 1)
        assert.equal(await auditsFor(idHash), 1)
      })

      it('stores one report when the same draft is sent twice at the same moment', async () => {
        const idHash = await completeDraft('professional')
        const outcomes = await Promise.all([service().submit(idHash), service().submit(idHash)])
        assert.equal(outcomes[0].kind, 'submitted')
        assert.deepEqual(outcomes[1], outcomes[0])
        assert.equal(await reportsFor(idHash), 1)
        assert.equal(await auditsFor(idHash), 1)
      })

      it('finds the report of a sent draft even after the draft has expired', async () => {
        const idHash = await completeDraft()
        const first = await service().submit(idHash)
        clock = new Date(START.getTime() + minutes(TTL_MINUTES + 1))
        assert.deepEqual(await service().submit(idHash), first)
        assert.equal(await reportsFor(idHash), 1)
      })

      it('says a draft with pages still to answer is incomplete, names the page to resume, and stores nothing', async () => {
        const answers = await parseSteps(journey, reportSteps['parent-carer'].slice(0, 6))
        const idHash = await savedDraft(answers)
        assert.deepEqual(await service().submit(idHash), {
          kind: 'incomplete',
          resumeAt: 'what-happened',
        })
        await assertNothingStored(idHash, answers)
      })

      it('says a draft it has never seen has expired', async () => {
        const idHash = hashDraftId(newDraftId())
        assert.deepEqual(await service().submit(idHash), { kind: 'expired' })
        assert.equal(await reportsFor(idHash), 0)
      })
    })

    describe('many reporters sending at once', () => {
      const referenceFrom = (outcome: SubmitOutcome): string => {
        if (outcome.kind !== 'submitted') assert.fail(`not submitted: ${outcome.kind}`)
        return outcome.reference
      }
      // One call in flight: the first submission goes alone, the rest share the next statement.
      const shared = (overrides: Partial<ReportServiceDeps> = {}) =>
        service({ batching: { maxBatch: 64, maxInFlight: 1 }, ...overrides })
      const audiences: Audience[] = [
        'young-person',
        'parent-carer',
        'professional',
        'concerned-adult',
      ]
      const manyDrafts = () =>
        Promise.all([...audiences, ...audiences, ...audiences].map((a) => completeDraft(a)))

      it('stores each report once, with its audit entry, when submissions share statements', async () => {
        const idHashes = await manyDrafts()
        const again = idHashes[1] ?? ''
        let statements = 0
        const counting: Db = {
          ...db,
          query: (sql, params) => {
            if (sql.includes('INSERT INTO reports')) statements++
            return db.query(sql, params)
          },
        }
        const reporters = shared({ db: counting })
        const outcomes = await Promise.all(
          [...idHashes, again].map((idHash) => reporters.submit(idHash)),
        )
        const references = outcomes.map(referenceFrom)
        assert.equal(new Set(references).size, idHashes.length)
        assert.equal(references.at(-1), references[1])
        assert.ok(statements < idHashes.length, `${statements} statements stored the reports`)
        for (const idHash of idHashes) {
          assert.equal(await reportsFor(idHash), 1)
          assert.equal(await auditsFor(idHash), 1)
        }
      })

      it('still stores the others when one report in a shared statement has a taken reference', async () => {
        const taken = newReference(() => 3)
        await service({ newReference: () => taken }).submit(await completeDraft())
        const idHashes = await manyDrafts()
        let made = 0
        const reporters = shared({
          newReference: () => (++made === 2 ? taken : newReference()),
        })
        const outcomes = await Promise.all(idHashes.map((idHash) => reporters.submit(idHash)))
        assert.ok(!outcomes.map(referenceFrom).includes(taken))
        assert.equal(made, idHashes.length + 1)
        for (const idHash of idHashes) {
          assert.equal(await reportsFor(idHash), 1)
          assert.equal(await auditsFor(idHash), 1)
        }
      })
    })

    describe('report references', () => {
      const taken = newReference(() => 1)
      const fresh = newReference(() => 2)

      it('tries a new reference when the one it made is already taken', async () => {
        const first = await completeDraft()
        await service({ newReference: () => taken }).submit(first)

        const queue = [taken, taken, fresh]
        let made = 0
        const second = await completeDraft('young-person')
        const outcome = await service({ newReference: () => queue[made++] ?? '' }).submit(second)
        assert.deepEqual(outcome, { kind: 'submitted', reference: fresh })
        assert.equal(made, 3)
        assert.equal(await reportsFor(second), 1)
        assert.equal(await auditsFor(second), 1)
      })

      it('gives up after five taken references and stores nothing', async () => {
        const answers = await parseSteps(journey, reportSteps.professional)
        const idHash = await savedDraft(answers)
        let made = 0
        const stuck = service({ newReference: () => (made++, taken) })
        await assert.rejects(stuck.submit(idHash), DuplicateReferenceError)
        assert.equal(made, 5)
        await assertNothingStored(idHash, answers)
      })
    })

    describe('drafts', () => {
      let answers: JourneyAnswers = {}
      before(async () => {
        answers = await parseSteps(journey, reportSteps['parent-carer'].slice(0, 2))
      })
      const at = (offset: number) => new Date(START.getTime() + offset)

      it('keeps a draft until its time is up, and then no longer finds it', async () => {
        const idHash = await savedDraft(answers)
        clock = at(minutes(TTL_MINUTES) - 1)
        assert.deepEqual((await service().findDraft(idHash))?.answers, answers)
        clock = at(minutes(TTL_MINUTES))
        assert.equal(await service().findDraft(idHash), undefined)
      })

      it('gives a draft its full time again each time an answer is saved', async () => {
        const idHash = await savedDraft(answers)
        clock = at(minutes(TTL_MINUTES - 10))
        await service().saveDraft(idHash, answers)
        clock = at(minutes(TTL_MINUTES + 30))
        assert.deepEqual(
          (await service().findDraft(idHash))?.expiresAt,
          at(minutes(TTL_MINUTES * 2 - 10)),
        )
      })

      it('says an expired draft has expired when it is sent, and stores nothing', async () => {
        const idHash = await completeDraft()
        clock = at(minutes(TTL_MINUTES + 1))
        assert.deepEqual(await service().submit(idHash), { kind: 'expired' })
        assert.equal(await reportsFor(idHash), 0)
      })

      it('deletes expired drafts and keeps live ones', async () => {
        const old = await savedDraft(answers)
        clock = at(minutes(30))
        const recent = await savedDraft(answers)
        const deleted = await drafts.deleteExpired(db, at(minutes(TTL_MINUTES)))
        assert.ok(deleted >= 1)
        const left = await db.query<{ id_hash: string }>(
          'SELECT id_hash FROM report_drafts WHERE id_hash = ANY($1)',
          [[old, recent]],
        )
        assert.deepEqual(
          left.map((r) => r.id_hash),
          [recent],
        )
      })

      it('does not let a sent draft be written to again', async () => {
        const idHash = await completeDraft()
        await service().submit(idHash)
        await service().saveDraft(idHash, answers)
        const draft = await service().findDraft(idHash)
        assert.ok(draft?.reportId)
        assert.deepEqual(draft.answers, {})
      })

      it('refuses to open one draft’s answers copied into another draft’s row', async () => {
        const a = await savedDraft(answers)
        const b = await savedDraft({})
        await db.query(
          `UPDATE report_drafts SET (key_id, wrapped_data_key, answers_ciphertext) =
             (SELECT key_id, wrapped_data_key, answers_ciphertext FROM report_drafts WHERE id_hash = $1)
           WHERE id_hash = $2`,
          [a, b],
        )
        await assert.rejects(service().findDraft(b))
      })
    })
  })
}
