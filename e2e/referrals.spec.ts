import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import { staffPaths } from '../src/web/paths.js'
import { insertAgency } from '../test/delivery.js'
import { insertQueuedReport } from '../test/queue.js'
import { parseSteps, reportSteps } from '../test/reports.js'
import { addPerson } from '../test/staff.js'
import {
  Journey,
  assertQuiet,
  closeContext,
  launchBrowser,
  newContext,
  type StartedApp,
} from './support/browser.js'
import { silentLog, startAppWithMail, type SmtpServer } from './support/mail.js'
import { StaffPages } from './support/staff.js'

const MINUTE = 60_000
// Tuesday 1 December 2026, 23:00 in London: the office is closed; the Control Centre works.
const TUESDAY_NIGHT = new Date('2026-12-01T23:00:00Z')

describe('referrals in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  let smtp: SmtpServer
  const contexts: BrowserContext[] = []

  before(async () => {
    browser = await launchBrowser()
    ;({ app, smtp } = await startAppWithMail({
      at: TUESDAY_NIGHT,
      sessionIdleMinutes: 120,
      delivery: { urgentAcknowledgeMinutes: 30 },
    }))
  })

  after(async () => {
    for (const context of contexts) await closeContext(context)
    await browser.close()
    await app.close()
    await smtp.close()
  })

  async function person(name: string) {
    const context = await newContext(browser, app)
    contexts.push(context)
    const journey = await Journey.start(context, `referrals-${name}`)
    return { journey, pages: new StaffPages(journey) }
  }

  it('a Control Centre operator sends an urgent referral at night, and it arrives', async () => {
    const force = await insertAgency(app.test.db)
    const [agency] = await app.test.db.query<{ name: string }>(
      'SELECT name FROM partner_agencies WHERE id = $1',
      [force.id],
    )
    assert.ok(agency)

    // An administrator says how the force receives referrals.
    const admin = await person('administrator')
    await admin.pages.signIn(await addPerson(app.test, ['administrator']), app)
    await admin.pages.page.goto(staffPaths.partnerAgency(force.id))
    await admin.pages.arrive(agency.name)
    await admin.pages.follow(admin.pages.link(/How they receive referrals/))
    await admin.pages.arrive('How they receive referrals')
    await admin.pages.page.getByLabel('Email address for referrals').fill('cpu@police.example.org')
    await admin.pages.follow(admin.pages.button('Save'))
    await admin.pages.arrive('How they receive referrals', 'saved')

    const report = await insertQueuedReport(app.test.db, app.test.deps.envelope, {
      priority: 'P1',
      receivedAt: new Date(app.test.deps.now().getTime() - 5 * MINUTE),
      answers: await parseSteps(app.test.deps.journey, reportSteps['young-person']),
    })

    const { journey, pages } = await person('operator')
    await pages.signIn(await addPerson(app.test, ['operator']), app)
    await pages.page.goto(staffPaths.report(report.id))
    await pages.arrive(`Report ${report.reference}`)
    await pages.follow(pages.link('Refer to a partner agency'))
    await pages.arrive('Refer to a partner agency')
    await pages.follow(pages.button('Record referral'))
    await pages.arrive('Refer to a partner agency', 'error')
    assert.equal(await pages.page.getByText('Select the agency to refer to').count(), 2)

    await pages.page.getByLabel('Agency', { exact: true }).selectOption({ label: agency.name })
    await pages.page.getByLabel(/Urgent: send now/).check()
    await pages.page
      .getByLabel('Why you are referring')
      .fill('The young person says an adult plans to meet them after school tomorrow.')
    await pages.page.getByLabel('What happened, in the reporter’s words').check()
    await pages.page.getByLabel(/Safeguarding children and individuals at risk/).check()
    await pages.follow(pages.button('Record referral'))
    await pages.arrive(`Referral to ${agency.name}`, 'recorded')

    const worker = app.test.deps.buildOutboxWorker(silentLog)
    assert.equal(await worker.runOnce(), 1)
    await worker.stop()
    const mail = smtp.received.find((m) => m.raw.includes(report.reference))
    assert.ok(mail, 'the referral arrived by email')
    assert.equal(mail.secure, true)

    // Half an hour on, nobody has acknowledged it: every Control Centre page says so.
    app.advanceClock(31 * MINUTE)
    await pages.page.goto(staffPaths.home)
    await pages.arrive('Staff home', 'unacknowledged')
    assert.equal(await pages.page.getByText(/urgent referral has not been acknowledged/).count(), 1)

    // The force follows the link in the email.
    const link = /\/referrals\/acknowledge\/[\w.-]+/.exec(mail.raw.replace(/=\r?\n/g, ''))?.[0]
    assert.ok(link)
    const partner = await person('partner')
    await partner.pages.page.goto(link)
    await partner.pages.arrive('Acknowledge a referral')
    await partner.pages.follow(partner.pages.button('Confirm we have received it'))
    await partner.pages.arrive('Thank you')

    await pages.page.goto(staffPaths.home)
    await pages.arrive('Staff home', 'acknowledged')
    assert.equal(await pages.page.getByText(/not been acknowledged/).count(), 0)
    assertQuiet(journey.watched)

    // A supervisor reviews the urgent referral afterwards, and checks nothing failed.
    const supervisor = await person('supervisor')
    await supervisor.pages.signIn(await addPerson(app.test, ['supervisor']), app)
    await supervisor.pages.follow(supervisor.pages.link('Referrals'))
    await supervisor.pages.arrive('Referrals to approve or review')
    await supervisor.pages.follow(supervisor.pages.link(report.reference))
    await supervisor.pages.arrive(`Referral to ${agency.name}`)
    await supervisor.pages.follow(supervisor.pages.button('Record my review'))
    await supervisor.pages.arrive(`Referral to ${agency.name}`, 'reviewed')
    await supervisor.pages.follow(supervisor.pages.link('Failed deliveries'))
    await supervisor.pages.arrive('Deliveries that failed')
    assert.equal(await supervisor.pages.page.getByText('Nothing has failed.').count(), 1)
  })
})
