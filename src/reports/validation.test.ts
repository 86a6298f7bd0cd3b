import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FieldErrors, FormBody, JourneyAnswers, ParseResult } from '../web/journey.js'
import type { Audience } from './model.js'
import {
  ageOn,
  contactWaysOffered,
  isEmail,
  isPhone,
  parseContactDetails,
  parseContinue,
  parseImmediateDanger,
  parseAlreadyReported,
  parseIsItStillHappening,
  parseKnownInRealLife,
  parseParentKnows,
  parseSafeguardingPolicy,
  parseSafeTimes,
  parseSafeWaysToContact,
  parseSomethingSexual,
  parseTheChildsAge,
  parseTheChildsName,
  parseTheirAge,
  parseTheirName,
  parseTheirEmailAddresses,
  parseTheirPhoneNumbers,
  parseTheirProfileLinks,
  parseTheirUsernames,
  parseWhatHappened,
  parseWhatIsItAbout,
  parseWhenDidItStart,
  parseWhereTheChildLives,
  parseWhichArea,
  parseWhoAreYou,
  parseWhoCanWeTalkTo,
  parseYourAge,
  parseYourName,
} from './validation.js'

const TODAY = new Date('2026-03-10T10:00:00Z')
const as = (audience: Audience): JourneyAnswers => ({ 'who-are-you': { audience } })

function valueOf(result: ParseResult): Record<string, unknown> {
  if (!result.ok) assert.fail(`expected a value, got errors ${JSON.stringify(result.errors)}`)
  return result.value
}

function errorsOf(result: ParseResult): FieldErrors {
  if (result.ok) assert.fail(`expected errors, got ${JSON.stringify(result.value)}`)
  return result.errors
}

const chars = (n: number) => 'a'.repeat(n)

describe('who are you', () => {
  it('asks the person to select who they are when nothing is chosen', () => {
    assert.deepEqual(errorsOf(parseWhoAreYou({})), { audience: 'Select who you are' })
  })

  it('refuses an audience the form does not offer', () => {
    assert.deepEqual(errorsOf(parseWhoAreYou({ audience: 'robot' })), {
      audience: 'Select who you are',
    })
  })

  for (const audience of ['young-person', 'parent-carer', 'professional', 'concerned-adult']) {
    it(`accepts ${audience}`, () => {
      assert.deepEqual(valueOf(parseWhoAreYou({ audience })), { audience })
    })
  }
})

describe('what it is about', () => {
  it('asks for everything that happened when nothing is chosen, as one error', () => {
    assert.deepEqual(errorsOf(parseWhatIsItAbout({})), {
      concerns: 'Select everything that happened',
    })
  })

  it('keeps every kind chosen, sexual and not, once each', () => {
    const body = { concerns: ['bullying', 'asked-for-images', 'hacking', 'bullying'] }
    assert.deepEqual(valueOf(parseWhatIsItAbout(body)), {
      concerns: ['bullying', 'asked-for-images', 'hacking'],
    })
  })

  it('refuses a kind the form does not list', () => {
    assert.deepEqual(errorsOf(parseWhatIsItAbout({ concerns: ['sexual-chat', 'gossip'] })), {
      concerns: 'Select everything that happened',
    })
  })

  it('asks what sexual thing happened too, from the sexual kinds only', () => {
    assert.deepEqual(errorsOf(parseSomethingSexual({})), {
      concerns: 'Select what else happened',
    })
    assert.deepEqual(errorsOf(parseSomethingSexual({ concerns: 'bullying' })), {
      concerns: 'Select what else happened',
    })
    assert.deepEqual(valueOf(parseSomethingSexual({ concerns: 'pressure-to-meet' })), {
      concerns: ['pressure-to-meet'],
    })
  })
})

describe('pages with only a Continue button', () => {
  it('records that the person continued', () => {
    assert.deepEqual(valueOf(parseContinue()), { continued: true })
  })
})

