import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import { apiReport } from '../test/api.js'
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

class ApiPages extends StaffPages {
  async shownKey(): Promise<string> {
    const key = await this.page.getByLabel('API key').inputValue()
    assert.match(key, /^sc_api_/)
    return key
  }
}

/** Journey 10: an administrator gives a platform a key; the platform reads the documentation. */
describe('the platform API in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  const contexts: BrowserContext[] = []

  before(async () => {
    browser = await launchBrowser()
    app = await startApp()
  })

  after(async () => {
    for (const context of contexts) await closeContext(context)
    await browser.close()
    await app.close()
  })

  async function tab(name: string, viewport?: { width: number; height: number }) {
    const context = await newContext(browser, app, viewport ? { viewport } : {})
    contexts.push(context)
    const journey = await Journey.start(context, name)
    return { journey, pages: new ApiPages(journey) }
  }

  const send = (key: string) =>
    fetch(`${app.baseUrl}/api/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(apiReport()),
    })

  it('an administrator registers a platform, rotates its key and revokes it', async () => {
    const { journey, pages } = await tab('api-clients')
    await pages.signIn(await addPerson(app.test, ['administrator']), app)
    await pages.follow(
      pages.page
        .getByRole('navigation', { name: 'Staff navigation' })
        .getByRole('link', { name: 'API clients', exact: true }),
    )
    await pages.arrive('API clients', 'empty')
    await pages.follow(pages.button('Register a client'))
    await pages.arrive('Register an API client')
    await pages.follow(pages.button('Register and make a key'))
    await pages.arrive('Register an API client', 'error')
    await pages.page.getByLabel('Organisation name').fill('Synthetic Chat Ltd')
    await pages.follow(pages.button('Register and make a key'))
    await pages.arrive('New key for Synthetic Chat Ltd')
    const first = await pages.shownKey()
    assert.equal((await send(first)).status, 201)

    await pages.follow(pages.link('Go to Synthetic Chat Ltd'))
    await pages.arrive('Synthetic Chat Ltd')
    await pages.follow(pages.button('Make a new key'))
    await pages.arrive('New key for Synthetic Chat Ltd', 'rotated')
    const second = await pages.shownKey()
    assert.equal((await send(first)).status, 201, 'the old key still works for now')
    assert.equal((await send(second)).status, 201)

    await pages.follow(pages.link('Go to Synthetic Chat Ltd'))
    await pages.arrive('Synthetic Chat Ltd', 'two-keys')
    await pages.follow(pages.button('Revoke client'))
    await pages.arrive('Synthetic Chat Ltd', 'revoked')
    assert.equal((await send(second)).status, 401)
    await pages.page.goto('/staff/admin/api-clients')
    await pages.arrive('API clients')
    assertQuiet(journey.watched)
  })

  it('a platform’s developer reads the documentation, made from the OpenAPI document', async () => {
    // On a phone, so the wide tables and the example must scroll in their own boxes.
    const { journey, pages } = await tab('api-docs', { width: 375, height: 800 })
    await pages.page.goto('/api/v1/docs')
    await pages.arrive('Safety Centre reporting API')
    assert.match(await pages.page.locator('pre').innerText(), /"incidentSummary"/)
    await pages.follow(pages.link('OpenAPI 3.1 document'))
    assert.match(await pages.page.content(), /"openapi":\s*"3\.1\.0"/)
    assertQuiet(journey.watched)
  })
})
