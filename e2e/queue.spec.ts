import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import type { Audience, Priority } from '../src/reports/model.js'
import type { ReportAnswers } from '../src/reports/answers.js'
import type { Jurisdiction } from '../src/jurisdictions/model.js'
import { importJurisdictionFile } from '../test/jurisdictions.js'
import { insertQueuedReport } from '../test/queue.js'
import { parseSteps, reportSteps, type Step } from '../test/reports.js'
import { addPerson, type TestPerson } from '../test/staff.js'
import {
  Journey,
  assertQuiet,
  closeContext,
  launchBrowser,
  newContext,
  startApp,
  type StartedApp,
} from './support/browser.js'
import { StaffPages } from './support/staff.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
// Tuesday 1 December 2026 in London (GMT): the office is open at 10:00 and closed at 23:00.
const TUESDAY_MORNING = new Date('2026-12-01T10:00:00Z')
const TUESDAY_NIGHT = new Date('2026-12-01T23:00:00Z')

/** The areas the reports come from, as the imported jurisdiction tables name them. */
const AREAS = {
  leeds: { la: ['E08000035', 'Leeds'], force: ['E23000010', 'West Yorkshire Police'] },
  manchester: {
    la: ['E08000003', 'Manchester'],
    force: ['E23000005', 'Greater Manchester Police'],
  },
  croydon: { la: ['E09000008', 'Croydon'], force: ['E23000001', 'Metropolitan Police Service'] },
} as const

function areaOf(area: keyof typeof AREAS): Jurisdiction {
  const { la, force } = AREAS[area]
  return {
    status: 'resolved',
    basis: 'postcode',
    reason: 'The postcode district is in one council area',
    candidates: [
      {
        policeForce: { code: force[0], name: force[1] },
        localAuthority: { code: la[0], name: la[1] },
        childrenServices: { code: la[0], name: la[1] },
        share: 1,
      },
    ],
  }
}

/** The queue, the report and its forms, page by page (one h1, axe, a screenshot each). */
class QueuePages extends StaffPages {
  /** The references in the queue table, top to bottom. */
  async queuedReferences(): Promise<string[]> {
    return (await this.page.locator('#queue-table tbody tr td:nth-child(3)').allInnerTexts()).map(
      (text) => text.trim(),
    )
  }

  async openReport(reference: string): Promise<void> {
    await this.follow(this.link(reference))
    await this.arrive(`Report ${reference}`)
  }

  /**
   * A change whose form asks only for a reason: the report's link and the form's title are both
   * `page`; sent empty first (the error state) if asked, then with the reason; back on the
   * report in state `done`.
   */
  async changeWithReason(
    reference: string,
    change: { page: string; button: string; label: string; done: string },
    reason: string,
    options: { tryEmptyFirst?: boolean } = {},
  ): Promise<void> {
    await this.follow(this.link(change.page))
    await this.arrive(change.page)
    if (options.tryEmptyFirst) {
      await this.follow(this.button(change.button))
      await this.arrive(change.page, 'error')
    }
    await this.page.getByLabel(change.label).fill(reason)
    await this.follow(this.button(change.button))
    await this.arrive(`Report ${reference}`, change.done)
  }

  /** The assessment form: its error state first, then the answers given. */
  async recordDecision(
    reference: string,
    choose: (form: QueuePages) => Promise<void>,
    options: { tryEmptyFirst?: boolean } = {},
  ): Promise<void> {
    await this.follow(this.link('Record risk assessment and decision'))
    await this.arrive('Risk assessment and decision')
    if (options.tryEmptyFirst) {
      await this.follow(this.button('Record decision'))
      await this.arrive('Risk assessment and decision', 'error')
      const summary = this.page.locator('.govuk-error-summary__list')
      for (const message of ['Select the risk level', 'Enter your rationale'])
        assert.equal(await summary.getByText(message).count(), 1, message)
    }
    await choose(this)
    await this.follow(this.button('Record decision'))
    await this.arrive(`Report ${reference}`, 'decided')
    assert.equal(
      await this.page.getByText('Risk assessment and decision recorded').count(),
      1,
      'the success banner',
    )
  }

