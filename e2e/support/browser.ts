import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import axe from 'axe-core'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core'
import type { Config } from '../../src/config.js'
import type { Db } from '../../src/db/db.js'
import { buildTestApp, type TestApp } from '../../test/app.js'

/**
 * Shared machinery for the journeys in Chromium: one browser, the real app listening on a
 * loopback port, a context that never leaves the machine, and a page-object base whose
 * arrive() is the contract of every page: its h1, zero axe violations, a screenshot.
 */

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url))
/**
 * Which pages are photographed (E2E_SCREENSHOTS): `all` (the default), every page each walk
 * reaches; `distinct`, a page only the first time it looks that way in this process (see LOOK),
 * so a second walk through the same pages adds no identical pictures (CI); `off`, none.
 */
const SCREENSHOT_MODE = parseScreenshotMode(process.env.E2E_SCREENSHOTS)

function parseScreenshotMode(value: string | undefined): 'all' | 'distinct' | 'off' {
  if (value === undefined || value === '' || value === 'all') return 'all'
  if (value === 'distinct' || value === 'off') return value
  throw new Error(`E2E_SCREENSHOTS is all, distinct or off, not ${value}`)
}

/** Debian's Chromium, headless, with nothing that phones home. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export interface StartedApp {
  test: TestApp
  baseUrl: string
  /** Moves the app's clock on, for example past the time drafts are kept. */
  advanceClock(ms: number): void
  /** Sets the app's clock to `at`, from where it runs on: a weekday morning, a night. */
  setClock(at: Date): void
  close(): Promise<void>
}

/**
 * The real app on a fresh PGlite, listening on 127.0.0.1, with a clock the test can move
 * (starting at `at`, or now).
 * `hostname: 'localhost'` serves it by name instead: passkeys need a domain, not an address,
 * and the service's own address (SERVICE_URL) is then set to match.
 */
export async function startApp(
  options: {
    hostname?: 'localhost'
    at?: Date
    /** Another database than a fresh PGlite, or settings besides the test defaults. */
    db?: Db
    config?: Partial<Config>
  } = {},
): Promise<StartedApp> {
  let offsetMs = options.at ? options.at.getTime() - Date.now() : 0
  const port = options.hostname ? await freePort() : 0
  const test = await buildTestApp({
    now: () => new Date(Date.now() + offsetMs),
    ...(options.db ? { db: options.db } : {}),
    config: {
      ...options.config,
      ...(options.hostname ? { serviceUrl: `http://localhost:${port}` } : {}),
    },
  })
  await test.app.listen({ port, host: '127.0.0.1' })
  const address = test.app.server.address() as AddressInfo
  return {
    test,
    baseUrl: `http://${options.hostname ?? '127.0.0.1'}:${address.port}`,
    advanceClock: (ms) => {
      offsetMs += ms
    },
    setClock: (at) => {
      offsetMs = at.getTime() - Date.now()
    },
    close: () => test.close(),
  }
}

export const isLocal = (url: string): boolean => {
  const { protocol, hostname } = new URL(url)
  return protocol === 'data:' || hostname === '127.0.0.1' || hostname === 'localhost'
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => {
        resolve(port)
      })
    })
  })
}

/** Whether each context we made runs JavaScript: axe needs to know (see assertNoAxeViolations). */
const javaScriptOf = new WeakMap<BrowserContext, boolean>()

/**
 * A context on the app's origin. The network is closed, so anything not for 127.0.0.1 (such
 * as the neutral site "Exit this page" leaves to) is answered locally and still recorded.
 */
export async function newContext(
  browser: Browser,
  app: StartedApp,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: app.baseUrl, ...options })
  javaScriptOf.set(context, options.javaScriptEnabled ?? true)
  await context.route(
    (url) => !isLocal(url.href),
    (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><title>Weather</title><h1>Weather forecast</h1>',
      }),
  )
  return context
}

