import assert from 'node:assert/strict'
import { PageObject } from './browser.js'

export type Audience = 'young-person' | 'parent-carer' | 'professional' | 'concerned-adult'

const REFERENCE = /^SC-\d{3}-\d{3}-\d{4}$/

/** The report form, page by page: each step arrives (h1 + axe), answers, and moves on. */
export class ReportForm extends PageObject {
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

  async whatIsItAbout(concerns: string[]): Promise<void> {
    await this.arrive('What is it about?')
    for (const concern of concerns) await this.tick('concerns', concern)
    await this.continue()
  }

  /**
   * Help for something we do not deal with: its main action is the right service (a call to
   * the helpline), and "something sexual happened too" carries on with a report.
   */
  async helpWithOtherProblems(h1: string, helpline: RegExp): Promise<void> {
    await this.arrive(h1)
    const main = this.page.locator('main a.govuk-button').first()
    assert.match(await main.innerText(), helpline)
    assert.match((await main.getAttribute('href')) ?? '', /^tel:/)
    assert.equal(await this.button('Make a report').count(), 0, 'no "Make a report" here')
    await this.continue('Something sexual happened too')
    await this.arrive('What else happened?')
    await this.tick('concerns', 'pressure-to-meet')
    await this.continue()
  }

  async immediateDanger(h1: string, answer: 'yes' | 'no' | 'unsure'): Promise<void> {
    await this.arrive(h1)
    await this.tick('immediateDanger', answer)
    await this.continue()
  }

  async call999(h1 = 'Call 999 now'): Promise<void> {
    await this.arrive(h1)
    assert.equal((await this.page.locator('a[href="tel:999"]').count()) > 0, true)
    await this.continue('Continue my report')
  }

  async yourAge(age: number): Promise<void> {
    await this.arrive('How old are you?')
    await this.fill('How old are you?', String(age))
    await this.continue()
  }

  /** A trusted grown-up, and a children's helpline to call now (from content/). */
  async under11(): Promise<void> {
    await this.arrive('Ask a grown-up you trust to help you')
    assert.match(await this.page.locator('main').innerText(), /Childline/)
    assert.equal(await this.page.locator('a[href="tel:08001111"]').count(), 1)
    await this.continue('Keep going')
  }

  async safeguarding(policy: 'yes' | 'no', reportedTo: 'police' | 'neither'): Promise<void> {
    await this.arrive('Have you followed your safeguarding policy?')
    await this.tick('followedPolicy', policy)
    await this.continue()
    if (policy === 'no') {
      await this.arrive('Follow your safeguarding policy first')
      await this.continue('I have done this, continue')
    }
    await this.arrive("Have you already reported this to the police or children's social care?")
    await this.tick('reportedTo', reportedTo)
    await this.continue()
    if (reportedTo === 'police') {
      await this.arrive('You do not need to report this to us as well')
      await this.continue('Continue my report anyway')
    }
  }

  async aboutTheChild(audience: Audience): Promise<void> {
    if (audience === 'young-person') return
    const nameH1 =
      audience === 'parent-carer' ? "What is your child's name?" : "What is the child's name?"
    await this.arrive(nameH1)
    await this.fill(nameH1, 'Sam Canary')
    await this.continue()
    await this.arrive(
      audience === 'parent-carer' ? 'How old is your child?' : 'How old is the child?',
    )
    if (audience === 'professional') {
      await this.fill('Day', '27')
      await this.fill('Month', '3')
      await this.fill('Year', String(new Date().getFullYear() - 12))
    } else {
      await this.fill('Age', '13')
    }
    await this.continue()
  }

  async whereTheChildLives(audience: Audience): Promise<void> {
    const h1 = {
      'young-person': 'Where do you live?',
      'parent-carer': 'Where does your child live?',
      professional: 'Where does the child live?',
      'concerned-adult': 'Where does the child live?',
    }[audience]
    await this.arrive(h1)
    if (audience === 'young-person') await this.fill(h1, 'Leeds')
    else await this.fill('Town or postcode', 'LS1 4AP')
    await this.continue()
  }

  /** Sent empty first: one clear error, the summary leads to it, and axe still finds nothing. */
  async whatHappened(javaScript: boolean): Promise<void> {
    await this.arrive('Tell us what happened')
    await this.continue()
    await this.assertErrorSummary(javaScript, 1)
    await this.arrive('Tell us what happened', 'error')
    await this.fill(
      'Tell us what happened',
      'An adult in a game asked for a photo. CANARY-DESCRIPTION',
    )
    await this.continue()
    await this.arrive('When did it start?')
    await this.tick('started', 'this-week')
    await this.continue()
    await this.arrive(/^Is it still (happening|going on)\?$/)
    await this.tick('stillHappening', 'yes')
    await this.continue()
  }

