import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FieldErrors, FormBody, JourneyAnswers, ParseResult } from '../web/journey.js'
import type { Audience } from './model.js'
import {
  ageOn,
  isEmail,
  isPhone,
  parseAboutTheChild,
  parseContactDetails,
  parseContinue,
  parseImmediateDanger,
  parseOtherPerson,
  parseProfessionalCheckpoint,
  parseTopic,
  parseWhatHappened,
  parseWhoAreYou,
  parseYourAge,
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
  it('asks the person to select what it is about when nothing is chosen', () => {
    assert.deepEqual(errorsOf(parseTopic({ topic: '' })), { topic: 'Select what it is about' })
  })

  for (const topic of ['sexual', 'bullying', 'fake-account', 'hacking']) {
    it(`accepts ${topic}`, () => {
      assert.deepEqual(valueOf(parseTopic({ topic })), { topic })
    })
  }
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
  it('asks both questions when nothing is answered', () => {
    assert.deepEqual(errorsOf(parseProfessionalCheckpoint({})), {
      followedPolicy: 'Select yes if you have followed your safeguarding policy',
      reportedTo: 'Select who you have already told, or select no, not yet',
    })
  })

  it('refuses "no, not yet" together with someone already told', () => {
    const body = { followedPolicy: 'yes', reportedTo: ['police', 'neither'] }
    assert.deepEqual(errorsOf(parseProfessionalCheckpoint(body)), {
      reportedTo: 'Select who you have told, or select no, not yet, but not both',
    })
  })

  it('refuses someone the form does not list', () => {
    const body = { followedPolicy: 'yes', reportedTo: ['a-friend'] }
    assert.deepEqual(errorsOf(parseProfessionalCheckpoint(body)), {
      reportedTo: 'Select who you have already told, or select no, not yet',
    })
  })

  it('accepts the police and social care together, once each', () => {
    const body = { followedPolicy: 'no', reportedTo: ['police', 'social-care', 'police'] }
    assert.deepEqual(valueOf(parseProfessionalCheckpoint(body)), {
      followedPolicy: 'no',
      reportedTo: ['police', 'social-care'],
    })
  })

  it('accepts "no, not yet" on its own', () => {
    const body = { followedPolicy: 'unsure', reportedTo: 'neither' }
    assert.deepEqual(valueOf(parseProfessionalCheckpoint(body)), {
      followedPolicy: 'unsure',
      reportedTo: ['neither'],
    })
  })
})

