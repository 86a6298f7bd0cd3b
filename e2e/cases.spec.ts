import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import type { Jurisdiction } from '../src/jurisdictions/model.js'
import { importJurisdictionFile } from '../test/jurisdictions.js'
import { insertOpenCase } from '../test/cases.js'
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

// Tuesday 1 December 2026 in London (GMT): the office is open.
const TUESDAY_MORNING = new Date('2026-12-01T10:00:00Z')
const DAY = 86_400_000

const LEEDS: Jurisdiction = {
  status: 'resolved',
  basis: 'postcode',
  reason: 'The postcode district is in one council area',
  candidates: [
    {
      policeForce: { code: 'E23000010', name: 'West Yorkshire Police' },
      localAuthority: { code: 'E08000035', name: 'Leeds' },
      childrenServices: { code: 'E08000035', name: 'Leeds' },
      share: 1,
    },
  ],
}

/** The case pages, one h1, axe and a screenshot each. */
class CasePages extends StaffPages {
  async fillDate(group: string, at: Date): Promise<void> {
    const fieldset = this.page.getByRole('group', { name: group, exact: true })
    await fieldset.getByLabel('Day').fill(String(at.getUTCDate()))
    await fieldset.getByLabel('Month').fill(String(at.getUTCMonth() + 1))
    await fieldset.getByLabel('Year').fill(String(at.getUTCFullYear()))
  }

  async recordContact(caseTitle: RegExp, outcome: string, at: Date, note = ''): Promise<void> {
    await this.follow(this.link('Record a contact or attempt'))
    await this.arrive('Record a contact or attempt')
    await this.page.getByLabel('Phone call').check()
    await this.page.getByLabel('Who with').fill('The reporter (the child’s father)')
    await this.fillDate('Date', at)
    await this.page.getByLabel('Time', { exact: true }).fill(at.toISOString().slice(11, 16))
    await this.page.getByLabel(outcome).check()
    if (note) await this.page.getByLabel('Note (optional)').fill(note)
    await this.follow(this.button('Record contact'))
    await this.arrive(caseTitle, 'contact-recorded')
  }

  /** One action row of the plan's form, by its number. */
  async planAction(
    n: number,
    action: { what: string; who: string; due: Date; status?: string },
  ): Promise<void> {
    const row = this.page.getByRole('group', { name: `Action ${n}`, exact: true })
    await row.getByLabel('What', { exact: true }).fill(action.what)
    await row.getByLabel('Who does it').selectOption({ label: action.who })
    await row.getByLabel('Day').fill(String(action.due.getUTCDate()))
    await row.getByLabel('Month').fill(String(action.due.getUTCMonth() + 1))
    await row.getByLabel('Year').fill(String(action.due.getUTCFullYear()))
    if (action.status) await row.getByLabel('Status').selectOption({ label: action.status })
  }
}

