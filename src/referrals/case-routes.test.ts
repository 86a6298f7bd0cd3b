import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, testConfig, type TestApp } from '../../test/app.js'
import { insertOpenCase } from '../../test/cases.js'
import { insertAgency, startSmtpServer } from '../../test/delivery.js'
import type { Browser } from '../../test/http.js'
import { parseSteps, reportSteps } from '../../test/reports.js'
import { addPerson, signIn, testClock, type TestPerson } from '../../test/staff.js'
import type { Jurisdiction } from '../jurisdictions/model.js'
import { enqueue } from '../outbox/repository.js'
import { staffPaths } from '../web/paths.js'

const ignore = (): void => undefined
const silent = { info: ignore, warn: ignore, error: ignore }

const livesIn = (force: string, children: string): Jurisdiction => ({
  status: 'resolved',
  basis: 'postcode',
  reason: 'test',
  candidates: [
    {
      policeForce: { code: force, name: 'The child’s force' },
      localAuthority: { code: 'LA1', name: 'The child’s council' },
      childrenServices: { code: children, name: 'The child’s children’s services' },
      share: 1,
    },
  ],
})

describe('referring a case to the child’s police force and children’s social care', () => {
  // Tuesday 12 January 2027, 10:00 in London: office hours.
  const clock = testClock('2027-01-12T10:00:00Z')
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  let police: { id: string; code: string | null; name: string }
  let children: { id: string; code: string | null; name: string }
  let advisorPerson: TestPerson
  let advisor: Browser
  let supervisor: Browser

  const agency = async (kind: 'police-force' | 'children-services', email: string) => {
    const a = await insertAgency(t.db, kind)
    await t.db.query('UPDATE partner_agencies SET delivery_email = $2 WHERE id = $1', [a.id, email])
    const [row] = await t.db.query<{ name: string }>(
      'SELECT name FROM partner_agencies WHERE id = $1',
      [a.id],
    )
    return { ...a, name: row?.name ?? '' }
  }

  const newCase = async () =>
    insertOpenCase(t.db, t.deps.envelope, {
      owner: advisorPerson.id,
      openedAt: clock.now(),
      report: {
        jurisdiction: livesIn(police.code ?? '', children.code ?? ''),
        answers: await parseSteps(t.deps.journey, reportSteps['parent-carer']),
      },
    })

  const stateOf = async (caseId: string) => {
    const [c] = await t.db.query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [
      caseId,
    ])
    const referrals = await t.db.query<{ id: string; status: string; report_id: string }>(
      'SELECT id, status, report_id FROM referrals WHERE case_id = $1 ORDER BY created_at, id',
      [caseId],
    )
    const [events] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM case_events WHERE case_id = $1',
      [caseId],
    )
    const [outbox] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox_messages',
    )
    return { status: c?.status, referrals, events: events?.n, outbox: outbox?.n }
  }

  const form = (agencyId: string, urgency: string) => ({
    partnerAgencyId: agencyId,
    urgency,
    reason: 'The parent says an adult keeps asking the child for photos.',
    lawfulBasis: 'safeguarding-children-at-risk',
    shared: ['what-happened'],
  })

  before(async () => {
    smtp = await startSmtpServer()
    const base = testConfig()
    t = await buildTestApp({
      now: clock.now,
      config: {
        delivery: { ...base.delivery, smtpUrl: smtp.url, smtpRejectUnauthorized: false },
      },
    })
    police = await agency('police-force', 'cpu@police.example.org')
    children = await agency('children-services', 'mash@council.example.org')
    advisorPerson = await addPerson(t, ['advisor'])
    advisor = await signIn(t, advisorPerson, clock)
    supervisor = await signIn(t, await addPerson(t, ['supervisor']), clock)
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  it('suggests the child’s police force and children’s social care from the case’s reports', async () => {
    const c = await newCase()
    const page = await advisor.get(staffPaths.caseAction(c.caseId, 'referrals/new'))
    assert.equal(page.statusCode, 200)
    assert.match(page.body, new RegExp(`${police.name} \\(where the child lives\\)`))
    assert.match(page.body, new RegExp(`${children.name} \\(where the child lives\\)`))
    assert.match(page.body, new RegExp(`value="${police.id}" selected`))
    assert.match(page.body, new RegExp(`first report, ${c.reference}`))
    const casePage = await advisor.get(staffPaths.case(c.caseId))
    assert.match(casePage.body, /Refer to the police or children’s social care/)
  })

  it('refuses bad input with clear errors and changes nothing', async () => {
    const c = await newCase()
    const url = staffPaths.caseAction(c.caseId, 'referrals/new')
    const before = await stateOf(c.caseId)
    const cases: [Record<string, string | string[]>, RegExp][] = [
      [{}, /Select the agency to refer to/],
      [{ ...form(police.id, 'urgent'), reason: '' }, /Enter why you are referring/],
      [{ ...form(randomUUID(), 'urgent') }, /Select an agency from the list/],
      [{ ...form(police.id, 'whenever') }, /Select whether the referral is urgent/],
      [{ ...form(police.id, 'urgent'), shared: ['everything'] }, /Select what you are sharing/],
      [{ ...form(police.id, 'urgent'), lawfulBasis: 'because' }, /Select the lawful basis/],
      [{ ...form(police.id, 'urgent'), reason: 'x'.repeat(3001) }, /3,000 characters or less/],
    ]
    for (const [body, error] of cases) {
      const response = await advisor.post(url, body)
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /There is a problem/)
      assert.match(response.body, error)
    }
    const typed = await advisor.post(url, { ...form(police.id, 'urgent'), lawfulBasis: '' })
    assert.match(typed.body, /asking the child for photos/, 'the person’s words are kept')
    assert.deepEqual(await stateOf(c.caseId), before)

    const missing = await advisor.post(
      staffPaths.caseAction(randomUUID(), 'referrals/new'),
      form(police.id, 'urgent'),
    )
    assert.equal(missing.statusCode, 404)
    const notAnId = await advisor.get(staffPaths.caseAction('not-a-case', 'referrals/new'))
    assert.equal(notAnId.statusCode, 404)

    await t.db.query(`UPDATE cases SET status = 'closed' WHERE id = $1`, [c.caseId])
    const closed = await advisor.post(url, form(police.id, 'urgent'))
    assert.equal(closed.statusCode, 409)
    assert.match(closed.body, /This case has ended/)
    assert.equal((await advisor.get(url)).statusCode, 409)
    assert.deepEqual(await stateOf(c.caseId), { ...before, status: 'closed' })
  })

  it('a non-urgent referral waits for another supervisor; approved, it goes and the case is referred', async () => {
    const c = await newCase()
    const url = staffPaths.caseAction(c.caseId, 'referrals/new')
    const recorded = await advisor.post(url, form(police.id, 'standard'))
    assert.equal(recorded.statusCode, 303)
    const [referral] = (await stateOf(c.caseId)).referrals
    assert.ok(referral)
    assert.equal(recorded.headers.location, `${staffPaths.referral(referral.id)}?done=waiting`)
    assert.equal(referral.status, 'awaiting-approval')
    assert.equal(referral.report_id, c.reportId, 'the package is built from the case’s report')
    assert.equal((await stateOf(c.caseId)).status, 'open', 'nothing has been sent yet')
    assert.equal((await stateOf(c.caseId)).outbox, 0)
    const page = await advisor.get(staffPaths.referral(referral.id))
    assert.match(page.body, new RegExp(`href="${staffPaths.case(c.caseId)}"`))
    assert.match(page.body, new RegExp(`Case C-\\d{5}, report ${c.reference}`))

    const waiting = await advisor.get(staffPaths.case(c.caseId))
    assert.match(
      waiting.body,
      new RegExp(`href="${staffPaths.referral(referral.id)}">${police.name}<`),
    )
    assert.match(waiting.body, /Waiting for a supervisor&#39;s approval/)

    const approved = await supervisor.post(staffPaths.referralAction(referral.id, 'approve'), {})
    assert.equal(approved.statusCode, 303)
    assert.equal((await stateOf(c.caseId)).status, 'referred')

    const worker = t.deps.buildOutboxWorker(silent)
    await worker.runOnce()
    await worker.stop()
    const mail = smtp.received.find(
      (m) => m.to.includes('cpu@police.example.org') && m.raw.includes(c.reference),
    )
    assert.ok(mail, 'the referral arrived at the force')

    const timeline = await advisor.get(
      `${staffPaths.caseAction(c.caseId, 'timeline')}?kind=referrals`,
    )
    assert.equal(timeline.statusCode, 200)
    assert.match(timeline.body, new RegExp(`Referral to ${police.name} recorded`))
    assert.match(timeline.body, new RegExp(`Referral to ${police.name} approved`))
    assert.match(timeline.body, new RegExp(`Referral delivered to ${police.name} by email`))
    assert.match(
      timeline.body,
      new RegExp(`href="${staffPaths.referral(referral.id)}">See the referral`),
    )
    assert.doesNotMatch(timeline.body, /Status: Referred/, 'only referrals under this filter')
    const status = await advisor.get(`${staffPaths.caseAction(c.caseId, 'timeline')}?kind=status`)
    assert.match(status.body, /Status: Referred/)
    assert.doesNotMatch(status.body, /Referral to/)
  })

  it('an urgent referral goes at once and marks the case referred', async () => {
    const c = await newCase()
    const sent = await advisor.post(
      staffPaths.caseAction(c.caseId, 'referrals/new'),
      form(children.id, 'urgent'),
    )
    assert.equal(sent.statusCode, 303)
    const state = await stateOf(c.caseId)
    assert.equal(state.status, 'referred')
    assert.equal(state.referrals[0]?.status, 'sending')
    // The next form suggests the force, as children's social care already has it.
    const next = await advisor.get(staffPaths.caseAction(c.caseId, 'referrals/new'))
    assert.match(next.body, new RegExp(`value="${police.id}" selected`))
    assert.match(next.body, new RegExp(`${children.name} \\(already referred\\)`))
  })

  it('shows every message to the reporter on the timeline, sent or failed', async () => {
    const c = await newCase()
    const message = async (id: string) =>
      enqueue(t.db, {
        id,
        purpose: 'reporter-acknowledgement',
        reportId: c.reportId,
        channel: 'email',
        maxAttempts: 3,
        availableAt: clock.now(),
        createdAt: clock.now(),
        createdBy: 'system',
        payload: t.deps.envelope.seal('{}', `outbox:${id}`),
      })
    const delivered = randomUUID()
    const failed = randomUUID()
    await message(delivered)
    await message(failed)
    await t.db.query(
      `UPDATE outbox_messages SET status = 'delivered', delivered_at = $2 WHERE id = $1`,
      [delivered, clock.now()],
    )
    await t.db.query(
      `UPDATE outbox_messages SET status = 'failed', failed_at = $2, attempts = 3,
              last_error = 'EENVELOPE mailbox unavailable' WHERE id = $1`,
      [failed, clock.now()],
    )
    const timeline = await advisor.get(
      `${staffPaths.caseAction(c.caseId, 'timeline')}?kind=messages`,
    )
    assert.match(timeline.body, /Acknowledgement sent to the reporter by email/)
    assert.match(timeline.body, /Acknowledgement to the reporter not delivered/)
    assert.match(timeline.body, /EENVELOPE mailbox unavailable/)
    const all = await advisor.get(staffPaths.caseAction(c.caseId, 'timeline'))
    assert.match(all.body, /Acknowledgement sent to the reporter/)
    assert.match(all.body, /Case opened/)
  })
})
