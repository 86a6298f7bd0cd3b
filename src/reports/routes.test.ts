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
    for (const slug of ['the-other-person', 'contact-details'] as const)
      await browser.answer(page(slug), stepsOf('parent-carer', slug)[1])
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
      name: '',
      email: 'not-an-email',
      phone: 'call me',
    })
    assert.equal(response.statusCode, 400)
    assert.deepEqual(errorSummaryLinks(response.body), ['#name', '#email', '#phone'])
    assert.equal(inputValue(response.body, 'email'), 'not-an-email')
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
    const browser = await browserAt('parent-carer', 'about-the-child')
    await browser.get(page('about-the-child'))
    const response = await browser.post(page('about-the-child'), {
      childName: 'Sam',
      town: 'Harrogate',
      dobDay: '31',
      dobMonth: '2',
      dobYear: '2015',
    })
    assert.deepEqual(errorSummaryLinks(response.body), ['#dobDay'])
    assert.ok(elementIds(response.body).has('dobDay'))
  })

  it('has a form field for each part of the date of birth that the page reads', async () => {
    const browser = await browserAt('parent-carer', 'about-the-child')
    const names = fieldNames((await browser.get(page('about-the-child'))).body)
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
    for (const slug of ['your-age', 'professional-checkpoint', 'help-with-bullying', 'call-999']) {
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
      ['professional-checkpoint', page('call-999')],
      ['about-the-child', page('professional-checkpoint')],
      ['check-your-answers', page('contact-details')],
    ]
    for (const [slug, back] of expected) {
      assert.equal(backLink((await browser.get(page(slug))).body), back, slug)
    }
  })

  it('returns to check your answers after an answer is changed from there', async () => {
    const browser = await browserAt('parent-carer')
    const check = await browser.get(CHECK)
    const change = page('the-other-person') + '?change=1'
    assert.ok(links(check.body).includes(change))

    const shown = await browser.get(change)
    assert.equal(backLink(shown.body), CHECK)
    assert.equal(inputValue(shown.body, 'names'), 'Canary Other')
    const [, form] = stepsOf('parent-carer', 'the-other-person')
    const changed = await browser.post(change, { ...form, names: 'Someone Else' })
    assert.equal(changed.statusCode, 303)
    assert.equal(changed.headers.location, CHECK)
    assert.match((await browser.get(CHECK)).body, /Someone Else/)
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
    assert.equal(age.headers.location, page('about-the-child') + '?change=1')
    const where = await browser.answer(page('about-the-child') + '?change=1', { town: 'Otley' })
    assert.equal(where.headers.location, page('contact-details') + '?change=1')
    const contact = await browser.answer(page('contact-details') + '?change=1', {
      name: 'Sam',
      email: 'sam@example.com',
      parentKnows: 'yes',
    })
    assert.equal(contact.headers.location, CHECK)
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
    const browser = await browserAt('parent-carer', 'the-other-person')
    const added = await browser.post(page('the-other-person'), {
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
    const browser = await browserAt('parent-carer', 'the-other-person')
    const shown = await browser.get(page('the-other-person'))
    assert.equal(rowsOn(shown.body), 1)
    const added = await browser.post(page('the-other-person'), {
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
    const browser = await browserAt('parent-carer', 'the-other-person')
    await browser.get(page('the-other-person'))
    const removed = await browser.post(page('the-other-person'), {
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
    const browser = await browserAt('parent-carer', 'the-other-person')
    await browser.get(page('the-other-person'))
    await browser.post(page('the-other-person'), { action: 'add-account' })
    const saved = await browser.post(page('the-other-person'), {
      action: 'continue',
      'accountPlatform-0': 'GameChat',
      'accountUsername-0': 'first_name',
      'accountUsername-1': 'second_name',
      otherPersonAge: 'adult',
      knownOffline: 'no',
    })
    assert.equal(saved.headers.location, page('contact-details'))
    await browser.answer(page('contact-details'), stepsOf('parent-carer', 'contact-details')[1])
    const { body } = await browser.get(CHECK)
    assert.match(body, /first_name \(GameChat\)<br>second_name/)
  })

  it('offers no more than ten rows', async () => {
    const browser = await browserAt('parent-carer', 'the-other-person')
    await browser.get(page('the-other-person'))
    const form: Record<string, string> = { action: 'add-account' }
    for (let i = 0; i < 10; i++) form[`accountUsername-${i}`] = `user_${i}`
    const full = await browser.post(page('the-other-person'), form)
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