describe('a case in Chromium: contact, a plan made with the reporter, tasks and closure', () => {
  let browser: Browser
  let app: StartedApp
  const contexts: BrowserContext[] = []
  let advisor: TestPerson
  let supervisor: TestPerson
  const now = () => app.test.deps.now()
  const later = (days: number) => new Date(now().getTime() + days * DAY)

  before(async () => {
    browser = await launchBrowser()
    app = await startApp({ at: TUESDAY_MORNING })
    await importJurisdictionFile(app.test.db, 'police_forces.csv')
    await importJurisdictionFile(app.test.db, 'la_police_force_childrens_services.csv')
    await app.test.deps.partnerAgencies.syncWithJurisdictions('test')
    advisor = await addPerson(app.test, ['advisor'])
    supervisor = await addPerson(app.test, ['supervisor'])
  })

  after(async () => {
    for (const context of contexts) await closeContext(context)
    await browser.close()
    await app.close()
  })

  let closedCase = ''

  async function person(name: string, options: { javaScriptEnabled?: boolean } = {}) {
    const context = await newContext(browser, app, options)
    contexts.push(context)
    const journey = await Journey.start(context, `cases-${name}`)
    return { journey, pages: new CasePages(journey) }
  }

  it('an advisor works a case; a supervisor sends its closure back, then approves it', async () => {
    const steps: Step[] = reportSteps['parent-carer'].map(([slug, form]) =>
      slug === 'what-happened'
        ? [slug, { description: 'A man in a game asked my son for a photo of himself.' }]
        : [slug, form],
    )
    const report = await insertQueuedReport(app.test.db, app.test.deps.envelope, {
      priority: 'P2',
      receivedAt: new Date(now().getTime() - 60 * 60_000),
      deadlineAt: new Date(now().getTime() + 3 * 60 * 60_000),
      answers: await parseSteps(app.test.deps.journey, steps),
      jurisdiction: LEEDS,
      reasons: [{ code: 'e2e', text: 'Asked for images', priority: 'P2' }],
    })

    // The advisor opens a case from the report in the queue.
    const { journey, pages } = await person('advisor')
    await pages.signIn(advisor, app)
    await pages.follow(pages.nav('Queue'))
    await pages.arrive("Advisors' queue")
    await pages.follow(pages.link(report.reference))
    await pages.arrive(`Report ${report.reference}`)
    await pages.follow(pages.link('Record risk assessment and decision'))
    await pages.arrive('Risk assessment and decision')
    await pages.page
      .getByRole('group', { name: 'Risk level' })
      .getByLabel('Medium', { exact: true })
      .check()
    await pages.page.getByLabel('Rationale').fill('Asked for a photo; the father wants help.')
    await pages.page
      .getByRole('group', { name: 'Decision', exact: true })
      .getByLabel('Meets the threshold: open a case')
      .check()
    await pages.follow(pages.button('Record decision'))
    await pages.arrive(`Report ${report.reference}`, 'case-opened')
    const caseLink = pages.page.getByRole('link', { name: /^Open Case C-\d{5}$/ })
    const caseTitle = (await caseLink.innerText()).replace(/^Open /, '').trim()
    const onCase = new RegExp(`^${caseTitle}`)
    await pages.follow(caseLink)
    await pages.arrive(onCase)

    // A failed call, then one that reaches the father.
    await pages.follow(pages.link('Record a contact or attempt'))
    await pages.arrive('Record a contact or attempt')
    await pages.follow(pages.button('Record contact'))
    await pages.arrive('Record a contact or attempt', 'error')
    await pages.follow(pages.link('Back'))
    await pages.arrive(onCase)
    await pages.recordContact(onCase, 'No answer', new Date(now().getTime() - 30 * 60_000))
    await pages.recordContact(
      onCase,
      'Spoke to them or heard back',
      new Date(now().getTime() - 5 * 60_000),
      'Talked through what happened. He has blocked the account.',
    )
    const log = pages.page.locator('#contact-log tbody tr')
    assert.equal(await log.count(), 2)
    assert.match(await log.first().innerText(), /Talked through what happened/)

    // The plan, agreed with the father, then revised.
    await pages.follow(pages.link('Safeguarding plan'))
    await pages.arrive('Safeguarding plan')
    await pages.follow(pages.button('Write the plan'))
    await pages.arrive('Safeguarding plan')
    await pages.follow(pages.button('Save plan'))
    await pages.arrive('Safeguarding plan', 'error')
    await pages.planAction(1, {
      what: 'Report the account to the game',
      who: 'A parent or carer',
      due: later(1),
    })
    await pages.planAction(2, { what: 'Tell the school', who: 'A parent or carer', due: later(3) })
    await pages.fillDate('Review date', later(14))
    await pages.page
      .getByRole('group', { name: 'Has the reporter agreed this plan?' })
      .getByLabel('Yes')
      .check()
    await pages.follow(pages.button('Save plan'))
    await pages.arrive('Safeguarding plan', 'version-1')
    await pages.follow(pages.button('Change the plan'))
    await pages.arrive('Safeguarding plan')
    await pages.page
      .getByRole('group', { name: 'Action 1', exact: true })
      .getByLabel('Status')
      .selectOption({ label: 'Done' })
    await pages.planAction(3, {
      what: 'Check in with the father',
      who: 'Us (the agency)',
      due: later(7),
    })
    await pages.follow(pages.button('Save plan'))
    await pages.arrive('Safeguarding plan', 'version-2')
    const changes = pages.page.locator('ul.govuk-list--bullet').first()
    assert.match(await changes.innerText(), /“Report the account to the game”: done, was to do/)
    assert.match(await changes.innerText(), /Added “Check in with the father”/)
    await pages.follow(pages.link('Back to the case'))
    await pages.arrive(onCase)

    // A task, and the person's own list of tasks.
    await pages.follow(pages.link('Add a task'))
    await pages.arrive('Add a task')
    await pages.page.getByLabel('What needs to be done').fill('Ring the father after school')
    await pages.fillDate('Due date', later(2))
    await pages.follow(pages.button('Add task'))
    await pages.arrive(onCase, 'task-added')
    await pages.follow(pages.nav('My tasks'))
    await pages.arrive('My tasks')
    assert.match(await pages.page.locator('#task-table').innerText(), /Ring the father/)
    await pages.follow(pages.link(caseTitle.replace('Case ', '')))
    await pages.arrive(onCase)

    // The timeline, everything and then contacts only.
    await pages.follow(pages.link('Timeline'))
    await pages.arrive('Timeline')
    assert.ok((await pages.page.locator('.moj-timeline__item').count()) >= 6)
    await pages.page.getByLabel('Show').selectOption({ label: 'Contacts' })
    await pages.follow(pages.button('Show'))
    await pages.arrive('Timeline', 'contacts')
    assert.equal(await pages.page.locator('.moj-timeline__item').count(), 2)
    await pages.follow(pages.link('Back'))
    await pages.arrive(onCase)

    // The advisor asks to close it.
    const askToClose = async (state: string) => {
      await pages.follow(pages.link('Ask to close this case'))
      await pages.arrive('Ask to close this case')
      await pages.page.getByLabel('The plan is in place and the child is safer').check()
      await pages.page
        .getByLabel('Summary')
        .fill('The account is reported and blocked; the school knows; the father is confident.')
      await pages.follow(pages.button('Ask a supervisor to close it'))
      await pages.arrive(onCase, state)
    }
    await askToClose('closure-requested')

    // The supervisor sends it back with a reason.
    const boss = await person('supervisor')
    await boss.pages.signIn(supervisor, app)
    await boss.pages.follow(boss.pages.nav('Cases'))
    await boss.pages.arrive('My cases')
    await boss.pages.page.getByLabel('The whole team’s').check()
    await boss.pages.follow(boss.pages.button('Apply filters'))
    await boss.pages.arrive("The team's cases")
    await boss.pages.follow(boss.pages.link(caseTitle.replace('Case ', '')))
    await boss.pages.arrive(onCase)
    await boss.pages.follow(boss.pages.link('Decide on closing this case'))
    await boss.pages.arrive('Decide on closing this case')
    await boss.pages.page.getByLabel('Send it back to the owner').check()
    await boss.pages.follow(boss.pages.button('Record decision'))
    await boss.pages.arrive('Decide on closing this case', 'error')
    await boss.pages.page
      .getByLabel('Reason')
      .fill('Wait until the father has checked in at the review.')
    await boss.pages.follow(boss.pages.button('Record decision'))
    await boss.pages.arrive(onCase, 'sent-back')

    // The advisor sees why, and asks again; the supervisor approves.
    // Opened afresh (not reloaded, which would show the last page's banner again).
    await pages.page.goto(new URL(pages.page.url()).pathname)
    await pages.arrive(onCase, 'sent-back')
    assert.equal(await pages.page.getByText('Wait until the father has checked in').count(), 1)
    await askToClose('asked-again')
    await boss.pages.page.goto(new URL(boss.pages.page.url()).pathname)
    await boss.pages.arrive(onCase)
    await boss.pages.follow(boss.pages.link('Decide on closing this case'))
    await boss.pages.arrive('Decide on closing this case')
    await boss.pages.page.getByLabel('Approve: close the case').check()
    await boss.pages.follow(boss.pages.button('Record decision'))
    await boss.pages.arrive(onCase, 'closed')
    assert.match(await boss.pages.page.locator('h1').innerText(), /Closed/)
    closedCase = caseTitle
    assertQuiet(journey.watched)
    assertQuiet(boss.journey.watched)
  })

  it('a supervisor reopens the case and adds a note with JavaScript off', async () => {
    const { journey, pages } = await person('supervisor-no-js', { javaScriptEnabled: false })
    const onCase = new RegExp(`^${closedCase}`)
    await pages.signIn(supervisor, app)
    await pages.follow(pages.nav('Cases'))
    await pages.arrive('My cases')
    await pages.page.getByLabel('The whole team’s').check()
    await pages.page.getByLabel('Closed').check()
    await pages.follow(pages.button('Apply filters'))
    await pages.arrive("The team's cases", 'closed')
    await pages.follow(pages.link(closedCase.replace('Case ', '')))
    await pages.arrive(onCase)
    await pages.follow(pages.link('Reopen this case'))
    await pages.arrive('Reopen this case')
    await pages.follow(pages.button('Reopen case'))
    await pages.arrive('Reopen this case', 'error')
    await pages.page.getByLabel('Why are you reopening it?').fill('The father rang: a new account.')
    await pages.follow(pages.button('Reopen case'))
    await pages.arrive(onCase, 'reopened')
    await pages.follow(pages.link('Add a note'))
    await pages.arrive('Add a note')
    await pages.page.getByLabel('Note', { exact: true }).fill('The new account asked for a photo.')
    await pages.follow(pages.button('Add note'))
    await pages.arrive(onCase, 'note-added')
    await pages.follow(pages.link('Timeline'))
    await pages.arrive('Timeline')
    const first = pages.page.locator('.moj-timeline__item').first()
    assert.match(await first.innerText(), /Note[\s\S]*The new account asked for a photo/)
    assertQuiet(journey.watched)
  })
  it('a supervisor changes status and owner, adds and moves a report, links and merges cases', async () => {
    const seed = () =>
      insertOpenCase(app.test.db, app.test.deps.envelope, {
        owner: advisor.id,
        openedAt: now(),
        report: { jurisdiction: LEEDS },
      })
    const first = await seed()
    const second = await seed()
    const loose = await insertQueuedReport(app.test.db, app.test.deps.envelope, {
      status: 'referred',
      receivedAt: now(),
      jurisdiction: LEEDS,
    })
    const number = (n: number) => `C-${String(n).padStart(5, '0')}`
    const onFirst = new RegExp(`^Case ${number(first.number)}`)
    const { journey, pages } = await person('supervisor-changes')
    await pages.signIn(supervisor, app)
    await pages.page.goto(`/staff/cases/${first.caseId}`)
    await pages.arrive(onFirst)

    const form = async (
      link: string,
      h1: string,
      submit: string,
      fill: () => Promise<void>,
      after: RegExp = onFirst,
    ) => {
      await pages.follow(pages.link(link))
      await pages.arrive(h1)
      await pages.follow(pages.button(submit))
      await pages.arrive(h1, 'error')
      await fill()
      await pages.follow(pages.button(submit))
      await pages.arrive(after, 'done')
    }
    await form('Change the status', 'Change the status', 'Change status', async () => {
      await pages.page.getByLabel('Planning').check()
    })
    await form('Give to someone else', 'Give this case to someone else', 'Give case', async () => {
      await pages.page.getByLabel(supervisor.name).check()
      await pages.page.getByLabel('Why?').fill('Covering while the advisor is away.')
    })
    await form('Add a report', 'Add a report to this case', 'Add report', async () => {
      await pages.page.getByLabel('Report reference number').fill(loose.reference)
      await pages.page
        .getByLabel('Why does it belong to this case?')
        .fill('The same child, reported by the school.')
    })
    await form(
      `Move report ${loose.reference} to another case`,
      `Move report ${loose.reference} to another case`,
      'Move report',
      async () => {
        await pages.page.getByLabel("The other case's number").fill(number(second.number))
        await pages.page.getByLabel('Why are you moving it?').fill('It is about the cousin.')
      },
    )
    await form(
      'Link or merge with another case',
      'Link or merge with another case',
      'Continue',
      async () => {
        await pages.page.getByLabel("The other case's number").fill(number(second.number))
        await pages.page.getByLabel('Link them:').check()
        await pages.page
          .getByLabel('Why do these cases belong together?')
          .fill('Cousins, the same person.')
      },
    )
    assert.equal(await pages.link(`Case ${number(second.number)}`).count(), 1, 'linked')
    await pages.follow(pages.link('Link or merge with another case'))
    await pages.arrive('Link or merge with another case', 'merge')
    await pages.page.getByLabel("The other case's number").fill(number(second.number))
    await pages.page.getByLabel('Merge this case into').check()
    await pages.page.getByLabel('Why do these cases belong together?').fill('One family.')
    await pages.follow(pages.button('Continue'))
    await pages.arrive(new RegExp(`^Case ${number(second.number)}`), 'merged')
    assert.equal(await pages.page.locator('table').first().locator('tbody tr').count(), 3)
    assertQuiet(journey.watched)
  })
})
