import type { Audience } from '../src/reports/model.js'
import { saveAnswer, type Journey, type JourneyAnswers } from '../src/web/journey.js'

/** Synthetic, mild answers for a complete report, page by page, per audience. */
export type Form = Record<string, string | string[]>
export type Step = readonly [slug: string, form: Form]

export const completeAnswers = {
  'who-are-you': { audience: 'parent-carer' },
  'what-is-it-about': { concerns: ['asked-for-images'] },
  'immediate-danger': { immediateDanger: 'no' },
  'about-the-child': { childName: 'Sam Canary' },
  'the-childs-age': { childAge: '13' },
  'where-the-child-lives': { place: 'LS1 4AP' },
  'what-happened': {
    description: 'An adult in a game asked for a photo. CANARY-DESCRIPTION',
  },
  'when-did-it-start': { started: 'this-week' },
  'is-it-still-happening': { stillHappening: 'yes' },
  'their-name': { names: 'Canary Other' },
  'their-usernames': { 'accountPlatform-0': 'GameChat', 'accountUsername-0': 'canary_user_99' },
  'their-profile-links': { profileLinks: 'https://example.com/canary-profile' },
  'their-phone-numbers': { phoneNumbers: '07700 900 123' },
  'their-email-addresses': {},
  'their-age': { otherPersonAge: 'adult' },
  'known-in-real-life': { knownOffline: 'no' },
  'your-name': { name: 'Pat Canary' },
  'contact-details': { email: 'canary.parent@example.com', phone: '07700 900 982' },
  'safe-ways-to-contact': { contactWays: ['email'] },
  'safe-times': { safeTimes: 'After 6pm' },
} satisfies Record<string, Record<string, string | string[]>>

/**
 * A whole report per audience, in the order the pages come, each with its own planted canary
 * strings (names, contact details, usernames, links, free text, town, postcode) so a test can
 * look for them anywhere they should not be.
 */
export const reportSteps: Record<Audience, readonly Step[]> = {
  'young-person': [
    ['who-are-you', { audience: 'young-person' }],
    ['what-is-it-about', { concerns: ['sexual-chat', 'pressure-to-meet'] }],
    ['immediate-danger', { immediateDanger: 'unsure' }],
    ['call-999', {}],
    ['your-age', { age: '14' }],
    ['where-the-child-lives', { place: 'M1 1AE' }],
    [
      'what-happened',
      { description: 'Someone in a chat app keeps asking to meet. CANARY-YP-WORDS' },
    ],
    ['when-did-it-start', { started: 'this-month' }],
    ['is-it-still-happening', { stillHappening: 'yes' }],
    ['their-name', { names: 'Canaryyp Stranger' }],
    [
      'their-usernames',
      {
        'accountPlatform-0': 'ChatApp',
        'accountUsername-0': 'canary_yp_user',
        'accountPlatform-1': 'GameHub',
        'accountUsername-1': 'canary_yp_second',
      },
    ],
    ['their-profile-links', { profileLinks: 'https://example.com/canary-yp-profile' }],
    ['their-phone-numbers', { phoneNumbers: '07700 900 311' }],
    ['their-email-addresses', { emailAddresses: 'canary.yp.other@example.com' }],
    ['their-age', { otherPersonAge: 'adult' }],
    ['known-in-real-life', { knownOffline: 'no' }],
    ['your-name', { name: 'Alex Canaryyp' }],
    ['contact-details', { email: 'canary.young@example.com', phone: '' }],
    ['safe-times', { safeTimes: 'CANARY-YP-TIMES after school' }],
    ['parent-knows', { parentKnows: 'no' }],
  ],
  'parent-carer': Object.entries(completeAnswers),
  professional: [
    ['who-are-you', { audience: 'professional' }],
    ['what-is-it-about', { concerns: ['image-shared-threats'] }],
    ['immediate-danger', { immediateDanger: 'yes' }],
    ['call-999', {}],
    ['safeguarding-policy', { followedPolicy: 'yes' }],
    ['already-reported', { reportedTo: ['police', 'social-care'] }],
    ['you-do-not-need-to-report', {}],
    ['about-the-child', { childName: 'Robin Canarypro' }],
    ['the-childs-age', { childAge: '12' }],
    ['where-the-child-lives', { place: 'Canarybury' }],
    [
      'what-happened',
      { description: 'A pupil told a teacher about threats online. CANARY-PRO-WORDS' },
    ],
    ['when-did-it-start', { started: 'today' }],
    ['is-it-still-happening', { stillHappening: 'unsure' }],
    ['their-name', { names: '' }],
    ['their-usernames', { 'accountPlatform-0': '', 'accountUsername-0': 'canary_pro_user' }],
    ['their-profile-links', { profileLinks: '' }],
    ['their-phone-numbers', { phoneNumbers: '' }],
    ['their-email-addresses', {}],
    ['their-age', { otherPersonAge: 'unknown' }],
    ['known-in-real-life', { knownOffline: 'unsure' }],
    ['your-name', { name: 'Jo Canarypro' }],
    ['contact-details', { email: '', phone: '01632 960 417' }],
    ['safe-ways-to-contact', { contactWays: ['phone'] }],
    ['safe-times', { safeTimes: '' }],
  ],
  'concerned-adult': [
    ['who-are-you', { audience: 'concerned-adult' }],
    ['what-is-it-about', { concerns: ['bullying'] }],
    ['help-with-other-problems', {}],
    ['something-sexual', { concerns: ['sent-sexual-content'] }],
    ['immediate-danger', { immediateDanger: 'no' }],
    ['about-the-child', { childName: '' }],
    ['the-childs-age', { childAge: '' }],
    ['where-the-child-lives', { place: 'CR2 6XH' }],
    [
      'what-happened',
      { description: 'A child on a forum was sent an explicit picture. CANARY-CA-WORDS' },
    ],
    ['when-did-it-start', { started: 'longer' }],
    ['is-it-still-happening', { stillHappening: 'no' }],
    ['their-name', { names: 'Canaryca Poster' }],
    ['their-usernames', {}],
    ['their-profile-links', { profileLinks: 'https://forum.example.org/canary-ca-profile' }],
    ['their-phone-numbers', { phoneNumbers: '' }],
    ['their-email-addresses', {}],
    ['their-age', { otherPersonAge: 'under-18' }],
    ['known-in-real-life', { knownOffline: 'no' }],
    ['your-name', { name: 'Chris Canaryca' }],
    ['contact-details', { email: 'canary.adult@example.net', phone: '+44 7700 900 577' }],
    ['safe-ways-to-contact', { contactWays: [] }],
    ['safe-times', { safeTimes: '' }],
  ],
}