describe('immediate danger', () => {
  const messages: [Audience, string][] = [
    ['young-person', 'Select yes if you are in danger right now'],
    ['parent-carer', 'Select yes if your child is in danger right now'],
    ['professional', 'Select yes if the child is in danger right now'],
    ['concerned-adult', 'Select yes if the child is in danger right now'],
  ]
  for (const [audience, message] of messages) {
    it(`asks a ${audience} "${message}" when nothing is chosen`, () => {
      assert.deepEqual(errorsOf(parseImmediateDanger({}, as(audience))), {
        immediateDanger: message,
      })
    })
  }

  for (const immediateDanger of ['yes', 'no', 'unsure']) {
    it(`accepts ${immediateDanger}`, () => {
      assert.deepEqual(valueOf(parseImmediateDanger({ immediateDanger }, as('parent-carer'))), {
        immediateDanger,
      })
    })
  }
})

describe('your age', () => {
  const cases: [string, string][] = [
    ['', 'Enter your age'],
    ['fourteen', 'Your age must be a number, like 14'],
    ['-3', 'Your age must be a number, like 14'],
    ['1.5', 'Your age must be a number, like 14'],
    ['1234', 'Your age must be a number, like 14'],
    ['0', 'Enter your age, like 14'],
    ['18', 'Your age must be 17 or under. If you are 18 or over, go back and choose who you are'],
  ]
  for (const [age, message] of cases) {
    it(`says "${message}" for "${age}"`, () => {
      assert.deepEqual(errorsOf(parseYourAge({ age })), { age: message })
    })
  }

  it('accepts ages from 1 to 17 as numbers, ignoring spaces around them', () => {
    assert.deepEqual(valueOf(parseYourAge({ age: ' 14 ' })), { age: 14 })
    assert.deepEqual(valueOf(parseYourAge({ age: '1' })), { age: 1 })
    assert.deepEqual(valueOf(parseYourAge({ age: '17' })), { age: 17 })
  })
})

describe('the professional checkpoint', () => {
  it('asks whether the safeguarding policy was followed', () => {
    assert.deepEqual(errorsOf(parseSafeguardingPolicy({})), {
      followedPolicy: 'Select yes if you have followed your safeguarding policy',
    })
    assert.deepEqual(valueOf(parseSafeguardingPolicy({ followedPolicy: 'unsure' })), {
      followedPolicy: 'unsure',
    })
  })

  it('asks who has already been told when nothing is chosen', () => {
    assert.deepEqual(errorsOf(parseAlreadyReported({})), {
      reportedTo: 'Select who you have already told, or select no, not yet',
    })
  })

  it('refuses "no, not yet" together with someone already told', () => {
    assert.deepEqual(errorsOf(parseAlreadyReported({ reportedTo: ['police', 'neither'] })), {
      reportedTo: 'Select who you have told, or select no, not yet, but not both',
    })
  })

  it('refuses someone the form does not list', () => {
    assert.deepEqual(errorsOf(parseAlreadyReported({ reportedTo: ['a-friend'] })), {
      reportedTo: 'Select who you have already told, or select no, not yet',
    })
  })

  it('accepts the police and social care together, once each', () => {
    const body = { reportedTo: ['police', 'social-care', 'police'] }
    assert.deepEqual(valueOf(parseAlreadyReported(body)), {
      reportedTo: ['police', 'social-care'],
    })
  })

  it('accepts "no, not yet" on its own', () => {
    assert.deepEqual(valueOf(parseAlreadyReported({ reportedTo: 'neither' })), {
      reportedTo: ['neither'],
    })
  })
})

/** The child's name and age pages answered together, as the tests below read them. */
function both(name: ParseResult, age: ParseResult): ParseResult {
  if (name.ok && age.ok) return { ok: true, value: { ...name.value, ...age.value } }
  return { ok: false, errors: { ...(name.ok ? {} : name.errors), ...(age.ok ? {} : age.errors) } }
}

