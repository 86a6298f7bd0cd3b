import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { importUkJurisdictions } from '../test/jurisdictions.js'
import {
  Journey,
  PageObject,
  assertQuiet,
  closeContext,
  launchBrowser,
  newContext,
  startApp,
  type StartedApp,
} from './support/browser.js'

/** The "where does the child live" page once an agency has imported its council areas. */
class WhereTheChildLives extends PageObject {
  async reach(): Promise<void> {
    await this.page.goto('/report/who-are-you')
    for (const [name, value] of [
      ['audience', 'parent-carer'],
      ['topic', 'sexual'],
      ['immediateDanger', 'no'],
    ]) {
      await this.page.locator(`input[name="${name}"][value="${value}"]`).check()
      await this.follow(this.page.getByRole('button', { name: 'Continue' }))
    }
    await this.arrive('About the child')
  }
}

describe('choosing a council area', () => {
  let browser: Browser
  let app: StartedApp

  before(async () => {
    ;[browser, app] = await Promise.all([launchBrowser(), startApp()])
    await importUkJurisdictions(app.test.db)
  })
  after(async () => {
    await app.close()
    await browser.close()
  })

  it('finds a council area by typing part of its name, with JavaScript on', async () => {
    const context = await newContext(browser, app)
    const journey = await Journey.start(context, 'council-area-js-on')
    const page = new WhereTheChildLives(journey)
    await page.reach()
    const input = page.page.locator('input#councilArea')
    await input.fill('Middles')
    const option = page.page.getByRole('option', { name: 'Middlesbrough' })
    await option.waitFor()
    await page.arrive('About the child', 'autocomplete-open')
    await option.click()
    assert.equal(await page.page.locator('select#councilArea-select').inputValue(), 'E06000002')
    assertQuiet(journey.watched)
    await closeContext(context)
  })

  it('offers the same council areas as a plain list with JavaScript off', async () => {
    const context = await newContext(browser, app, { javaScriptEnabled: false })
    const journey = await Journey.start(context, 'council-area-js-off')
    const page = new WhereTheChildLives(journey)
    await page.reach()
    const select = page.page.locator('select#councilArea')
    await select.selectOption({ label: 'Hartlepool' })
    assert.equal(await select.inputValue(), 'E06000001')
    assert.ok((await select.locator('option').count()) > 300)
    await closeContext(context)
  })
})
