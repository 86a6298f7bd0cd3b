import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseSteps, reportSteps, type Form, type Step } from '../../test/reports.js'
import {
  furthestPage,
  isReachable,
  pageAfter,
  previousPage,
  saveAnswer,
  walk,
  type JourneyAnswers,
} from '../web/journey.js'
import { buildReportJourney, CHECK_ANSWERS } from './journey.js'
import { AUDIENCES } from './model.js'

const journey = buildReportJourney(() => new Date('2026-03-10T10:00:00Z'))

/** A child of 9 who names a trusted adult to contact. */
const nineYearOld: Step[] = [
  ['who-are-you', { audience: 'young-person' }],
  ['what-is-it-about', { concerns: ['asked-for-images'] }],
  ['immediate-danger', { immediateDanger: 'no' }],
  ['your-age', { age: '9' }],
  ['under-11', {}],
  ['where-the-child-lives', { place: 'Leeds' }],
  ['what-happened', { description: 'A man in a game asked for a photo.' }],
  ['when-did-it-start', { started: 'this-week' }],
  ['is-it-still-happening', { stillHappening: 'yes' }],
  ['their-name', {}],
  ['their-usernames', { 'accountUsername-0': 'gamer_1' }],
  ['their-age', { otherPersonAge: 'adult' }],
  ['known-in-real-life', { knownOffline: 'no' }],
  ['who-can-we-talk-to', { contactPerson: 'trusted-adult' }],
  ['your-name', { name: 'Sam Teacher' }],
  ['contact-details', { phone: '01632 960 001' }],
  ['safe-ways-to-contact', { contactWays: ['phone'] }],
  ['safe-times', {}],
  ['parent-knows', { parentKnows: 'yes' }],
]

function answer(answers: JourneyAnswers, slug: string, form: Form): JourneyAnswers {
  const parsed = journey.pages.get(slug)?.parse(form, answers)
  if (parsed instanceof Promise) throw new Error(`${slug} looks something up: use parseSteps`)
  if (!parsed?.ok) throw new Error(`${slug} did not parse`)
  return saveAnswer(journey, answers, slug, parsed.value)
}

const pathOf = (answers: JourneyAnswers) => walk(journey, answers).path
const slugs = (steps: readonly Step[]) => steps.map(([slug]) => slug)

/** The opening pages with a given audience, kinds of harm and danger answer. */
function opening(audience: string, concerns = ['sexual-chat'], danger = 'no'): JourneyAnswers {
  let answers = answer({}, 'who-are-you', { audience })
  answers = answer(answers, 'what-is-it-about', { concerns })
  if (furthestPage(journey, answers) === 'help-with-other-problems') {
    answers = answer(answers, 'help-with-other-problems', {})
    answers = answer(answers, 'something-sexual', { concerns: ['asked-for-images'] })
  }
  answers = answer(answers, 'immediate-danger', { immediateDanger: danger })
  return furthestPage(journey, answers) === 'call-999' ? answer(answers, 'call-999', {}) : answers
}