describe('about the child', () => {
  const parse = (body: FormBody, audience: Audience = 'parent-carer') =>
    both(parseTheChildsName(body, as(audience)), parseTheChildsAge(body, as(audience), TODAY))

  it('asks the name and the age on pages of their own, one error each', () => {
    assert.deepEqual(errorsOf(parseTheChildsName({}, as('parent-carer'))), {
      childName: "Enter your child's name",
    })
    assert.deepEqual(errorsOf(parseTheChildsAge({}, as('parent-carer'), TODAY)), {
      childAge: 'Enter their age or date of birth',
    })
  })
  const child = { childName: 'Sam', childAge: '12' }

  it('asks a parent for their child’s name and age, in page order', () => {
    const errors = errorsOf(parse({}))
    assert.deepEqual(errors, {
      childName: "Enter your child's name",
      childAge: 'Enter their age or date of birth',
    })
    assert.deepEqual(Object.keys(errors), ['childName', 'childAge'])
  })

  it('asks a professional for the child’s name and age', () => {
    assert.deepEqual(errorsOf(parse({}, 'professional')), {
      childName: "Enter the child's name",
      childAge: 'Enter their age or date of birth',
    })
  })

  it('lets a concerned adult leave the name and age blank', () => {
    assert.deepEqual(valueOf(parse({}, 'concerned-adult')), {
      childName: null,
      childAge: null,
      childDateOfBirth: null,
    })
  })

  it('keeps a parent’s answers as typed, without surrounding spaces', () => {
    assert.deepEqual(valueOf(parse({ ...child, childName: '  Sam  ' })), {
      childName: 'Sam',
      childAge: 12,
      childDateOfBirth: null,
    })
  })

  for (const childAge of ['18', '99', 'twelve', '-1', '1.5']) {
    it(`refuses an age of "${childAge}"`, () => {
      assert.deepEqual(errorsOf(parse({ ...child, childAge })), {
        childAge: 'Age must be a number from 0 to 17, like 12',
      })
    })
  }

  it('accepts a baby of 0 and a child of 17', () => {
    assert.equal(valueOf(parse({ ...child, childAge: '0' })).childAge, 0)
    assert.equal(valueOf(parse({ ...child, childAge: '17' })).childAge, 17)
  })

  describe('date of birth', () => {
    const dob = (dobDay: string, dobMonth: string, dobYear: string) =>
      parse({ ...child, childAge: '', dobDay, dobMonth, dobYear })

    it('works out the age from a date of birth before this year’s birthday', () => {
      const value = valueOf(dob('27', '3', '2012'))
      assert.equal(value.childDateOfBirth, '2012-03-27')
      assert.equal(value.childAge, 13)
    })

    it('counts the birthday itself as a year older', () => {
      assert.equal(valueOf(dob('10', '3', '2012')).childAge, 14)
    })

    it('keeps the age typed as well as the date of birth when both are given', () => {
      const value = valueOf(parse({ ...child, dobDay: '1', dobMonth: '1', dobYear: '2014' }))
      assert.equal(value.childAge, 12)
      assert.equal(value.childDateOfBirth, '2014-01-01')
    })

    const notReal: [string, string, string][] = [
      ['31', '2', '2015'],
      ['29', '2', '2015'],
      ['1', '13', '2015'],
      ['0', '1', '2015'],
      ['12', '', '2015'],
      ['12', '5', '15'],
      ['twelve', '5', '2015'],
    ]
    for (const [d, m, y] of notReal) {
      it(`says ${d}/${m}/${y} is not a real date`, () => {
        assert.deepEqual(errorsOf(dob(d, m, y)), {
          dobDay: 'Date of birth must be a real date, like 27 3 2012',
        })
      })
    }

    it('accepts 29 February in a leap year', () => {
      assert.equal(valueOf(dob('29', '2', '2016')).childDateOfBirth, '2016-02-29')
    })

    it('refuses a date of birth in the future', () => {
      assert.deepEqual(errorsOf(dob('11', '3', '2026')), {
        dobDay: 'Date of birth must be in the past',
      })
    })

    it('refuses a date of birth for someone who is 18 today', () => {
      assert.deepEqual(errorsOf(dob('10', '3', '2008')), {
        dobDay: 'Date of birth must be for a child under 18',
      })
    })

    it('accepts a date of birth for someone who turns 18 tomorrow', () => {
      assert.equal(valueOf(dob('11', '3', '2008')).childAge, 17)
    })
  })

  describe('lengths', () => {
    it('accepts a name of 200 characters and refuses 201', () => {
      assert.equal(valueOf(parse({ ...child, childName: chars(200) })).childName, chars(200))
      assert.deepEqual(errorsOf(parse({ ...child, childName: chars(201) })), {
        childName: 'Name must be 200 characters or less',
      })
    })
  })
})

