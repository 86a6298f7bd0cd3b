import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { links } from '../../test/html.js'
import { Browser } from '../../test/http.js'
import { escapeHtml } from '../web/views.js'
import { retentionStatements } from './retention.js'

let t: TestApp
before(async () => {
  t = await buildTestApp()
})
after(() => t.close())

const get = (url: string) => t.app.inject({ method: 'GET', url })
const robots = (html: string) => /<meta name="robots" content="([^"]+)">/.exec(html)?.[1]
const description = (html: string) => /<meta name="description" content="([^"]+)">/.exec(html)?.[1]

describe('trust pages', () => {
  const pages: [url: string, h1: RegExp, says: RegExp[]][] = [
    ['/about-us', /About us/, [/Child Protection Advisors/, /police/]],
    [
      '/what-to-expect',
      /What to expect from a Child Protection Advisor/,
      [/advice/, /best for the child/, /with you/, /what will happen next/],
    ],
    [
      '/privacy',
      /Privacy notice/,
      [/What we keep/, /How long we keep it/, /police and with children&#39;s social care/],
    ],
  ]
  for (const [url, h1, says] of pages) {
    it(`shows ${url}, linked from every page's footer and from the start of the form`, async () => {
      const page = await get(url)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, h1)
      for (const words of says) assert.match(page.body, words)
      for (const from of ['/', '/report', '/report/who-are-you'])
        assert.ok(links((await get(from)).body).includes(url), `${from} links to ${url}`)
    })
  }

  it('states how long each thing is kept, from content/ and from the draft setting', async () => {
    const { body } = await get('/privacy')
    const section = /How long we keep it<\/h2>([\s\S]*?)<h2/.exec(body)?.[1] ?? ''
    const items = [...section.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1] ?? '')
    assert.deepEqual(
      items,
      retentionStatements(t.deps.content.retention, t.deps.config.draftTtlMinutes).map(escapeHtml),
    )
    assert.match(section, /we delete your answers 2 hours after your last answer/)
    assert.match(section, /we delete your report 2 years after we get it/)
    assert.doesNotMatch(body, /retention periods -->/)
    const start = await get('/report')
    assert.match(start.body, /If you stop for more than 2 hours, your answers are cleared/)
  })

  it('does not serve a trust page a second time under /advice', async () => {
    assert.equal((await get('/advice/privacy')).statusCode, 404)
  })
})

describe('resources for professionals', () => {
  it('lists each guide with a link to read it and one to download it', async () => {
    const page = await get('/professionals/resources')
    assert.equal(page.statusCode, 200)
    const hrefs = links(page.body)
    for (const slug of [
      'spotting-online-grooming',
      'when-a-child-tells-you',
      'nude-image-sharing',
    ]) {
      assert.ok(hrefs.includes(`/professionals/resources/${slug}`), slug)
      assert.ok(hrefs.includes(`/professionals/resources/${slug}/download`), `${slug} download`)
    }
    assert.ok(links((await get('/advice/professionals')).body).includes('/professionals/resources'))
  })

  it('downloads a guide as one self-contained file, with no scripts', async () => {
    const file = await get('/professionals/resources/when-a-child-tells-you/download')
    assert.equal(file.statusCode, 200)
    assert.equal(
      file.headers['content-disposition'],
      'attachment; filename="when-a-child-tells-you.html"',
    )
    assert.match(file.body, /<h1>When a child tells you something has happened online<\/h1>/)
    assert.match(file.body, /It is not your fault/)
    assert.doesNotMatch(file.body, /<script/)
  })

  it('answers 404 for a guide that does not exist', async () => {
    assert.equal((await get('/professionals/resources/nothing')).statusCode, 404)
    assert.equal((await get('/professionals/resources/nothing/download')).statusCode, 404)
  })
})

describe('what search engines may show', () => {
  for (const url of [
    '/',
    '/get-help',
    '/advice/young-people',
    '/advice/bullying',
    '/about-us',
    '/privacy',
    '/professionals/resources',
    '/professionals/resources/spotting-online-grooming',
  ]) {
    it(`lets ${url} be indexed, with a description`, async () => {
      const page = await get(url)
      assert.equal(robots(page.body), undefined)
      assert.ok((description(page.body) ?? '').length > 30)
    })
  }

  it('keeps the form and its pages out of search results', async () => {
    const browser = new Browser(t.app)
    for (const url of ['/report', '/report/who-are-you', '/no-such-page']) {
      const page = await browser.get(url)
      assert.equal(robots(page.body), 'noindex', url)
      assert.equal(description(page.body), undefined, url)
    }
  })
})

describe('help with bullying, fake accounts and hacking', () => {
  it('makes the right service the main action, and a report only the second', async () => {
    const page = await get('/advice/bullying')
    const main = /<main[\s\S]*<\/main>/.exec(page.body)?.[0] ?? ''
    const buttons = [...main.matchAll(/<a href="([^"]+)"[^>]*class="govuk-button([^"]*)"/g)]
    const [first] = buttons
    assert.ok(first, 'a main action')
    assert.equal(first[1], 'tel:08001111')
    assert.doesNotMatch(first[0], /secondary/)
    const report = buttons.find(([, href]) => href === '/report')
    assert.match(report?.[2] ?? '', /govuk-button--secondary/)
  })
})
