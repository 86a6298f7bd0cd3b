import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, testConfig, type TestApp } from '../../test/app.js'
import { insertAgency, startSmtpServer } from '../../test/delivery.js'
import type { Browser } from '../../test/http.js'
import { insertQueuedReport } from '../../test/queue.js'
import { parseSteps, reportSteps } from '../../test/reports.js'
import { addPerson, signIn, testClock, MINUTE } from '../../test/staff.js'
import type { ReportAnswers } from '../reports/answers.js'
import { staffPaths } from '../web/paths.js'

const ignore = (): void => undefined
const silent = { info: ignore, warn: ignore, error: ignore }

describe('referrals through the back office', () => {
  // Wednesday 13 January 2027, 01:00 in London: the Control Centre's hours.
  const clock = testClock('2027-01-13T01:00:00Z')
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  let answers: ReportAnswers
  let force: { id: string }
  let admin: Browser

  before(async () => {
    smtp = await startSmtpServer()
    const base = testConfig()
    t = await buildTestApp({
      now: clock.now,
      config: {
        // The test waits past the acknowledgement time with the operator signed in.
        staff: { ...base.staff, sessionIdleMinutes: 120 },
        delivery: {
          ...base.delivery,
          smtpUrl: smtp.url,
          smtpRejectUnauthorized: false,
          urgentAcknowledgeMinutes: 30,
        },
      },
    })
    answers = await parseSteps(t.deps.journey, reportSteps['parent-carer'])
    force = await insertAgency(t.db)
    admin = await signIn(t, await addPerson(t, ['administrator']), clock)
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  const referralsOf = (reportId: string) =>
    t.db.query<{ id: string; status: string; shared: string[]; urgency: string }>(
      'SELECT id, status, shared, urgency FROM referrals WHERE report_id = $1',
      [reportId],
    )

  it('lets an administrator set how an agency receives referrals, refusing bad addresses', async () => {
    const url = staffPaths.partnerAgencyDelivery(force.id)
    assert.equal((await admin.get(url)).statusCode, 200)
    const bad = await admin.post(url, {
      deliveryEmail: 'not an address',
      webhookUrl: 'http://partner.example.org/hook',
      webhookSecret: 'short',
      webhookFormat: 'safety-centre-referral-v1',
    })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /There is a problem/)
    assert.match(bad.body, /must start with https:\/\//)
    assert.doesNotMatch(bad.body, /value="short"/, 'a typed secret is never shown back')
    assert.equal((await t.deps.deliveryChannels.channelsOf(force.id))?.deliveryEmail, null)
    const good = await admin.post(url, { deliveryEmail: 'cpu@police.example.org', webhookUrl: '' })
    assert.equal(good.statusCode, 303)
    assert.equal(
      (await t.deps.deliveryChannels.channelsOf(force.id))?.deliveryEmail,
      'cpu@police.example.org',
    )
  })

  it('a Control Centre operator sends an urgent referral at night; it arrives, and waits for acknowledgement', async () => {
    const report = await insertQueuedReport(t.db, t.deps.envelope, {
      priority: 'P1',
      receivedAt: clock.now(),
      answers,
    })
    const operator = await signIn(t, await addPerson(t, ['operator']), clock)
    const form = staffPaths.newReferral(report.id)
    assert.equal((await operator.get(form)).statusCode, 200)
    const missing = await operator.post(form, { partnerAgencyId: force.id, urgency: 'urgent' })
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /Enter why you are referring/)
    assert.match(missing.body, /Select the lawful basis/)
    assert.deepEqual(await referralsOf(report.id), [], 'a bad form changes nothing')

    const sent = await operator.post(form, {
      partnerAgencyId: force.id,
      urgency: 'urgent',
      reason: 'The child plans to meet the person tonight.',
      lawfulBasis: 'safeguarding-children-at-risk',
      shared: ['the-child', 'what-happened'],
    })
    assert.equal(sent.statusCode, 303)
    const [referral] = await referralsOf(report.id)
    assert.ok(referral)
    assert.deepEqual(referral.shared, ['the-child', 'what-happened'])
    assert.equal(sent.headers.location, `${staffPaths.referral(referral.id)}?done=sent`)
    const page = await operator.get(staffPaths.referral(referral.id))
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /The child plans to meet the person tonight/)

    const worker = t.deps.buildOutboxWorker(silent)
    await worker.runOnce()
    await worker.stop()
    const mail = smtp.received.find((m) => m.raw.includes(report.reference))
    assert.ok(mail, 'the referral arrived')
    assert.equal((await referralsOf(report.id))[0]?.status, 'sent')

    clock.advance(31 * MINUTE)
    const home = await operator.get(staffPaths.home)
    assert.match(home.body, /1 urgent referral has not been acknowledged/)
    assert.ok(home.body.includes(report.reference))

    const link = /\/referrals\/acknowledge\/[\w.-]+/.exec(mail.raw.replace(/=\r?\n/g, ''))?.[0]
    assert.ok(link)
    await operator.get(link)
    // A link that was never issued, or was altered, acknowledges nothing and says so.
    const altered = await operator.post(`${link.slice(0, -1)}${link.endsWith('A') ? 'B' : 'A'}`, {})
    assert.equal(altered.statusCode, 404)
    assert.match(altered.body, /This link is not valid/)
    assert.notEqual((await referralsOf(report.id))[0]?.status, 'acknowledged')
    await operator.post(link, {})
    assert.equal((await referralsOf(report.id))[0]?.status, 'acknowledged')
    assert.doesNotMatch((await operator.get(staffPaths.home)).body, /not been acknowledged/)

    const supervisor = await signIn(t, await addPerson(t, ['supervisor']), clock)
    const list = await supervisor.get(staffPaths.referrals)
    assert.ok(list.body.includes(report.reference), 'the supervisor sees it to review')
    const reviewed = await supervisor.post(staffPaths.referralAction(referral.id, 'review'), {})
    assert.equal(reviewed.statusCode, 303)
    assert.ok(!(await supervisor.get(staffPaths.referrals)).body.includes(report.reference))
  })

  it('a referral that is not urgent waits for another supervisor, who approves and so sends it', async () => {
    // Thursday 10:00: office hours, the advisors' queue.
    clock.advance(Date.parse('2027-01-14T10:00:00Z') - clock.now().getTime())
    const report = await insertQueuedReport(t.db, t.deps.envelope, {
      priority: 'P3',
      receivedAt: clock.now(),
      answers,
    })
    const advisor = await signIn(t, await addPerson(t, ['advisor']), clock)
    const sent = await advisor.post(staffPaths.newReferral(report.id), {
      partnerAgencyId: force.id,
      urgency: 'standard',
      reason: 'Children’s social care should know the child is being contacted.',
      lawfulBasis: 'public-task',
    })
    assert.equal(sent.statusCode, 303)
    const [referral] = await referralsOf(report.id)
    assert.ok(referral)
    assert.deepEqual(referral.shared, [], 'nothing personal unless ticked')
    assert.equal(referral.status, 'awaiting-approval')
    const queued = await t.db.query('SELECT 1 FROM outbox_messages WHERE referral_id = $1', [
      referral.id,
    ])
    assert.equal(queued.length, 0, 'nothing is sent before approval')
    const approve = staffPaths.referralAction(referral.id, 'approve')
    assert.equal((await advisor.post(approve, {})).statusCode, 403)

    const supervisor = await signIn(t, await addPerson(t, ['supervisor']), clock)
    assert.equal((await supervisor.post(approve, {})).statusCode, 303)
    assert.equal((await supervisor.post(approve, {})).statusCode, 409, 'once only')
    const worker = t.deps.buildOutboxWorker(silent)
    await worker.runOnce()
    await worker.stop()
    assert.equal((await referralsOf(report.id))[0]?.status, 'sent')
    const pdf = await supervisor.get(staffPaths.referralPdf(referral.id))
    assert.equal(pdf.headers['content-type'], 'application/pdf')
    assert.ok(pdf.rawPayload.subarray(0, 5).equals(Buffer.from('%PDF-')))
  })
})