describe('the report journey for each audience', () => {
  for (const audience of AUDIENCES) {
    it(`takes a ${audience} through every page of their report to check your answers`, async () => {
      const answers = await parseSteps(journey, reportSteps[audience])
      assert.deepEqual(walk(journey, answers), {
        path: slugs(reportSteps[audience]),
        complete: true,
      })
      assert.equal(furthestPage(journey, answers), CHECK_ANSWERS)
    })
  }

  it('asks a young person their age after the danger question', () => {
    assert.equal(furthestPage(journey, opening('young-person')), 'your-age')
  })

  it('shows a young person under 11 the guidance about a trusted adult, then where they live', () => {
    const answers = answer(opening('young-person'), 'your-age', { age: '10' })
    assert.equal(furthestPage(journey, answers), 'under-11')
    assert.equal(furthestPage(journey, answer(answers, 'under-11', {})), 'where-the-child-lives')
  })

  it('takes a young person of 11 straight on to where they live', () => {
    const answers = answer(opening('young-person'), 'your-age', { age: '11' })
    assert.deepEqual(pathOf(answers).slice(-2), ['your-age', 'where-the-child-lives'])
  })

  it('asks a professional about their safeguarding policy before the child', () => {
    const answers = opening('professional')
    assert.equal(furthestPage(journey, answers), 'safeguarding-policy')
    const followed = answer(answers, 'safeguarding-policy', { followedPolicy: 'yes' })
    assert.equal(furthestPage(journey, followed), 'already-reported')
    const notYet = answer(followed, 'already-reported', { reportedTo: 'neither' })
    assert.equal(furthestPage(journey, notYet), 'about-the-child')
  })

  for (const followedPolicy of ['no', 'unsure']) {
    it(`shows a professional what to do first when the policy answer is ${followedPolicy}, then lets them continue`, () => {
      const answers = answer(opening('professional'), 'safeguarding-policy', { followedPolicy })
      assert.equal(furthestPage(journey, answers), 'follow-your-policy-first')
      const continued = answer(answers, 'follow-your-policy-first', {})
      assert.equal(furthestPage(journey, continued), 'already-reported')
    })
  }

  for (const reportedTo of [['police'], ['social-care'], ['police', 'social-care']]) {
    it(`tells a professional who told ${reportedTo.join(' and ')} that they need not report, and lets them continue`, () => {
      let answers = answer(opening('professional'), 'safeguarding-policy', {
        followedPolicy: 'yes',
      })
      answers = answer(answers, 'already-reported', { reportedTo })
      assert.equal(furthestPage(journey, answers), 'you-do-not-need-to-report')
      const continued = answer(answers, 'you-do-not-need-to-report', {})
      assert.equal(furthestPage(journey, continued), 'about-the-child')
    })
  }

  it('takes a parent or carer and a concerned adult straight to the child', () => {
    assert.equal(furthestPage(journey, opening('parent-carer')), 'about-the-child')
    assert.equal(furthestPage(journey, opening('concerned-adult')), 'about-the-child')
  })
})

describe('what it is about', () => {
  it('goes straight to the danger question for something sexual', () => {
    const who = answer({}, 'who-are-you', { audience: 'parent-carer' })
    const answers = answer(who, 'what-is-it-about', { concerns: ['asked-for-images'] })
    assert.equal(furthestPage(journey, answers), 'immediate-danger')
  })

  for (const other of ['bullying', 'fake-account', 'hacking']) {
    it(`keeps a report about ${other} and something sexual in scope, with no help page`, () => {
      const who = answer({}, 'who-are-you', { audience: 'young-person' })
      const answers = answer(who, 'what-is-it-about', { concerns: [other, 'pressure-to-meet'] })
      assert.equal(furthestPage(journey, answers), 'immediate-danger')
      assert.deepEqual(answers['what-is-it-about'], { concerns: [other, 'pressure-to-meet'] })
    })

    it(`shows where to get help with ${other} alone, then asks what sexual thing happened too`, () => {
      const who = answer({}, 'who-are-you', { audience: 'young-person' })
      const answers = answer(who, 'what-is-it-about', { concerns: [other] })
      assert.equal(furthestPage(journey, answers), 'help-with-other-problems')
      const continued = answer(answers, 'help-with-other-problems', {})
      assert.equal(furthestPage(journey, continued), 'something-sexual')
      const sexual = answer(continued, 'something-sexual', { concerns: ['sexual-chat'] })
      assert.deepEqual(pathOf(sexual), [
        'who-are-you',
        'what-is-it-about',
        'help-with-other-problems',
        'something-sexual',
        'immediate-danger',
      ])
    })
  }

  it('lets every kind be chosen at once, and shows one help page for several other problems', () => {
    const who = answer({}, 'who-are-you', { audience: 'parent-carer' })
    const answers = answer(who, 'what-is-it-about', { concerns: ['bullying', 'hacking'] })
    assert.equal(furthestPage(journey, answers), 'help-with-other-problems')
  })

  it('carries on with "something else" rather than turning a worried person away', () => {
    const who = answer({}, 'who-are-you', { audience: 'parent-carer' })
    const answers = answer(who, 'what-is-it-about', { concerns: ['bullying', 'something-else'] })
    assert.equal(furthestPage(journey, answers), 'immediate-danger')
  })
})

