import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { testDatabases } from '../../test/db.js'
import { Browser } from '../../test/http.js'
import { importUkJurisdictions } from '../../test/jurisdictions.js'
import type { Jurisdiction } from '../jurisdictions/model.js'

type Form = Record<string, string | string[]>

/**
 * A parent reporting a planned meeting; `child` and `happened` vary per test. The form asks one
 * question per page; `councilArea` is answered on the page that asks which area, when it is.
 */
function steps(child: Form, happened: Form, danger = 'no'): [string, Form][] {
  const { town = '', councilArea, ...aboutTheChild } = child
  const {
    concerns = ['pressure-to-meet'],
    started = 'this-week',
    stillHappening = 'yes',
    description = '',
  } = happened
  return [
    ['who-are-you', { audience: 'parent-carer' }],
    ['what-is-it-about', { concerns }],
    ['immediate-danger', { immediateDanger: danger }],
    ...(danger === 'yes' ? [['call-999', {}] as [string, Form]] : []),
    ['about-the-child', { childName: 'Test Child' }],
    ['the-childs-age', { childAge: '12', ...aboutTheChild }],
    ['where-the-child-lives', { place: town }],
    ...(councilArea ? [['which-area', { councilArea }] as [string, Form]] : []),
    ['what-happened', { description }],
    ['when-did-it-start', { started }],
    ['is-it-still-happening', { stillHappening }],
    ['their-name', {}],
    ['their-usernames', {}],
    ['their-profile-links', {}],
    ['their-phone-numbers', {}],
    ['their-email-addresses', {}],
    ['their-age', { otherPersonAge: 'adult' }],
    ['known-in-real-life', { knownOffline: 'no' }],
    ['your-name', { name: 'Test Parent' }],
    ['contact-details', { email: 'parent@example.com' }],
    ['safe-times', {}],
  ]
}

interface StoredTriage {
  reference: string
  received_at: Date
  priority: string
  priority_reasons: { code: string; text: string; priority: string }[]
  rules_version: string
  deadline_at: Date
  queues: string[]
  jurisdiction: Jurisdiction
}

for (const database of testDatabases()) {
  describe(`triage at intake on ${database.name}`, () => {
    let clock = new Date('2026-11-28T22:00:00Z')
    let t: TestApp

    before(async () => {
      const db = await database.open()
      await importUkJurisdictions(db)
      t = await buildTestApp({ db, now: () => clock })
    })
    after(async () => {
      await t.close()
      await t.db.close()
    })

    async function submit(pages: [string, Form][]): Promise<StoredTriage> {
      const browser = new Browser(t.app)
      for (const [slug, form] of pages) {
        const response = await browser.answer(`/report/${slug}`, form)
        assert.equal(response.statusCode, 303, `${slug} was not accepted`)
      }
      await browser.get('/report/check-your-answers')
      const sent = await browser.post('/report/check-your-answers', {})
      assert.equal(sent.headers.location, '/report/confirmation')
      const page = await browser.get('/report/confirmation')
      const reference = /SC-\d{3}-\d{3}-\d{4}/.exec(page.body)?.[0]
      const rows = await t.db.query<StoredTriage & Record<string, unknown>>(
        `SELECT reference, received_at, priority, priority_reasons, rules_version, deadline_at,
                queues, jurisdiction FROM reports WHERE reference = $1`,
        [reference],
      )
      assert.ok(rows[0], 'the report is stored')
      return rows[0]
    }

    it('stores an urgent report on a Saturday night as P1 for the Control Centre, due in 15 minutes, routed to Cleveland', async () => {
      clock = new Date('2026-11-28T22:00:00Z')
      const report = await submit(
        steps(
          { town: 'Hartlepool' },
          { description: 'He said he will pick her up from the station tomorrow morning.' },
          'yes',
        ),
      )
      assert.equal(report.priority, 'P1')
      assert.ok(report.priority_reasons.length > 0)
      assert.ok(report.priority_reasons.every((r) => r.text.length > 0))
      assert.match(report.rules_version, /\S/)
      assert.equal(report.deadline_at.getTime() - report.received_at.getTime(), 15 * 60_000)
      assert.deepEqual([...report.queues].sort(), ['advisors', 'control-centre'])
      assert.equal(report.jurisdiction.status, 'resolved')
      const [route] = report.jurisdiction.candidates
      assert.ok(route)
      assert.equal(route.policeForce.name, 'Cleveland Police')
      assert.equal(route.childrenServices?.name, 'Hartlepool')
    })

    it('stores a stopped, historic report in office hours as P3 for the advisors, due at close two working days later', async () => {
      clock = new Date('2026-11-25T10:00:00Z') // a Wednesday, 10:00 in London
      const report = await submit(
        steps(
          { town: 'somewhere we have never heard of', childAge: '15', councilArea: 'not-sure' },
          {
            concerns: ['sexual-chat'],
            stillHappening: 'no',
            started: 'longer',
            description:
              'Months ago a boy sent some flirty messages. She blocked him and it stopped.',
          },
        ),
      )
      assert.equal(report.priority, 'P3')
      assert.deepEqual(report.queues, ['advisors'])
      assert.equal(report.deadline_at.toISOString(), '2026-11-27T17:00:00.000Z')
      assert.equal(report.jurisdiction.status, 'national')
      assert.equal(report.jurisdiction.candidates.length, 0)
    })

    it('stores many reports sent at once, more than there are database connections', async () => {
      // Each submission holds a connection for its transaction; triage must not ask for another.
      const fresh = await buildTestApp({ db: t.db, now: () => clock })
      try {
        const browsers = Array.from({ length: 12 }, () => new Browser(fresh.app))
        for (const browser of browsers) {
          for (const [slug, form] of steps({ town: 'York' }, { description: 'Asked to meet.' }))
            await browser.answer(`/report/${slug}`, form)
          await browser.get('/report/check-your-answers')
        }
        // Past the directory's once-a-second check, so the submissions themselves ask the
        // database whether the jurisdiction tables changed.
        await new Promise((resolve) => setTimeout(resolve, 1100))
        const sent = await Promise.all(
          browsers.map((b) => b.post('/report/check-your-answers', {})),
        )
        assert.deepEqual(
          sent.map((r) => r.headers.location),
          browsers.map(() => '/report/confirmation'),
        )
      } finally {
        await fresh.app.close()
      }
    })

    it('offers the council areas on the form once data is loaded and routes by the one chosen', async () => {
      clock = new Date('2026-11-25T10:00:00Z')
      const browser = new Browser(t.app)
      const chosen = steps(
        { town: 'a village', councilArea: 'E06000002' },
        { description: 'Someone keeps asking to meet up.' },
      )
      // A place we do not know: an adult is offered every council area to choose from.
      const atArea = chosen.findIndex(([slug]) => slug === 'which-area')
      for (const [slug, form] of chosen.slice(0, atArea))
        await browser.answer(`/report/${slug}`, form)
      const page = await browser.get('/report/which-area')
      assert.match(page.body, /<option value="E06000001"[^>]*>Hartlepool<\/option>/)
      for (const [slug, form] of chosen.slice(atArea)) await browser.answer(`/report/${slug}`, form)
      const check = await browser.get('/report/check-your-answers')
      assert.match(check.body, /Council area[\s\S]{0,200}Middlesbrough/)

      const report = await submit(chosen)
      assert.equal(report.jurisdiction.basis, 'council-area')
      assert.equal(report.jurisdiction.candidates[0]?.localAuthority?.name, 'Middlesbrough')
    })
  })
}
