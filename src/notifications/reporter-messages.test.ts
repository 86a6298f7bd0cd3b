import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, testConfig, type TestApp } from '../../test/app.js'
import { startSmtpServer } from '../../test/delivery.js'
import { answerAll, Browser } from '../../test/http.js'
import { insertQueuedReport } from '../../test/queue.js'
import { canaries, parseSteps, reportSteps } from '../../test/reports.js'
import { addPerson, signIn, testClock } from '../../test/staff.js'
import type { ReportAnswers } from '../reports/answers.js'
import { paths, staffPaths } from '../web/paths.js'
import { randomUUID } from 'node:crypto'
import { enqueue, type ClaimedMessage } from '../outbox/repository.js'
import { PermanentDeliveryError } from '../outbox/worker.js'
import { acknowledgementDelivery, payloadContext, reporterRoute } from './reporter-messages.js'

const ignore = (): void => undefined
const silent = { info: ignore, warn: ignore, error: ignore }

describe('the safe way to write to a reporter', () => {
  const contact = (email: string | null, phone: string | null, ways?: string[]) =>
    ({
      'contact-details': { email, phone },
      ...(ways ? { 'safe-ways-to-contact': { contactWays: ways } } : {}),
    }) as ReportAnswers

  it('is email when they gave one and did not rule it out', () => {
    assert.equal(reporterRoute(contact('a@example.org', '07700 900 001'))?.channel, 'email')
    assert.equal(reporterRoute(contact('a@example.org', '07700 900 001', ['text']))?.channel, 'sms')
  })

  it('is nothing when only a phone call is safe: a person makes that call', () => {
    assert.equal(reporterRoute(contact(null, '07700 900 001', ['phone'])), undefined)
    assert.equal(reporterRoute(contact('a@example.org', '07700 900 001', ['phone'])), undefined)
  })
})