describe('immediate danger', () => {
  it('shows the call 999 page when a child is in danger, then lets the person continue', () => {
    let answers = answer({}, 'who-are-you', { audience: 'parent-carer' })
    answers = answer(answers, 'what-is-it-about', { concerns: ['pressure-to-meet'] })
    answers = answer(answers, 'immediate-danger', { immediateDanger: 'yes' })
    assert.equal(furthestPage(journey, answers), 'call-999')
    assert.equal(furthestPage(journey, answer(answers, 'call-999', {})), 'about-the-child')
  })

  it('skips the call 999 page when the answer is no', () => {
    const answers = opening('parent-carer', ['sexual-chat'], 'no')
    assert.equal(pathOf(answers).includes('call-999'), false)
    assert.equal(furthestPage(journey, answers), 'about-the-child')
  })

  it('gives someone who is not sure the same call 999 advice, then lets them continue', () => {
    let answers = answer({}, 'who-are-you', { audience: 'parent-carer' })
    answers = answer(answers, 'what-is-it-about', { concerns: ['pressure-to-meet'] })
    answers = answer(answers, 'immediate-danger', { immediateDanger: 'unsure' })
    assert.equal(furthestPage(journey, answers), 'call-999')
    assert.equal(furthestPage(journey, answer(answers, 'call-999', {})), 'about-the-child')
  })

  it('takes a young person in danger from the call 999 page to their age', () => {
    const answers = opening('young-person', ['sexual-chat'], 'yes')
    assert.equal(furthestPage(journey, answers), 'your-age')
  })

  it('takes a professional in danger from the call 999 page to their safeguarding policy', () => {
    const answers = opening('professional', ['sexual-chat'], 'yes')
    assert.equal(furthestPage(journey, answers), 'safeguarding-policy')
  })
})

describe('skipping ahead', () => {
  for (const audience of AUDIENCES) {
    it(`never lets a ${audience} open a page beyond the next unanswered one`, async () => {
      const steps = reportSteps[audience]
      const all = [...slugs(steps), CHECK_ANSWERS]
      for (let answered = 0; answered < steps.length; answered++) {
        const answers = await parseSteps(journey, steps.slice(0, answered))
        for (const [i, slug] of all.entries()) {
          assert.equal(isReachable(journey, answers, slug), i <= answered, `${slug} at ${answered}`)
        }
      }
    })
  }

  it('does not open the help page for something sexual', async () => {
    const answers = await parseSteps(journey, reportSteps['parent-carer'])
    for (const page of ['help-with-other-problems', 'something-sexual'])
      assert.equal(isReachable(journey, answers, page), false, page)
  })

  it('does not open another audience’s pages', async () => {
    const answers = await parseSteps(journey, reportSteps['parent-carer'])
    for (const page of [
      'your-age',
      'under-11',
      'safeguarding-policy',
      'already-reported',
      'call-999',
    ])
      assert.equal(isReachable(journey, answers, page), false, page)
  })
})

