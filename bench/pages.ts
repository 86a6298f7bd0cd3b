/**
 * Page weight: every public page opened in Chromium as a phone with an empty cache, and the
 * bytes that crossed the network for it (response headers and bodies as sent, so compressed
 * where they were compressed). The form's pages are reached by answering the pages before
 * them; each is then opened in a fresh context holding only the draft's cookie.
 *
 *   npm run bench:pages      # builds the assets first; aim: at most 50 KB for every page
 */
import { chromium, type BrowserContext, type BrowserContextOptions } from 'playwright-core'
import { launchBrowser, startApp } from '../e2e/support/browser.js'
import { importUkJurisdictions } from '../test/jurisdictions.js'

const AIM_BYTES = 50 * 1024
const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
}

type Form = Record<string, string | string[]>
interface Walk {
  name: string
  steps: [slug: string, form: Form][]
}

const PUBLIC_PAGES = [
  '/',
  '/get-help',
  '/advice/young-people',
  '/advice/parents-and-carers',
  '/advice/professionals',
  '/advice/concerned-adults',
  '/advice/bullying',
  '/advice/fake-accounts',
  '/advice/hacking',
  '/about-us',
  '/what-to-expect',
  '/privacy',
  '/professionals/resources',
  '/professionals/resources/spotting-online-grooming',
  '/report',
]

/** Between them these reach every page of the form, the type-ahead page included. */
const WALKS: Walk[] = [
  {
    name: 'a child of 9',
    steps: [
      ['who-are-you', { audience: 'young-person' }],
      ['what-is-it-about', { concerns: ['bullying'] }],
      ['help-with-other-problems', {}],
      ['something-sexual', { concerns: ['asked-for-images'] }],
      ['immediate-danger', { immediateDanger: 'unsure' }],
      ['call-999', {}],
      ['your-age', { age: '9' }],
      ['under-11', {}],
      ['where-the-child-lives', { place: 'LD7 1AA' }],
      ['which-area', { councilArea: 'not-sure' }],
      ['what-happened', { description: 'A man in a game asked for a photo.' }],
      ['when-did-it-start', { started: 'this-week' }],
      ['is-it-still-happening', { stillHappening: 'yes' }],
      ['their-name', {}],
      ['their-usernames', { 'accountUsername-0': 'gamer_1' }],
      ['their-age', { otherPersonAge: 'adult' }],
      ['known-in-real-life', { knownOffline: 'no' }],
      ['who-can-we-talk-to', { contactPerson: 'trusted-adult' }],
      ['your-name', { name: 'Sam' }],
      ['contact-details', { email: 'sam@example.com', phone: '07700 900 982' }],
      ['safe-ways-to-contact', { contactWays: ['phone'] }],
      ['safe-times', {}],
      ['parent-knows', { parentKnows: 'yes' }],
      ['check-your-answers', {}],
    ],
  },
  {
    name: 'a professional',
    steps: [
      ['who-are-you', { audience: 'professional' }],
      ['what-is-it-about', { concerns: ['sexual-chat'] }],
      ['immediate-danger', { immediateDanger: 'no' }],
      ['safeguarding-policy', { followedPolicy: 'no' }],
      ['follow-your-policy-first', {}],
      ['already-reported', { reportedTo: ['police'] }],
      ['you-do-not-need-to-report', {}],
      ['about-the-child', { childName: 'Sam' }],
      ['the-childs-age', { childAge: '12' }],
      ['where-the-child-lives', { place: 'a village' }],
      ['which-area', { councilArea: 'not-sure' }],
      ['what-happened', { description: 'A pupil was asked for a photo.' }],
      ['when-did-it-start', { started: 'this-week' }],
      ['is-it-still-happening', { stillHappening: 'yes' }],
      ['their-name', {}],
      ['their-usernames', {}],
      ['their-profile-links', {}],
      ['their-phone-numbers', {}],
      ['their-email-addresses', {}],
      ['their-age', { otherPersonAge: 'adult' }],
      ['known-in-real-life', { knownOffline: 'no' }],
      ['your-name', { name: 'Jo' }],
      ['contact-details', { email: 'jo@example.com' }],
      ['safe-times', {}],
      ['check-your-answers', {}],
    ],
  },
]