  async assess(riskLevel: 'High' | 'Medium' | 'Low', factors: string[], rationale: string) {
    await this.page
      .getByRole('group', { name: 'Risk level' })
      .getByLabel(riskLevel, { exact: true })
      .check()
    for (const factor of factors) await this.page.getByLabel(factor).check()
    await this.page.getByLabel('Rationale').fill(rationale)
  }

  decision(label: string) {
    return this.page.getByRole('group', { name: 'Decision', exact: true }).getByLabel(label)
  }
}

describe('the triage queue and the report in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  const contexts: BrowserContext[] = []
  let advisor: TestPerson
  let otherAdvisor: TestPerson
  let supervisor: TestPerson
  let operator: TestPerson
  const now = () => app.test.deps.now()
  const reports: Record<string, { id: string; reference: string }> = {}

  /** A whole report as the form stores it, with its own words for what happened. */
  async function answers(audience: Audience, happened: string): Promise<ReportAnswers> {
    const steps: Step[] = reportSteps[audience].map(([slug, form]) =>
      slug === 'what-happened' ? [slug, { description: happened }] : [slug, form],
    )
    return parseSteps(app.test.deps.journey, steps)
  }

  async function seed(
    name: string,
    spec: {
      priority: Priority
      audience: Audience
      happened: string
      area: keyof typeof AREAS
      receivedAgo: number
      deadlineIn: number
      reason: string
      status?: 'closed'
      claimedBy?: string
    },
  ) {
    const at = now().getTime()
    reports[name] = await insertQueuedReport(app.test.db, app.test.deps.envelope, {
      priority: spec.priority,
      receivedAt: new Date(at - spec.receivedAgo),
      deadlineAt: new Date(at + spec.deadlineIn),
      answers: await answers(spec.audience, spec.happened),
      jurisdiction: areaOf(spec.area),
      reasons: [{ code: 'e2e', text: spec.reason, priority: spec.priority }],
      ...(spec.status ? { status: spec.status } : {}),
      ...(spec.claimedBy ? { claimedBy: spec.claimedBy } : {}),
    })
    return reports[name]
  }

  before(async () => {
    browser = await launchBrowser()
    app = await startApp({ at: TUESDAY_MORNING })
    await importJurisdictionFile(app.test.db, 'police_forces.csv')
    await importJurisdictionFile(app.test.db, 'la_police_force_childrens_services.csv')
    await app.test.deps.partnerAgencies.syncWithJurisdictions('test')
    for (const [code, phone] of [
      ['E23000005', '01632 960 105'],
      ['E23000010', '01632 960 110'],
    ])
      await app.test.db.query(
        `UPDATE partner_agencies SET urgent_phone = $2
          WHERE kind = 'police-force' AND jurisdiction_code = $1`,
        [code, phone],
      )
    advisor = await addPerson(app.test, ['advisor'])
    otherAdvisor = await addPerson(app.test, ['advisor'])
    supervisor = await addPerson(app.test, ['supervisor'])
    operator = await addPerson(app.test, ['operator'])
  })

  after(async () => {
    for (const context of contexts) await closeContext(context)
    await browser.close()
    await app.close()
  })

  async function person(name: string, options: { javaScriptEnabled?: boolean } = {}) {
    const context = await newContext(browser, app, options)
    contexts.push(context)
    const journey = await Journey.start(context, `queue-${name}`)
    return { context, journey, pages: new QueuePages(journey) }
  }

  it('an advisor works the queue in order and records each of the four decisions', async () => {
    await seed('standard', {
      priority: 'P3',
      audience: 'parent-carer',
      happened: 'An adult in a game asked my son for a photo of himself.',
      area: 'leeds',
      receivedAgo: 2 * HOUR,
      deadlineIn: 22 * HOUR,
      reason: 'Asked for images, with no sign of danger now',
    })
    await seed('urgent', {
      priority: 'P1',
      audience: 'young-person',
      happened: 'Someone I met in a chat app keeps asking to meet me after school.',
      area: 'manchester',
      receivedAgo: 10 * MINUTE,
      deadlineIn: 50 * MINUTE,
      reason: 'An adult is pressing a child to meet',
    })
    await seed('high', {
      priority: 'P2',
      audience: 'professional',
      happened: 'A pupil told a teacher an older user asked her for a photo.',
      area: 'croydon',
      receivedAgo: HOUR,
      deadlineIn: 3 * HOUR,
      reason: 'A professional reports a child under 13',
    })
    await seed('overdue', {
      priority: 'P2',
      audience: 'concerned-adult',
      happened: 'A child on a forum was asked to move to a private chat.',
      area: 'leeds',
      receivedAgo: 5 * HOUR,
      deadlineIn: -75 * MINUTE,
      reason: 'The contact is still going on',
    })
    const { journey, pages, context } = await person('advisor')
    await pages.signIn(advisor, app)

    // The queue: P1 first, then P2 by deadline (the overdue one first), then P3.
    await pages.follow(pages.nav('Queue'))
    await pages.arrive("Advisors' queue")
    assert.deepEqual(await pages.queuedReferences(), [
      reports.urgent?.reference,
      reports.overdue?.reference,
      reports.high?.reference,
      reports.standard?.reference,
    ])
    assert.match(
      await pages.page.locator('#queue-table tbody tr').nth(1).innerText(),
      /overdue/i,
      'the overdue report says how long it has been overdue',
    )
    // MoJ's sortable table is running: its headers are buttons.
    assert.equal(
      await pages.page
        .locator('#queue-table thead')
        .getByRole('button', { name: 'Deadline' })
        .count(),
      1,
    )
    await pages.page.setViewportSize({ width: 375, height: 800 })
    await pages.arrive("Advisors' queue", 'narrow')
    await pages.page.setViewportSize({ width: 1280, height: 720 })

    // Filters: only the P2 reports.
    await pages.page.getByRole('group', { name: 'Priority' }).getByLabel('P2 high').check()
    await pages.follow(pages.button('Apply filters'))
    await pages.arrive("Advisors' queue", 'p2-only')
    assert.deepEqual(await pages.queuedReferences(), [
      reports.overdue?.reference,
      reports.high?.reference,
    ])
    await pages.follow(pages.link('Clear filters'))
    await pages.arrive("Advisors' queue", 'all-again')
    assert.equal((await pages.queuedReferences()).length, 4)

    // The P1: read it, refer it to the police with what is shared.
    await pages.openReport(reports.urgent?.reference ?? '')
    assert.equal(await pages.page.getByText('Canaryyp Stranger').count(), 1, 'decrypted answers')
    assert.equal(await pages.page.getByText('You have this report open').count(), 1)
    await pages.recordDecision(
      reports.urgent?.reference ?? '',
      async (form) => {
        await form.assess(
          'High',
          ['A meeting in person is arranged or being pushed for', 'The contact is still going on'],
          'Asked to meet after school; still in contact today.',
        )
        await form.decision('Urgent: refer to the police force now').check()
        const force = form.page.getByLabel('Police force', { exact: true })
        await force.waitFor({ state: 'visible' })
        assert.equal(
          await force.inputValue(),
          AREAS.manchester.force[0],
          'the child’s force, chosen for them',
        )
        await form.page.getByLabel("The reporter's contact details").uncheck()
      },
      { tryEmptyFirst: true },
    )
    assert.equal(
      await pages.page.getByText('Phone Greater Manchester Police now on 01632 960 105').count(),
      1,
    )

    // The overdue P2: open a case.
    await pages.follow(pages.link('Back'))
    await pages.arrive("Advisors' queue", 'after-urgent')
    await pages.openReport(reports.overdue?.reference ?? '')
    await pages.recordDecision(reports.overdue?.reference ?? '', async (form) => {
      await form.assess(
        'Medium',
        ['Other children may be involved or at risk'],
        'Moved to a private chat; other children on the forum.',
      )
      await form.decision('Meets the threshold: open a case').check()
    })
    assert.equal(await pages.page.getByRole('heading', { name: 'Case' }).count(), 1)

    // The P3: correct its priority and where the child lives, then close with signposting.
    await pages.follow(pages.link('Back'))
    await pages.arrive("Advisors' queue", 'after-case')
    await pages.openReport(reports.standard?.reference ?? '')
    await pages.follow(pages.link('Change the priority'))
    await pages.arrive('Change the priority')
    await pages.follow(pages.button('Change priority'))
    await pages.arrive('Change the priority', 'error')
    await pages.page.getByLabel('P2 high').check()
    await pages.page
      .getByLabel('Why are you changing the priority?')
      .fill('The parent says it is happening every evening.')
    await pages.follow(pages.button('Change priority'))
    await pages.arrive(`Report ${reports.standard?.reference ?? ''}`, 'priority-changed')
    await pages.follow(pages.link('Change where the child lives'))
    await pages.arrive('Change where the child lives')
    await pages.follow(pages.button('Change where the child lives'))
    await pages.arrive('Change where the child lives', 'error')
    await pages.page.getByLabel('Council area').selectOption({ label: 'Bradford' })
    await pages.page
      .getByLabel('How do you know?')
      .fill('The parent called to say they live in Bradford.')
    await pages.follow(pages.button('Change where the child lives'))
    await pages.arrive(`Report ${reports.standard?.reference ?? ''}`, 'area-changed')
    await pages.recordDecision(reports.standard?.reference ?? '', async (form) => {
      await form.assess('Low', [], 'A one-off request; the account is blocked.')
      await form.decision('Out of scope: close with signposting').check()
      await form.page.getByLabel('Fake accounts and impersonation').check()
    })

    // The queue refreshes itself every minute, unless someone is choosing a filter.
    const tab = await context.newPage()
    await tab.clock.install()
    await tab.goto('/staff/queue')
    await Promise.all([tab.waitForEvent('load'), tab.clock.runFor(61_000)])
    assert.equal(await tab.locator('h1').innerText(), "Advisors' queue", 'read again')
    // On a wide screen the filter is open from the start ("Show filter" is for small screens).
    assert.equal(await tab.getByRole('button', { name: 'Hide filter' }).count(), 1, 'filter open')
    await tab.getByRole('group', { name: 'Priority' }).getByLabel('P1 urgent').check()
    let reloaded = false
    tab.on('load', () => {
      reloaded = true
    })
    await tab.clock.runFor(3 * 61_000)
    assert.equal(reloaded, false, 'a filter being chosen is not thrown away')
    await tab.close()
    assertQuiet(journey.watched)
  })

  it('an advisor records a decision with JavaScript off', async () => {
    const { journey, pages } = await person('advisor-no-js', { javaScriptEnabled: false })
    await pages.signIn(advisor, app)
    await pages.follow(pages.nav('Queue'))
    await pages.arrive("Advisors' queue")
    assert.equal(await pages.link('Refresh the queue').count(), 1)
    await pages.follow(pages.link('Refresh the queue'))
    await pages.arrive("Advisors' queue", 'refreshed')
    await pages.openReport(reports.high?.reference ?? '')
    await pages.recordDecision(
      reports.high?.reference ?? '',
      async (form) => {
        // Without JavaScript every decision's follow-up questions are on the page at once.
        await form.assess(
          'Low',
          ['The child is under 13'],
          'The school is acting; the account is reported.',
        )
        await form.decision('Below the threshold: close with advice for the reporter').check()
        await form.page.getByLabel('For a professional: follow your safeguarding policy').check()
      },
      { tryEmptyFirst: true },
    )
    assert.equal(
      await pages.page.getByText('For a professional: follow your safeguarding policy').count(),
      1,
    )
    assertQuiet(journey.watched)
  })

  it('a supervisor gives a report to another advisor, reopens a closed one and holds it', async () => {
    await seed('held', {
      priority: 'P3',
      audience: 'parent-carer',
      happened: 'A stranger sent my daughter friend requests and asked for a photo.',
      area: 'leeds',
      receivedAgo: 3 * HOUR,
      deadlineIn: 21 * HOUR,
      reason: 'Asked for images, with no sign of danger now',
      claimedBy: advisor.id,
    })
    const { journey, pages } = await person('supervisor')
    await pages.signIn(supervisor, app)
    await pages.follow(pages.nav('Queue'))
    await pages.arrive(/queue/)
    await pages.openReport(reports.held?.reference ?? '')
    await pages.follow(pages.link('Give this report to someone else'))
    await pages.arrive('Give this report to someone else')
    await pages.follow(pages.button('Give report'))
    await pages.arrive('Give this report to someone else', 'error')
    await pages.page.getByLabel(otherAdvisor.name).check()
    await pages.follow(pages.button('Give report'))
    await pages.arrive(`Report ${reports.held?.reference ?? ''}`, 'reassigned')
    assert.equal(await pages.page.getByText(`Being read by ${otherAdvisor.name}`).count(), 1)

    // The report the advisor closed with signposting, reopened with a reason.
    await pages.page.goto('/staff/queue?status=closed')
    await pages.arrive(/queue/, 'closed')
    const standard = reports.standard?.reference ?? ''
    await pages.openReport(standard)
    await pages.changeWithReason(
      standard,
      {
        page: 'Reopen this report',
        button: 'Reopen report',
        label: 'Why are you reopening it?',
        done: 'reopened',
      },
      'The parent called back: the person has a new account.',
      { tryEmptyFirst: true },
    )
    assert.equal(await pages.page.getByText('Report reopened').count(), 1)

    // The police ask for it to be kept for a trial: a legal hold, then lifted when it ends.
    await pages.changeWithReason(
      standard,
      {
        page: 'Place a legal hold',
        button: 'Place legal hold',
        label: 'Why must the report be kept?',
        done: 'held',
      },
      'The police asked us to keep it until the trial ends.',
      { tryEmptyFirst: true },
    )
    assert.equal(await pages.page.getByText(/Legal hold since/).count(), 1)
    await pages.changeWithReason(
      standard,
      {
        page: 'Lift the legal hold',
        button: 'Lift legal hold',
        label: 'Why does the report no longer need to be kept?',
        done: 'hold-lifted',
      },
      'The trial has ended.',
    )
    assert.equal(await pages.page.getByText('Legal hold lifted. The report will be').count(), 1)
    assert.equal(await pages.page.getByText(/Legal hold since/).count(), 0)
    assertQuiet(journey.watched)
  })

  it('a Control Centre operator, at night, sees a P1 nobody opened and refers it', async () => {
    app.setClock(TUESDAY_NIGHT)
    await seed('night-urgent', {
      priority: 'P1',
      audience: 'parent-carer',
      happened: 'A man online told my son to meet him at the park tonight.',
      area: 'leeds',
      receivedAgo: 80 * MINUTE,
      deadlineIn: -20 * MINUTE,
      reason: 'A meeting in person is arranged',
    })
    await seed('night-standard', {
      priority: 'P3',
      audience: 'concerned-adult',
      happened: 'Someone in a game chat asked a child for their address.',
      area: 'croydon',
      receivedAgo: 30 * MINUTE,
      deadlineIn: 20 * HOUR,
      reason: 'Asked for personal details',
    })
    const { journey, pages } = await person('operator')
    await pages.signIn(operator, app)
    // The earlier tests' urgent referral, not yet acknowledged, has an alert of its own.
    const alert = pages.page.locator('.app-urgent-alert', { hasText: 'urgent report' })
    assert.match(await alert.innerText(), /1 urgent report has not been opened in time/)
    await pages.follow(pages.nav('Queue'))
    await pages.arrive("Control Centre's queue")
    // Only what the night needs: the P1 first, then what arrived since the office closed.
    assert.deepEqual(await pages.queuedReferences(), [
      reports['night-urgent']?.reference,
      reports['night-standard']?.reference,
    ])
    await pages.follow(
      alert.getByRole('link', { name: new RegExp(reports['night-urgent']?.reference ?? '') }),
    )
    await pages.arrive(`Report ${reports['night-urgent']?.reference ?? ''}`)
    await pages.recordDecision(reports['night-urgent']?.reference ?? '', async (form) => {
      assert.equal(
        await form.page
          .getByRole('group', { name: 'Decision', exact: true })
          .getByRole('radio')
          .count(),
        1,
        'the Control Centre only refers',
      )
      await form.assess(
        'High',
        ['The child may be in danger now', 'A meeting in person is arranged or being pushed for'],
        'A meeting tonight at the park.',
      )
      await form.decision('Urgent: refer to the police force now').check()
      await form.page
        .getByLabel('Police force', { exact: true })
        .selectOption({ label: 'West Yorkshire Police' })
    })
    assert.equal(
      await pages.page.getByText('Phone West Yorkshire Police now on 01632 960 110').count(),
      1,
    )
    assert.equal(
      await pages.page.locator('.app-urgent-alert', { hasText: 'urgent report' }).count(),
      0,
      'the alert about reports has gone (referrals waiting for acknowledgement have their own)',
    )
    assertQuiet(journey.watched)
  })
})