describe('the other person and how to contact you, one thing per page', () => {
  it('asks a child under 11 only their name and where they talk, and whom we can talk to', async () => {
    const path = pathOf(await parseSteps(journey, nineYearOld))
    const after = path.slice(path.indexOf('is-it-still-happening') + 1)
    assert.deepEqual(after, [
      'their-name',
      'their-usernames',
      'their-age',
      'known-in-real-life',
      'who-can-we-talk-to',
      'your-name',
      'contact-details',
      'safe-ways-to-contact',
      'safe-times',
      'parent-knows',
    ])
  })

  it('asks an adult for every kind of detail about the other person, and no parent question', async () => {
    const path = pathOf(await parseSteps(journey, reportSteps['parent-carer']))
    const after = path.slice(path.indexOf('is-it-still-happening') + 1)
    assert.deepEqual(after, [
      'their-name',
      'their-usernames',
      'their-profile-links',
      'their-phone-numbers',
      'their-email-addresses',
      'their-age',
      'known-in-real-life',
      'your-name',
      'contact-details',
      'safe-ways-to-contact',
      'safe-times',
    ])
  })

  it('asks a young person of 14 whether a parent knows, but not whom we talk to', async () => {
    const path = pathOf(await parseSteps(journey, reportSteps['young-person']))
    assert.equal(path.includes('who-can-we-talk-to'), false)
    assert.equal(path.at(-1), 'parent-knows')
  })

  it('cannot reach check your answers without a name and a way to contact', async () => {
    const answers = await parseSteps(journey, reportSteps['parent-carer'])
    const noContact = Object.fromEntries(
      Object.entries(answers).filter(([slug]) => slug !== 'contact-details'),
    )
    assert.equal(isReachable(journey, noContact, CHECK_ANSWERS), false)
    assert.equal(furthestPage(journey, noContact), 'contact-details')
  })
})

describe('back links', () => {
  for (const audience of AUDIENCES) {
    it(`goes back one page at a time along a ${audience}’s path`, async () => {
      const answers = await parseSteps(journey, reportSteps[audience])
      const path = [...slugs(reportSteps[audience]), CHECK_ANSWERS]
      assert.equal(previousPage(journey, answers, 'who-are-you'), undefined)
      for (let i = 1; i < path.length; i++) {
        assert.equal(previousPage(journey, answers, path[i] ?? ''), path[i - 1], path[i])
      }
    })
  }
})

