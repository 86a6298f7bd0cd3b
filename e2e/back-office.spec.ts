import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import { randomUUID } from 'node:crypto'
import { importJurisdictionFile } from '../test/jurisdictions.js'
import { insertQueuedReport } from '../test/queue.js'
import { addPerson } from '../test/staff.js'
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

describe('the back office in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  const contexts: BrowserContext[] = []

  before(async () => {
    browser = await launchBrowser()
    app = await startApp()
    await importJurisdictionFile(app.test.db, 'police_forces.csv')
    await importJurisdictionFile(app.test.db, 'la_police_force_childrens_services.csv')
    await app.test.deps.partnerAgencies.syncWithJurisdictions('test')
  })

  after(async () => {
    for (const context of contexts) await closeContext(context)
    await browser.close()
    await app.close()
  })

  async function person(name: string) {
    const context = await newContext(browser, app)
    contexts.push(context)
    const journey = await Journey.start(context, `back-office-${name}`)
    return { journey, pages: new StaffPages(journey) }
  }

  it('an administrator keeps a police force’s contacts and adds a helpline', async () => {
    const admin = await person('administrator')
    const { pages } = admin
    await pages.signIn(await addPerson(app.test, ['administrator']), app)
    await pages.follow(pages.nav('Partner agencies'))
    await pages.arrive('Partner agencies')
    await pages.page.getByLabel('Kind').selectOption('police-force')
    await pages.page.getByLabel('Name contains').fill('cumbria')
    await pages.follow(pages.button('Show agencies'))
    await pages.arrive('Partner agencies', 'filtered')
    await pages.follow(pages.link('Cumbria Constabulary'))
    await pages.arrive('Cumbria Constabulary')
    await pages.page.getByLabel('Urgent phone line').fill('01632 960 001')
    await pages.page.getByLabel('Email address').fill('not an email')
    await pages.follow(pages.button('Save'))
    await pages.arrive('Cumbria Constabulary', 'error')
    await pages.page.getByLabel('Email address').fill('cpu@example.org')
    await pages.page.getByLabel('Opening hours').fill('Any time, day or night')
    await pages.follow(pages.button('Save'))
    await pages.arrive('Cumbria Constabulary', 'saved')
    assert.equal(await pages.page.getByText('Saved').count(), 1)

    await pages.follow(pages.link('Back'))
    await pages.arrive('Partner agencies', 'again')
    await pages.follow(pages.button('Add a partner agency'))
    await pages.arrive('Add a partner agency')
    await pages.follow(pages.button('Add partner agency'))
    await pages.arrive('Add a partner agency', 'error')
    await pages.page.getByLabel('Name').fill('Northfield Young People’s Helpline')
    await pages.page.getByLabel('Helpline').check()
    await pages.follow(pages.button('Add partner agency'))
    await pages.arrive('Northfield Young People’s Helpline')
    assertQuiet(admin.journey.watched)
  })

  it('a supervisor sees how often advisors agreed with triage', async () => {
    for (const [priority, decision, reasons] of [
      ['P1', 'urgent-referral', ['meeting-soon']],
      ['P2', 'open-case', ['blackmail', 'stopped']],
      ['P3', 'urgent-referral', ['stopped']],
    ] as const) {
      const report = await insertQueuedReport(app.test.db, app.test.deps.envelope, { priority })
      await app.test.db.query(
        `INSERT INTO risk_assessments (id, report_id, recorded_at, recorded_by, risk_level,
           risk_factors, decision, automatic_priority, automatic_reasons, key_id,
           wrapped_data_key, rationale_ciphertext)
         VALUES ($1, $2, $3, 'staff:test', 'high', '{}', $4, $5, $6, 'test-1', $7, $7)`,
        [
          randomUUID(),
          report.id,
          app.test.deps.now(),
          decision,
          priority,
          reasons,
          Buffer.from('x'),
        ],
      )
    }
    const supervisor = await person('supervisor')
    const { pages } = supervisor
    await pages.signIn(await addPerson(app.test, ['supervisor']), app)
    await pages.follow(pages.nav('Triage agreement'))
    await pages.arrive('Triage agreement')
    await pages.page.getByLabel('Assessed in').selectOption('30-days')
    await pages.follow(pages.button('Show'))
    await pages.arrive('Triage agreement', 'last-30-days')
    assertQuiet(supervisor.journey.watched)
  })
})