describe('where the child lives', () => {
  const parse = (body: FormBody, audience: Audience = 'parent-carer') =>
    parseWhereTheChildLives(body, as(audience))

  it('asks a young person for their town or postcode, and offers no "don’t know"', () => {
    assert.deepEqual(errorsOf(parse({}, 'young-person')), {
      place: 'Enter the name of your town, or your postcode',
    })
    assert.deepEqual(errorsOf(parse({ placeUnknown: 'yes' }, 'young-person')), {
      place: 'Enter the name of your town, or your postcode',
    })
  })

  it('asks an adult for the town or postcode, or to say they do not know', () => {
    assert.deepEqual(errorsOf(parse({})), {
      place: 'Enter the town or postcode where your child lives, or select that you do not know',
    })
    assert.deepEqual(valueOf(parse({ placeUnknown: 'yes' }, 'concerned-adult')), {
      town: null,
      postcode: null,
      placeUnknown: true,
    })
  })

  it('refuses a place together with "I don’t know"', () => {
    assert.deepEqual(errorsOf(parse({ place: 'Leeds', placeUnknown: 'yes' })), {
      place: 'Enter a town or postcode, or select that you do not know, but not both',
    })
  })

  it('keeps a town as typed, and a postcode normalised', () => {
    assert.deepEqual(valueOf(parse({ place: '  Harrogate ' })), {
      town: 'Harrogate',
      postcode: null,
      placeUnknown: false,
    })
    assert.equal(valueOf(parse({ place: 'ls14ap' })).postcode, 'LS1 4AP')
    assert.equal(valueOf(parse({ place: ' sw1a 1aa ' })).postcode, 'SW1A 1AA')
  })

  it('accepts a place of 100 characters and refuses 101', () => {
    assert.equal(valueOf(parse({ place: chars(100) })).town, chars(100))
    assert.deepEqual(errorsOf(parse({ place: chars(101) })), {
      place: 'Town or postcode must be 100 characters or less',
    })
  })
})

describe('which area', () => {
  const several: JourneyAnswers = {
    'who-are-you': { audience: 'parent-carer' },
    'where-the-child-lives': {
      town: 'Newport',
      postcode: null,
      placeUnknown: false,
      match: 'several',
      areas: [
        { code: 'W06000022', name: 'Newport' },
        { code: 'E06000046', name: 'Isle of Wight' },
      ],
    },
  }
  const notFound: JourneyAnswers = {
    'who-are-you': { audience: 'parent-carer' },
    'where-the-child-lives': {
      town: 'Nowhere',
      postcode: null,
      placeUnknown: false,
      match: 'not-found',
      areas: [],
    },
  }

  it('accepts one of the areas offered, or not sure', () => {
    assert.deepEqual(valueOf(parseWhichArea({ councilArea: 'E06000046' }, several)), {
      councilArea: 'E06000046',
    })
    assert.deepEqual(valueOf(parseWhichArea({ councilArea: 'not-sure' }, several)), {
      councilArea: null,
    })
  })

  it('asks for a choice when none is made among several', () => {
    assert.deepEqual(errorsOf(parseWhichArea({}, several)), {
      councilArea: 'Select the area, or select not sure',
    })
  })

  it('refuses an area that was not offered', () => {
    assert.deepEqual(errorsOf(parseWhichArea({ councilArea: 'E08000035' }, several)), {
      councilArea: 'Select an area from the list, or not sure',
    })
  })

  it('takes nothing picked from the whole list as not sure, and refuses a value that is no code', () => {
    assert.deepEqual(valueOf(parseWhichArea({ councilArea: '' }, notFound)), {
      councilArea: null,
    })
    assert.deepEqual(errorsOf(parseWhichArea({ councilArea: 'Leeds <b>' }, notFound)), {
      councilArea: 'Select an area from the list, or not sure',
    })
  })
})