/** What a page sent and said: every request URL, console errors and uncaught exceptions. */
export interface PageWatch {
  requests: string[]
  errors: { text: string; url: string }[]
  /** Pages opened on purpose, whatever their status (a 404 page, a form re-shown with 400). */
  documents: Set<string>
}

export function watch(page: Page): PageWatch {
  const watched: PageWatch = { requests: [], errors: [], documents: new Set() }
  page.on('request', (request) => {
    watched.requests.push(request.url())
    if (request.isNavigationRequest()) watched.documents.add(request.url())
  })
  page.on('console', (message) => {
    if (message.type() === 'error')
      watched.errors.push({ text: message.text(), url: message.location().url })
  })
  page.on('pageerror', (error) =>
    watched.errors.push({ text: `uncaught ${error.message}`, url: page.url() }),
  )
  return watched
}

/**
 * Nothing went to a third party and nothing went wrong in the page: no uncaught exception, no
 * Content-Security-Policy breach, no missing asset. A page's own 4xx status is not an error here.
 */
export function assertQuiet(watched: PageWatch, allowed: (url: string) => boolean = () => false) {
  const thirdParty = watched.requests.filter((url) => !isLocal(url) && !allowed(url))
  assert.deepEqual(thirdParty, [], 'requests to anywhere but 127.0.0.1')
  const errors = watched.errors.filter(
    ({ text, url }) => !(text.startsWith('Failed to load resource') && watched.documents.has(url)),
  )
  assert.deepEqual(
    errors.map(({ text, url }) => `${text} (${url})`),
    [],
    'console errors or uncaught exceptions',
  )
}

const slugOf = (url: string): string =>
  new URL(url).pathname.split('/').filter(Boolean).join('-') || 'home'

/**
 * A page's structure as axe sees it: every element with its attributes (but not a field's value,
 * which holds tokens), and whether it holds text of its own, but not the text. Two pages with the
 * same structure differ only in their words (another audience's wording of the same question, another
 * reference), and every WCAG rule axe runs here reads the structure, the attributes and the
 * styles they select, and whether there is text, not what the text says. An empty style
 * attribute, which a screenshot leaves behind, changes nothing and is left out.
 */
const SKELETON = `(() => {
  const parts = []
  const walk = (element) => {
    parts.push('<' + element.tagName)
    for (const { name, value } of [...element.attributes].sort((a, b) => (a.name < b.name ? -1 : 1)))
      if (name !== 'value' && name !== 'nonce' && !(name === 'style' && value === '')) parts.push(name + '=' + value)
    if ([...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '')) parts.push('#text')
    for (const child of element.children) walk(child)
    parts.push('>')
  }
  walk(document.documentElement)
  return parts.join(' ')
})()`

/**
 * What a full-page picture of the page shows, as far as the DOM decides it: the viewport and
 * pixel ratio, every element with its attributes and its own text, what is typed or ticked in
 * each field, and which element has focus. Hidden fields' values (tokens) and nonces are left
 * out: they never show. Two pages with the same look give the same picture.
 */
const LOOK = `(() => {
  const parts = [innerWidth + 'x' + innerHeight + '@' + devicePixelRatio]
  const walk = (element) => {
    parts.push('<' + element.tagName)
    const hidden = element.tagName === 'INPUT' && element.type === 'hidden'
    for (const { name, value } of [...element.attributes].sort((a, b) => (a.name < b.name ? -1 : 1)))
      if (name !== 'nonce' && !(hidden && name === 'value') && !(name === 'style' && value === ''))
        parts.push(name + '=' + value)
    if (!hidden && 'value' in element && typeof element.value === 'string')
      parts.push('value:' + element.value + ('checked' in element ? ':' + element.checked : ''))
    if (element === document.activeElement) parts.push('focus')
    for (const node of element.childNodes)
      if (node.nodeType === 3 && node.textContent.trim() !== '') parts.push('#' + node.textContent.trim())
    for (const child of element.children) walk(child)
    parts.push('>')
  }
  walk(document.documentElement)
  return parts.join(' ')
})()`

