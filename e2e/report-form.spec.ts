import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContextOptions } from 'playwright-core'
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

type Audience = 'young-person' | 'parent-carer' | 'professional' | 'concerned-adult'

const REFERENCE = /^SC-\d{3}-\d{3}-\d{4}$/

/** The report form, page by page: each step arrives (h1 + axe), answers, and moves on. */
class ReportForm extends PageObject {
  async tick(name: string, value: string): Promise<void> {
    await this.page.locator(`input[name="${name}"][value="${value}"]`).check()
  }

  async fill(label: string, value: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).fill(value)
  }

  async continue(text = 'Continue'): Promise<void> {
    await this.follow(this.button(text))
  }

  async fromHomePage(): Promise<void> {
    await this.page.goto('/')
    await this.arrive('Worried about something that happened online?')
    await this.follow(this.button('Make a report'))
    await this.arrive('Make a report')
    await this.follow(this.button('Start now'))
  }

  async whoAreYou(audience: Audience): Promise<void> {
    await this.arrive('Who are you?')
    await this.tick('audience', audience)
    await this.continue()
  }

  async whatIsItAbout(topic: 'sexual' | 'bullying'): Promise<void> {
    await this.arrive('What is it about?')
    await this.tick('topic', topic)
    await this.continue()
  }

  /** The signposting page for bullying: no report needed, but one can still be made. */
  async helpWithBullying(): Promise<void> {
    await this.arrive('We cannot help with bullying on its own')
    await this.continue('Continue with a report')
  }

  async immediateDanger(h1: string, answer: 'yes' | 'no' | 'unsure'): Promise<void> {
    await this.arrive(h1)
    await this.tick('immediateDanger', answer)
    await this.continue()
  }

  async call999(): Promise<void> {
    await this.arrive('Call 999 now')
    assert.equal((await this.page.locator('a[href="tel:999"]').count()) > 0, true)
    await this.continue('Continue my report')
  }

  async yourAge(age: number): Promise<void> {
    await this.arrive('How old are you?')
    await this.fill('How old are you?', String(age))
    await this.continue()
  }

  async under11(): Promise<void> {
    await this.arrive('Ask a grown-up you trust to help you')
    await this.continue()
  }

  async professionalCheckpoint(): Promise<void> {
    await this.arrive('Your safeguarding duties')
    await this.tick('followedPolicy', 'yes')
    await this.tick('reportedTo', 'neither')
    await this.continue()
  }

  async aboutTheChild(audience: Audience): Promise<void> {
    if (audience === 'young-person') {
      await this.arrive('Where do you live?')
    } else {
      await this.arrive('About the child')
      await this.fill(
        audience === 'concerned-adult' ? 'Their name (optional)' : 'Their name',
        'Sam Canary',
      )
      if (audience === 'professional') {
        await this.fill('Day', '27')
        await this.fill('Month', '3')
        await this.fill('Year', String(new Date().getFullYear() - 12))
      } else {
        await this.fill('Age', '13')
      }
    }
    await this.fill('Town or area', 'Leeds')
    await this.fill('Postcode (optional)', 'LS1 4AP')
    await this.continue()
  }

  /** Sent empty first: the error summary leads to each field, and axe still finds nothing. */
  async whatHappened(javaScript: boolean): Promise<void> {
    await this.arrive('What happened?')
    await this.continue()
    await this.assertErrorSummary(javaScript)
    await this.arrive('What happened?', 'error')
    await this.tick('concerns', 'asked-for-images')
    await this.fill(
      'Tell us what happened, in your own words',
      'An adult in a game asked for a photo. CANARY-DESCRIPTION',
    )
    await this.tick('started', 'this-week')
    await this.tick('stillHappening', 'yes')
    await this.continue()
  }

  async assertErrorSummary(javaScript: boolean): Promise<void> {
    assert.match(await this.page.title(), /^Error: /, 'the title says there is an error')
    const summary = this.page.locator('.govuk-error-summary')
    assert.equal(await summary.getByRole('heading').innerText(), 'There is a problem')
    const links = await summary.locator('a').all()
    assert.ok(links.length >= 4, 'one link per missing answer')
    for (const link of links) {
      const href = (await link.getAttribute('href')) ?? ''
      assert.match(href, /^#.+/)
      assert.equal(await this.page.locator(href).count(), 1, `${href} leads to a field`)
    }
    if (javaScript) {
      const focused = this.page.locator(':focus')
      assert.match((await focused.getAttribute('class')) ?? '', /govuk-error-summary/)
      const [first] = links
      assert.ok(first)
      await first.click()
      assert.equal(`#${(await focused.getAttribute('id')) ?? ''}`, await first.getAttribute('href'))
    }
  }

  /**
   * A second username. Without JavaScript the server shows the page again with a new row; with
   * it the row appears in the page, and a row added by mistake can be removed the same way.
   */
  async theOtherPerson(javaScript: boolean): Promise<void> {
    await this.arrive('The other person')
    await this.fill('Their name or names (optional)', 'Canary Other')
    await this.fill('App, game or website 1', 'GameChat')
    await this.fill('Username 1', 'canary_user_99')
    if (javaScript) {
      const url = this.page.url()
      await this.button('Add another username').click()
      await this.button('Add another username').click()
      assert.equal(this.page.url(), url, 'rows are added without leaving the page')
      assert.equal(await this.page.locator('.app-add-another__item').count(), 3)
      const focused = await this.page.evaluate('document.activeElement.id')
      assert.equal(focused, 'accountPlatform-2', 'focus moves to the new row')
      // Focus scrolled the page, and "Exit this page" stays on screen over what is beneath it,
      // as GOV.UK Frontend designs it: look at the page from the top, as it loads.
      await this.page.evaluate('window.scrollTo(0, 0)')
      await this.arrive('The other person', 'added')
      await this.button('Remove username 2').click()
      assert.equal(await this.page.locator('.app-add-another__item').count(), 2)
      assert.equal(await this.page.getByLabel('App, game or website 1').inputValue(), 'GameChat')
      assert.equal(await this.page.getByLabel('App, game or website 2').inputValue(), '')
      assert.equal(await this.page.getByLabel('App, game or website 3').count(), 0)
    } else {
      await this.follow(this.button('Add another username'))
      await this.arrive('The other person', 'added')
      assert.equal(await this.page.getByLabel('App, game or website 1').inputValue(), 'GameChat')
    }
    await this.fill('App, game or website 2', 'PhotoApp')
    await this.fill('Username 2', 'canary_user_100')
    await this.tick('otherPersonAge', 'adult')
    await this.tick('knownOffline', 'no')
    await this.continue()
  }

  async contactDetails(audience: Audience): Promise<void> {
    await this.arrive('How can we contact you?')
    await this.fill('Your name', 'Pat Canary')
    await this.fill('Email address', 'canary.reporter@example.com')
    await this.tick('contactWays', 'email')
    if (audience === 'young-person') await this.tick('parentKnows', 'no')
    await this.continue()
  }

  /** Check your answers, with one answer changed through its Change link. */
  async checkYourAnswers(): Promise<void> {
    await this.arrive('Check your answers before sending your report')
    const answers = this.page.locator('.govuk-summary-list')
    assert.match(await answers.allInnerTexts().then((t) => t.join('\n')), /canary_user_100/)
    await this.follow(this.link('Change town or area'))
    await this.arrive(/^(About the child|Where do you live\?)$/, 'change')
    await this.fill('Town or area', 'Bradford')
    await this.continue()
    await this.arrive('Check your answers before sending your report', 'changed')
    assert.match(await answers.allInnerTexts().then((t) => t.join('\n')), /Bradford/)
    await this.follow(this.button('Send report'))
  }

  async confirmation(): Promise<string> {
    await this.arrive('Report sent')
    const reference = (await this.page.locator('.app-reference').innerText()).trim()
    assert.match(reference, REFERENCE)
    return reference
  }

  /** Answers kept too long are cleared: the next step lands here, and one can start again. */
  async answersCleared(): Promise<void> {
    await this.arrive('Your answers were cleared')
    await this.follow(this.button('Start again'))
  }
}

