/** Synthetic, mild answers for a complete report, page by page, per audience. */
export const completeAnswers = {
  'who-are-you': { audience: 'parent-carer' },
  'what-is-it-about': { topic: 'sexual' },
  'immediate-danger': { immediateDanger: 'no' },
  'about-the-child': {
    childName: 'Sam Canary',
    childAge: '13',
    town: 'Leeds',
    postcode: 'LS1 4AP',
  },
  'what-happened': {
    concerns: ['asked-for-images'],
    description: 'An adult in a game asked for a photo. CANARY-DESCRIPTION',
    started: 'this-week',
    stillHappening: 'yes',
  },
  'the-other-person': {
    names: 'Canary Other',
    'accountPlatform-0': 'GameChat',
    'accountUsername-0': 'canary_user_99',
    profileLinks: 'https://example.com/canary-profile',
    phoneNumbers: '07700 900 123',
    otherPersonAge: 'adult',
    knownOffline: 'no',
  },
  'contact-details': {
    name: 'Pat Canary',
    email: 'canary.parent@example.com',
    phone: '07700 900 982',
    contactWays: ['email'],
    safeTimes: 'After 6pm',
  },
} satisfies Record<string, Record<string, string | string[]>>
