import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { apiReport } from '../../test/api.js'
import { buildReportJourney } from '../reports/journey.js'
import { bodyHash, keyFromAuthorization, newApiKey } from './keys.js'
import { schemaProblems } from './problems.js'
import { answersFrom, formBodies, pointerFor, startedFrom } from './report-answers.js'

const NOW = new Date('2026-11-30T10:00:00Z')
const journey = buildReportJourney(() => NOW)

describe('an API report as the form’s answers', () => {
  it('answers every page a professional meets, as the form would store them', async () => {
    const outcome = await answersFrom(journey, formBodies(apiReport(), NOW))
    assert.ok(outcome.ok)
    const answers = outcome.answers
    assert.deepEqual(answers['who-are-you'], { audience: 'professional' })
    assert.deepEqual(answers['safeguarding-policy'], { followedPolicy: 'yes' })
    assert.deepEqual(answers['already-reported'], { reportedTo: ['neither'] })
    assert.deepEqual(answers['the-childs-age'], { childAge: 13, childDateOfBirth: null })
    assert.deepEqual(answers['their-usernames'], {
      accounts: [{ platform: 'Synthetic Chat', username: 'alex_example (user ID 12345)' }],
    })
    assert.deepEqual(answers['their-profile-links'], {
      profileLinks: ['https://chat.example.org/u/alex_example'],
    })
    assert.deepEqual(answers['when-did-it-start'], { started: 'this-week' })
    assert.deepEqual(answers['contact-details'], {
      email: 'safety@chat.example.org',
      phone: null,
    })
  })

  it('takes a date of birth in place of an age, and works the age out', async () => {
    const report = apiReport({ victim: { name: 'Sam', dateOfBirth: '2013-06-01' } })
    const outcome = await answersFrom(journey, formBodies(report, NOW))
    assert.ok(outcome.ok)
    assert.deepEqual(outcome.answers['the-childs-age'], {
      childAge: 13,
      childDateOfBirth: '2013-06-01',
    })
  })

  it('points each of the form’s errors at the field in the JSON', async () => {
    const adult = apiReport({ victim: { name: 'Sam', dateOfBirth: '2001-01-01' } })
    assert.deepEqual(await answersFrom(journey, formBodies(adult, NOW)), {
      ok: false,
      errors: [
        { pointer: '/victim/dateOfBirth', detail: 'Date of birth must be for a child under 18' },
      ],
    })
    const account = apiReport()
    account.personOrUserReported.accounts = [{ espService: 'Synthetic Chat' }]
    const noName = await answersFrom(journey, formBodies(account, NOW))
    assert.ok(!noName.ok)
    assert.equal(noName.errors[0]?.pointer, '/personOrUserReported/accounts/0/screenName')
  })

  it('gives the other person’s email addresses to the form’s page for them', async () => {
    const report = apiReport()
    report.personOrUserReported.emails = ['one@example.com', 'two@example.org']
    const outcome = await answersFrom(journey, formBodies(report, NOW))
    assert.ok(outcome.ok)
    assert.deepEqual(outcome.answers['their-email-addresses'], {
      emailAddresses: ['one@example.com', 'two@example.org'],
    })
    const none = await answersFrom(journey, formBodies(apiReport(), NOW))
    assert.ok(none.ok)
    assert.deepEqual(none.answers['their-email-addresses'], { emailAddresses: [] })
    report.personOrUserReported.emails = ['not an email']
    const wrong = await answersFrom(journey, formBodies(report, NOW))
    assert.ok(!wrong.ok)
    assert.equal(wrong.errors[0]?.pointer, '/personOrUserReported/emails')
  })

  it('puts when it started in the form’s rough terms', () => {
    const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString()
    assert.equal(startedFrom(undefined, NOW), 'unsure')
    assert.equal(startedFrom(ago(0.5), NOW), 'today')
    assert.equal(startedFrom(ago(3), NOW), 'this-week')
    assert.equal(startedFrom(ago(20), NOW), 'this-month')
    assert.equal(startedFrom(ago(400), NOW), 'longer')
  })

  it('names a field no page maps as the whole body', () => {
    assert.equal(pointerFor('accountPlatform-3'), '/personOrUserReported/accounts/3/espService')
    assert.equal(pointerFor('somethingNew'), '')
  })
})

describe('schema errors as problems', () => {
  it('names the missing or surplus field, and the part of the request', () => {
    assert.deepEqual(
      schemaProblems('body', [
        { instancePath: '/victim', keyword: 'required', params: { missingProperty: 'name' } },
        {
          instancePath: '',
          keyword: 'additionalProperties',
          params: { additionalProperty: 'x' },
        },
        { instancePath: '/age', keyword: 'type', params: {}, message: 'must be integer' },
      ]),
      [
        { pointer: '/victim/name', detail: 'Required' },
        { pointer: '/x', detail: 'Not a field of this request: remove it' },
        { pointer: '/age', detail: 'Must be integer' },
      ],
    )
    assert.equal(
      schemaProblems('headers', [
        { instancePath: '/idempotency-key', keyword: 'maxLength', params: {}, message: 'too long' },
      ])[0]?.pointer,
      '/headers/idempotency-key',
    )
  })
})

describe('keys and bodies', () => {
  it('reads a key only from a Bearer header of the right shape', () => {
    const key = newApiKey()
    assert.equal(keyFromAuthorization(`Bearer ${key}`), key)
    assert.equal(keyFromAuthorization(`bearer ${key}`), key)
    assert.equal(keyFromAuthorization(key), undefined)
    assert.equal(keyFromAuthorization('Bearer not-ours'), undefined)
    assert.equal(keyFromAuthorization(undefined), undefined)
  })

  it('hashes the same data alike in any key order, and other data otherwise', () => {
    assert.equal(
      bodyHash({ a: 1, b: [1, { c: 2, d: 3 }] }),
      bodyHash({ b: [1, { d: 3, c: 2 }], a: 1 }),
    )
    assert.notEqual(bodyHash({ a: [1, 2] }), bodyHash({ a: [2, 1] }))
    assert.notEqual(bodyHash({ a: '1' }), bodyHash({ a: 1 }))
  })
})
