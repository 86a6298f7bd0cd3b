import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import { hashDraftId, newDraftId } from '../src/reports/drafts.js'
import { parseSteps, reportSteps, type Step } from '../test/reports.js'
import { addPerson, type TestPerson } from '../test/staff.js'
import {
  Journey,
  assertQuiet,
  closeContext,
  launchBrowser,
  newContext,
  startApp,
  type StartedApp,
} from './support/browser.js'
import { StaffPages } from './support/staff.js'

// Tuesday 1 December 2026 in London: the office is open.
const TUESDAY_MORNING = new Date('2026-12-01T10:00:00Z')

/** A parent's report naming the other person by `username` on GameChat, nothing else shared. */
const naming = (username: string, child: string): Step[] =>
  reportSteps['parent-carer'].map(([slug, form]): Step => {
    if (slug === 'about-the-child') return [slug, { childName: child }]
    if (slug === 'where-the-child-lives') return [slug, { place: '', placeUnknown: 'yes' }]
    if (slug === 'their-usernames')
      return [slug, { 'accountPlatform-0': 'GameChat', 'accountUsername-0': username }]
    if (slug === 'their-profile-links') return [slug, { profileLinks: '' }]
    if (slug === 'their-phone-numbers') return [slug, { phoneNumbers: '' }]
    if (slug === 'contact-details')
      return [slug, { email: `${child.split(' ')[0] ?? 'someone'}@example.org`, phone: '' }]
    return [slug, form]
  })

describe('linked reports in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  let context: BrowserContext
  let advisor: TestPerson

  /** Sends a report through intake (the statement that stores and links it); its reference. */
  async function send(steps: readonly Step[]): Promise<string> {
    const { reports, journey } = app.test.deps
    const idHash = hashDraftId(newDraftId())
    await reports.saveDraft(idHash, await parseSteps(journey, steps))
    const outcome = await reports.submit(idHash)
    if (outcome.kind !== 'submitted')
      return assert.fail(`the report was not stored: ${outcome.kind}`)
    app.advanceClock(5 * 60_000)
    return outcome.reference
  }

  before(async () => {
    browser = await launchBrowser()
    app = await startApp({ at: TUESDAY_MORNING })
    advisor = await addPerson(app.test, ['advisor'])
  })

  after(async () => {
    await closeContext(context)
    await browser.close()
    await app.close()
  })

  it('a second report naming the same username shows the link, and opening it is recorded', async () => {
    const first = await send(naming('Canary_Pal', 'Sam Synthetic'))
    const second = await send(naming('@canary_pal ', 'Jo Synthetic'))
    context = await newContext(browser, app)
    const journey = await Journey.start(context, 'linked-reports')
    const pages = new StaffPages(journey)
    await pages.signIn(advisor, app)

    await pages.follow(pages.nav('Queue'))
    await pages.arrive("Advisors' queue")
    await pages.follow(pages.link(second))
    await pages.arrive(`Report ${second}`)
    const heading = pages.page.getByRole('heading', {
      name: '1 earlier report mentions this username on this platform',
    })
    assert.equal(await heading.count(), 1)

    await pages.follow(pages.link(`Report ${first}`))
    await pages.arrive(`Report ${first}`, 'through-link')
    assert.equal(
      await pages.page
        .getByRole('heading', { name: '1 later report mentions this username on this platform' })
        .count(),
      1,
    )
    const [viewed] = await app.test.db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE event = 'report.viewed' ORDER BY id DESC LIMIT 1`,
    )
    assert.equal(viewed?.details.via, 'linked-report')
    assertQuiet(journey.watched)
  })
})
