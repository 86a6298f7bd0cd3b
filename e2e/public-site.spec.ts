import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import {
  Journey,
  PageObject,
  assertNoAxeViolations,
  assertQuiet,
  closeContext,
  launchBrowser,
  newContext,
  startApp,
  type StartedApp,
} from './support/browser.js'

const EXIT_URL = 'https://www.bbc.co.uk/weather'

/** Any public page: the shared frame every page of the Safety Centre must carry. */
class PublicPage extends PageObject {
  async open(path: string, h1: string, status = 200): Promise<void> {
    const response = await this.page.goto(path)
    assert.equal(response?.status(), status, `status of ${path}`)
    await this.arrive(h1)
    await this.assertFrame()
  }

  exitButton() {
    return this.page.locator('.govuk-exit-this-page__button')
  }

  /** On the neutral site: it is stood in for locally, as the network is closed. */
  async assertLeft(): Promise<void> {
    await this.page.getByRole('heading', { name: 'Weather forecast' }).waitFor()
    assert.equal(this.page.url(), EXIT_URL)
  }

  async assertFrame(): Promise<void> {
    const exit = this.exitButton()
    assert.equal(await exit.count(), 1, `one "Exit this page" on ${this.page.url()}`)
    assert.match(await exit.innerText(), /Exit this page/)
    assert.equal(await exit.getAttribute('href'), EXIT_URL)
    assert.ok(await exit.isVisible(), '"Exit this page" is visible')
    assert.match(await this.page.locator('.app-danger-banner').innerText(), /Call 999/)
    const header = this.page.getByRole('banner')
    assert.equal(
      await header.getByRole('link', { name: 'Safety Centre' }).count(),
      1,
      'the brand header',
    )
  }
}

const PAGES: [path: string, h1: string, status?: number][] = [
  ['/', 'Worried about something that happened online?'],
  ['/advice/bullying', 'Bullying'],
  ['/advice/young-people', 'For young people'],
  ['/advice/professionals', 'For professionals'],
  ['/get-help', 'Other places to get help'],
  ['/about-us', 'About us'],
  ['/what-to-expect', 'What to expect from a Child Protection Advisor'],
  ['/privacy', 'Privacy notice'],
  ['/professionals/resources', 'Resources for professionals'],
  [
    '/professionals/resources/when-a-child-tells-you',
    'When a child tells you something has happened online',
  ],
  ['/report', 'Make a report'],
  ['/no-such-page', 'Page not found', 404],
]

describe('the public site in Chromium', () => {
  let browser: Browser
  let app: StartedApp

  before(async () => {
    ;[browser, app] = await Promise.all([launchBrowser(), startApp()])
  })
  after(async () => {
    await browser.close()
    await app.close()
  })

  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js-on' : 'js-off'
    it(`has accessible pages with "Exit this page", asking no third party (${mode})`, async () => {
      const context = await newContext(browser, app, { javaScriptEnabled: javaScript })
      try {
        const site = new PublicPage(await Journey.start(context, `public-site-${mode}`))
        for (const [path, h1, status] of PAGES) await site.open(path, h1, status)
        assertQuiet(site.journey.watched)
      } finally {
        await closeContext(context)
      }
    })
  }

  // The check every page passes must be able to fail: a page made with two faults a screen
  // reader user meets (a picture with no words, a box with no label) is refused, both named.
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js-on' : 'js-off'
    it(`finds the faults of a page made to have them (${mode})`, async () => {
      const context = await newContext(browser, app, { javaScriptEnabled: javaScript })
      try {
        const page = await context.newPage()
        await page.route('**/faulty-page', (route) =>
          route.fulfill({
            contentType: 'text/html; charset=utf-8',
            body: `<!doctype html><html lang="en"><title>Faulty (${mode})</title><main><h1>Faulty</h1>
              <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main>`,
          }),
        )
        await page.goto('/faulty-page')
        await assert.rejects(assertNoAxeViolations(page), (error: Error) => {
          assert.match(error.message, /image-alt/)
          assert.match(error.message, /\blabel\b/)
          return true
        })
      } finally {
        await closeContext(context)
      }
    })
  }

  const ways: [how: string, leave: (site: PublicPage) => Promise<void>][] = [
    [
      'Shift pressed three times',
      async (site) => {
        for (let i = 0; i < 3; i++) await site.page.keyboard.press('Shift')
      },
    ],
    ['one tap of "Exit this page"', (site) => site.exitButton().click()],
  ]
  for (const [how, leave] of ways) {
    it(`leaves for a neutral site on ${how}, and Back skips the report`, async () => {
      const context = await newContext(browser, app)
      try {
        const site = new PublicPage(await Journey.start(context, 'exit-this-page'))
        await site.open('/', 'Worried about something that happened online?')
        await site.page.goto('/report/who-are-you')
        await site.arrive('Who are you?')
        await leave(site)
        await site.assertLeft()
        await site.page.goBack()
        assert.equal(
          new URL(site.page.url()).pathname,
          '/',
          'history was replaced: Back goes to the page before, not to the report',
        )
        assertQuiet(site.journey.watched, (url) => url === EXIT_URL)
      } finally {
        await closeContext(context)
      }
    })
  }
})