  async assertErrorSummary(javaScript: boolean, errors: number): Promise<void> {
    assert.match(await this.page.title(), /^Error: /, 'the title says there is an error')
    const summary = this.page.locator('.govuk-error-summary')
    assert.equal(await summary.getByRole('heading').innerText(), 'There is a problem')
    const links = await summary.locator('a').all()
    assert.equal(links.length, errors, 'one link per missing answer')
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
   * What is known of the other person, one kind of detail a page. A second username: without
   * JavaScript the server shows the page again with a new row; with it the row appears in the
   * page, and a row added by mistake can be removed the same way. A child under 11 is not asked
   * for web addresses, phone numbers or email addresses.
   */
  async theOtherPerson(javaScript: boolean, young = false): Promise<void> {
    const nameH1 = young ? 'What is their name?' : 'What names do they use?'
    await this.arrive(nameH1)
    await this.fill(nameH1, 'Canary Other')
    await this.continue()
    const usernamesH1 = young ? 'Where do they talk to you?' : 'What are their usernames?'
    await this.arrive(usernamesH1)
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
      await this.arrive(usernamesH1, 'added')
      await this.button('Remove username 2').click()
      assert.equal(await this.page.locator('.app-add-another__item').count(), 2)
      assert.equal(await this.page.getByLabel('App, game or website 1').inputValue(), 'GameChat')
      assert.equal(await this.page.getByLabel('App, game or website 2').inputValue(), '')
      assert.equal(await this.page.getByLabel('App, game or website 3').count(), 0)
    } else {
      await this.follow(this.button('Add another username'))
      await this.arrive(usernamesH1, 'added')
      assert.equal(await this.page.getByLabel('App, game or website 1').inputValue(), 'GameChat')
    }
    await this.fill('App, game or website 2', 'PhotoApp')
    await this.fill('Username 2', 'canary_user_100')
    await this.continue()
    if (!young) {
      await this.arrive('Links to their profiles')
      await this.continue()
      await this.arrive('What is their phone number?')
      await this.continue()
      await this.arrive('What is their email address?')
      await this.fill('What is their email address?', 'canary.other@example.com')
      await this.continue()
    }
    await this.arrive('How old do you think they are?')
    await this.tick('otherPersonAge', 'adult')
    await this.continue()
    await this.arrive(/know them in real life\?$/)
    await this.tick('knownOffline', 'no')
    await this.continue()
  }

  /**
   * Not anonymous: a name, then an email or a phone (sent empty first: one clear error). The
   * safe ways offer only what was given; a young person is asked whether a parent knows.
   */
  async contactDetails(audience: Audience, javaScript: boolean): Promise<void> {
    await this.arrive('What is your name?')
    await this.fill('What is your name?', 'Pat Canary')
    await this.continue()
    await this.arrive('How can we contact you?')
    await this.continue()
    await this.assertErrorSummary(javaScript, 1)
    await this.arrive('How can we contact you?', 'error')
    await this.fill('Email address', 'canary.reporter@example.com')
    await this.fill('Phone number', '07700 900 982')
    await this.continue()
    await this.arrive('Which ways are safe to contact you?')
    await this.tick('contactWays', 'email')
    await this.continue()
    await this.arrive('When is it safe to contact you?')
    await this.fill('When is it safe to contact you?', 'After 6pm')
    await this.continue()
    if (audience === 'young-person') {
      await this.arrive('Does a parent or carer know you are making this report?')
      await this.tick('parentKnows', 'no')
      await this.continue()
    }
  }

  /** A child under 11 may give a trusted grown-up's details instead of their own. */
  async trustedAdult(): Promise<void> {
    await this.arrive('Who can we talk to?')
    await this.tick('contactPerson', 'trusted-adult')
    await this.continue()
    await this.arrive("What is the grown-up's name?")
    await this.fill("What is the grown-up's name?", 'Pat Canary')
    await this.continue()
    await this.arrive('How can we reach the grown-up?')
    await this.fill('Phone number', '07700 900 982')
    await this.continue()
    await this.arrive('How should we get in touch with them?')
    await this.tick('contactWays', 'phone')
    await this.continue()
    await this.arrive('When is a good time to call them?')
    await this.continue()
    await this.arrive('Does your mum, dad or carer know you are telling us?')
    await this.tick('parentKnows', 'yes')
    await this.continue()
  }

  /** Check your answers, with one answer changed through its Change link. */
  async checkYourAnswers(): Promise<void> {
    await this.arrive('Check your answers before sending your report')
    const answers = this.page.locator('.govuk-summary-list')
    assert.match(await answers.allInnerTexts().then((t) => t.join('\n')), /canary_user_100/)
    await this.follow(this.link('Change town or postcode'))
    await this.arrive(/^Where do(es)? .*live\?$/, 'change')
    const field = this.page.locator('input[name="place"]')
    await field.fill('Bradford')
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