interface Weight {
  page: string
  bytes: number
  requests: number
  encodings: string
}

async function weigh(context: BrowserContext, url: string): Promise<Weight> {
  const page = await context.newPage()
  let bytes = 0
  let requests = 0
  const encodings = new Set<string>()
  const sizes: Promise<void>[] = []
  page.on('requestfinished', (request) => {
    requests += 1
    sizes.push(
      (async () => {
        const size = await request.sizes()
        bytes += size.responseHeadersSize + size.responseBodySize
        const response = await request.response()
        encodings.add((await response?.headerValue('content-encoding')) ?? 'none')
      })(),
    )
  })
  const response = await page.goto(url, { waitUntil: 'networkidle' })
  if (!response?.ok()) throw new Error(`${url} answered ${String(response?.status())}`)
  await Promise.all(sizes)
  await page.close()
  return { page: new URL(url).pathname, bytes, requests, encodings: [...encodings].join('+') }
}

const app = await startApp()
await importUkJurisdictions(app.test.db)
const browser = await launchBrowser()
const fresh = (state?: Awaited<ReturnType<BrowserContext['storageState']>>) =>
  browser.newContext({ ...PHONE, baseURL: app.baseUrl, ...(state ? { storageState: state } : {}) })

const weights: Weight[] = []
try {
  for (const path of PUBLIC_PAGES) {
    const context = await fresh()
    weights.push(await weigh(context, `${app.baseUrl}${path}`))
    await context.close()
  }
  const seen = new Set<string>()
  for (const walk of WALKS) {
    const walker = await fresh()
    for (const [slug, form] of walk.steps) {
      const url = `${app.baseUrl}/report/${slug}`
      // which-area is weighed twice: radios for a border postcode, the type-ahead for a place
      // we do not know.
      if (!seen.has(slug) || slug === 'which-area') {
        seen.add(slug)
        const context = await fresh(await walker.storageState())
        const weight = await weigh(context, url)
        weights.push(
          slug === 'which-area' ? { ...weight, page: `${weight.page} (${walk.name})` } : weight,
        )
        await context.close()
      }
      if (slug === 'check-your-answers') break
      const page = await walker.request.get(url)
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
      const sent = await walker.request.post(url, {
        data: toForm({ _csrf: token, ...form }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        maxRedirects: 0,
      })
      if (sent.status() !== 303) throw new Error(`${walk.name}: ${slug} answered ${sent.status()}`)
    }
    await walker.close()
  }
} finally {
  await browser.close()
  await app.close()
}

// Playwright's form option takes one value per name; repeated names go as a URL-encoded body.
function toForm(form: Form): string {
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(form))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
  return body.toString()
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1)
const width = Math.max(...weights.map((w) => w.page.length))
console.log(`Chromium ${chromium.name()}, phone 360x740, empty cache; aim ${kb(AIM_BYTES)} KB`)
console.log(`${'page'.padEnd(width)}  ${'KB'.padStart(6)}  requests  encodings`)
for (const w of weights)
  console.log(
    `${w.page.padEnd(width)}  ${kb(w.bytes).padStart(6)}  ${String(w.requests).padStart(8)}  ${w.encodings}${w.bytes > AIM_BYTES ? '  OVER' : ''}`,
  )
const heaviest = weights.reduce((a, b) => (b.bytes > a.bytes ? b : a))
const over = weights.filter((w) => w.bytes > AIM_BYTES)
console.log(
  `${weights.length} pages; heaviest ${heaviest.page} ${kb(heaviest.bytes)} KB; ${over.length === 0 ? 'every page within the aim' : `${over.length} over the aim`}`,
)
process.exitCode = over.length === 0 ? 0 : 1
