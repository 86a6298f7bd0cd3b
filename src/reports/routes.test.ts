import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { buildTestApp, testConfig, type TestApp } from '../../test/app.js'
import {
  backLink,
  elementIds,
  errorSummaryLinks,
  fieldNames,
  inputValue,
  links,
  pageTitle,
} from '../../test/html.js'
import { answerAll, Browser } from '../../test/http.js'
import { reportSteps, type Step } from '../../test/reports.js'
import { AUDIENCE_PAGES, OUT_OF_SCOPE_PAGES } from '../content/routes.js'
import { escapeHtml } from '../web/views.js'
import { AUDIENCES, type Audience } from './model.js'

const START = new Date('2026-03-10T10:00:00Z')
const REFERENCE = /^SC-\d{3}-\d{3}-\d{4}$/
const page = (slug: string) => `/report/${slug}`
const CHECK = page('check-your-answers')

let t: TestApp
let clock = START

before(async () => {
  t = await buildTestApp({
    now: () => clock,
    config: { reportRateLimitPerMinute: 10_000 },
    routes: (app) => {
      app.get('/test/breaks', () => {
        throw new Error('synthetic failure in /srv/safety-centre/src/secret.ts')
      })
    },
  })
})
after(() => t.close())
beforeEach(() => {
  clock = START
})

async function reportCount(): Promise<number> {
  const rows = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reports')
  return rows[0]?.n ?? -1
}

async function draftCount(): Promise<number> {
  const rows = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM report_drafts')
  return rows[0]?.n ?? -1
}

/** A browser that has answered the steps, up to (not including) the named page. */
async function browserAt(audience: Audience, slug?: string): Promise<Browser> {
  const steps = reportSteps[audience]
  const upTo = slug ? steps.findIndex(([s]) => s === slug) : steps.length
  assert.ok(upTo >= 0, `${audience} has no ${slug ?? ''} page`)
  const browser = new Browser(t.app)
  await answerAll(browser, steps.slice(0, upTo))
  return browser
}

/** The values a page offers for one field (its radios or checkboxes). */
const fieldValues = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`name="${name}"[^>]*value="([^"]*)"`, 'g'))].map((m) => m[1])

const stepsOf = (audience: Audience, slug: string): Step => {
  const step = reportSteps[audience].find(([s]) => s === slug)
  assert.ok(step)
  return step
}

const referenceOn = (html: string) => /class="app-reference">([^<]+)</.exec(html)?.[1] ?? ''

async function send(browser: Browser) {
  await browser.get(CHECK)
  return browser.post(CHECK, {})
}

describe('the home page', () => {
  it('offers "Make a report", the four audiences, the topics we cannot help with and partners', async () => {
    const response = await new Browser(t.app).get('/')
    assert.equal(response.statusCode, 200)
    assert.match(response.body, /Make a report/)
    const hrefs = links(response.body)
    assert.ok(hrefs.includes('/report'))
    for (const slug of [...AUDIENCE_PAGES, ...OUT_OF_SCOPE_PAGES])
      assert.ok(hrefs.includes(`/advice/${slug}`), slug)
    assert.ok(t.deps.content.partners.length > 0)
    for (const partner of t.deps.content.partners)
      assert.ok(response.body.includes(escapeHtml(partner.name)), partner.name)
  })

  it('has an "Exit this page" control and tells people in danger to call 999', async () => {
    const { body } = await new Browser(t.app).get('/')
    assert.match(body, /Exit this page/)
    assert.match(body, /In danger right now\?/)
    assert.ok(links(body).includes('tel:999'))
  })
})