/** Looks already photographed in this process, when E2E_SCREENSHOTS is `distinct`. */
const photographed = new Set<string>()
const screenshotCounts = { taken: 0, skipped: 0 }
process.on('exit', () => {
  if (screenshotCounts.taken + screenshotCounts.skipped > 0)
    process.stdout.write(
      `screenshots: ${String(screenshotCounts.taken)} taken, ${String(screenshotCounts.skipped)} not again (a look already photographed)\n`,
    )
})

/** Structures axe has passed, per JavaScript on or off and viewport width, in this process. */
const checkedSkeletons = new Set<string>()
const axeCounts = { checked: 0, skipped: 0 }
process.on('exit', () => {
  if (axeCounts.checked + axeCounts.skipped > 0)
    process.stdout.write(
      `axe: ${axeCounts.checked} pages checked, ${axeCounts.skipped} not again (a structure already checked)\n`,
    )
})

/**
 * Runs axe with the WCAG 2.2 AA tags and fails with every violation spelt out. A page whose
 * structure axe has already passed, seen the same way, is not checked again (see SKELETON).
 *
 * axe cannot run in a context without JavaScript (its timers never fire), so a page seen
 * without JavaScript is checked as a copy: its DOM, served at the same URL to a fresh context
 * whose policy runs none of the page's own scripts, with the same viewport and stylesheets.
 */
