import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import type { Db } from '../src/db/db.js'
import { staffPaths } from '../src/web/paths.js'
import { openMigratedPglite } from '../test/db.js'
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

/** The page an overloaded instance gives instead of the one asked for. */
class BusyPage extends PageObject {
  async open(path: string): Promise<void> {
    const response = await this.page.goto(path)
    assert.equal(response?.status(), 503, `status of ${path}`)
    assert.equal(response.headers()['retry-after'], '5')
    await this.arrive('Sorry, the service is busy', path.startsWith('/staff') ? 'staff' : '')
  }
}

describe('the busy page in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  let db: Db
  // PGlite has no pool: this one says the requests waiting for a connection are far too many.
  const waiting = 1000

  before(async () => {
    db = await openMigratedPglite()
    ;[browser, app] = await Promise.all([
      launchBrowser(),
      startApp({
        db: { ...db, waiting: () => waiting },
        config: {
          shedding: {
            maxInProgress: 0,
            maxEventLoopDelayMs: 0,
            maxPoolWaiting: 10,
            retryAfterSeconds: 5,
          },
        },
      }),
    ])
  })
  after(async () => {
    await browser.close()
    await app.close()
    await db.close()
  })

  it('is accessible, styled and says nothing is lost, for reporters and for staff', async () => {
    const context = await newContext(browser, app)
    try {
      const busy = new BusyPage(await Journey.start(context, 'busy'))
      await busy.open('/report/who-are-you')
      assert.match(await busy.page.locator('main').innerText(), /Nothing you have told us is lost/)
      assert.equal(await busy.page.locator('.govuk-exit-this-page__button').count(), 1)
      await busy.open(staffPaths.queue)
      assert.equal(await busy.page.locator('.govuk-exit-this-page__button').count(), 0)
      assertQuiet(busy.journey.watched)
    } finally {
      await closeContext(context)
    }
  })
})
