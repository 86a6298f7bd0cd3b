import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, testConfig, type TestApp } from '../../test/app.js'
import {
  insertAgency,
  startSmtpServer,
  startWebhookReceiver,
  testAudit,
} from '../../test/delivery.js'
import { insertQueuedReport } from '../../test/queue.js'
import { addPerson, testClock } from '../../test/staff.js'
import { Browser } from '../../test/http.js'
import { parseSteps, reportSteps } from '../../test/reports.js'
import type { ReportAnswers } from '../reports/answers.js'

const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters'
const ignore = (): void => undefined
const silent = { info: ignore, warn: ignore, error: ignore }

describe('referral delivery through the outbox', () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>
  const clock = testClock('2027-01-13T11:00:00Z')
  let answers: ReportAnswers

  before(async () => {
    smtp = await startSmtpServer()
    hook = await startWebhookReceiver(SECRET)
    const base = testConfig()
    t = await buildTestApp({
      now: clock.now,
      config: {
        delivery: {
          ...base.delivery,
          smtpUrl: smtp.url,
          smtpRejectUnauthorized: false,
          maxAttempts: 3,
        },
      },
    })
    answers = await parseSteps(t.deps.journey, reportSteps['parent-carer'])
  })
  after(async () => {
    await t.close()
    await smtp.close()
    await hook.close()
  })

  async function referral(
    channel: { deliveryEmail?: string; webhookUrl?: string },
    shared: string[],
  ) {
    const agency = await insertAgency(t.db)
    const saved = await t.deps.deliveryChannels.save(testAudit(clock.now), agency.id, {
      deliveryEmail: channel.deliveryEmail ?? '',
      webhookUrl: channel.webhookUrl ?? '',
      webhookSecret: channel.webhookUrl ? SECRET : '',
      webhookFormat: 'safety-centre-referral-v1',
    })
    assert.deepEqual(saved, { ok: true })
    const report = await insertQueuedReport(t.db, t.deps.envelope, { answers })
    const advisor = await addPerson(t, ['advisor'])
    const made = await t.deps.referrals.create(testAudit(clock.now), report.id, advisor, {
      partnerAgencyId: agency.id,
      urgency: 'urgent',
      reason: 'The child may meet the person tomorrow.',
      lawfulBasis: 'safeguarding-children-at-risk',
      shared,
    })
    assert.ok(made.ok, JSON.stringify(made))
    return { id: made.id, report }
  }

  const statusOf = async (id: string) =>
    (await t.db.query<{ status: string }>('SELECT status FROM referrals WHERE id = $1', [id]))[0]
      ?.status

  it('emails the package over TLS with the PDF attached, and the link records the acknowledgement', async () => {
    const { id, report } = await referral({ deliveryEmail: 'cpu@police.example.org' }, [
      'what-happened',
    ])
    const worker = t.deps.buildOutboxWorker(silent)
    assert.equal(await worker.runOnce(), 1)
    await worker.stop()
    const [mail] = smtp.received
    assert.ok(mail)
    assert.equal(mail.secure, true, 'sent over TLS')
    assert.deepEqual(mail.to, ['cpu@police.example.org'])
    const headers = mail.raw.replace(/\r\n[ \t]/g, ' ')
    assert.ok(headers.includes(`(${report.reference})`), 'the subject names the reference')
    assert.ok(/^Subject: URGENT: /m.test(headers), 'the subject says it is urgent')
    assert.ok(headers.includes('Content-Type: application/pdf; name=referral-'), 'PDF attached')
    const text = mail.raw.replace(/=\r?\n/g, '')
    assert.ok(text.includes(answers['what-happened']?.description.slice(0, 20) ?? 'missing'))
    // Not ticked, so not sent: the child's name, the reporter's contacts.
    assert.ok(!text.includes(answers['about-the-child']?.childName ?? 'missing'))
    assert.ok(!text.includes(answers['contact-details']?.email ?? 'missing'))
    assert.equal(await statusOf(id), 'sent')

    const link = /http:\/\/localhost:3000(\/referrals\/acknowledge\/[\w.-]+)/.exec(
      mail.raw.replace(/=\r?\n/g, ''),
    )?.[1]
    assert.ok(link, 'the email carries the acknowledgement link')
    const browser = new Browser(t.app)
    const page = await browser.get(link)
    assert.equal(page.statusCode, 200)
    assert.equal(await statusOf(id), 'sent', 'opening the link (a mail scanner) changes nothing')
    const confirmed = await browser.post(link, {})
    assert.equal(confirmed.statusCode, 200)
    assert.match(confirmed.body, /Thank you/)
    assert.equal(await statusOf(id), 'acknowledged')
    const again = await browser.post(link, {})
    assert.match(again.body, /already/)
  })

  it('posts a signed JSON body to the webhook, and its 2xx is the acknowledgement', async () => {
    const { id, report } = await referral({ webhookUrl: hook.url }, [])
    const worker = t.deps.buildOutboxWorker(silent)
    await worker.runOnce()
    await worker.stop()
    const got = hook.received.find((r) => r.body.reference === report.reference)
    assert.ok(got, 'arrived')
    assert.equal(got.signatureValid, true)
    assert.equal(got.body.urgent, true)
    assert.deepEqual(got.body.sections, [], 'nothing personal unless ticked')
    assert.match((got.body.pdf as { base64: string }).base64, /^JVBER/)
    assert.equal(await statusOf(id), 'acknowledged')
  })

  it('retries with backoff, then tells a person, who can send it again', async () => {
    let refusing = true
    const flaky = await startWebhookReceiver(SECRET, { status: () => (refusing ? 503 : 200) })
    try {
      const { id } = await referral({ webhookUrl: flaky.url }, [])
      const worker = t.deps.buildOutboxWorker(silent)
      assert.equal(await worker.runOnce(), 1)
      assert.equal(await worker.runOnce(), 0, 'waits for its backoff')
      for (let attempt = 2; attempt <= 3; attempt++) {
        clock.advance(10 * 60_000)
        assert.equal(await worker.runOnce(), 1)
      }
      assert.equal(await statusOf(id), 'failed')
      const failed = await t.deps.referrals.failedDeliveries(testAudit(clock.now))
      const message = failed.find((m) => m.referralId === id)
      assert.ok(message)
      assert.match(message.lastError ?? '', /WEBHOOK_REFUSED \(answered 503\)/)
      refusing = false
      assert.deepEqual(await t.deps.referrals.retryDelivery(testAudit(clock.now), message.id), {
        ok: true,
      })
      assert.equal(await worker.runOnce(), 1)
      await worker.stop()
      assert.equal(await statusOf(id), 'acknowledged')
      assert.equal(flaky.received.length, 1)
      assert.equal(flaky.received[0]?.idempotencyKey, message.id, 'the same message id throughout')
    } finally {
      await flaky.close()
    }
  })

  it('fails at once, without spending retries, when the agency has no way to receive it', async () => {
    const { id } = await referral({}, [])
    const worker = t.deps.buildOutboxWorker(silent)
    await worker.runOnce()
    await worker.stop()
    assert.equal(await statusOf(id), 'failed')
  })
})