describe('making a report', () => {
  for (const audience of AUDIENCES) {
    it(`takes a ${audience} from the first question to a confirmation with a reference`, async () => {
      const before = await reportCount()
      const browser = new Browser(t.app)
      assert.equal((await browser.get('/report')).statusCode, 200)
      const steps = reportSteps[audience]
      for (const [i, [slug, form]] of steps.entries()) {
        const shown = await browser.get(page(slug))
        assert.equal(shown.statusCode, 200, slug)
        const names = fieldNames(shown.body)
        for (const name of Object.keys(form).filter((n) => !/-[1-9]\d*$/.test(n)))
          assert.ok(names.has(name), `${slug} has no field ${name}`)
        const answered = await browser.post(page(slug), form)
        assert.equal(answered.statusCode, 303, `${slug}: ${answered.body.slice(0, 200)}`)
        const next = steps[i + 1]
        assert.equal(answered.headers.location, next ? page(next[0]) : CHECK)
      }
      const check = await browser.get(CHECK)
      assert.equal(check.statusCode, 200)
      assert.match(check.body, /Check your answers before sending your report/)

      const sent = await browser.post(CHECK, {})
      assert.equal(sent.statusCode, 303)
      assert.equal(sent.headers.location, page('confirmation'))
      const confirmation = await browser.get(page('confirmation'))
      assert.equal(confirmation.statusCode, 200)
      const reference = referenceOn(confirmation.body)
      assert.match(reference, REFERENCE)
      assert.match(confirmation.body, /What happens next/)

      assert.equal(await reportCount(), before + 1)
      const stored = await t.db.query('SELECT audience FROM reports WHERE reference = $1', [
        reference,
      ])
      assert.deepEqual(stored, [{ audience }])
    })
  }

  it('shows each answer on check your answers', async () => {
    const { body } = await (await browserAt('parent-carer')).get(CHECK)
    for (const shown of [
      'Sam Canary',
      'LS1 4AP',
      'canary_user_99 (GameChat)',
      'https://example.com/canary-profile',
      'canary.parent@example.com',
      'Asked for a nude or sexual image',
    ])
      assert.ok(body.includes(shown), shown)
  })

  it('escapes what a person typed when showing it back, keeping their line breaks', async () => {
    const browser = await browserAt('parent-carer', 'what-happened')
    const [, form] = stepsOf('parent-carer', 'what-happened')
    await browser.answer(page('what-happened'), {
      ...form,
      description: 'First <b>line</b> & "quotes"\nSecond line',
    })
    const steps = reportSteps['parent-carer']
    const after = steps.findIndex(([slug]) => slug === 'what-happened') + 1
    for (const [slug, form] of steps.slice(after)) await browser.answer(page(slug), form)
    const { body } = await browser.get(CHECK)
    assert.ok(
      body.includes('First &lt;b&gt;line&lt;/b&gt; &amp; &quot;quotes&quot;<br>Second line'),
    )
    assert.ok(!body.includes('<b>line</b>'))
  })
})

describe('a page with mistakes', () => {
  it('is shown again with status 400, a GOV.UK error summary and novalidate', async () => {
    const browser = new Browser(t.app)
    await browser.get(page('who-are-you'))
    const response = await browser.post(page('who-are-you'), {})
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /There is a problem/)
    assert.deepEqual(errorSummaryLinks(response.body), ['#audience'])
    assert.match(response.body, /Select who you are/)
    assert.match(response.body, /<form [^>]*novalidate/)
    assert.equal(browser.cookie('sc_report'), undefined)
  })

  it('puts "Error: " before the page title', async () => {
    const browser = new Browser(t.app)
    await browser.get(page('who-are-you'))
    const response = await browser.post(page('who-are-you'), {})
    assert.match(pageTitle(response.body), /^Error: /)
  })

  it('does not put "Error: " before the title of a page without mistakes', async () => {
    const response = await new Browser(t.app).get(page('who-are-you'))
    assert.doesNotMatch(pageTitle(response.body), /^Error/)
  })

  it('links each error to its field, in the order of the page, and keeps what was typed', async () => {
    const browser = await browserAt('parent-carer', 'contact-details')
    await browser.get(page('contact-details'))
    const response = await browser.post(page('contact-details'), {
      email: 'not-an-email',
      phone: 'call me',
    })
    assert.equal(response.statusCode, 400)
    assert.deepEqual(errorSummaryLinks(response.body), ['#email', '#phone'])
    assert.equal(inputValue(response.body, 'email'), 'not-an-email')
  })

  it('gives "an email or a phone" as the whole question’s error, not the email box’s', async () => {
    const browser = await browserAt('young-person', 'contact-details')
    await browser.get(page('contact-details'))
    const response = await browser.post(page('contact-details'), {})
    assert.equal(response.statusCode, 400)
    assert.deepEqual(errorSummaryLinks(response.body), ['#email'])
    const ids = elementIds(response.body)
    assert.ok(ids.has('contact-error'), 'the error is shown for the question')
    assert.ok(!ids.has('email-error'), 'and not as if email alone were wanted')
    assert.match(response.body, /aria-describedby="contact-hint contact-error"/)
    const typo = await browser.post(page('contact-details'), { email: 'sam@example' })
    assert.ok(elementIds(typo.body).has('email-error'), 'a mistyped email is the email box’s')
    assert.ok(!elementIds(typo.body).has('contact-error'))
  })

  it('says above each question about the other person whom "they" means', async () => {
    const browser = await browserAt('young-person', 'their-name')
    const pages: Step[] = [
      ['their-name', {}],
      ['their-usernames', {}],
      ['their-profile-links', {}],
      ['their-phone-numbers', {}],
      ['their-email-addresses', {}],
      ['their-age', { otherPersonAge: 'adult' }],
      ['known-in-real-life', { knownOffline: 'no' }],
    ]
    for (const [slug, form] of pages) {
      const { body } = await browser.get(page(slug))
      assert.match(body, /<span class="govuk-caption-l">About the other person<\/span>/, slug)
      await browser.answer(page(slug), form)
    }
    const child = await browser.get(page('what-happened'))
    assert.doesNotMatch(child.body, /govuk-caption-l/)
  })

  it('asks one question on each page, so an empty page has one error at most', async () => {
    for (const audience of AUDIENCES) {
      const browser = new Browser(t.app)
      for (const [slug, form] of reportSteps[audience]) {
        await browser.get(page(slug))
        const empty = await browser.post(page(slug), {})
        if (empty.statusCode === 400)
          assert.equal(errorSummaryLinks(empty.body).length, 1, `${audience} ${slug}`)
        else assert.equal(empty.statusCode, 303, `${audience} ${slug} may be left blank`)
        await browser.answer(page(slug), form)
      }
    }
  })

  for (const audience of ['young-person', 'professional'] as const) {
    it(`links every error on every ${audience} page to an element that exists`, async () => {
      const browser = new Browser(t.app)
      for (const [slug, form] of reportSteps[audience]) {
        await browser.get(page(slug))
        const wrong = await browser.post(page(slug), {})
        if (wrong.statusCode === 400) {
          const ids = elementIds(wrong.body)
          const hrefs = errorSummaryLinks(wrong.body)
          assert.ok(hrefs.length > 0, slug)
          for (const href of hrefs) assert.ok(ids.has(href.slice(1)), `${slug} ${href}`)
        }
        await browser.answer(page(slug), form)
      }
    })
  }

  it('links a date of birth error to the day field', async () => {
    const browser = await browserAt('parent-carer', 'the-childs-age')
    await browser.get(page('the-childs-age'))
    const response = await browser.post(page('the-childs-age'), {
      dobDay: '31',
      dobMonth: '2',
      dobYear: '2015',
    })
    assert.deepEqual(errorSummaryLinks(response.body), ['#dobDay'])
    assert.ok(elementIds(response.body).has('dobDay'))
  })

  it('has a form field for each part of the date of birth that the page reads', async () => {
    const browser = await browserAt('parent-carer', 'the-childs-age')
    const names = fieldNames((await browser.get(page('the-childs-age'))).body)
    for (const name of ['dobDay', 'dobMonth', 'dobYear']) assert.ok(names.has(name), name)
  })
})