describe('changing an answer', () => {
  it('drops the age answer when a young person changes to a parent or carer', async () => {
    const answers = await parseSteps(journey, reportSteps['young-person'])
    const changed = answer(answers, 'who-are-you', { audience: 'parent-carer' })
    assert.equal(changed['your-age'], undefined)
    assert.deepEqual(changed['what-happened'], answers['what-happened'])
  })

  it('asks about the child and contact details again when the audience changes', async () => {
    const answers = await parseSteps(journey, reportSteps['young-person'])
    const changed = answer(answers, 'who-are-you', { audience: 'parent-carer' })
    assert.equal(changed['where-the-child-lives'], undefined)
    assert.equal(changed['contact-details'], undefined)
    assert.equal(pageAfter(journey, changed, 'who-are-you', true), 'about-the-child')
  })

  it('keeps every answer when the same audience is chosen again', async () => {
    const answers = await parseSteps(journey, reportSteps['young-person'])
    assert.deepEqual(answer(answers, 'who-are-you', { audience: 'young-person' }), answers)
  })

  it('drops the call 999 answer when danger is changed from yes to no', async () => {
    const answers = await parseSteps(journey, reportSteps.professional)
    const changed = answer(answers, 'immediate-danger', { immediateDanger: 'no' })
    assert.equal(changed['call-999'], undefined)
    assert.equal(walk(journey, changed).complete, true)
    assert.equal(pageAfter(journey, changed, 'immediate-danger', true), CHECK_ANSWERS)
  })

  it('shows the call 999 page and keeps later answers when danger is changed to yes', async () => {
    const answers = await parseSteps(journey, reportSteps['parent-carer'])
    const changed = answer(answers, 'immediate-danger', { immediateDanger: 'yes' })
    assert.equal(pageAfter(journey, changed, 'immediate-danger', true), 'call-999')
    assert.deepEqual(changed['contact-details'], answers['contact-details'])
    const continued = answer(changed, 'call-999', {})
    assert.equal(pageAfter(journey, continued, 'call-999', true), CHECK_ANSWERS)
  })

  it('drops the under-11 answer when the age is changed to 14', () => {
    let answers = answer(opening('young-person'), 'your-age', { age: '9' })
    answers = answer(answers, 'under-11', {})
    const changed = answer(answers, 'your-age', { age: '14' })
    assert.equal(changed['under-11'], undefined)
    assert.equal(furthestPage(journey, changed), 'where-the-child-lives')
  })

  it('shows the under-11 guidance when the age is changed to 9, then returns to the end', async () => {
    const answers = await parseSteps(journey, reportSteps['young-person'])
    const changed = answer(answers, 'your-age', { age: '9' })
    assert.equal(pageAfter(journey, changed, 'your-age', true), 'under-11')
    const continued = answer(changed, 'under-11', {})
    // No web addresses, phone numbers or email addresses are asked of a child under 11.
    assert.equal(continued['their-profile-links'], undefined)
    assert.equal(continued['their-phone-numbers'], undefined)
    assert.equal(continued['their-email-addresses'], undefined)
    // A child under 11 may name a trusted adult to contact: the contact pages are asked again.
    assert.equal(continued['your-name'], undefined)
    assert.equal(continued['contact-details'], undefined)
    assert.equal(pageAfter(journey, continued, 'under-11', true), 'who-can-we-talk-to')
  })

  it('drops a trusted adult’s details when a child of 9 changes their age to 14', async () => {
    const nine = await parseSteps(journey, nineYearOld)
    assert.equal(walk(journey, nine).complete, true)
    const changed = answer(nine, 'your-age', { age: '14' })
    assert.equal(changed['who-can-we-talk-to'], undefined)
    assert.equal(changed['your-name'], undefined)
    assert.equal(changed['contact-details'], undefined)
    assert.equal(furthestPage(journey, changed), 'their-profile-links')
  })

  it('asks for the name and contact again when a child changes whom we talk to', async () => {
    const nine = await parseSteps(journey, nineYearOld)
    const changed = answer(nine, 'who-can-we-talk-to', { contactPerson: 'me' })
    assert.equal(changed['your-name'], undefined)
    assert.equal(changed['contact-details'], undefined)
    assert.deepEqual(changed['parent-knows'], nine['parent-knows'])
    assert.equal(pageAfter(journey, changed, 'who-can-we-talk-to', true), 'your-name')
  })

  it('asks the safe ways again when the contact details change, and skips them with no phone', async () => {
    const answers = await parseSteps(journey, reportSteps['parent-carer'])
    const phoneOnly = answer(answers, 'contact-details', { phone: '07700 900 982' })
    assert.equal(phoneOnly['safe-ways-to-contact'], undefined)
    assert.deepEqual(phoneOnly['safe-times'], answers['safe-times'])
    assert.equal(pageAfter(journey, phoneOnly, 'contact-details', true), 'safe-ways-to-contact')
    const emailOnly = answer(answers, 'contact-details', { email: 'pat@example.com' })
    assert.equal(walk(journey, emailOnly).complete, true)
    assert.equal(isReachable(journey, emailOnly, 'safe-ways-to-contact'), false)
  })

  it('drops the help page answers when something sexual is chosen on the first list', async () => {
    const answers = await parseSteps(journey, reportSteps['concerned-adult'])
    const changed = answer(answers, 'what-is-it-about', { concerns: ['bullying', 'sexual-chat'] })
    assert.equal(changed['help-with-other-problems'], undefined)
    assert.equal(changed['something-sexual'], undefined)
    assert.equal(walk(journey, changed).complete, true)
  })

  it('drops the safeguarding answers when a professional changes to a concerned adult', async () => {
    const answers = await parseSteps(journey, reportSteps.professional)
    const changed = answer(answers, 'who-are-you', { audience: 'concerned-adult' })
    assert.equal(changed['safeguarding-policy'], undefined)
    assert.equal(changed['already-reported'], undefined)
    assert.equal(isReachable(journey, changed, 'safeguarding-policy'), false)
  })
})

