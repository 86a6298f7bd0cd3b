import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { Browser, answerAll } from '../../test/http.js'
import { reportSteps } from '../../test/reports.js'
import { paths } from '../web/paths.js'
import { ALL_VARIANTS, altText, buttonFile, buttonSnippet } from './buttons.js'

/** A report made in one visit that began at `landing`, as the button (or nothing) sent them. */
async function reportAfterLanding(t: TestApp, landing: string): Promise<string | null> {
  const browser = new Browser(t.app)
  await browser.get(landing)
  await browser.get(paths.report.start)
  await answerAll(browser, reportSteps['parent-carer'])
  await browser.get(paths.report.checkAnswers)
  const sent = await browser.post(paths.report.checkAnswers, {})
  assert.equal(sent.headers.location, paths.report.confirmation)
  assert.equal(browser.cookie('sc_source'), undefined, 'the source is forgotten once it is used')
  const confirmation = await browser.get(paths.report.confirmation)
  const reference = /class="app-reference">\s*([^<\s]+)/.exec(confirmation.body)?.[1]
  assert.ok(reference, 'a reference on the confirmation page')
  const [row] = await t.db.query<{ source: string; source_site: string | null }>(
    'SELECT source, source_site FROM reports WHERE reference = $1',
    [reference],
  )
  assert.ok(row)
  return row.source === 'form' ? null : `${row.source} ${row.source_site ?? ''}`
}

describe('the report button', () => {
  let t: TestApp
  const agency = () => t.deps.content.agency

  before(async () => {
    t = await buildTestApp()
    await t.db.query(
      `INSERT INTO report_sources (id, name, website, created_at, updated_at)
       VALUES ('game-chat', 'GameChat', 'https://gamechat.example', now(), now()),
              ('old-forum', 'Old Forum', 'https://forum.example', now(), now())`,
    )
    await t.db.query(`UPDATE report_sources SET withdrawn_at = now() WHERE id = 'old-forum'`)
  })
  after(() => t.close())

  describe('the page for website owners', () => {
    let body: string
    beforeEach(async () => {
      const page = await t.app.inject({ method: 'GET', url: paths.reportButton })
      assert.equal(page.statusCode, 200)
      body = page.body
    })

    it('explains the button and gives the code for each colour and size', () => {
      assert.match(body, /<h1 class="govuk-heading-l">Put our report button on your website<\/h1>/)
      assert.match(body, /no script/)
      assert.match(body, /<meta name="description"/, 'an indexable page')
      for (const variant of ALL_VARIANTS) {
        const snippet = buttonSnippet(agency(), t.deps.config.serviceUrl, 'your-site', variant)
        const escaped = snippet.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
        assert.ok(
          body.includes(escaped.replace(/"/g, '&quot;')),
          `the ${variant.scheme} ${variant.size} snippet`,
        )
        assert.ok(body.includes(`href="${buttonFile(variant)}"`), 'a link to the picture')
      }
      assert.equal((body.match(/<textarea /g) ?? []).length, ALL_VARIANTS.length)
    })

    it('previews each button with alt text that names the service', () => {
      const alt = altText(agency())
      assert.match(alt, /Safety Centre/)
      const previews = body.match(/<img src="data:image\/svg\+xml,[^"]+"[^>]*>/g) ?? []
      assert.equal(previews.length, ALL_VARIANTS.length)
      for (const img of previews) assert.ok(img.includes(`alt="${alt}"`), img)
    })
  })

  describe('the snippet', () => {
    it('is a plain link around an image that is inside it: no script, no request, no cookie', () => {
      const snippet = buttonSnippet(agency(), 'https://safety.example', 'game-chat', {
        scheme: 'brand',
        size: 'medium',
      })
      assert.match(
        snippet,
        /^<a href="https:\/\/safety\.example\/\?source=game-chat"><img src="data:image\/svg\+xml,[^"]+" width="220" height="66" alt="Safety Centre: get help or report online abuse"><\/a>$/,
      )
      assert.doesNotMatch(snippet, /script|onclick|cookie|https?:\/\/(?!safety\.example\/\?)/i)
    })

    it('serves each picture as a file too, drawn from the agency’s name and colour', async () => {
      for (const variant of ALL_VARIANTS) {
        const svg = await t.app.inject({ method: 'GET', url: buttonFile(variant) })
        assert.equal(svg.statusCode, 200)
        assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/)
        assert.match(svg.body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
        assert.match(svg.body, />Safety Centre<\/text>/)
        assert.equal(svg.headers['set-cookie'], undefined)
      }
      const brand = await t.app.inject({ method: 'GET', url: '/report-button/brand-small.svg' })
      assert.match(brand.body, new RegExp(`fill="${agency().brandColour}"`))
    })
  })

  describe('where a report came from', () => {
    it('greets someone a registered source sent, on the home page and the start page', async () => {
      const browser = new Browser(t.app)
      const home = await browser.get('/?source=game-chat')
      assert.equal(home.statusCode, 200)
      assert.match(home.body, /You came here from GameChat\./)
      assert.equal(home.headers['cache-control'], 'no-store', 'no cache keeps a greeting')
      assert.match(home.body, /href="\/report"/, '"Make a report" one tap away')
      const cookie = home.cookies.find((c) => c.name === 'sc_source')
      assert.equal(cookie?.value, 'game-chat', 'the cookie holds the id and nothing else')
      assert.equal(cookie.httpOnly, true)
      assert.equal(cookie.sameSite, 'Lax')
      assert.ok(cookie.maxAge !== undefined && cookie.maxAge <= t.deps.config.draftTtlMinutes * 60)
      const start = await browser.get(paths.report.start)
      assert.match(start.body, /You came here from GameChat\./)
    })

    it('greets nobody by a name it cannot vouch for', async () => {
      for (const url of ['/?source=not-known', '/?source=old-forum', '/']) {
        const page = await new Browser(t.app).get(url)
        assert.doesNotMatch(page.body, /You came here from/, url)
      }
      const sneaky = await new Browser(t.app).get('/?source=%3Cscript%3Ealert(1)%3C/script%3E')
      assert.doesNotMatch(sneaky.body, /<script>alert/)
      assert.equal(sneaky.cookies.find((c) => c.name === 'sc_source')?.value, 'scriptalert1script')
    })

    it('attributes a report to the registered source whose button brought the reporter', async () => {
      assert.equal(await reportAfterLanding(t, '/?source=game-chat'), 'button game-chat')
      assert.equal(await reportAfterLanding(t, '/report?source=game-chat'), 'button game-chat')
    })

    it('keeps a withdrawn source’s id: its button may still be out there', async () => {
      assert.equal(await reportAfterLanding(t, '/?source=old-forum'), 'button old-forum')
    })

    it('keeps an unknown id as unregistered, with only the characters that are safe', async () => {
      assert.equal(
        await reportAfterLanding(t, '/?source=Some%20Blog!'),
        'button unregistered:someblog',
      )
    })

    it('records a report from no button as from the form', async () => {
      assert.equal(await reportAfterLanding(t, '/'), null)
      assert.equal(await reportAfterLanding(t, '/?source=%20%21'), null, 'nothing safe was left')
    })
  })
})