describe('moving through the form', () => {
  it('sends someone who opens a later page to the furthest page they can open', async () => {
    const fresh = new Browser(t.app)
    const skipped = await fresh.get(page('what-happened'))
    assert.equal(skipped.statusCode, 302)
    assert.equal(skipped.headers.location, page('who-are-you'))

    const browser = await browserAt('parent-carer', 'immediate-danger')
    for (const later of ['about-the-child', 'contact-details', 'check-your-answers']) {
      const response = await browser.get(page(later))
      assert.equal(response.statusCode, 302, later)
      assert.equal(response.headers.location, page('immediate-danger'))
    }
  })

  it('does not take an answer to a page that cannot be opened yet', async () => {
    const browser = await browserAt('parent-carer', 'immediate-danger')
    await browser.get(page('immediate-danger'))
    const [, contact] = stepsOf('parent-carer', 'contact-details')
    const response = await browser.post(page('contact-details'), contact)
    assert.equal(response.statusCode, 303)
    assert.equal(response.headers.location, page('immediate-danger'))
    assert.equal((await browser.get(page('contact-details'))).statusCode, 302)
  })

  it('does not open a page for another audience or topic', async () => {
    const browser = await browserAt('parent-carer')
    for (const slug of [
      'your-age',
      'safeguarding-policy',
      'help-with-other-problems',
      'something-sexual',
      'call-999',
    ]) {
      const response = await browser.get(page(slug))
      assert.equal(response.statusCode, 302, slug)
      assert.equal(response.headers.location, CHECK)
    }
  })

  it('shows a Back link to the page before, along the branch taken', async () => {
    const browser = await browserAt('professional')
    const expected: [string, string][] = [
      ['who-are-you', '/report'],
      ['immediate-danger', page('what-is-it-about')],
      ['call-999', page('immediate-danger')],
      ['safeguarding-policy', page('call-999')],
      ['already-reported', page('safeguarding-policy')],
      ['you-do-not-need-to-report', page('already-reported')],
      ['about-the-child', page('you-do-not-need-to-report')],
      ['their-usernames', page('their-name')],
      ['your-name', page('known-in-real-life')],
      ['check-your-answers', page('safe-times')],
    ]
    for (const [slug, back] of expected) {
      assert.equal(backLink((await browser.get(page(slug))).body), back, slug)
    }
  })

  it('returns to check your answers after an answer is changed from there', async () => {
    const browser = await browserAt('parent-carer')
    const check = await browser.get(CHECK)
    const change = page('their-name') + '?change=1'
    assert.ok(links(check.body).includes(change))

    const shown = await browser.get(change)
    assert.equal(backLink(shown.body), CHECK)
    assert.equal(inputValue(shown.body, 'names'), 'Canary Other')
    const changed = await browser.post(change, { names: 'Someone Else' })
    assert.equal(changed.statusCode, 303)
    assert.equal(changed.headers.location, CHECK)
    assert.match((await browser.get(CHECK)).body, /Someone Else/)
  })

  it('shows the other person’s email addresses with a Change link to their own page', async () => {
    const browser = await browserAt('young-person')
    const check = await browser.get(CHECK)
    assert.match(check.body, /Email addresses[\s\S]*canary\.yp\.other@example\.com/)
    const change = page('their-email-addresses') + '?change=1'
    assert.ok(links(check.body).includes(change))
    const shown = await browser.get(change)
    assert.equal(inputValue(shown.body, 'emailAddresses'), 'canary.yp.other@example.com')
    const wrong = await browser.post(change, { emailAddresses: 'canary.yp.other@' })
    assert.equal(wrong.statusCode, 400)
    assert.deepEqual(errorSummaryLinks(wrong.body), ['#emailAddresses'])
    const two = await browser.answer(change, { emailAddresses: 'a@example.com b@example.org' })
    assert.equal(two.headers.location, CHECK)
    assert.match((await browser.get(CHECK)).body, /a@example\.com<br>b@example\.org/)
  })

  it('opens every Change link on check your answers', async () => {
    const browser = await browserAt('professional')
    const changes = links((await browser.get(CHECK)).body).filter((l) => l.endsWith('?change=1'))
    assert.ok(changes.length >= 8)
    for (const href of new Set(changes)) {
      assert.equal((await browser.get(href)).statusCode, 200, href)
    }
  })

  it('shows the call 999 page when danger is changed to yes, then returns to the answers', async () => {
    const browser = await browserAt('parent-carer')
    const change = page('immediate-danger') + '?change=1'
    await browser.get(change)
    const yes = await browser.post(change, { immediateDanger: 'yes' })
    assert.equal(yes.headers.location, page('call-999') + '?change=1')
    const continued = await browser.answer(page('call-999') + '?change=1', {})
    assert.equal(continued.headers.location, CHECK)
    const check = await browser.get(CHECK)
    assert.equal(check.statusCode, 200)
    assert.match(check.body, /Pat Canary/)
  })

  it('asks the new questions, and only those, when the audience is changed', async () => {
    const browser = await browserAt('parent-carer')
    const change = page('who-are-you') + '?change=1'
    await browser.get(change)
    const changed = await browser.post(change, { audience: 'young-person' })
    assert.equal(changed.headers.location, page('your-age') + '?change=1')
    const age = await browser.answer(page('your-age') + '?change=1', { age: '15' })
    assert.equal(age.headers.location, page('where-the-child-lives') + '?change=1')
    const where = await browser.answer(page('where-the-child-lives') + '?change=1', {
      place: 'Otley',
    })
    assert.equal(where.headers.location, page('your-name') + '?change=1')
    const name = await browser.answer(page('your-name') + '?change=1', { name: 'Sam' })
    assert.equal(name.headers.location, page('contact-details') + '?change=1')
    const contact = await browser.answer(page('contact-details') + '?change=1', {
      email: 'sam@example.com',
    })
    assert.equal(contact.headers.location, page('safe-times') + '?change=1')
    const times = await browser.answer(page('safe-times') + '?change=1', {})
    assert.equal(times.headers.location, page('parent-knows') + '?change=1')
    const knows = await browser.answer(page('parent-knows') + '?change=1', { parentKnows: 'yes' })
    assert.equal(knows.headers.location, CHECK)
    const { body } = await browser.get(CHECK)
    assert.match(body, /Otley/)
    assert.match(body, /canary_user_99/)
    assert.doesNotMatch(body, /Sam Canary/)
  })
})