/** Each audience's way through: the pages and branches it passes on the way. */
async function walk(
  form: ReportForm,
  audience: Audience,
  javaScript: boolean,
  app: StartedApp,
): Promise<string> {
  await form.fromHomePage()
  if (audience === 'concerned-adult') {
    // Stop for longer than drafts are kept, then carry on: the answers are gone.
    await form.whoAreYou(audience)
    await form.arrive('What is it about?')
    app.advanceClock((app.test.deps.config.draftTtlMinutes + 1) * 60_000)
    await form.tick('topic', 'sexual')
    await form.continue()
    await form.answersCleared()
  }
  await form.whoAreYou(audience)
  await form.whatIsItAbout(audience === 'parent-carer' ? 'bullying' : 'sexual')
  if (audience === 'parent-carer') await form.helpWithBullying()
  const dangerH1 = {
    'young-person': 'Are you in danger right now?',
    'parent-carer': 'Is your child in danger right now?',
    professional: 'Is a child in danger right now?',
    'concerned-adult': 'Is a child in danger right now?',
  }[audience]
  if (audience === 'professional') {
    await form.immediateDanger(dangerH1, 'yes')
    await form.call999()
  } else {
    await form.immediateDanger(dangerH1, audience === 'concerned-adult' ? 'unsure' : 'no')
  }
  if (audience === 'young-person') {
    await form.yourAge(10)
    await form.under11()
  }
  if (audience === 'professional') await form.professionalCheckpoint()
  await form.aboutTheChild(audience)
  await form.whatHappened(javaScript)
  await form.theOtherPerson(javaScript)
  await form.contactDetails(audience)
  await form.checkYourAnswers()
  return form.confirmation()
}

describe('the report form in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  const references = new Set<string>()

  before(async () => {
    ;[browser, app] = await Promise.all([launchBrowser(), startApp()])
  })
  after(async () => {
    await browser.close()
    await app.close()
  })

  async function walkIn(
    name: string,
    audience: Audience,
    javaScript: boolean,
    options: BrowserContextOptions = {},
  ) {
    const context = await newContext(browser, app, { javaScriptEnabled: javaScript, ...options })
    try {
      const journey = await Journey.start(context, name)
      const reference = await walk(new ReportForm(journey), audience, javaScript, app)
      assert.ok(!references.has(reference), 'each report gets its own reference')
      references.add(reference)
      assertQuiet(journey.watched)
    } finally {
      await closeContext(context)
    }
  }

  const audiences: Audience[] = ['young-person', 'parent-carer', 'professional', 'concerned-adult']
  for (const audience of audiences) {
    for (const javaScript of [true, false]) {
      const mode = javaScript ? 'js-on' : 'js-off'
      it(`takes a report from a ${audience} to its reference (${mode})`, { timeout: 90_000 }, () =>
        walkIn(`report-${audience}-${mode}`, audience, javaScript),
      )
    }
  }

  it('takes a report from a young person on a phone-sized screen', { timeout: 90_000 }, () =>
    walkIn('report-young-person-phone', 'young-person', true, {
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    }),
  )
})
