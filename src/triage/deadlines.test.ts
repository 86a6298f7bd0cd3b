import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { londonOffice } from '../../test/calendar.js'
import type { DeadlinePolicy } from './deadlines.js'
import { deadlineFor, defaultDeadlinePolicy } from './deadlines.js'

// Instants are written with their UTC offset so each test states the real moment independently
// of the code under test: +00:00 is GMT (winter), +01:00 is BST (summer).
const london = londonOffice

function due(priority: 'P1' | 'P2' | 'P3' | 'out-of-scope', receivedAt: string): string {
  return deadlineFor(priority, new Date(receivedAt), defaultDeadlinePolicy, london).toISOString()
}

function iso(instant: string): string {
  return new Date(instant).toISOString()
}

describe('elapsed-time deadlines (P1, P2)', () => {
  it('gives a P1 fifteen minutes at any hour, even in the middle of a Saturday night', () => {
    assert.equal(due('P1', '2026-01-17T03:00:00Z'), iso('2026-01-17T03:15:00Z'))
  })

  it('gives a P2 four hours, running through the evening', () => {
    assert.equal(due('P2', '2026-01-16T16:00:00Z'), iso('2026-01-16T20:00:00Z'))
  })

  it('gives a P2 four real hours across spring-forward night, so the clock shows five', () => {
    assert.equal(due('P2', '2026-03-29T00:30:00+00:00'), iso('2026-03-29T05:30:00+01:00'))
  })

  it('gives a P1 received just before 01:00 on spring-forward night a deadline after 02:00 BST', () => {
    assert.equal(due('P1', '2026-03-29T00:50:00+00:00'), iso('2026-03-29T02:05:00+01:00'))
  })

  it('gives a P2 four real hours across fall-back night, so the clock shows three', () => {
    assert.equal(due('P2', '2026-10-25T00:30:00+01:00'), iso('2026-10-25T03:30:00+00:00'))
  })

  it('gives a P1 received during the repeated hour fifteen real minutes', () => {
    assert.equal(due('P1', '2026-10-25T01:50:00+01:00'), iso('2026-10-25T01:05:00+00:00'))
  })
})

describe('working-day deadlines (P3, out of scope)', () => {
  it('gives a P3 received on Friday afternoon a deadline at close of office on Tuesday', () => {
    assert.equal(due('P3', '2026-01-16T16:00:00Z'), iso('2026-01-20T17:00:00Z'))
  })

  it('gives a P3 received at 09:00 on Monday a deadline at close on Wednesday', () => {
    assert.equal(due('P3', '2026-01-12T09:00:00Z'), iso('2026-01-14T17:00:00Z'))
  })

  it('counts a P3 received on Friday evening from Monday, due at close on Wednesday', () => {
    assert.equal(due('P3', '2026-01-16T18:00:00Z'), iso('2026-01-21T17:00:00Z'))
  })

  it('counts a P3 received at exactly 17:00 on Friday from Monday', () => {
    assert.equal(due('P3', '2026-01-16T17:00:00Z'), iso('2026-01-21T17:00:00Z'))
  })

  it('counts a P3 received at the weekend from Monday', () => {
    assert.equal(due('P3', '2026-01-17T11:00:00Z'), iso('2026-01-21T17:00:00Z'))
  })

  it('counts a P3 received early on Monday morning from Monday itself', () => {
    assert.equal(due('P3', '2026-01-19T07:00:00Z'), iso('2026-01-21T17:00:00Z'))
  })

  it('gives an out-of-scope report five working days, a full week', () => {
    assert.equal(due('out-of-scope', '2026-01-12T10:00:00Z'), iso('2026-01-19T17:00:00Z'))
  })

  it('skips Christmas Day and the Boxing Day substitute in 2026', () => {
    assert.equal(due('P3', '2026-12-24T10:00:00Z'), iso('2026-12-30T17:00:00Z'))
  })

  it('counts a P3 received on Christmas Day 2026 from Tuesday 29 December', () => {
    assert.equal(due('P3', '2026-12-25T10:00:00Z'), iso('2026-12-31T17:00:00Z'))
  })

  it('skips Good Friday and Easter Monday 2027 and ends at 17:00 BST after the clocks change', () => {
    assert.equal(due('P3', '2027-03-25T12:00:00Z'), iso('2027-03-31T17:00:00+01:00'))
  })

  it('counts a P3 received on Good Friday 2027 from the Tuesday after Easter', () => {
    assert.equal(due('P3', '2027-03-26T10:00:00Z'), iso('2027-04-01T17:00:00+01:00'))
  })

  it('ends at 17:00 BST when the deadline spans spring-forward night 2026', () => {
    assert.equal(due('P3', '2026-03-27T16:00:00Z'), iso('2026-03-31T17:00:00+01:00'))
  })

  it('ends at 17:00 GMT when the deadline spans fall-back night 2026', () => {
    assert.equal(due('P3', '2026-10-23T16:00:00+01:00'), iso('2026-10-27T17:00:00+00:00'))
  })

  it('counts a P3 received in the repeated hour of fall-back night from Monday', () => {
    assert.equal(due('P3', '2026-10-25T01:30:00+00:00'), iso('2026-10-28T17:00:00+00:00'))
  })
})

describe('the policy is a setting', () => {
  it('uses the rule the policy gives for each priority', () => {
    const policy: DeadlinePolicy = {
      ...defaultDeadlinePolicy,
      P2: { kind: 'working-days', days: 1 },
      P3: { kind: 'elapsed', minutes: 24 * 60 },
    }
    const friday = new Date('2026-01-16T16:00:00Z')
    assert.equal(
      deadlineFor('P2', friday, policy, london).toISOString(),
      iso('2026-01-19T17:00:00Z'),
    )
    assert.equal(
      deadlineFor('P3', friday, policy, london).toISOString(),
      iso('2026-01-17T16:00:00Z'),
    )
  })

  it('defaults to 15 minutes, 4 hours, 2 working days and 5 working days', () => {
    assert.deepEqual(defaultDeadlinePolicy, {
      P1: { kind: 'elapsed', minutes: 15 },
      P2: { kind: 'elapsed', minutes: 240 },
      P3: { kind: 'working-days', days: 2 },
      'out-of-scope': { kind: 'working-days', days: 5 },
    })
  })
})