describe('where the child lives', () => {
  const areas = [
    { code: 'E06000001', name: 'Hartlepool' },
    { code: 'E06000002', name: 'Middlesbrough' },
  ]
  const finding = (match: 'one' | 'several' | 'not-found') =>
    buildReportJourney(
      () => new Date('2026-03-10T10:00:00Z'),
      ({ town, postcode }) =>
        Promise.resolve(
          town === null && postcode === null
            ? { match: 'not-given', areas: [] }
            : { match, areas: match === 'several' ? areas : [] },
        ),
    )
  const upToPlace = (audience: 'young-person' | 'parent-carer'): Step[] =>
    audience === 'young-person'
      ? [
          ['who-are-you', { audience }],
          ['what-is-it-about', { concerns: ['sexual-chat'] }],
          ['immediate-danger', { immediateDanger: 'no' }],
          ['your-age', { age: '14' }],
        ]
      : [
          ['who-are-you', { audience }],
          ['what-is-it-about', { concerns: ['sexual-chat'] }],
          ['immediate-danger', { immediateDanger: 'no' }],
          ['about-the-child', { childName: 'Sam Canary' }],
          ['the-childs-age', { childAge: '12' }],
        ]

  it('asks no more when the town or postcode is one area', async () => {
    const j = finding('one')
    const answers = await parseSteps(j, [
      ...upToPlace('parent-carer'),
      ['where-the-child-lives', { place: 'Leeds' }],
    ])
    assert.equal(furthestPage(j, answers), 'what-happened')
  })

  for (const audience of ['young-person', 'parent-carer'] as const) {
    it(`asks a ${audience} which area only when the place could be several`, async () => {
      const j = finding('several')
      const answers = await parseSteps(j, [
        ...upToPlace(audience),
        ['where-the-child-lives', { place: 'Newport' }],
      ])
      assert.equal(furthestPage(j, answers), 'which-area')
      assert.deepEqual(answers['where-the-child-lives'], {
        town: 'Newport',
        postcode: null,
        placeUnknown: false,
        match: 'several',
        areas,
      })
    })
  }

  it('asks an adult to choose from the list when the place is not known, but not a child', async () => {
    const j = finding('not-found')
    const adult = await parseSteps(j, [
      ...upToPlace('parent-carer'),
      ['where-the-child-lives', { place: 'Nowhere Special' }],
    ])
    assert.equal(furthestPage(j, adult), 'which-area')
    const child = await parseSteps(j, [
      ...upToPlace('young-person'),
      ['where-the-child-lives', { place: 'Nowhere Special' }],
    ])
    assert.equal(furthestPage(j, child), 'what-happened')
  })

  it('lets an adult who does not know where the child lives go on without a place', async () => {
    const j = finding('several')
    const answers = await parseSteps(j, [
      ...upToPlace('parent-carer'),
      ['where-the-child-lives', { place: '', placeUnknown: 'yes' }],
    ])
    assert.equal(furthestPage(j, answers), 'what-happened')
  })

  it('drops the chosen area when the place is changed', async () => {
    const j = finding('several')
    const answers = await parseSteps(j, [
      ...upToPlace('parent-carer'),
      ['where-the-child-lives', { place: 'Newport' }],
      ['which-area', { councilArea: 'E06000002' }],
    ])
    const changed = await parseSteps(j, [
      ...upToPlace('parent-carer'),
      ['where-the-child-lives', { place: 'Newport' }],
      ['which-area', { councilArea: 'E06000002' }],
      ['where-the-child-lives', { place: 'Newport West' }],
    ])
    assert.deepEqual(answers['which-area'], { councilArea: 'E06000002' })
    assert.equal(changed['which-area'], undefined)
  })
})