export async function assertNoAxeViolations(page: Page): Promise<void> {
  const seen = `${String(javaScriptOf.get(page.context()) ?? true)} ${page.viewportSize()?.width ?? 0} ${createHash(
    'sha256',
  )
    .update(await page.evaluate(SKELETON))
    .digest('hex')}`
  if (checkedSkeletons.has(seen)) {
    axeCounts.skipped += 1
    return
  }
  const results =
    javaScriptOf.get(page.context()) === false ? await axeOnCopy(page) : await runAxe(page)
  const violations = results.violations
  const report = violations
    .map(
      (v) =>
        `${v.id} (${v.impact ?? 'unknown'}): ${v.help}\n  ${v.helpUrl}\n` +
        v.nodes.map((n) => `  - ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n'),
    )
    .join('\n')
  assert.equal(violations.length, 0, `axe found violations on ${page.url()}:\n${report}`)
  checkedSkeletons.add(seen)
  axeCounts.checked += 1
}

/** Per context without JavaScript: a tab in a context with it, where its pages are copied. */
const copies = new WeakMap<BrowserContext, { page: Page; url: string; html: string }>()

/** Closes a context made by newContext, and the one its pages were copied to for axe. */
export async function closeContext(context: BrowserContext): Promise<void> {
  await copies.get(context)?.page.context().close()
  await context.close()
}

async function axeOnCopy(page: Page) {
  const original = page.context()
  let copy = copies.get(original)
  if (!copy) {
    const browser = original.browser()
    assert.ok(browser, 'a page in a browser')
    const context = await browser.newContext({ viewport: page.viewportSize() })
    const state = { page: await context.newPage(), url: '', html: '' }
    await state.page.route(
      (url) => url.href === state.url,
      (route) =>
        route.fulfill({
          contentType: 'text/html; charset=utf-8',
          headers: { 'content-security-policy': "script-src 'none'" },
          body: state.html,
        }),
    )
    copies.set(original, state)
    copy = state
  }
  copy.url = page.url()
  copy.html = await page.content()
  await copy.page.goto(copy.url)
  return runAxe(copy.page)
}

/**
 * axe-core's own run, with the WCAG tags, on the page's document (pages here have no frames). Not
 * @axe-core/playwright's AxeBuilder: in the mode that runs in the page it evaluates axe's
 * half-megabyte source twice a check, which was a third of each check's time.
 */
async function runAxe(page: Page): Promise<axe.AxeResults> {
  await page.evaluate(axe.source)
  return page.evaluate(
    (tags) =>
      // Options alone: axe then checks the whole document.
      (globalThis as unknown as { axe: typeof axe }).axe.run({
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
    WCAG_TAGS,
  )
}

/** One tab walking through the service: its pages' screenshots are numbered in order. */
export class Journey {
  private count = 0

  private constructor(
    readonly page: Page,
    readonly name: string,
    readonly watched: PageWatch,
  ) {}

  /** A new tab in the context; screenshots go to screenshots/<name>/, emptied first. */
  static async start(context: BrowserContext, name: string): Promise<Journey> {
    await rm(`${SCREENSHOTS}${name}`, { recursive: true, force: true })
    await mkdir(`${SCREENSHOTS}${name}`, { recursive: true })
    const page = await context.newPage()
    return new Journey(page, name, watch(page))
  }

  async screenshot(state: string): Promise<void> {
    this.count += 1
    if (SCREENSHOT_MODE === 'off') return
    if (SCREENSHOT_MODE === 'distinct') {
      const look = createHash('sha256')
        .update(await this.page.evaluate<string>(LOOK))
        .digest('hex')
      if (photographed.has(look)) {
        screenshotCounts.skipped += 1
        return
      }
      photographed.add(look)
    }
    screenshotCounts.taken += 1
    const slug = slugOf(this.page.url()) + (state ? `-${state}` : '')
    const file = `${SCREENSHOTS}${this.name}/${String(this.count).padStart(2, '0')}-${slug}.png`
    // "Exit this page" is sticky: a full-page picture draws it where the tab is scrolled to,
    // over the middle of the page (after a jump from the error summary, over the question),
    // where nobody sees it. From the top, the picture shows the page as it loads.
    await this.page.evaluate('window.scrollTo(0, 0)')
    await this.page.screenshot({ path: file, fullPage: true })
  }
}

/** The page-object base: every page of the service arrives the same way. */
export abstract class PageObject {
  constructor(readonly journey: Journey) {}

  get page(): Page {
    return this.journey.page
  }

  /**
   * The page is here: its one h1 reads as expected, a full-page screenshot is kept, nothing
   * scrolls sideways, and axe finds no WCAG 2.2 AA violation. `state` names a second look at
   * the same page, such as "error".
   */
  async arrive(expectedH1: string | RegExp, state = ''): Promise<void> {
    const h1 = this.page.locator('h1')
    await h1.first().waitFor()
    assert.equal(await h1.count(), 1, `one h1 on ${this.page.url()}`)
    const text = (await h1.innerText()).trim()
    if (typeof expectedH1 === 'string') assert.equal(text, expectedH1)
    else assert.match(text, expectedH1)
    await this.journey.screenshot(state)
    const overflow = await this.page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )
    assert.equal(overflow, 0, `no sideways scrolling on ${this.page.url()} (reflow)`)
    await assertNoAxeViolations(this.page)
  }

  /**
   * Clicks something that loads a new document (a link, or a form's button) and waits until
   * that document has arrived and been parsed. Not for the `load` event: it also waits for every
   * image and stylesheet, and on a loaded machine one slow asset then fails a step that worked.
   */
  async follow(target: Locator): Promise<void> {
    const mainFrame = this.page.mainFrame()
    const arrived = this.page.waitForEvent('framenavigated', {
      predicate: (frame) => frame === mainFrame,
    })
    await target.click()
    await arrived
    await this.page.waitForLoadState('domcontentloaded')
  }

  button(name: string | RegExp): Locator {
    return this.page.getByRole('button', { name, exact: typeof name === 'string' })
  }

  link(name: string | RegExp): Locator {
    return this.page.getByRole('link', { name, exact: typeof name === 'string' })
  }
}