/** The strings planted in each audience's answers, as the reporter typed them. */
export const canaries: Record<Audience, readonly string[]> = {
  'young-person': [
    'M1 1AE',
    'CANARY-YP-WORDS',
    'Canaryyp Stranger',
    'canary_yp_user',
    'canary_yp_second',
    'https://example.com/canary-yp-profile',
    '07700 900 311',
    'canary.yp.other@example.com',
    'Alex Canaryyp',
    'canary.young@example.com',
    'CANARY-YP-TIMES',
  ],
  'parent-carer': [
    'Sam Canary',
    'LS1 4AP',
    'CANARY-DESCRIPTION',
    'Canary Other',
    'canary_user_99',
    'https://example.com/canary-profile',
    '07700 900 123',
    'Pat Canary',
    'canary.parent@example.com',
    '07700 900 982',
  ],
  professional: [
    'Robin Canarypro',
    'Canarybury',
    'CANARY-PRO-WORDS',
    'canary_pro_user',
    'Jo Canarypro',
    '01632 960 417',
  ],
  'concerned-adult': [
    'CR2 6XH',
    'CANARY-CA-WORDS',
    'Canaryca Poster',
    'https://forum.example.org/canary-ca-profile',
    'Chris Canaryca',
    'canary.adult@example.net',
    '+44 7700 900 577',
  ],
}

/** Runs each step's form through its page's parser, as the form would, and keeps the answers. */
export async function parseSteps(
  journey: Journey,
  steps: readonly Step[],
): Promise<JourneyAnswers> {
  let answers: JourneyAnswers = {}
  for (const [slug, form] of steps) {
    const page = journey.pages.get(slug)
    if (!page) throw new Error(`No page ${slug}`)
    const parsed = await page.parse(form, answers)
    if (!parsed.ok) throw new Error(`${slug} did not parse: ${JSON.stringify(parsed.errors)}`)
    answers = saveAnswer(journey, answers, slug, parsed.value)
  }
  return answers
}