describe('adding and removing usernames without JavaScript', () => {
  const rowsOn = (html: string) =>
    [...fieldNames(html)].filter((n) => n.startsWith('accountUsername-')).length

  it('continues, rather than adding or removing a row, when Enter is pressed in a field', async () => {
    const browser = await browserAt('parent-carer', 'their-usernames')
    const added = await browser.post(page('their-usernames'), {
      action: 'add-account',
      'accountUsername-0': 'first_name',
    })
    // A browser submits a form on Enter with the form's first submit button.
    const form = /<form[\s\S]*?<\/form>/.exec(added.body)?.[0] ?? ''
    const firstButton = /<button[^>]*>/.exec(form)?.[0] ?? ''
    assert.match(firstButton, /name="action"/)
    assert.match(firstButton, /value="continue"/)
  })

  it('adds a row, keeps what was typed and saves nothing yet', async () => {
    const browser = await browserAt('parent-carer', 'their-usernames')
    const shown = await browser.get(page('their-usernames'))
    assert.equal(rowsOn(shown.body), 1)
    const added = await browser.post(page('their-usernames'), {
      action: 'add-account',
      'accountPlatform-0': 'GameChat',
      'accountUsername-0': 'first_name',
    })
    assert.equal(added.statusCode, 200)
    assert.equal(rowsOn(added.body), 2)
    assert.equal(inputValue(added.body, 'accountUsername-0'), 'first_name')
    assert.equal(inputValue(added.body, 'accountUsername-1'), '')
    assert.match(added.body, /Remove username 2/)
    assert.equal((await browser.get(page('contact-details'))).statusCode, 302)
  })

  it('removes the chosen row and keeps the others in order', async () => {
    const browser = await browserAt('parent-carer', 'their-usernames')
    await browser.get(page('their-usernames'))
    const removed = await browser.post(page('their-usernames'), {
      action: 'remove-account-0',
      'accountUsername-0': 'first_name',
      'accountUsername-1': 'second_name',
      'accountUsername-2': 'third_name',
    })
    assert.equal(removed.statusCode, 200)
    assert.equal(rowsOn(removed.body), 2)
    assert.equal(inputValue(removed.body, 'accountUsername-0'), 'second_name')
    assert.equal(inputValue(removed.body, 'accountUsername-1'), 'third_name')
  })

  it('saves every row when the person continues', async () => {
    const browser = await browserAt('parent-carer', 'their-usernames')
    await browser.get(page('their-usernames'))
    await browser.post(page('their-usernames'), { action: 'add-account' })
    const saved = await browser.post(page('their-usernames'), {
      action: 'continue',
      'accountPlatform-0': 'GameChat',
      'accountUsername-0': 'first_name',
      'accountUsername-1': 'second_name',
    })
    assert.equal(saved.headers.location, page('their-profile-links'))
    const steps = reportSteps['parent-carer']
    const after = steps.findIndex(([slug]) => slug === 'their-usernames') + 1
    for (const [slug, form] of steps.slice(after)) await browser.answer(page(slug), form)
    const { body } = await browser.get(CHECK)
    assert.match(body, /first_name \(GameChat\)<br>second_name/)
  })

  it('offers no more than ten rows', async () => {
    const browser = await browserAt('parent-carer', 'their-usernames')
    await browser.get(page('their-usernames'))
    const form: Record<string, string> = { action: 'add-account' }
    for (let i = 0; i < 10; i++) form[`accountUsername-${i}`] = `user_${i}`
    const full = await browser.post(page('their-usernames'), form)
    assert.equal(rowsOn(full.body), 10)
    assert.doesNotMatch(full.body, /Add another username/)
  })
})

