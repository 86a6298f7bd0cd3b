import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  findPhoneNumbersInText,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js'
import examples from 'libphonenumber-js/mobile/examples'
import {
  foldText,
  identifiersOf,
  normaliseName,
  normalisePhone,
  normalisePlatform,
  normaliseUsername,
  parseProfileLink,
  phonesIn,
  type IdentifierSources,
} from './identifiers.js'

const RUNS = { numRuns: 500 }

/** Usernames as platforms allow them: letters (some accented), digits, dots and underscores. */
const username = fc
  .array(fc.constantFrom(...Array.from('abcdefghijklmnopqrstuvwxyz0123456789._éøñü')), {
    minLength: 1,
    maxLength: 20,
  })
  .map((chars) => chars.join(''))

/** The full-width form of each ASCII character, as some phone keyboards type them. */
const fullWidth = (text: string) =>
  Array.from(text)
    .map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0) : c))
    .join('')

/** The same username as people write it: case, spaces around, "@", full width, zero-width. */
const writtenDifferently = (name: string) =>
  fc
    .record({
      upper: fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }),
      at: fc.constantFrom('', '@', '@@'),
      before: fc.constantFrom('', ' ', '\t', '  '),
      after: fc.constantFrom('', ' ', '\n'),
      wide: fc.boolean(),
      zeroWidth: fc.boolean(),
    })
    .map(({ upper, at, before, after, wide, zeroWidth }) => {
      const cased = Array.from(name)
        .map((c, i) => (upper[i] ? c.toUpperCase() : c))
        .join('')
      const shaped = wide ? fullWidth(cased) : cased
      const hidden = zeroWidth ? `${shaped.slice(0, 1)}\u200b${shaped.slice(1)}` : shaped
      return `${before}${at}${hidden}${after}`
    })

describe('normalising usernames', () => {
  it('matches the same username however it is written', () => {
    fc.assert(
      fc.property(
        username.chain((name) => fc.tuple(fc.constant(name), writtenDifferently(name))),
        ([name, written]) => normaliseUsername(written) === normaliseUsername(name),
      ),
      RUNS,
    )
  })

  it('never matches two different usernames', () => {
    fc.assert(
      fc.property(username, username, (a, b) => {
        fc.pre(a !== b)
        return normaliseUsername(a) !== normaliseUsername(b)
      }),
      RUNS,
    )
  })

  it('is idempotent, so a stored form normalises to itself', () => {
    // Found by this property: folding turns U+FE70 into a space and a mark, and without the
    // space the mark must be reordered before the half note's stem.
    assert.equal(
      normaliseUsername(normaliseUsername('\u{1D15E}\uFE70')),
      normaliseUsername('\u{1D15E}\uFE70'),
    )
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        const once = normaliseUsername(text)
        return normaliseUsername(once) === once
      }),
      RUNS,
    )
  })

  it('folds compatibility forms such as ligatures and full-width letters', () => {
    assert.equal(normaliseUsername('ﬁsh_ｔｒａｐ'), 'fish_trap')
    assert.equal(normaliseUsername('@GameChat_Pal'), 'gamechat_pal')
  })

  it('treats the names people use for one platform as one', () => {
    // Found by fuzzing: the parentheses of U+3200 kept its consonant from the next vowel.
    assert.equal(
      normalisePlatform(normalisePlatform('\u3200\u314F')),
      normalisePlatform('\u3200\u314F'),
    )
    assert.equal(normalisePlatform('Insta'), normalisePlatform(' INSTAGRAM '))
    assert.equal(normalisePlatform('Twitter'), normalisePlatform('X'))
    assert.equal(normalisePlatform('Snap chat'), 'snapchat')
    assert.notEqual(normalisePlatform('Snapchat'), normalisePlatform('Instagram'))
  })
})

const sources = (over: Partial<IdentifierSources>): IdentifierSources => ({
  accounts: [],
  profileLinks: [],
  otherPhones: null,
  otherText: [],
  child: { name: null, dateOfBirth: null, age: null },
  reporter: { phone: null, email: null },
  ...over,
})
const ids = (over: Partial<IdentifierSources>) =>
  identifiersOf(sources(over), 'GB').map((i) => `${i.kind}:${i.value.replace('\u0000', '|')}`)

