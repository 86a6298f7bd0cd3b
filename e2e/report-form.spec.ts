import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContextOptions } from 'playwright-core'
import {
  Journey,
  assertQuiet,
  closeContext,
  launchBrowser,
  newContext,
  startApp,
  type StartedApp,
} from './support/browser.js'
import { ReportForm, type Audience } from './support/report-form.js'

type Walker =
  Audience | 'nine-year-old' | 'parent-out-of-scope' | 'young-person-bullying-and-sexual'

/**
 * Each audience's way through, with the branches it takes: a young person of 14; a child of 9
 * (the under-11 page, simpler words, a trusted adult to contact); a parent who chose only
 * bullying and then said something sexual happened too; a young person who chose bullying and
 * something sexual at once (no help page); a professional in danger who has not yet followed
 * their policy and has already told the police; a concerned adult not sure about danger.
 */
async function walk(
  form: ReportForm,
  walker: Walker,
  javaScript: boolean,
  app: StartedApp,
): Promise<string> {
  const audience: Audience =
    walker === 'nine-year-old' || walker === 'young-person-bullying-and-sexual'
      ? 'young-person'
      : walker === 'parent-out-of-scope'
        ? 'parent-carer'
        : walker
  await form.fromHomePage()
  if (walker === 'concerned-adult') {
    // Stop for longer than drafts are kept, then carry on: the answers are gone.
    await form.whoAreYou(audience)
    await form.arrive('What is it about?')
    app.advanceClock((app.test.deps.config.draftTtlMinutes + 1) * 60_000)
    await form.tick('concerns', 'sexual-chat')
    await form.continue()
    await form.answersCleared()
  }
  await form.whoAreYou(audience)
  if (walker === 'parent-out-of-scope') {
    await form.whatIsItAbout(['bullying'])
    await form.helpWithOtherProblems('Other services can help with this', /NSPCC Helpline/)
  } else if (walker === 'young-person-bullying-and-sexual') {
    await form.whatIsItAbout(['bullying', 'asked-for-images'])
  } else {
    await form.whatIsItAbout(['asked-for-images'])
  }
  const dangerH1 = {
    'young-person': 'Are you in danger right now?',
    'parent-carer': 'Is your child in danger right now?',
    professional: 'Is a child in danger right now?',
    'concerned-adult': 'Is a child in danger right now?',
  }[audience]
  if (audience === 'professional') {
    await form.immediateDanger(dangerH1, 'yes')
    await form.call999()
  } else if (walker === 'concerned-adult') {
    await form.immediateDanger(dangerH1, 'unsure')
    await form.call999('If you are not sure, call 999 to be safe')
  } else {
    await form.immediateDanger(dangerH1, 'no')
  }
  if (walker === 'nine-year-old') {
    await form.yourAge(9)
    await form.under11()
  } else if (audience === 'young-person') {
    await form.yourAge(14)
  }
  if (audience === 'professional') await form.safeguarding('no', 'police')
  await form.aboutTheChild(audience)
  await form.whereTheChildLives(audience)
  await form.whatHappened(javaScript)
  await form.theOtherPerson(javaScript, walker === 'nine-year-old')
  if (walker === 'nine-year-old') await form.trustedAdult()
  else await form.contactDetails(audience, javaScript)
  await form.checkYourAnswers()
  return form.confirmation()
}

describe('the report form in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  const references = new Set<string>()

  before(async () => {
    ;[browser, app] = await Promise.all([launchBrowser(), startApp()])
  })
  after(async () => {
    await browser.close()
    await app.close()
  })

  async function walkIn(
    name: string,
    walker: Walker,
    javaScript: boolean,
    options: BrowserContextOptions = {},
  ) {
    const context = await newContext(browser, app, { javaScriptEnabled: javaScript, ...options })
    try {
      const journey = await Journey.start(context, name)
      const reference = await walk(new ReportForm(journey), walker, javaScript, app)
      assert.ok(!references.has(reference), 'each report gets its own reference')
      references.add(reference)
      assertQuiet(journey.watched)
    } finally {
      await closeContext(context)
    }
  }

  const walkers: Walker[] = [
    'young-person',
    'nine-year-old',
    'parent-out-of-scope',
    'young-person-bullying-and-sexual',
    'professional',
    'concerned-adult',
  ]
  for (const walker of walkers) {
    for (const javaScript of [true, false]) {
      const mode = javaScript ? 'js-on' : 'js-off'
      it(`takes a report from a ${walker} to its reference (${mode})`, { timeout: 300_000 }, () =>
        walkIn(`report-${walker}-${mode}`, walker, javaScript),
      )
    }
  }

  // On a phone: a young person and a child of 9, and the adults' own pages (the help page and
  // "something sexual happened too"; the professional's checkpoint, 999 advice and the child's
  // date of birth), so every page of the form has a phone-sized screenshot to look at.
  const onPhones: [Walker, string][] = [
    ['young-person', 'a young person'],
    ['nine-year-old', 'a child of 9'],
    ['parent-out-of-scope', 'a parent who chose bullying first'],
    ['professional', 'a professional'],
  ]
  for (const [walker, who] of onPhones) {
    it(`takes a report from ${who} on a phone-sized screen`, { timeout: 300_000 }, () =>
      walkIn(`report-${walker}-phone`, walker, true, {
        viewport: { width: 360, height: 740 },
        isMobile: true,
        hasTouch: true,
      }),
    )
  }
})
