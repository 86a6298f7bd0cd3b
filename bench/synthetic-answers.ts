import type { ReportAnswers } from '../src/reports/answers.js'
import { buildReportJourney } from '../src/reports/journey.js'
import { AUDIENCES, type Audience, type Concern } from '../src/reports/model.js'
import { YOUNG_CHILD_AGE } from '../src/reports/wording.js'
import { walk, type JourneyAnswers } from '../src/web/journey.js'

/**
 * A whole report's answers as intake stores them (every page of the audience's path, parsed),
 * with synthetic and mild details numbered by report, so the report page lays out a real one.
 */
export function syntheticAnswers(
  i: number,
  audience: Audience,
  concerns: Concern[],
  childAge: number | null,
  immediateDanger: boolean,
): ReportAnswers {
  const continued = { continued: true } as const
  const age = childAge ?? 14
  const byAudience: ReportAnswers =
    audience === 'young-person'
      ? { 'your-age': { age }, ...(age < YOUNG_CHILD_AGE ? { 'under-11': continued } : {}) }
      : {
          ...(audience === 'professional'
            ? {
                'safeguarding-policy': { followedPolicy: 'yes' },
                'already-reported': { reportedTo: ['neither'] },
              }
            : {}),
          'about-the-child': { childName: `Synthetic Child ${i}` },
          'the-childs-age': { childAge, childDateOfBirth: null },
        }
  return {
    'who-are-you': { audience },
    'what-is-it-about': { concerns },
    'immediate-danger': { immediateDanger: immediateDanger ? 'yes' : 'no' },
    ...(immediateDanger ? { 'call-999': continued } : {}),
    ...byAudience,
    'where-the-child-lives': {
      town: 'Testford',
      postcode: null,
      placeUnknown: false,
      match: 'one',
      areas: [],
    },
    'what-happened': {
      description: `An adult in a game asked for a photo and to meet. Bench report ${i}.`,
    },
    'when-did-it-start': { started: 'this-week' },
    'is-it-still-happening': { stillHappening: 'yes' },
    'their-name': { names: `Synthetic Other ${i}` },
    'their-usernames': { accounts: [{ platform: 'GameChat', username: `bench_user_${i}` }] },
    ...(audience === 'young-person' && age < YOUNG_CHILD_AGE
      ? { 'who-can-we-talk-to': { contactPerson: 'me' as const } }
      : {
          'their-profile-links': { profileLinks: [] },
          'their-phone-numbers': { phoneNumbers: '07700 900 000' },
          'their-email-addresses': { emailAddresses: [] },
        }),
    'their-age': { otherPersonAge: 'adult' },
    'known-in-real-life': { knownOffline: 'no' },
    'your-name': { name: `Synthetic Reporter ${i}` },
    'contact-details': { email: `reporter${i}@example.org`, phone: null },
    'safe-times': { safeTimes: null },
    ...(audience === 'young-person' ? { 'parent-knows': { parentKnows: 'yes' as const } } : {}),
  }
}

/** Every audience's synthetic answers must walk the real form to its end, or the page lies. */
export function checkSyntheticAnswers(): void {
  const journey = buildReportJourney(() => new Date('2027-01-13T10:00:00Z'))
  for (const audience of AUDIENCES) {
    for (const age of [9, 14]) {
      const answers = syntheticAnswers(0, audience, ['sexual-chat'], age, age === 9)
      if (!walk(journey, answers as JourneyAnswers).complete)
        throw new Error(`The synthetic answers of a ${audience} do not complete the form`)
    }
  }
}