describe('what happened', () => {
  it('asks for what happened in their own words, as one error on an empty page', () => {
    assert.deepEqual(errorsOf(parseWhatHappened({})), {
      description: 'Tell us what happened, in your own words',
    })
  })

  it('accepts 5,000 characters of description and refuses 5,001', () => {
    assert.equal(valueOf(parseWhatHappened({ description: chars(5000) })).description, chars(5000))
    assert.deepEqual(errorsOf(parseWhatHappened({ description: chars(5001) })), {
      description: 'What happened must be 5,000 characters or less',
    })
  })

  it('keeps the reporter’s own words with plain line breaks', () => {
    assert.deepEqual(valueOf(parseWhatHappened({ description: 'First line\r\nSecond line' })), {
      description: 'First line\nSecond line',
    })
  })

  it('asks when it started', () => {
    assert.deepEqual(errorsOf(parseWhenDidItStart({ started: 'ages-ago' })), {
      started: 'Select when it started',
    })
    assert.deepEqual(valueOf(parseWhenDidItStart({ started: 'this-week' })), {
      started: 'this-week',
    })
  })

  it('asks whether it is still happening, in each reporter’s words', () => {
    assert.deepEqual(errorsOf(parseIsItStillHappening({}, as('young-person'))), {
      stillHappening: 'Select yes if it is still happening to you',
    })
    assert.deepEqual(errorsOf(parseIsItStillHappening({}, as('parent-carer'))), {
      stillHappening: 'Select yes if it is still happening to your child',
    })
    assert.deepEqual(
      valueOf(parseIsItStillHappening({ stillHappening: 'unsure' }, as('professional'))),
      {
        stillHappening: 'unsure',
      },
    )
  })
})

describe('their age and whether they are known', () => {
  it('asks how old the other person seems', () => {
    assert.deepEqual(errorsOf(parseTheirAge({})), {
      otherPersonAge: 'Select how old you think they are',
    })
    assert.deepEqual(valueOf(parseTheirAge({ otherPersonAge: 'under-18' })), {
      otherPersonAge: 'under-18',
    })
  })

  it('asks whether the child knows them in real life, in each reporter’s words', () => {
    assert.deepEqual(errorsOf(parseKnownInRealLife({}, as('young-person'))), {
      knownOffline: 'Select yes if you know them in real life',
    })
    assert.deepEqual(errorsOf(parseKnownInRealLife({}, as('parent-carer'))), {
      knownOffline: 'Select yes if your child knows them in real life',
    })
    assert.deepEqual(valueOf(parseKnownInRealLife({ knownOffline: 'no' }, as('parent-carer'))), {
      knownOffline: 'no',
    })
  })
})

describe('the other person, one kind of detail per page', () => {
  it('lets every page be left blank', () => {
    assert.deepEqual(valueOf(parseTheirName({})), { names: null })
    assert.deepEqual(valueOf(parseTheirUsernames({})), { accounts: [] })
    assert.deepEqual(valueOf(parseTheirProfileLinks({})), { profileLinks: [] })
    assert.deepEqual(valueOf(parseTheirPhoneNumbers({})), { phoneNumbers: null })
    assert.deepEqual(valueOf(parseTheirEmailAddresses({})), { emailAddresses: [] })
  })

  it('takes several email addresses apart by spaces, commas or lines', () => {
    const body = { emailAddresses: ' one@example.com two@example.org,three@example.net\r\n' }
    assert.deepEqual(valueOf(parseTheirEmailAddresses(body)).emailAddresses, [
      'one@example.com',
      'two@example.org',
      'three@example.net',
    ])
  })

  it('refuses an email address in the wrong format, and too many characters', () => {
    const wrong = 'Enter each email address in the correct format, like name@example.com'
    for (const emailAddresses of ['one@example.com their-name', 'one@example'])
      assert.deepEqual(errorsOf(parseTheirEmailAddresses({ emailAddresses })), {
        emailAddresses: wrong,
      })
    const long = Array.from({ length: 30 }, (_, i) => `person${i}@example.com`).join(' ')
    assert.deepEqual(errorsOf(parseTheirEmailAddresses({ emailAddresses: long })), {
      emailAddresses: 'Email addresses must be 500 characters or less',
    })
  })

  it('keeps username rows in order, skipping rows left empty', () => {
    const body = {
      'accountPlatform-0': 'GameChat',
      'accountUsername-0': 'first_name',
      'accountPlatform-1': '',
      'accountUsername-1': '',
      'accountPlatform-2': '',
      'accountUsername-2': 'third_name',
    }
    assert.deepEqual(valueOf(parseTheirUsernames(body)).accounts, [
      { platform: 'GameChat', username: 'first_name' },
      { platform: '', username: 'third_name' },
    ])
  })

  it('asks for the username of a row that names only the app', () => {
    const body = { 'accountPlatform-0': 'GameChat', 'accountUsername-0': '' }
    assert.deepEqual(errorsOf(parseTheirUsernames(body)), {
      'accountUsername-0': 'Enter the username for account 1, or remove it',
    })
  })

  it('reads no more than ten username rows', () => {
    const body: Record<string, string> = {}
    for (let i = 0; i < 12; i++) body[`accountUsername-${i}`] = `user_${i}`
    const accounts = valueOf(parseTheirUsernames(body)).accounts as unknown[]
    assert.equal(accounts.length, 10)
  })

  it('refuses a username or app name over 200 characters', () => {
    const body = { 'accountPlatform-0': chars(201), 'accountUsername-0': chars(201) }
    assert.deepEqual(errorsOf(parseTheirUsernames(body)), {
      'accountUsername-0': 'Username must be 200 characters or less',
      'accountPlatform-0': 'App or website must be 200 characters or less',
    })
  })

  it('keeps one profile link per line, ignoring blank lines', () => {
    const body = { profileLinks: 'https://example.com/one\r\n\r\n  http://example.org/two  \n' }
    assert.deepEqual(valueOf(parseTheirProfileLinks(body)).profileLinks, [
      'https://example.com/one',
      'http://example.org/two',
    ])
  })

  for (const link of [
    'example.com/name',
    'javascript:alert(1)',
    'https://example',
    'https://exa mple.com',
    `https://example.com/${chars(490)}`,
  ]) {
    it(`refuses "${link.slice(0, 30)}" as a profile link`, () => {
      assert.deepEqual(errorsOf(parseTheirProfileLinks({ profileLinks: link })), {
        profileLinks:
          'Enter each profile link as a web address on its own line, like https://example.com/name',
      })
    })
  }

  it('refuses names and phone numbers over 500 characters', () => {
    assert.deepEqual(errorsOf(parseTheirName({ names: chars(501) })), {
      names: 'Names must be 500 characters or less',
    })
    assert.deepEqual(errorsOf(parseTheirPhoneNumbers({ phoneNumbers: chars(501) })), {
      phoneNumbers: 'Phone numbers must be 500 characters or less',
    })
  })

  it('keeps names and phone numbers as typed', () => {
    assert.equal(valueOf(parseTheirName({ names: 'Sky, Skye' })).names, 'Sky, Skye')
    const phones = parseTheirPhoneNumbers({ phoneNumbers: '07700 900 456' })
    assert.equal(valueOf(phones).phoneNumbers, '07700 900 456')
  })
})

