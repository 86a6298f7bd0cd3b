import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildReportJourney } from '../reports/journey.js'
import { deadlineOf, earlierFormAnswers, timeToDeadline } from './presenters.js'

const NOW = new Date('2027-01-13T10:00:00Z')
const after = (ms: number) => new Date(NOW.getTime() + ms)
const MIN = 60_000

describe('time to a deadline', () => {
  it('says how long is left, in the two largest units', () => {
    assert.equal(timeToDeadline(after(12 * MIN), NOW).text, '12 minutes left')
    assert.equal(timeToDeadline(after(61 * MIN), NOW).text, '1 hour 1 minute left')
    assert.equal(timeToDeadline(after(4 * 60 * MIN), NOW).text, '4 hours left')
    assert.equal(timeToDeadline(after((2 * 1440 + 185) * MIN), NOW).text, '2 days 3 hours left')
    assert.equal(timeToDeadline(after(30_000), NOW).text, 'less than a minute left')
  })

  it('says how long it has been overdue, from the deadline itself', () => {
    assert.deepEqual(timeToDeadline(NOW, NOW), {
      overdue: true,
      minutes: 0,
      text: 'Overdue by less than a minute',
    })
    assert.deepEqual(timeToDeadline(after(-15 * MIN), NOW), {
      overdue: true,
      minutes: -15,
      text: 'Overdue by 15 minutes',
    })
    assert.equal(timeToDeadline(after(-1440 * MIN), NOW).text, 'Overdue by 1 day')
  })

  it('is never overdue once the report is decided, however late the decision came', () => {
    const late = after(-1440 * MIN)
    assert.equal(deadlineOf({ status: 'new', deadlineAt: late }, NOW).overdue, true)
    for (const status of ['referred', 'case-opened', 'closed'])
      assert.deepEqual(deadlineOf({ status, deadlineAt: late }, NOW), {
        overdue: false,
        minutes: 0,
        text: 'Decided',
      })
  })
})

describe('answers to pages the form no longer has', () => {
  const journey = buildReportJourney(() => NOW)
  it('are shown field by field, so staff see everything the reporter said', () => {
    assert.deepEqual(
      earlierFormAnswers(
        {
          'who-are-you': { audience: 'parent-carer' },
          'the-other-person': {
            names: 'Sam Other',
            accounts: [{ platform: 'GameChat', username: 'sam_o' }],
            profileLinks: [],
          },
        },
        journey,
      ),
      [
        {
          title: 'Answers to questions the form no longer asks',
          rows: [
            { key: 'the-other-person: names', value: 'Sam Other' },
            { key: 'the-other-person: accounts', value: 'GameChat, sam_o' },
          ],
        },
      ],
    )
  })
  it('are nothing when every answer belongs to the form', () => {
    assert.deepEqual(
      earlierFormAnswers({ 'who-are-you': { audience: 'professional' } }, journey),
      [],
    )
  })
})
