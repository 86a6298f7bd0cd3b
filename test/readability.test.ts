import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from './app.js'
import { answerAll, Browser } from './http.js'
import { importUkJurisdictions } from './jurisdictions.js'
import { prose, readability } from './readability.js'

/**
 * Plain words, measured: every page a young person sees reads at Flesch-Kincaid grade 6 or
 * below, and the pages a child under 11 sees after giving their age at grade 3 or below. The
 * pages are rendered by the real app along the way a young person goes, so what is measured is
 * what they read, wording for their age included.
 */
const YOUNG_PERSON_GRADE = 6
const UNDER_11_GRADE = 3

type Step = [slug: string, form: Record<string, string | string[]>]

const PUBLIC_PAGES = [
  '/',
  '/report',
  '/advice/young-people',
  '/advice/bullying',
  '/advice/fake-accounts',
  '/advice/hacking',
  '/about-us',
  '/what-to-expect',
  '/privacy',
  '/get-help',
]

/** A young person who chose bullying alone first, then said something sexual happened too. */
const opening: Step[] = [
  ['who-are-you', { audience: 'young-person' }],
  ['what-is-it-about', { concerns: ['bullying'] }],
  ['help-with-other-problems', {}],
  ['something-sexual', { concerns: ['asked-for-images'] }],
  ['immediate-danger', { immediateDanger: 'unsure' }],
  ['call-999', {}],
]
const rest = (age: number): Step[] => [
  ['your-age', { age: String(age) }],
  ...(age < 11 ? [['under-11', {}] as Step] : []),
  // A postcode district on a border, so the young person is asked which area.
  ['where-the-child-lives', { place: 'LD7 1AA' }],
  ['which-area', { councilArea: 'not-sure' }],
  ['what-happened', { description: 'A man in a game asked for a photo.' }],
  ['when-did-it-start', { started: 'this-week' }],
  ['is-it-still-happening', { stillHappening: 'yes' }],
  ['their-name', {}],
  ['their-usernames', { 'accountPlatform-0': 'GameChat', 'accountUsername-0': 'gamer_1' }],
  ...(age < 11
    ? []
    : ([
        ['their-profile-links', {}],
        ['their-phone-numbers', {}],
        ['their-email-addresses', {}],
      ] as Step[])),
  ['their-age', { otherPersonAge: 'adult' }],
  ['known-in-real-life', { knownOffline: 'no' }],
  ...(age < 11 ? [['who-can-we-talk-to', { contactPerson: 'trusted-adult' }] as Step] : []),
  ['your-name', { name: 'Sam' }],
  ['contact-details', { email: 'sam@example.com', phone: '07700 900 982' }],
  ['safe-ways-to-contact', { contactWays: ['text'] }],
  ['safe-times', {}],
  ['parent-knows', { parentKnows: 'yes' }],
]

interface Measured {
  page: string
  grade: number
  hardest: string[]
}

describe('plain words on the pages a young person sees', () => {
  let t: TestApp
  const pages: Measured[] = []
  const underEleven: Measured[] = []

  const measure = (page: string, html: string, into: Measured[]) => {
    const { grade, hardest, words } = readability(prose(html))
    assert.ok(words > 0, `${page} has words to measure`)
    into.push({ page, grade, hardest })
  }

  /** Opens each page, measures it, and answers it; the form's pages and their errors both count. */
  async function walk(browser: Browser, steps: Step[], into: Measured[]) {
    for (const [slug, form] of steps) {
      const url = `/report/${slug}`
      const shown = await browser.get(url)
      assert.equal(shown.statusCode, 200, url)
      measure(url, shown.body, into)
      const empty = await browser.post(url, {})
      if (empty.statusCode === 400) measure(`${url} (with an error)`, empty.body, into)
      const sent = await browser.post(url, form)
      assert.equal(sent.statusCode, 303, `${url} accepts the answer`)
    }
    const check = await browser.get('/report/check-your-answers')
    measure('/report/check-your-answers', check.body, into)
  }

  before(async () => {
    t = await buildTestApp()
    await importUkJurisdictions(t.db)
    const reader = new Browser(t.app)
    for (const url of PUBLIC_PAGES) measure(url, (await reader.get(url)).body, pages)

    const fourteen = new Browser(t.app)
    await walk(fourteen, [...opening, ...rest(14)], pages)
    await fourteen.post('/report/check-your-answers', {})
    measure('/report/confirmation', (await fourteen.get('/report/confirmation')).body, pages)

    // The opening pages are the same for a child of 9 and were measured above.
    const nine = new Browser(t.app)
    const [age, ...afterAge] = rest(9)
    await answerAll(nine, [...opening, ...(age ? [age] : [])])
    await walk(nine, afterAge, underEleven)
    await nine.post('/report/check-your-answers', {})
    measure('/report/confirmation', (await nine.get('/report/confirmation')).body, underEleven)
  })
  after(() => t.close())

  const report = (list: Measured[], limit: number) =>
    list
      .filter((m) => m.grade > limit)
      .map((m) => `${m.page}: grade ${m.grade.toFixed(1)}\n    ${m.hardest.join('\n    ')}`)

  it(`keeps every page a young person sees at grade ${YOUNG_PERSON_GRADE} or below`, () => {
    assert.ok(pages.length >= 30, 'the public pages and every page of the form are measured')
    assert.deepEqual(report(pages, YOUNG_PERSON_GRADE), [])
  })

  it(`keeps the pages after a child says they are under 11 at grade ${UNDER_11_GRADE} or below`, () => {
    assert.ok(underEleven.length >= 10, 'every page after the age is measured')
    assert.deepEqual(report(underEleven, UNDER_11_GRADE), [])
  })

  it('finds long words and sentences hard, so the measure can fail', () => {
    const hard = readability([
      'Notwithstanding the aforementioned considerations, practitioners should contemporaneously document safeguarding concerns comprehensively.',
    ])
    assert.ok(hard.grade > 12, `grade ${hard.grade}`)
    assert.ok(readability(['You did the right thing. It is not your fault.']).grade < 3)
  })
})