describe('sending the report', () => {
  it('creates one report when check your answers is sent twice', async () => {
    const before = await reportCount()
    const browser = await browserAt('young-person')
    const first = await send(browser)
    const second = await browser.post(CHECK, {})
    assert.equal(first.headers.location, page('confirmation'))
    assert.equal(second.statusCode, 303)
    assert.equal(second.headers.location, page('confirmation'))
    assert.equal(await reportCount(), before + 1)
  })

  it('creates one report when two sends arrive at the same moment', async () => {
    const before = await reportCount()
    const browser = await browserAt('concerned-adult')
    await browser.get(CHECK)
    const replies = await Promise.all([browser.post(CHECK, {}), browser.post(CHECK, {})])
    for (const reply of replies) {
      assert.equal(reply.statusCode, 303)
      assert.equal(reply.headers.location, page('confirmation'))
    }
    assert.equal(await reportCount(), before + 1)
  })

  it('creates no second report when the person goes back after the confirmation', async () => {
    const browser = await browserAt('parent-carer')
    await send(browser)
    const reference = referenceOn((await browser.get(page('confirmation'))).body)
    assert.match(reference, REFERENCE)
    const before = await reportCount()

    assert.equal((await browser.get(CHECK)).headers.location, page('confirmation'))
    const again = await browser.post(CHECK, {})
    assert.equal(again.headers.location, page('confirmation'))
    const [, contact] = stepsOf('parent-carer', 'contact-details')
    const edited = await browser.post(page('contact-details'), contact)
    assert.equal(edited.headers.location, page('who-are-you'), 'a new report starts clean')

    assert.equal(await reportCount(), before)
    assert.equal(referenceOn((await browser.get(page('confirmation'))).body), reference)
  })

  it('ends the draft once it is sent, so the next report on the device starts clean', async () => {
    const browser = await browserAt('young-person')
    await send(browser)
    assert.equal(browser.cookie('sc_report'), undefined)
    const confirmation = await browser.get(page('confirmation'))
    const reference = referenceOn(confirmation.body)
    assert.match(
      confirmation.body,
      /<a class="govuk-link" href="\/report">Make another report<\/a>/,
    )

    for (const slug of ['who-are-you', 'what-is-it-about', 'contact-details']) {
      const opened = await browser.get(page(slug))
      if (slug === 'who-are-you') assert.equal(opened.statusCode, 200)
      else assert.equal(opened.headers.location, page('who-are-you'), slug)
      assert.doesNotMatch(opened.body, new RegExp(reference))
    }
    const started = await browser.post(page('who-are-you'), { audience: 'parent-carer' })
    assert.equal(started.headers.location, page('what-is-it-about'))
    assert.ok(browser.cookie('sc_report'), 'a new draft')
    assert.equal(browser.cookie('sc_sent'), undefined, 'the old confirmation is no longer offered')
    assert.equal((await browser.get(page('confirmation'))).headers.location, '/report')
  })

  it('swaps a cookie that still points at a sent report for its confirmation', async () => {
    const browser = await browserAt('professional')
    const draftId = browser.cookie('sc_report')
    assert.ok(draftId)
    await send(browser)
    // A second tab, or a cookie kept from before sending ended it.
    browser.setCookie('sc_report', draftId)
    const opened = await browser.get(page('who-are-you'))
    assert.equal(opened.statusCode, 200)
    assert.equal(browser.cookie('sc_report'), undefined)
    assert.match(referenceOn((await browser.get(page('confirmation'))).body), REFERENCE)
  })

  it('refuses a form sent without its CSRF token and stores nothing', async () => {
    const drafts = await draftCount()
    const browser = new Browser(t.app)
    await browser.get(page('who-are-you'))
    for (const csrfToken of ['', 'forged-token']) {
      const response = await browser.post(
        page('who-are-you'),
        { audience: 'parent-carer' },
        {
          csrfToken,
        },
      )
      assert.equal(response.statusCode, 403, csrfToken)
    }
    assert.equal(browser.cookie('sc_report'), undefined)
    assert.equal(await draftCount(), drafts)
  })

  it('refuses to send a report without its CSRF token', async () => {
    const before = await reportCount()
    const browser = await browserAt('professional')
    await browser.get(CHECK)
    const response = await browser.post(CHECK, {}, { csrfToken: '' })
    assert.equal(response.statusCode, 403)
    assert.equal(await reportCount(), before)
  })
})