describe('messages to reporters', () => {
  // Wednesday 13 January 2027, 10:00 in London.
  const clock = testClock('2027-01-13T10:00:00Z')
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  const texts: {
    body: Record<string, string>
    key: string | undefined
    auth: string | undefined
  }[] = []
  const smsServer = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (c: Buffer) => chunks.push(c))
    request.on('end', () => {
      texts.push({
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>,
        key: request.headers['idempotency-key'] as string | undefined,
        auth: request.headers.authorization,
      })
      response.writeHead(202).end()
    })
  })

  before(async () => {
    smtp = await startSmtpServer()
    await new Promise<void>((resolve) => smsServer.listen(0, '127.0.0.1', resolve))
    const port = (smsServer.address() as AddressInfo).port
    const base = testConfig()
    t = await buildTestApp({
      now: clock.now,
      config: {
        delivery: {
          ...base.delivery,
          smtpUrl: smtp.url,
          smtpRejectUnauthorized: false,
          sms: {
            provider: 'http',
            url: `http://127.0.0.1:${String(port)}/sms`,
            token: 'test-token',
          },
        },
      },
    })
  })
  after(async () => {
    await t.close()
    await smtp.close()
    await new Promise<void>((resolve) =>
      smsServer.close(() => {
        resolve()
      }),
    )
  })

  async function sendReport(audience: 'young-person' | 'professional') {
    const browser = new Browser(t.app)
    await answerAll(browser, reportSteps[audience])
    await browser.get(paths.report.checkAnswers)
    const sent = await browser.post(paths.report.checkAnswers, {})
    assert.equal(sent.statusCode, 303)
    const [row] = await t.db.query<{ id: string; reference: string }>(
      'SELECT id, reference FROM reports ORDER BY received_at DESC, reference DESC LIMIT 1',
    )
    assert.ok(row)
    return row
  }

  it('acknowledges a report by email at the time the reporter said is safe, saying nothing about the child', async () => {
    const report = await sendReport('young-person')
    const [queued] = await t.db.query<{ channel: string; status: string; available_at: Date }>(
      `SELECT channel, status, available_at FROM outbox_messages
        WHERE report_id = $1 AND purpose = 'reporter-acknowledgement'`,
      [report.id],
    )
    assert.ok(queued, 'written with the report')
    assert.equal(queued.channel, 'email')
    const [sealed] = await t.db.query<{ payload: boolean }>(
      `SELECT payload_ciphertext IS NOT NULL AS payload FROM outbox_messages
        WHERE report_id = $1`,
      [report.id],
    )
    assert.equal(sealed?.payload, false, 'the address is sealed once, in the report')
    // "after school": 15:30 in London, which is UTC in January.
    assert.equal(new Date(queued.available_at).toISOString(), '2027-01-13T15:30:00.000Z')

    const worker = t.deps.buildOutboxWorker(silent)
    assert.equal(await worker.runOnce(), 0, 'not before the safe time')
    clock.advance(6 * 3_600_000)
    assert.equal(await worker.runOnce(), 1)
    await worker.stop()
    const mail = smtp.received.find((m) => m.raw.includes(report.reference))
    assert.ok(mail, 'arrived')
    assert.deepEqual(mail.to, ['canary.young@example.com'])
    const body = mail.raw
      .split('\r\n\r\n')
      .slice(1)
      .join('\n')
      .replace(/=\r?\n/g, '')
    for (const canary of canaries['young-person'])
      assert.ok(!body.includes(canary), `the message does not mention ${canary}`)
    assert.match(body, /What happens next/)
  })

  it('sends an acknowledgement queued with its sealed words, as earlier versions wrote them, as written', async () => {
    // Received a minute ago, so the tests that look for the newest report find their own.
    const receivedAt = new Date(clock.now().getTime() - 60_000)
    const report = await insertQueuedReport(t.db, t.deps.envelope, { receivedAt })
    const id = randomUUID()
    const words = {
      to: 'earlier.version@example.org',
      subject: 'Written before',
      text: 'As written.',
    }
    await enqueue(t.db, {
      id,
      purpose: 'reporter-acknowledgement',
      reportId: report.id,
      channel: 'email',
      maxAttempts: 8,
      availableAt: clock.now(),
      createdAt: clock.now(),
      createdBy: 'public:form',
      payload: t.deps.envelope.seal(JSON.stringify(words), payloadContext(id)),
    })
    const worker = t.deps.buildOutboxWorker(silent)
    assert.equal(await worker.runOnce(), 1)
    await worker.stop()
    const mail = smtp.received.at(-1)
    assert.ok(mail)
    assert.deepEqual(mail.to, ['earlier.version@example.org'])
    assert.match(mail.raw, /Subject: Written before/)
  })

  it('sends no automatic message when only a phone call is safe', async () => {
    const report = await sendReport('professional')
    const rows = await t.db.query('SELECT 1 FROM outbox_messages WHERE report_id = $1', [report.id])
    assert.equal(rows.length, 0)
  })

  it('lets staff write from a template; a text goes through the SMS provider with the message id', async () => {
    const report = await insertQueuedReport(t.db, t.deps.envelope, {
      receivedAt: clock.now(),
      answers: {
        ...(await parseSteps(t.deps.journey, reportSteps.professional)),
        'safe-ways-to-contact': { contactWays: ['text'] },
      },
    })
    const advisor = await signIn(t, await addPerson(t, ['advisor']), clock)
    const url = staffPaths.newReporterMessage(report.id)
    const page = await advisor.get(`${url}?template=tried-to-call`)
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes(`We tried to call you about your report ${report.reference}`))
    const tooLong = await advisor.post(url, { message: 'x'.repeat(321) })
    assert.equal(tooLong.statusCode, 400)
    assert.match(tooLong.body, /320 characters or less/)
    const sent = await advisor.post(url, {
      message: `We tried to call you about your report ${report.reference}.`,
    })
    assert.equal(sent.statusCode, 303)
    const worker = t.deps.buildOutboxWorker(silent)
    assert.equal(await worker.runOnce(), 1)
    await worker.stop()
    const text = texts.at(-1)
    assert.ok(text)
    assert.equal(text.body.to, '01632 960 417')
    assert.equal(text.auth, 'Bearer test-token')
    assert.equal(text.key, text.body.reference, 'the message id is the idempotency key')
    const listed = await advisor.get(url)
    assert.match(listed.body, /Delivered/)
  })

  it('sends the advice chosen when a report is closed below the threshold, by the same outbox', async () => {
    const advisor = await addPerson(t, ['advisor'])
    const report = await insertQueuedReport(t.db, t.deps.envelope, {
      receivedAt: clock.now(),
      claimedBy: advisor.id,
      answers: await parseSteps(t.deps.journey, reportSteps['concerned-adult']),
    })
    const browser = await signIn(t, advisor, clock)
    const url = staffPaths.reportAction(report.id, 'assessment')
    await browser.get(url)
    const decided = await browser.post(url, {
      riskLevel: 'low',
      rationale: 'Synthetic rationale',
      decision: 'close-with-advice',
      adviceTemplateId: 'block-and-report',
    })
    assert.equal(decided.statusCode, 303)
    const worker = t.deps.buildOutboxWorker(silent)
    assert.equal(await worker.runOnce(), 1)
    await worker.stop()
    const mail = smtp.received.at(-1)
    assert.ok(mail)
    assert.deepEqual(mail.to, ['canary.adult@example.net'])
    assert.match(mail.raw, /Subject: Block, report and keep talking/)
  })
})

describe('an acknowledgement composed when it is sent', () => {
  const message: ClaimedMessage = {
    id: randomUUID(),
    purpose: 'reporter-acknowledgement',
    reportId: randomUUID(),
    referralId: null,
    channel: 'email',
    attempt: 1,
    maxAttempts: 8,
    payload: null,
  }
  const unused = () => Promise.reject(new Error('nothing may be sent'))
  const handler = (answers: ReportAnswers | undefined) =>
    acknowledgementDelivery({
      envelope: undefined as never,
      settings: undefined as never,
      email: { send: unused, close: () => undefined },
      sms: { send: unused } as never,
      reportAnswers: () => Promise.resolve(answers && { reference: 'SC-TEST', answers }),
    })

  it('fails for good, spending no retries, when the report is gone', async () => {
    await assert.rejects(handler(undefined).send(message), PermanentDeliveryError)
  })

  it('fails for good when the answers name no safe way to write', async () => {
    const phoneOnly = {
      'contact-details': { email: 'a@example.org', phone: null },
      'safe-ways-to-contact': { contactWays: ['phone'] },
    } as unknown as ReportAnswers
    await assert.rejects(handler(phoneOnly).send(message), PermanentDeliveryError)
  })
})
