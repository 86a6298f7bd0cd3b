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

/**
 * "Which area?" once an agency has imported its council areas: asked of an adult only when the
 * town or postcode given is not one we know, as a type-ahead over the whole list (a plain list
 * without JavaScript), and as a few radios when a postcode is on a border.
 */
class WhereTheChildLives extends PageObject {
  async reach(place: string, h1: string): Promise<void> {
    await this.page.goto('/report/who-are-you')
    const answers: [string, string][] = [
      ['audience', 'parent-carer'],
      ['concerns', 'sexual-chat'],
      ['immediateDanger', 'no'],
    ]
    for (const [name, value] of answers) {
      await this.page.locator(`input[name="${name}"][value="${value}"]`).check()
      await this.follow(this.page.getByRole('button', { name: 'Continue' }))
    }
    await this.page.getByLabel("What is your child's name?", { exact: true }).fill('Sam Canary')
    await this.follow(this.page.getByRole('button', { name: 'Continue' }))
    await this.page.getByLabel('Age', { exact: true }).fill('12')
    await this.follow(this.page.getByRole('button', { name: 'Continue' }))
    await this.arrive('Where does your child live?')
    await this.page.getByLabel('Town or postcode', { exact: true }).fill(place)
    await this.follow(this.page.getByRole('button', { name: 'Continue' }))
    await this.arrive(h1)
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
    await page.reach('a village', 'We could not find that place')
    const input = page.page.locator('input#councilArea')
    await input.fill('Middles')
    const option = page.page.getByRole('option', { name: 'Middlesbrough' })
    await option.waitFor()
    await page.arrive('We could not find that place', 'autocomplete-open')
    await option.click()
    assert.equal(await page.page.locator('select#councilArea-select').inputValue(), 'E06000002')
    assertQuiet(journey.watched)
    await closeContext(context)
  })

  it('offers the same council areas as a plain list with JavaScript off', async () => {
    const context = await newContext(browser, app, { javaScriptEnabled: false })
    const journey = await Journey.start(context, 'council-area-js-off')
    const page = new WhereTheChildLives(journey)
    await page.reach('a village', 'We could not find that place')
    const select = page.page.locator('select#councilArea')
    await select.selectOption({ label: 'Hartlepool' })
    assert.equal(await select.inputValue(), 'E06000001')
    assert.ok((await select.locator('option').count()) > 300)
    await closeContext(context)
  })

  for (const javaScript of [true, false]) {
    it(`asks which of two areas for a postcode on a border, in plain words (${javaScript ? 'js-on' : 'js-off'})`, async () => {
      const context = await newContext(browser, app, { javaScriptEnabled: javaScript })
      const journey = await Journey.start(
        context,
        `council-area-border-${javaScript ? 'js-on' : 'js-off'}`,
      )
      const page = new WhereTheChildLives(journey)
      await page.reach('LD7 1AA', 'Which of these areas does your child live in?')
      const radios = await page.page.locator('input[name="councilArea"]').all()
      const choices = await Promise.all(radios.map((r) => r.getAttribute('value')))
      assert.deepEqual(choices.sort(), ['E06000051', 'W06000023', 'not-sure'].sort())
      assert.equal(await page.page.locator('script[src*="accessible-autocomplete"]').count(), 0)
      await page.page.locator('input[name="councilArea"][value="E06000051"]').check()
      await page.follow(page.page.getByRole('button', { name: 'Continue' }))
      await page.arrive('Tell us what happened')
      assertQuiet(journey.watched)
      await closeContext(context)
    })
  }
})