describe('answers not sent in time', () => {
  const ttl = () => t.deps.config.draftTtlMinutes * 60_000

  it('are cleared, and the person is told so', async () => {
    const browser = await browserAt('parent-carer', 'immediate-danger')
    clock = new Date(START.getTime() + ttl() + 60_000)

    const opened = await browser.get(page('immediate-danger'))
    assert.equal(opened.statusCode, 302)
    assert.equal(opened.headers.location, page('answers-cleared'))
    const posted = await browser.post(page('immediate-danger'), { immediateDanger: 'no' })
    assert.equal(posted.statusCode, 303)
    assert.equal(posted.headers.location, page('answers-cleared'))

    const cleared = await browser.get(page('answers-cleared'))
    assert.equal(cleared.statusCode, 200)
    assert.match(cleared.body, /Your answers were cleared/)
    assert.equal(browser.cookie('sc_report'), undefined)
    assert.equal((await browser.get(page('who-are-you'))).statusCode, 200)
  })

  it('are kept until just before the time is up', async () => {
    const browser = await browserAt('parent-carer', 'immediate-danger')
    clock = new Date(START.getTime() + ttl() - 1000)
    assert.equal((await browser.get(page('immediate-danger'))).statusCode, 200)
  })

  it('cannot be sent once cleared', async () => {
    const before = await reportCount()
    const browser = await browserAt('young-person')
    await browser.get(CHECK)
    clock = new Date(START.getTime() + ttl() + 60_000)
    const response = await browser.post(CHECK, {})
    assert.equal(response.headers.location, page('answers-cleared'))
    assert.equal(await reportCount(), before)
  })

  it('lets the person start again from the first question', async () => {
    const browser = await browserAt('parent-carer', 'immediate-danger')
    clock = new Date(START.getTime() + ttl() + 60_000)
    const start = await browser.get(page('who-are-you'))
    assert.equal(start.statusCode, 200)
    assert.equal(browser.cookie('sc_report'), undefined)
    const answered = await browser.post(page('who-are-you'), { audience: 'professional' })
    assert.equal(answered.headers.location, page('what-is-it-about'))
  })
})

describe('headers and error pages', () => {
  it('never lets a page of the form be stored in a cache', async () => {
    const browser = await browserAt('parent-carer')
    const urls = ['/report', ...reportSteps['parent-carer'].map(([slug]) => page(slug)), CHECK]
    for (const url of urls) {
      const response = await browser.get(url)
      assert.equal(response.headers['cache-control'], 'no-store', url)
    }
    await send(browser)
    const confirmation = await browser.get(page('confirmation'))
    assert.equal(confirmation.headers['cache-control'], 'no-store')
    const cleared = await new Browser(t.app).get(page('answers-cleared'))
    assert.equal(cleared.headers['cache-control'], 'no-store')
  })

  it('sends a Content-Security-Policy with a script nonce and no unsafe-inline', async () => {
    for (const url of ['/', page('who-are-you')]) {
      const response = await new Browser(t.app).get(url)
      const csp = String(response.headers['content-security-policy'])
      assert.doesNotMatch(csp, /unsafe-inline/)
      const nonce = /script-src [^;]*'nonce-([^']+)'/.exec(csp)?.[1]
      assert.ok(nonce, csp)
      assert.ok(response.body.includes(`nonce="${nonce}"`), `${url} uses the nonce`)
      assert.match(csp, /frame-ancestors 'none'/)
    }
  })

  it('shows a page not found for an unknown address, in and out of the form', async () => {
    for (const url of ['/no-such-page', page('no-such-page')]) {
      const response = await new Browser(t.app).get(url)
      assert.equal(response.statusCode, 404, url)
      assert.match(response.body, /Page not found/)
    }
  })

  it('shows a reference for the error, and no details of it, when something breaks', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/test/breaks' })
    assert.equal(response.statusCode, 500)
    assert.match(String(response.headers['content-type']), /text\/html/)
    assert.match(response.body, /Sorry, there is a problem with the service/)
    const reference = /give this reference: <strong>([^<]+)<\/strong>/.exec(response.body)?.[1]
    assert.ok(reference && reference.length >= 6, response.body)
    assert.doesNotMatch(response.body, /synthetic failure|secret\.ts|\/srv\/|at \w+ \(/)
  })
})

