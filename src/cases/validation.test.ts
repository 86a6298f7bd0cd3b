import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dueView, planChanges } from './presenters.js'
import { parseCaseNumber, parseContact, parsePlan, type PlanContent } from './validation.js'

const NOW = new Date('2027-01-13T10:00:00Z')
let n = 0
const newId = () => `00000000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`

describe('case forms', () => {
  it('reads case numbers as people write them', () => {
    assert.equal(parseCaseNumber('C-00042'), 42)
    assert.equal(parseCaseNumber(' c42 '), 42)
    assert.equal(parseCaseNumber('42'), 42)
    assert.equal(parseCaseNumber('C-0'), undefined)
    assert.equal(parseCaseNumber('SC-482-177-3016'), undefined)
  })

  it('takes a contact in the past, on the office clock, and refuses one in the future', () => {
    const base = { method: 'phone', withWhom: 'The reporter', outcome: 'spoke' }
    const past = parseContact(
      { ...base, 'when-day': '13', 'when-month': '1', 'when-year': '2027', time: '9.05' },
      NOW,
      'Europe/London',
    )
    assert.equal(past.ok && past.value.happenedAt.toISOString(), '2027-01-13T09:05:00.000Z')
    const future = parseContact(
      { ...base, 'when-day': '13', 'when-month': '1', 'when-year': '2027', time: '11:00' },
      NOW,
      'Europe/London',
    )
    assert.deepEqual(future.ok ? {} : future.errors, {
      'when-day': 'The date and time of the contact must be in the past',
    })
    // In summer the office clock is an hour ahead of UTC: 09:05 BST is 08:05 UTC.
    const summer = parseContact(
      { ...base, 'when-day': '3', 'when-month': '7', 'when-year': '2026', time: '09:05' },
      NOW,
      'Europe/London',
    )
    assert.equal(summer.ok && summer.value.happenedAt.toISOString(), '2026-07-03T08:05:00.000Z')
    const unreal = parseContact(
      { ...base, 'when-day': '30', 'when-month': '2', 'when-year': '2027', time: '10:00' },
      NOW,
      'Europe/London',
    )
    assert.equal(unreal.ok, false)
  })

  it('leaves out blank plan rows and names what a half-filled row lacks', () => {
    const common = { 'review-day': '20', 'review-month': '1', 'review-year': '2027', agreed: 'yes' }
    const parsed = parsePlan(
      {
        ...common,
        'action-0-what': 'Block the account',
        'action-0-who': 'reporter',
        'action-0-due-day': '14',
        'action-0-due-month': '1',
        'action-0-due-year': '2027',
        'action-0-status': 'to-do',
        'action-1-status': 'to-do',
        'action-2-what': 'Tell the school',
        'action-2-status': 'to-do',
      },
      3,
      '2027-01-13',
      newId,
    )
    assert.deepEqual(parsed.ok ? {} : parsed.errors, {
      'action-2-who': 'Select who does action 3',
      'action-2-due-day': 'Enter when action 3 is due',
    })
    const past = parsePlan({ ...common, 'review-year': '2026' }, 1, '2027-01-13', newId)
    assert.deepEqual(Object.keys(past.ok ? {} : past.errors), ['action-0-what', 'review-day'])
  })
})

describe('what changed in the plan', () => {
  const v1: PlanContent = {
    actions: [
      { id: 'a', what: 'Block the account', who: 'reporter', due: '2027-01-14', status: 'to-do' },
      { id: 'b', what: 'Tell the school', who: 'parent', due: '2027-01-15', status: 'to-do' },
    ],
    reviewOn: '2027-01-20',
    agreedWithReporter: false,
  }

  it('names each added, changed and removed action, and the review date', () => {
    const v2: PlanContent = {
      actions: [
        { id: 'a', what: 'Block the account', who: 'reporter', due: '2027-01-14', status: 'done' },
        { id: 'c', what: 'Check in', who: 'agency', due: '2027-01-18', status: 'to-do' },
      ],
      reviewOn: '2027-01-27',
      agreedWithReporter: true,
    }
    assert.deepEqual(planChanges(v1, v2), [
      '“Block the account”: done, was to do',
      'Added “Check in” (us (the agency), due 18 January 2027, to do)',
      'Removed “Tell the school”',
      'Review date 27 January 2027, was 20 January 2027',
      'Now agreed with the reporter',
    ])
    assert.deepEqual(planChanges(undefined, v1), ['First version: 2 actions'])
    assert.deepEqual(planChanges(v1, v1), ['Saved again with no changes'])
  })

  it('marks a task overdue only when not done and past its day', () => {
    assert.equal(dueView('2027-01-12', '2027-01-13', false).overdue, true)
    assert.equal(dueView('2027-01-12', '2027-01-13', true).overdue, false)
    assert.equal(dueView('2027-01-13', '2027-01-13', false).tag?.text, 'Due today')
  })
})