describe('profile links', () => {
  it('finds the username in a profile link on a platform whose addresses name it', () => {
    fc.assert(
      fc.property(
        username.filter((n) => !n.includes('.') && !['p', 'home', 'explore'].includes(n)),
        fc.constantFrom('https://', 'http://', ''),
        fc.constantFrom('www.', 'm.', ''),
        fc.constantFrom('', '/', '/?hl=en', '#top'),
        (name, scheme, sub, tail) => {
          const fromLink = ids({ profileLinks: [`${scheme}${sub}instagram.com/${name}${tail}`] })
          const fromName = ids({ accounts: [{ platform: 'Instagram', username: `@${name}` }] })
          return fromName.every((id) => fromLink.includes(id))
        },
      ),
      RUNS,
    )
  })

  it('writes one profile link one way, and keeps different paths apart', () => {
    assert.equal(
      parseProfileLink('HTTPS://WWW.Example.com/Canary-Profile/?ref=share')?.value,
      parseProfileLink('example.com/canary-profile')?.value,
    )
    assert.notEqual(
      parseProfileLink('https://example.com/one')?.value,
      parseProfileLink('https://example.com/two')?.value,
    )
    assert.equal(parseProfileLink('https://www.facebook.com/profile.php?id=1')?.account, undefined)
  })

  it('reads an address typed in the username box as the account it names', () => {
    assert.deepEqual(ids({ accounts: [{ platform: '', username: 'tiktok.com/@Sunny_Day' }] }), [
      'username:tiktok|sunny_day',
    ])
  })
})

describe('phone numbers', () => {
  const formats = [
    '07700 900123',
    '07700900123',
    '+44 7700 900123',
    '+447700900123',
    '0044 7700 900 123',
    '(07700) 900-123',
    '+44 (0)7700 900123',
    '０７７００ ９００１２３',
  ]

  it('writes every way of writing one number as the same E.164 number', () => {
    for (const written of formats) assert.equal(normalisePhone(written, 'GB'), '+447700900123')
  })

  it('keeps different numbers apart', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), (a, b) => {
        fc.pre(a !== b)
        const number = (n: number) => `07700 900${String(n).padStart(3, '0')}`
        return normalisePhone(number(a), 'GB') !== normalisePhone(number(b), 'GB')
      }),
      RUNS,
    )
  })

  it('finds each number in free text, and nothing in text without one', () => {
    assert.deepEqual(phonesIn('07700 900123 or +44 1632 960417, maybe', 'GB'), [
      '+447700900123',
      '+441632960417',
    ])
    assert.deepEqual(phonesIn('call 07700 900123 after 6pm', 'GB'), ['+447700900123'])
    assert.deepEqual(phonesIn('mobile: +44 (0) 7700 900 123 / home 01632 960417', 'GB'), [
      '+447700900123',
      '+441632960417',
    ])
    assert.deepEqual(phonesIn('he never gave one', 'GB'), [])
    assert.equal(normalisePhone('123', 'GB'), undefined)
  })

  it('reads a number with an international prefix whatever the default country', () => {
    assert.equal(normalisePhone('+1 (213) 373-4253', 'GB'), '+12133734253')
    assert.equal(normalisePhone('(213) 373-4253', 'US'), '+12133734253')
  })
})