describe('the rate limit on form posts', () => {
  it('answers posts beyond the limit with a "please wait" page, and still shows pages', async () => {
    const limited = await buildTestApp({ config: { reportRateLimitPerMinute: 3 } })
    try {
      const browser = new Browser(limited.app)
      await browser.get(page('who-are-you'))
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await browser.post(page('who-are-you'), { audience: 'parent-carer' })).statusCode,
        )
      }
      assert.deepEqual(statuses, [303, 303, 303, 429])
      assert.match(browser.lastBody, /Please wait a moment/)
      assert.match(browser.lastBody, /Nothing you have told us is lost/)
      assert.equal((await browser.get(page('what-is-it-about'))).statusCode, 200)
    } finally {
      await limited.close()
    }
  })

  it('lets a whole report through many times over at the default limit', () => {
    const postsPerReport = reportSteps.professional.length + 1
    assert.ok(testConfig().reportRateLimitPerMinute >= postsPerReport * 10)
  })
})

describe('pages that guide rather than ask', () => {
  it('gives someone not sure about danger the same call 999 advice, then lets them carry on', async () => {
    const browser = await browserAt('young-person', 'call-999')
    const advice = await browser.get(page('call-999'))
    assert.equal(advice.statusCode, 200)
    assert.match(advice.body, /If you are not sure, call 999 to be safe/)
    assert.match(advice.body, /href="tel:999"/)
    const continued = await browser.post(page('call-999'), {})
    assert.equal(continued.headers.location, page('your-age'))
  })

  it('shows help for other problems with the services as the main action, and no report button', async () => {
    const browser = await browserAt('concerned-adult', 'help-with-other-problems')
    const help = await browser.get(page('help-with-other-problems'))
    const main = /<main[\s\S]*<\/main>/.exec(help.body)?.[0] ?? ''
    const first = /<a href="([^"]+)"[^>]*class="govuk-button"/.exec(main)
    assert.equal(
      first?.[1],
      'tel:08088005000',
      'a concerned adult is offered the adults’ helpline first',
    )
    assert.doesNotMatch(main, /Make a report/)
    assert.match(main, /govuk-button--secondary[^>]*>\s*Something sexual happened too/)
    const continued = await browser.post(page('help-with-other-problems'), {})
    assert.equal(continued.headers.location, page('something-sexual'))
  })

  it('shows one section of help for each other problem chosen', async () => {
    const browser = new Browser(t.app)
    await answerAll(browser, [
      ['who-are-you', { audience: 'young-person' }],
      ['what-is-it-about', { concerns: ['fake-account', 'hacking'] }],
    ])
    const { body } = await browser.get(page('help-with-other-problems'))
    assert.match(body, /<h2 class="govuk-heading-m">Fake accounts<\/h2>/)
    assert.match(body, /<h2 class="govuk-heading-m">Hacked accounts<\/h2>/)
    assert.doesNotMatch(body, /<h2 class="govuk-heading-m">Bullying<\/h2>/)
  })

  it('gives a child under 11 a children’s helpline number, and lets them carry on', async () => {
    const browser = new Browser(t.app)
    await answerAll(browser, [
      ['who-are-you', { audience: 'young-person' }],
      ['what-is-it-about', { concerns: ['sexual-chat'] }],
      ['immediate-danger', { immediateDanger: 'no' }],
      ['your-age', { age: '9' }],
    ])
    const under11 = await browser.get(page('under-11'))
    assert.match(under11.body, /Childline/)
    assert.match(under11.body, /href="tel:08001111"/)
    const continued = await browser.post(page('under-11'), {})
    assert.equal(continued.headers.location, page('where-the-child-lives'))
  })

  it('asks a child under 11 in simpler words, without profile links or phone numbers', async () => {
    const browser = new Browser(t.app)
    await answerAll(browser, [
      ['who-are-you', { audience: 'young-person' }],
      ['what-is-it-about', { concerns: ['sexual-chat'] }],
      ['immediate-danger', { immediateDanger: 'no' }],
      ['your-age', { age: '9' }],
      ['under-11', {}],
      ['where-the-child-lives', { place: 'Leeds' }],
      ['what-happened', { description: 'A man asked for a photo.' }],
      ['when-did-it-start', { started: 'today' }],
      ['is-it-still-happening', { stillHappening: 'no' }],
      ['their-name', {}],
    ])
    const other = await browser.get(page('their-usernames'))
    assert.match(other.body, /Where do they talk to you\?/)
    assert.doesNotMatch(/<main[\s\S]*<\/main>/.exec(other.body)?.[0] ?? '', /https:\/\//)
    const next = await browser.post(page('their-usernames'), {})
    assert.equal(next.headers.location, page('their-age'))
    for (const slug of ['their-profile-links', 'their-phone-numbers', 'their-email-addresses'])
      assert.equal((await browser.get(page(slug))).statusCode, 302, slug)
    await answerAll(browser, [
      ['their-age', { otherPersonAge: 'adult' }],
      ['known-in-real-life', { knownOffline: 'no' }],
    ])
    const who = await browser.get(page('who-can-we-talk-to'))
    assert.match(who.body, /Who can we talk to\?/)
    assert.match(who.body, /A grown-up I trust/)
  })

  it('lets a child under 11 give a trusted adult’s name and phone instead of their own', async () => {
    const browser = new Browser(t.app)
    await answerAll(browser, [
      ['who-are-you', { audience: 'young-person' }],
      ['what-is-it-about', { concerns: ['sexual-chat'] }],
      ['immediate-danger', { immediateDanger: 'no' }],
      ['your-age', { age: '9' }],
      ['under-11', {}],
      ['where-the-child-lives', { place: 'Leeds' }],
      ['what-happened', { description: 'A man asked for a photo.' }],
      ['when-did-it-start', { started: 'today' }],
      ['is-it-still-happening', { stillHappening: 'no' }],
      ['their-name', {}],
      ['their-usernames', {}],
      ['their-age', { otherPersonAge: 'adult' }],
      ['known-in-real-life', { knownOffline: 'no' }],
      ['who-can-we-talk-to', { contactPerson: 'trusted-adult' }],
    ])
    const name = await browser.get(page('your-name'))
    assert.match(pageTitle(name.body), /What is the grown-up(&#39;|')s name\?/)
    const noName = await browser.post(page('your-name'), {})
    assert.match(noName.body, /Enter the grown-up(&#39;|')s name/)
    await browser.answer(page('your-name'), { name: 'Sam Teacher' })
    const reach = await browser.get(page('contact-details'))
    assert.match(reach.body, /How can we reach the grown-up\?/)
    const noWay = await browser.post(page('contact-details'), {})
    assert.match(noWay.body, /Enter the grown-up(&#39;|')s email or phone number/)
    await answerAll(browser, [
      ['contact-details', { phone: '01632 960 001' }],
      ['safe-ways-to-contact', {}],
      ['safe-times', {}],
      ['parent-knows', { parentKnows: 'yes' }],
    ])
    const { body } = await browser.get(CHECK)
    assert.match(body, /A grown-up you trust/)
    assert.match(body, /Their name/)
    assert.match(body, /Sam Teacher/)
    assert.match(body, /01632 960 001/)
  })

  it('offers as safe ways only the ways given, and skips the question with an email alone', async () => {
    const browser = await browserAt('parent-carer', 'contact-details')
    const both = await browser.answer(page('contact-details'), {
      email: 'pat@example.com',
      phone: '07700 900 982',
    })
    assert.equal(both.headers.location, page('safe-ways-to-contact'))
    const ways = fieldValues((await browser.get(page('safe-ways-to-contact'))).body, 'contactWays')
    assert.deepEqual(ways, ['phone', 'text', 'email'])
    const emailOnly = await browser.answer(page('contact-details'), { email: 'pat@example.com' })
    assert.equal(emailOnly.headers.location, page('safe-times'))
  })

  it('tells a professional who has told the police they need not report, and lets them carry on', async () => {
    const browser = await browserAt('professional', 'you-do-not-need-to-report')
    const advice = await browser.get(page('you-do-not-need-to-report'))
    assert.match(advice.body, /You do not need to report this to us as well/)
    assert.match(advice.body, /Continue my report anyway/)
    const continued = await browser.post(page('you-do-not-need-to-report'), {})
    assert.equal(continued.headers.location, page('about-the-child'))
  })

  it('shows a professional what to do first when they have not followed their policy', async () => {
    const browser = new Browser(t.app)
    await answerAll(browser, [
      ['who-are-you', { audience: 'professional' }],
      ['what-is-it-about', { concerns: ['sexual-chat'] }],
      ['immediate-danger', { immediateDanger: 'no' }],
      ['safeguarding-policy', { followedPolicy: 'no' }],
    ])
    const first = await browser.get(page('follow-your-policy-first'))
    assert.match(first.body, /designated safeguarding lead/)
    const continued = await browser.post(page('follow-your-policy-first'), {})
    assert.equal(continued.headers.location, page('already-reported'))
  })

  it('groups check your answers and ends with a declaration in plain words', async () => {
    const browser = await browserAt('parent-carer')
    const { body } = await browser.get(CHECK)
    const headings = [...body.matchAll(/<h2 class="govuk-heading-m">([^<]+)<\/h2>/g)].map(
      (m) => m[1],
    )
    assert.deepEqual(headings, [
      'About you',
      'What happened',
      'About the child',
      'The other person',
      'How we can contact you',
      'Now send your report',
    ])
    assert.match(body, /you are telling us that what you have said is true, as far as you know/)
    assert.doesNotMatch(body, /Not given/)
  })
})
