import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { altText, buttonSnippet } from '../src/report-button/buttons.js'
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
import { ReportForm } from './support/report-form.js'

/** A partner's own plain page, on another origin, with the snippet pasted in as it stands. */
async function servePartnerPage(snippet: string): Promise<{ url: string; server: Server }> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GameChat</title></head>
<body><main><h1>GameChat</h1><p>Chat about games with your friends.</p>${snippet}</main></body></html>`
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    response.end(html)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/`, server }
}

/** How wide the image was drawn: 0 if it failed to load. Runs in the page. */
const naturalWidth = (image: unknown) => (image as { naturalWidth: number }).naturalWidth

describe('the report button in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  let partner: { url: string; server: Server }

  before(async () => {
    ;[browser, app] = await Promise.all([launchBrowser(), startApp()])
  })
  after(async () => {
    await browser.close()
    await app.close()
    partner.server.close()
  })

  it('an administrator registers a website and finds its snippet', async () => {
    const context = await newContext(browser, app)
    try {
      const journey = await Journey.start(context, 'report-button-admin')
      const pages = new StaffPages(journey)
      await pages.signIn(await addPerson(app.test, ['administrator']), app)
      await pages.follow(
        pages.page
          .getByRole('navigation', { name: 'Staff navigation' })
          .getByRole('link', { name: 'Report button sources', exact: true }),
      )
      await pages.arrive('Report button sources')
      await pages.follow(pages.button('Add a source'))
      await pages.arrive('Add a report button source')
      await pages.page.getByLabel('ID', { exact: true }).fill('Game Chat')
      await pages.follow(pages.button('Add source'))
      await pages.arrive('Add a report button source', 'error')
      assert.equal(await pages.page.locator('.govuk-error-summary a').count(), 3)
      await pages.page.getByLabel('ID', { exact: true }).fill('game-chat')
      await pages.page.getByLabel('Name', { exact: true }).fill('GameChat')
      await pages.page.getByLabel('Website', { exact: true }).fill('https://gamechat.example')
      await pages.follow(pages.button('Add source'))
      await pages.arrive('GameChat')
      const code = await pages.page
        .getByLabel('Code for the brand colour, medium button')
        .inputValue()
      assert.match(code, /^<a href="[^"]+\/\?source=game-chat"><img src="data:image\/svg\+xml,/)
      assertQuiet(journey.watched)
    } finally {
      await closeContext(context)
    }
  })

  it('shows website owners every button and its code', async () => {
    const context = await newContext(browser, app)
    try {
      const journey = await Journey.start(context, 'report-button-page')
      const pages = new StaffPages(journey)
      await pages.page.goto('/report-button')
      await pages.arrive('Put our report button on your website')
      assert.equal(await pages.page.locator('main img').count(), 9)
      for (const img of await pages.page.locator('main img').all()) {
        assert.ok((await img.evaluate(naturalWidth)) > 0, 'drawn')
      }
      assertQuiet(journey.watched)
    } finally {
      await closeContext(context)
    }
  })

  it('follows the snippet from a plain page to a report attributed to its source', async () => {
    const snippet = buttonSnippet(app.test.deps.content.agency, app.baseUrl, 'game-chat', {
      scheme: 'brand',
      size: 'large',
    })
    partner = await servePartnerPage(snippet)
    const context = await newContext(browser, app)
    try {
      const journey = await Journey.start(context, 'report-button-journey')
      const form = new ReportForm(journey)
      await form.page.goto(partner.url)
      await journey.screenshot('partner-page')
      assert.deepEqual(
        journey.watched.requests.filter((url) => url.startsWith(app.baseUrl)),
        [],
        'the button asks nothing of the Safety Centre until it is clicked',
      )
      assert.equal(await context.cookies(app.baseUrl).then((c) => c.length), 0)
      const button = form.link(altText(app.test.deps.content.agency))
      assert.ok((await button.locator('img').evaluate(naturalWidth)) > 0)
      await form.follow(button)

      await form.arrive('Worried about something that happened online?', 'from-button')
      assert.match(await form.page.locator('main').innerText(), /You came here from GameChat\./)
      await form.follow(form.button('Make a report'))
      await form.arrive('Make a report')
      assert.match(await form.page.locator('main').innerText(), /You came here from GameChat\./)
      await form.follow(form.button('Start now'))
      await form.whoAreYou('parent-carer')
      await form.whatIsItAbout(['asked-for-images'])
      await form.immediateDanger('Is your child in danger right now?', 'no')
      await form.aboutTheChild('parent-carer')
      await form.whereTheChildLives('parent-carer')
      await form.whatHappened(true)
      await form.theOtherPerson(true)
      await form.contactDetails('parent-carer', true)
      await form.checkYourAnswers()
      const reference = await form.confirmation()

      const [report] = await app.test.db.query<{ source: string; source_site: string }>(
        'SELECT source, source_site FROM reports WHERE reference = $1',
        [reference],
      )
      assert.deepEqual(report, { source: 'button', source_site: 'game-chat' })
      assertQuiet(journey.watched)
    } finally {
      await closeContext(context)
    }
  })
})