describe("reading numbers by the default country's own plan", () => {
  /**
   * Real-looking mobile numbers of every country (the library's examples with their last digits
   * changed), written as people write them: international, with 00, or in the national format.
   */
  const mobile = fc
    .record({
      country: fc.constantFrom(...(Object.keys(examples) as CountryCode[])),
      ending: fc.stringMatching(/^[0-9]{0,4}$/),
      style: fc.constantFrom('international', '00', 'national', 'compact'),
    })
    .map(({ country, ending, style }) => {
      const example = examples[country]
      const national = example.slice(0, example.length - ending.length) + ending
      const number = parsePhoneNumberFromString(`+${getCountryCallingCode(country)}${national}`)
      if (!number) return { country, text: national }
      if (style === 'national') return { country, text: number.formatNational() }
      if (style === 'compact') return { country, text: number.number }
      const international = number.formatInternational()
      return { country, text: style === '00' ? `00${international.slice(1)}` : international }
    })
  // Not Canada: see the last test.
  const country = fc.constantFrom<CountryCode>('GB', 'JE', 'IM', 'US', 'FR', 'AU', 'IE', 'DE')

  /** What the library gives reading with every country that shares a code, the slow way. */
  const everyCountry = (text: string, defaultCountry: CountryCode) => {
    const folded = foldText(text)
    // normalisePhone's own rule: fewer than seven digits is not taken as a number.
    if ((folded.match(/\d/g) ?? []).length < 7) return undefined
    const parsed = parsePhoneNumberFromString(folded, { defaultCountry })
    return parsed?.isPossible() ? parsed.number : undefined
  }

  it('gives every number the E.164 form that reading it with every country gives', () => {
    fc.assert(
      fc.property(mobile, country, ({ country: home, text }, other) => {
        for (const defaultCountry of [home, other]) {
          assert.equal(normalisePhone(text, defaultCountry), everyCountry(text, defaultCountry))
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('never loses a number that reading with every country takes, however odd', () => {
    const anyDigits = fc
      .tuple(fc.constantFrom('+', '00', '0', ''), fc.stringMatching(/^[0-9]{4,14}$/))
      .map(([prefix, digits]) => prefix + digits)
    fc.assert(
      fc.property(anyDigits, country, (text, defaultCountry) => {
        const expected = everyCountry(text, defaultCountry)
        if (expected !== undefined) assert.equal(normalisePhone(text, defaultCountry), expected)
      }),
      { numRuns: 2000 },
    )
  })

  it("reads a local number by the default country's own plan, as Canada allows seven digits", () => {
    // Detection among the 25 countries sharing +1 refuses it; Canada's own plan takes it.
    assert.equal(everyCountry('721 2345', 'CA'), undefined)
    assert.equal(normalisePhone('721 2345', 'CA'), '+17212345')
  })

  it("reads a number written with a shared code by that code's own plan, wherever the agency is", () => {
    // Britain's plan drops the 0 kept after +44; Jersey's alone would keep it (fast-check found
    // +440000000000 read from Jersey).
    for (const defaultCountry of ['GB', 'JE', 'IM'] as const) {
      assert.equal(normalisePhone('+44 0800 123456', defaultCountry), '+44800123456')
      assert.deepEqual(phonesIn('call +44 0800 123456', defaultCountry), ['+44800123456'])
      assert.equal(normalisePhone('+440000000000', defaultCountry), '+44000000000')
    }
    assert.equal(normalisePhone('01534 123456', 'JE'), '+441534123456')
  })

  it('finds in free text the numbers that reading with every country finds', () => {
    fc.assert(
      fc.property(fc.array(mobile, { minLength: 1, maxLength: 3 }), country, (numbers, c) => {
        const text = numbers.map((n) => n.text).join(' or ')
        const expected = foldText(text)
          .split(/[\n,;/]|\bor\b|\band\b/u)
          .flatMap((part) =>
            findPhoneNumbersInText(part, { defaultCountry: c, extended: true }).map(
              (f) => f.number.number,
            ),
          )
        assert.deepEqual(phonesIn(text, c), expected)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('every identifier in a report', () => {
  it('takes the accounts, links, numbers and emails of the other person, the child and the reporter', () => {
    const found = ids({
      accounts: [
        { platform: 'GameChat', username: '@Canary_User' },
        { platform: 'WhatsApp', username: '07700 900311' },
      ],
      profileLinks: ['https://example.com/canary-profile'],
      otherPhones: '07700 900123, sender@example.org',
      otherText: ['Calls himself Sam, sam.sender@Example.org'],
      child: { name: 'Zoë  O’Neil', dateOfBirth: '2013-04-02', age: 13 },
      reporter: { phone: '+44 7700 900982', email: 'Parent@Example.com' },
    })
    assert.deepEqual(found.sort(), [
      'child-name-age:zoe o neil|13',
      'child-name-birth-date:zoe o neil|2013-04-02',
      'other-email:sam.sender@example.org',
      'other-email:sender@example.org',
      'other-phone:+447700900123',
      'other-phone:+447700900311',
      'profile-link:example.com/canary-profile',
      'reporter-email:parent@example.com',
      'reporter-phone:+447700900982',
      'username:gamechat|canary_user',
      'username:whatsapp|07700900311',
    ])
  })

  it('links on a child only with a date of birth or an age, never a name alone', () => {
    assert.deepEqual(ids({ child: { name: 'Sam', dateOfBirth: null, age: null } }), [])
    assert.deepEqual(ids({ child: { name: '  ', dateOfBirth: null, age: 9 } }), [])
  })

  it('matches a child name written with other accents, case or spacing', () => {
    assert.equal(normaliseName('  ZOË   o’neil '), normaliseName('Zoe O Neil'))
    assert.notEqual(normaliseName('Zoe ONeil'), normaliseName('Zoe O Neil'))
  })

  it('lists each identifier once', () => {
    const found = ids({
      accounts: [
        { platform: 'Insta', username: 'sunny' },
        { platform: 'Instagram', username: '@SUNNY' },
      ],
      profileLinks: ['instagram.com/sunny'],
    })
    assert.deepEqual(found.sort(), ['profile-link:instagram.com/sunny', 'username:instagram|sunny'])
  })
})
