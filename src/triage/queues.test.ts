import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OfficeCalendar } from './calendar.js'
import { queuesFor } from './queues.js'

const london: OfficeCalendar = {
  timeZone: 'Europe/London',
  openingTime: '09:00',
  closingTime: '17:00',
  workingDays: [1, 2, 3, 4, 5],
  holidays: new Set(['2026-12-25', '2026-12-28']),
}

const wednesdayMorning = new Date('2026-01-14T10:00:00Z')
const wednesdayNight = new Date('2026-01-14T22:00:00Z')
const saturday = new Date('2026-01-17T12:00:00Z')
const christmasDay = new Date('2026-12-25T12:00:00Z')

describe('queues', () => {
  it('sends P2, P3 and out-of-scope reports to the advisors in office hours', () => {
    for (const priority of ['P2', 'P3', 'out-of-scope'] as const) {
      assert.deepEqual(queuesFor(priority, wednesdayMorning, london), ['advisors'])
    }
  })

  it('sends a P1 in office hours to the advisors and the Control Centre', () => {
    assert.deepEqual(queuesFor('P1', wednesdayMorning, london), ['advisors', 'control-centre'])
  })

  it('sends reports received at night, at weekends and on bank holidays to the Control Centre', () => {
    for (const receivedAt of [wednesdayNight, saturday, christmasDay]) {
      assert.deepEqual(queuesFor('P3', receivedAt, london), ['control-centre'])
    }
  })

  it('sends a P1 out of hours to the Control Centre first and the advisors too', () => {
    for (const receivedAt of [wednesdayNight, saturday, christmasDay]) {
      assert.deepEqual(queuesFor('P1', receivedAt, london), ['control-centre', 'advisors'])
    }
  })

  it('sends a report received at exactly 09:00 to the advisors', () => {
    assert.deepEqual(queuesFor('P2', new Date('2026-01-14T09:00:00Z'), london), ['advisors'])
  })

  it('sends a report received at exactly 17:00 to the Control Centre', () => {
    assert.deepEqual(queuesFor('P2', new Date('2026-01-14T17:00:00Z'), london), ['control-centre'])
  })

  it('uses London time in summer: 08:30 UTC is 09:30 BST, in office hours', () => {
    assert.deepEqual(queuesFor('P3', new Date('2026-07-15T08:30:00Z'), london), ['advisors'])
  })
})
