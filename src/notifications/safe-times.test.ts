import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextSafeMoment, readSafeTimes } from './safe-times.js'

const LONDON = 'Europe/London'

describe("reading a reporter's safe times", () => {
  it('reads "weekdays after 4pm" as weekdays from 16:00 until the evening ends', () => {
    assert.deepEqual(readSafeTimes('Weekdays after 4pm'), [
      { days: [1, 2, 3, 4, 5], from: 960, to: 1290 },
    ])
  })

  it('reads "after school", "evenings" and "between 10am and 2pm"', () => {
    assert.equal(readSafeTimes('after school')?.[0]?.from, 930)
    assert.equal(readSafeTimes('Evenings')?.[0]?.from, 1080)
    assert.deepEqual(readSafeTimes('between 10am and 2pm')?.[0], {
      days: [0, 1, 2, 3, 4, 5, 6],
      from: 600,
      to: 840,
    })
  })

  it('never chooses the night, whatever the words', () => {
    assert.equal(readSafeTimes('after 11pm'), undefined)
    assert.equal(readSafeTimes('any time')?.[0]?.from, 420)
  })

  it('leaves words it cannot read to a person', () => {
    assert.equal(readSafeTimes('when my brother is out'), undefined)
  })

  it('waits for the next safe moment in the office time zone', () => {
    const windows = readSafeTimes('weekdays after 4pm') ?? []
    // Saturday 1 August 2026, 10:00 London (09:00 UTC): the next is Monday 16:00 London.
    const at = new Date('2026-08-01T09:00:00Z')
    assert.equal(nextSafeMoment(windows, at, LONDON).toISOString(), '2026-08-03T15:00:00.000Z')
    // Inside the window: at once.
    const inside = new Date('2026-08-03T16:10:00Z')
    assert.equal(nextSafeMoment(windows, inside, LONDON).getTime(), inside.getTime())
  })
})