describe('about the child', () => {
  const parse = (body: FormBody, audience: Audience = 'parent-carer') =>
    parseAboutTheChild(body, as(audience), TODAY)
  const child = { childName: 'Sam', childAge: '12', town: 'Harrogate' }

  it('asks a parent for their child’s name, age and town, in page order', () => {
    const errors = errorsOf(parse({}))
    assert.deepEqual(errors, {
      childName: "Enter your child's name",
      childAge: 'Enter their age or date of birth',
      town: 'Enter the town or area where your child lives',
    })
    assert.deepEqual(Object.keys(errors), ['childName', 'childAge', 'town'])
  })

  it('asks a professional for the child’s name and where the child lives', () => {
    assert.deepEqual(errorsOf(parse({}, 'professional')), {
      childName: "Enter the child's name",
      childAge: 'Enter their age or date of birth',
      town: 'Enter the town or area where the child lives',
    })
  })

  it('lets a concerned adult leave the name and age blank, but not the town', () => {
    assert.deepEqual(errorsOf(parse({}, 'concerned-adult')), {
      town: 'Enter the town or area where the child lives',
    })
    assert.deepEqual(valueOf(parse({ town: 'Harrogate' }, 'concerned-adult')), {
      childName: null,
      childAge: null,
      childDateOfBirth: null,
      town: 'Harrogate',
      postcode: null,
      councilArea: null,
    })
  })

  it('asks a young person only where they live, and keeps no name or age from this page', () => {
    assert.deepEqual(errorsOf(parse({}, 'young-person')), {
      town: 'Enter the town or area where you live',
    })
    const body = { childName: 'Ignored', childAge: '3', town: 'Harrogate' }
    assert.deepEqual(valueOf(parse(body, 'young-person')), {
      childName: null,
      childAge: null,
      childDateOfBirth: null,
      town: 'Harrogate',
      postcode: null,
      councilArea: null,
    })
  })

  it('keeps a parent’s answers as typed, without surrounding spaces', () => {
    const body = { ...child, childName: '  Sam  ', councilArea: 'E08000035' }
    assert.deepEqual(valueOf(parse(body)), {
      childName: 'Sam',
      childAge: 12,
      childDateOfBirth: null,
      town: 'Harrogate',
      postcode: null,
      councilArea: 'E08000035',
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

  describe('postcode and council area', () => {
    const withPostcode = (postcode: string) => parse({ ...child, postcode })

    it('normalises a postcode typed in lower case without a space', () => {
      assert.equal(valueOf(withPostcode('ls14ap')).postcode, 'LS1 4AP')
      assert.equal(valueOf(withPostcode(' sw1a 1aa ')).postcode, 'SW1A 1AA')
    })

    for (const postcode of ['LS1', 'not a postcode', '12345', 'LS1 4AP extra']) {
      it(`refuses "${postcode}" as a postcode`, () => {
        assert.deepEqual(errorsOf(withPostcode(postcode)), {
          postcode: 'Enter a real postcode, like LS1 4AP, or leave it blank',
        })
      })
    }

    it('refuses a council area that is not a code from the list', () => {
      assert.deepEqual(errorsOf(parse({ ...child, councilArea: 'Leeds <b>' })), {
        councilArea: 'Select a council area from the list, or choose not sure',
      })
    })
  })

  describe('lengths', () => {
    it('accepts a name of 200 characters and refuses 201', () => {
      assert.equal(valueOf(parse({ ...child, childName: chars(200) })).childName, chars(200))
      assert.deepEqual(errorsOf(parse({ ...child, childName: chars(201) })), {
        childName: 'Name must be 200 characters or less',
      })
    })

    it('accepts a town of 100 characters and refuses 101', () => {
      assert.equal(valueOf(parse({ ...child, town: chars(100) })).town, chars(100))
      assert.deepEqual(errorsOf(parse({ ...child, town: chars(101) })), {
        town: 'Town or area must be 100 characters or less',
      })
    })
  })
})

describe('what happened', () => {
  const happened = {
    concerns: ['sexual-chat'],
    description: 'Someone kept sending messages.',
    started: 'this-week',
    stillHappening: 'no',
  }

  it('asks every question when nothing is answered', () => {
    assert.deepEqual(errorsOf(parseWhatHappened({}, as('young-person'))), {
      concerns: 'Select what happened',
      description: 'Tell us what happened, in your own words',
      started: 'Select when it started',
      stillHappening: 'Select yes if it is still happening to you',
    })
  })

  it('asks a parent whether it is still happening to their child', () => {
    const body = { ...happened, stillHappening: '' }
    assert.deepEqual(errorsOf(parseWhatHappened(body, as('parent-carer'))), {
      stillHappening: 'Select yes if it is still happening to your child',
    })
  })

  it('refuses a concern the form does not list', () => {
    const body = { ...happened, concerns: ['sexual-chat', 'made-up'] }
    assert.deepEqual(errorsOf(parseWhatHappened(body, as('parent-carer'))), {
      concerns: 'Select what happened',
    })
  })

  it('accepts 5,000 characters of description and refuses 5,001', () => {
    const ok = parseWhatHappened({ ...happened, description: chars(5000) }, as('parent-carer'))
    assert.equal(valueOf(ok).description, chars(5000))
    const long = parseWhatHappened({ ...happened, description: chars(5001) }, as('parent-carer'))
    assert.deepEqual(errorsOf(long), {
      description: 'What happened must be 5,000 characters or less',
    })
  })

  it('keeps several concerns and the reporter’s own words with plain line breaks', () => {
    const body = {
      ...happened,
      concerns: ['asked-for-images', 'pressure-to-meet'],
      description: 'First line\r\nSecond line',
    }
    assert.deepEqual(valueOf(parseWhatHappened(body, as('parent-carer'))), {
      concerns: ['asked-for-images', 'pressure-to-meet'],
      description: 'First line\nSecond line',
      started: 'this-week',
      stillHappening: 'no',
    })
  })
})

describe('the other person', () => {
  const person = { otherPersonAge: 'adult', knownOffline: 'no' }
  const parse = (body: FormBody, audience: Audience = 'parent-carer') =>
    parseOtherPerson(body, as(audience))

  it('needs only their age and whether they are known in real life', () => {
    assert.deepEqual(errorsOf(parse({}, 'young-person')), {
      otherPersonAge: 'Select how old you think they are',
      knownOffline: 'Select yes if you know them in real life',
    })
    assert.deepEqual(errorsOf(parse({ otherPersonAge: 'adult' })), {
      knownOffline: 'Select yes if your child knows them in real life',
    })
    assert.deepEqual(valueOf(parse(person)), {
      names: null,
      accounts: [],
      profileLinks: [],
      phoneNumbers: null,
      otherPersonAge: 'adult',
      knownOffline: 'no',
    })
  })

  it('keeps username rows in order, skipping rows left empty', () => {
    const body = {
      ...person,
      'accountPlatform-0': 'GameChat',
      'accountUsername-0': 'first_name',
      'accountPlatform-1': '',
      'accountUsername-1': '',
      'accountPlatform-2': '',
      'accountUsername-2': 'third_name',
    }
    assert.deepEqual(valueOf(parse(body)).accounts, [
      { platform: 'GameChat', username: 'first_name' },
      { platform: '', username: 'third_name' },
    ])
  })

  it('asks for the username of a row that names only the app', () => {
    const body = { ...person, 'accountPlatform-0': 'GameChat', 'accountUsername-0': '' }
    assert.deepEqual(errorsOf(parse(body)), {
      'accountUsername-0': 'Enter the username for account 1, or remove it',
    })
  })

  it('reads no more than ten username rows', () => {
    const body: Record<string, string> = { ...person }
    for (let i = 0; i < 12; i++) body[`accountUsername-${i}`] = `user_${i}`
    const accounts = valueOf(parse(body)).accounts as unknown[]
    assert.equal(accounts.length, 10)
  })

  it('refuses a username or app name over 200 characters', () => {
    const body = { ...person, 'accountPlatform-0': chars(201), 'accountUsername-0': chars(201) }
    assert.deepEqual(errorsOf(parse(body)), {
      'accountUsername-0': 'Username must be 200 characters or less',
      'accountPlatform-0': 'App or website must be 200 characters or less',
    })
  })

  it('keeps one profile link per line, ignoring blank lines', () => {
    const body = {
      ...person,
      profileLinks: 'https://example.com/one\r\n\r\n  http://example.org/two  \n',
    }
    assert.deepEqual(valueOf(parse(body)).profileLinks, [
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
      assert.deepEqual(errorsOf(parse({ ...person, profileLinks: link })), {
        profileLinks:
          'Enter each profile link as a web address on its own line, like https://example.com/name',
      })
    })
  }

  it('refuses names and phone numbers over 500 characters', () => {
    assert.deepEqual(errorsOf(parse({ ...person, names: chars(501), phoneNumbers: chars(501) })), {
      names: 'Names must be 500 characters or less',
      phoneNumbers: 'Phone numbers must be 500 characters or less',
    })
  })

  it('keeps names and phone numbers as typed', () => {
    const body = { ...person, names: 'Sky, Skye', phoneNumbers: '07700 900 456' }
    const value = valueOf(parse(body))
    assert.equal(value.names, 'Sky, Skye')
    assert.equal(value.phoneNumbers, '07700 900 456')
  })
})

describe('contact details', () => {
  const parse = (body: FormBody, audience: Audience = 'parent-carer') =>
    parseContactDetails(body, as(audience))
  const contact = { name: 'Pat', email: 'pat@example.com' }

  it('asks for a name and at least an email address or a phone number', () => {
    assert.deepEqual(errorsOf(parse({})), {
      name: 'Enter your name',
      email: 'Enter an email address or a phone number so we can contact you',
    })
  })

  it('asks a young person whether a parent or carer knows', () => {
    assert.deepEqual(errorsOf(parse(contact, 'young-person')), {
      parentKnows: 'Select yes if a parent or carer knows you are making this report',
    })
    assert.equal(
      valueOf(parse({ ...contact, parentKnows: 'no' }, 'young-person')).parentKnows,
      'no',
    )
  })

  it('does not ask an adult whether a parent knows, and keeps no answer to it', () => {
    assert.equal(valueOf(parse({ ...contact, parentKnows: 'yes' })).parentKnows, null)
  })

  it('accepts an email address alone', () => {
    assert.deepEqual(valueOf(parse(contact)), {
      name: 'Pat',
      email: 'pat@example.com',
      phone: null,
      contactWays: [],
      safeTimes: null,
      parentKnows: null,
    })
  })

  it('accepts a phone number alone, with the safe ways and times to call', () => {
    const body = {
      name: 'Pat',
      phone: '+44 (0)7700 900-982',
      contactWays: ['phone', 'text'],
      safeTimes: 'Weekday mornings',
    }
    assert.deepEqual(valueOf(parse(body)), {
      name: 'Pat',
      email: null,
      phone: '+44 (0)7700 900-982',
      contactWays: ['phone', 'text'],
      safeTimes: 'Weekday mornings',
      parentKnows: null,
    })
  })

  for (const email of ['pat', 'pat@', 'pat@example', 'pat @example.com', `${chars(250)}@ex.com`]) {
    it(`refuses "${email.slice(0, 20)}" as an email address`, () => {
      assert.deepEqual(errorsOf(parse({ name: 'Pat', email })), {
        email: 'Enter an email address in the correct format, like name@example.com',
      })
    })
  }

  for (const phone of ['call me', '12345', '0770090098212345678', '07700 900 98x']) {
    it(`refuses "${phone}" as a phone number`, () => {
      assert.deepEqual(errorsOf(parse({ name: 'Pat', phone })), {
        phone: 'Enter a phone number, like 01632 960 001 or 07700 900 982',
      })
    })
  }

  it('refuses a name over 200 characters and safe times over 500', () => {
    assert.deepEqual(errorsOf(parse({ ...contact, name: chars(201), safeTimes: chars(501) })), {
      name: 'Name must be 200 characters or less',
      safeTimes: 'Safe times must be 500 characters or less',
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
