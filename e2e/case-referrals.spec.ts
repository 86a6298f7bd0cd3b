import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import type { Jurisdiction } from '../src/jurisdictions/model.js'
import { staffPaths } from '../src/web/paths.js'
import { insertOpenCase } from '../test/cases.js'
import { insertAgency } from '../test/delivery.js'
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
import { ReportForm } from './support/report-form.js'
import { silentLog, startAppWithMail, type SmtpServer } from './support/mail.js'
import { StaffPages } from './support/staff.js'

// Tuesday 1 December 2026, 10:00 in London: the office is open.
const TUESDAY_MORNING = new Date('2026-12-01T10:00:00Z')
const HOUR = 3_600_000

describe('referring a case, and the reporter’s acknowledgement, in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  let smtp: SmtpServer
  const contexts: BrowserContext[] = []

  before(async () => {
    browser = await launchBrowser()
    ;({ app, smtp } = await startAppWithMail({
      at: TUESDAY_MORNING,
      sessionIdleMinutes: 600,
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
    const journey = await Journey.start(context, `case-referrals-${name}`)
    return { journey, pages: new StaffPages(journey) }
  }

  /** A partner agency for the child's area, receiving referrals by secure email. */
  async function agency(kind: 'police-force' | 'children-services', name: string, email: string) {
    const a = await insertAgency(app.test.db, kind)
    await app.test.db.query(
      'UPDATE partner_agencies SET name = $2, delivery_email = $3 WHERE id = $1',
      [a.id, name, email],
    )
    return { id: a.id, code: a.code ?? '', name, email }
  }

  const deliverAll = async () => {
    const worker = app.test.deps.buildOutboxWorker(silentLog)
    const sent = await worker.runOnce()
    await worker.stop()
    return sent
  }

  it('an advisor refers a case to the child’s police force and children’s social care; a supervisor approves; both arrive', async () => {
    const police = await agency('police-force', 'West Yorkshire Police', 'cpu@police.example.org')
    const council = await agency(
      'children-services',
      'Leeds Children’s Social Care',
      'front-door@leeds.example.org',
    )
    const leeds: Jurisdiction = {
      status: 'resolved',
      basis: 'postcode',
      reason: 'The postcode district is in one council area',
      candidates: [
        {
          policeForce: { code: police.code, name: 'West Yorkshire Police' },
          localAuthority: { code: 'E08000035', name: 'Leeds' },
          childrenServices: { code: council.code, name: 'Leeds' },
          share: 1,
        },
      ],
    }
    const advisorPerson = await addPerson(app.test, ['advisor'])
    const opened = await insertOpenCase(app.test.db, app.test.deps.envelope, {
      owner: advisorPerson.id,
      openedAt: new Date(TUESDAY_MORNING.getTime() - 2 * HOUR),
      report: {
        jurisdiction: leeds,
        answers: await parseSteps(app.test.deps.journey, reportSteps['parent-carer']),
      },
    })
    const caseTitle = `Case C-${String(opened.number).padStart(5, '0')}`

    const { journey, pages } = await person('advisor')
    await pages.signIn(advisorPerson, app)
    for (const [target, state] of [
      [police, 'police'],
      [council, 'council'],
    ] as const) {
      await pages.page.goto(staffPaths.case(opened.caseId))
      await pages.arrive(
        new RegExp(`^${caseTitle}`),
        state === 'police' ? '' : 'one-referral-waiting',
      )
      await pages.follow(pages.link('Refer to the police or children’s social care'))
      await pages.arrive('Refer to a partner agency', state)
      // The child's force is suggested first, then their children's social care.
      assert.equal(await pages.page.getByLabel('Agency', { exact: true }).inputValue(), target.id)
      if (state === 'police') {
        await pages.follow(pages.button('Record referral'))
        await pages.arrive('Refer to a partner agency', 'error')
        assert.equal(await pages.page.getByText('Select whether the referral is urgent').count(), 2)
        assert.equal(await pages.page.getByLabel('Agency', { exact: true }).inputValue(), police.id)
      }
      await pages.page.getByLabel(/Not urgent: a supervisor approves/).check()
      await pages.page
        .getByLabel('Why you are referring')
        .fill('The parent says an adult online keeps asking their child for photos.')
      await pages.page.getByLabel('What happened, in the reporter’s words').check()
      await pages.page.getByLabel(/Safeguarding children and individuals at risk/).check()
      await pages.follow(pages.button('Record referral'))
      await pages.arrive(`Referral to ${target.name}`, `${state}-waiting`)
    }
    assert.equal(await deliverAll(), 0, 'nothing goes before a supervisor approves')
    assertQuiet(journey.watched)

    const supervisor = await person('supervisor')
    await supervisor.pages.signIn(await addPerson(app.test, ['supervisor']), app)
    for (const target of [police, council]) {
      await supervisor.pages.follow(supervisor.pages.nav('Referrals'))
      await supervisor.pages.arrive('Referrals to approve or review')
      await supervisor.pages.follow(
        supervisor.pages.page
          .getByRole('row', { name: new RegExp(target.name) })
          .getByRole('link', { name: opened.reference }),
      )
      await supervisor.pages.arrive(`Referral to ${target.name}`)
      await supervisor.pages.follow(supervisor.pages.button('Approve and send'))
      await supervisor.pages.arrive(`Referral to ${target.name}`, 'approved')
    }

    assert.equal(await deliverAll(), 2)
    for (const target of [police, council]) {
      const mail = smtp.received.find((m) => m.to.includes(target.email))
      assert.ok(mail, `the referral arrived at ${target.name}`)
      assert.equal(mail.secure, true)
      assert.ok(mail.raw.includes(opened.reference))
    }

    // The case is referred, and its timeline shows both referrals and their delivery.
    await pages.page.goto(staffPaths.case(opened.caseId))
    await pages.arrive(new RegExp(`^${caseTitle}`), 'after')
    assert.equal((await pages.page.getByText('Referred', { exact: true }).count()) > 0, true)
    await pages.follow(pages.link('Timeline'))
    await pages.arrive('Timeline')
    await pages.page.getByLabel('Show').selectOption({ label: 'Referrals' })
    await pages.follow(pages.button('Show'))
    await pages.arrive('Timeline', 'referrals')
    for (const target of [police, council]) {
      for (const line of [
        `Referral to ${target.name} recorded`,
        `Referral to ${target.name} approved`,
        `Referral delivered to ${target.name} by email`,
      ])
        assert.equal(await pages.page.getByText(line).count(), 1, line)
    }
    assertQuiet(journey.watched)
  })

  it('a reporter’s acknowledgement arrives at the time they said is safe', async () => {
    const context = await newContext(browser, app)
    contexts.push(context)
    const journey = await Journey.start(context, 'case-referrals-reporter')
    const form = new ReportForm(journey)
    await form.fromHomePage()
    await form.whoAreYou('parent-carer')
    await form.whatIsItAbout(['asked-for-images'])
    await form.immediateDanger('Is your child in danger right now?', 'no')
    await form.aboutTheChild('parent-carer')
    await form.whereTheChildLives('parent-carer')
    await form.whatHappened(true)
    await form.theOtherPerson(true)
    // Email is the safe way, "After 6pm" the safe time.
    await form.contactDetails('parent-carer', true)
    await form.checkYourAnswers()
    const reference = await form.confirmation()
    assertQuiet(journey.watched)

    const toReporter = () =>
      smtp.received.filter((m) => m.to.includes('canary.reporter@example.com'))
    await deliverAll()
    assert.equal(toReporter().length, 0, 'not before 6pm')
    app.setClock(new Date('2026-12-01T18:05:00Z'))
    await deliverAll()
    const [mail] = toReporter()
    assert.ok(mail, 'the acknowledgement arrived after 6pm')
    assert.equal(toReporter().length, 1)
    const text = mail.raw.replace(/=\r?\n/g, '')
    assert.ok(text.includes(reference), 'it gives the reference')
    for (const canary of ['canary_user_100', 'CANARY-DESCRIPTION', 'Bradford'])
      assert.ok(!text.includes(canary), 'it says nothing about the child or what happened')
  })
})