describe('how to contact the reporter', () => {
  const nineYearOld: JourneyAnswers = {
    'who-are-you': { audience: 'young-person' },
    'your-age': { age: 9 },
  }
  const withTrustedAdult: JourneyAnswers = {
    ...nineYearOld,
    'who-can-we-talk-to': { contactPerson: 'trusted-adult' },
  }

  it('asks for a name, as reports are not anonymous', () => {
    assert.deepEqual(errorsOf(parseYourName({}, as('parent-carer'))), { name: 'Enter your name' })
    assert.deepEqual(valueOf(parseYourName({ name: ' Pat ' }, as('parent-carer'))), {
      name: 'Pat',
    })
    assert.deepEqual(errorsOf(parseYourName({ name: chars(201) }, as('parent-carer'))), {
      name: 'Name must be 200 characters or less',
    })
  })

  it('asks for at least an email address or a phone number', () => {
    assert.deepEqual(errorsOf(parseContactDetails({}, as('parent-carer'))), {
      email: 'Enter an email address or a phone number so we can contact you',
    })
    assert.deepEqual(valueOf(parseContactDetails({ email: 'pat@example.com' }, {})), {
      email: 'pat@example.com',
      phone: null,
    })
    assert.deepEqual(valueOf(parseContactDetails({ phone: '+44 (0)7700 900-982' }, {})), {
      email: null,
      phone: '+44 (0)7700 900-982',
    })
  })

  for (const email of ['pat', 'pat@', 'pat@example', 'pat @example.com', `${chars(250)}@ex.com`]) {
    it(`refuses "${email.slice(0, 20)}" as an email address`, () => {
      assert.deepEqual(errorsOf(parseContactDetails({ email }, {})), {
        email: 'Enter an email address in the correct format, like name@example.com',
      })
    })
  }

  for (const phone of ['call me', '12345', '0770090098212345678', '07700 900 98x']) {
    it(`refuses "${phone}" as a phone number`, () => {
      assert.deepEqual(errorsOf(parseContactDetails({ phone }, {})), {
        phone: 'Enter a phone number, like 01632 960 001 or 07700 900 982',
      })
    })
  }

  it('offers as safe ways only the ways that were given', () => {
    const both = { 'contact-details': { email: 'pat@example.com', phone: '01632 960 001' } }
    const phoneOnly = { 'contact-details': { email: null, phone: '01632 960 001' } }
    assert.deepEqual(contactWaysOffered(both), ['phone', 'text', 'email'])
    assert.deepEqual(contactWaysOffered(phoneOnly), ['phone', 'text'])
    assert.deepEqual(valueOf(parseSafeWaysToContact({ contactWays: ['text'] }, phoneOnly)), {
      contactWays: ['text'],
    })
    assert.deepEqual(valueOf(parseSafeWaysToContact({}, phoneOnly)), { contactWays: [] })
    assert.deepEqual(errorsOf(parseSafeWaysToContact({ contactWays: ['email'] }, phoneOnly)), {
      contactWays: 'Select the safe ways to contact you from the list',
    })
  })

  it('lets safe times be left blank, and refuses more than 500 characters', () => {
    assert.deepEqual(valueOf(parseSafeTimes({})), { safeTimes: null })
    assert.deepEqual(valueOf(parseSafeTimes({ safeTimes: 'Weekday mornings' })), {
      safeTimes: 'Weekday mornings',
    })
    assert.deepEqual(errorsOf(parseSafeTimes({ safeTimes: chars(501) })), {
      safeTimes: 'Safe times must be 500 characters or less',
    })
  })

  it('asks a young person whether a parent or carer knows', () => {
    assert.deepEqual(errorsOf(parseParentKnows({})), {
      parentKnows: 'Select yes if a parent or carer knows you are making this report',
    })
    assert.deepEqual(valueOf(parseParentKnows({ parentKnows: 'no' })), { parentKnows: 'no' })
  })

  describe('a child under 11', () => {
    it('asks who we should talk to: the child or a grown-up they trust', () => {
      assert.deepEqual(errorsOf(parseWhoCanWeTalkTo({})), {
        contactPerson: 'Select who we should talk to',
      })
      assert.deepEqual(valueOf(parseWhoCanWeTalkTo({ contactPerson: 'trusted-adult' })), {
        contactPerson: 'trusted-adult',
      })
    })

    it('asks for the trusted grown-up’s name and a way to reach them', () => {
      assert.deepEqual(errorsOf(parseYourName({}, withTrustedAdult)), {
        name: "Enter the grown-up's name",
      })
      assert.deepEqual(errorsOf(parseContactDetails({}, withTrustedAdult)), {
        email: "Enter the grown-up's email or phone number",
      })
      assert.deepEqual(valueOf(parseContactDetails({ phone: '01632 960 001' }, withTrustedAdult)), {
        email: null,
        phone: '01632 960 001',
      })
    })

    it('speaks to the child when they chose themselves', () => {
      const me = { ...nineYearOld, 'who-can-we-talk-to': { contactPerson: 'me' } }
      assert.deepEqual(errorsOf(parseYourName({}, me)), { name: 'Enter your name' })
    })

    it('does not count a trusted adult for a young person of 11 or over', () => {
      const fourteen: JourneyAnswers = { ...withTrustedAdult, 'your-age': { age: 14 } }
      assert.deepEqual(errorsOf(parseYourName({}, fourteen)), { name: 'Enter your name' })
    })
  })
})

describe('small format checks', () => {
  it('recognises ordinary email addresses', () => {
    assert.equal(isEmail('first.last+tag@example.co.uk'), true)
    assert.equal(isEmail('no-at-sign.example.com'), false)
  })

  it('recognises UK and international phone numbers with common separators', () => {
    assert.equal(isPhone('01632 960 001'), true)
    assert.equal(isPhone('+1 (555) 010-9999'), true)
    assert.equal(isPhone('999'), false)
  })

  it('counts a 29 February birthday as passed on 1 March in other years', () => {
    const born = new Date('2012-02-29T00:00:00Z')
    assert.equal(ageOn(born, new Date('2026-02-28T12:00:00Z')), 13)
    assert.equal(ageOn(born, new Date('2026-03-01T12:00:00Z')), 14)
  })
})
