import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { nextSafeMoment, readSafeTimes, type SafeWindow } from './safe-times.js'

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
    // A window holds its first minute but not its last: 16:00 is inside, 21:30 is not.
    const opening = new Date('2026-08-03T15:00:00Z')
    assert.equal(nextSafeMoment(windows, opening, LONDON).getTime(), opening.getTime())
    const closing = new Date('2026-08-03T20:30:00Z')
    assert.equal(nextSafeMoment(windows, closing, LONDON).toISOString(), '2026-08-04T15:00:00.000Z')
    // Friday evening waits for Monday.
    const friday = new Date('2026-08-07T20:45:00Z')
    assert.equal(nextSafeMoment(windows, friday, LONDON).toISOString(), '2026-08-10T15:00:00.000Z')
  })
})

describe('the next safe moment, against a minute-by-minute search', () => {
  /** The first whole minute (or `at` itself) inside a window, found by trying every minute. */
  function byEveryMinute(windows: readonly SafeWindow[], at: Date, timeZone: string): Date {
    const format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    const inside = (moment: number) => {
      const parts = Object.fromEntries(
        format.formatToParts(new Date(moment)).map((p) => [p.type, p.value]),
      )
      const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '')
      const minute = Number(parts.hour) * 60 + Number(parts.minute)
      return windows.some((w) => w.days.includes(day) && minute >= w.from && minute < w.to)
    }
    if (inside(at.getTime())) return at
    const firstMinute = Math.ceil(at.getTime() / 60_000) * 60_000
    for (let t = firstMinute; t < at.getTime() + 8 * 86_400_000; t += 60_000) {
      if (inside(t)) return new Date(t)
    }
    return at
  }

  const window = fc
    .record({
      days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 7 }),
      from: fc.integer({ min: 7 * 60, max: 21 * 60 }),
      length: fc.integer({ min: 1, max: 14 * 60 }),
    })
    .map(({ days, from, length }) => ({ days, from, to: Math.min(from + length, 21 * 60 + 30) }))
    .filter((w) => w.from < w.to)

  it('finds the same moment, across clock changes and in other time zones', () => {
    fc.assert(
      fc.property(
        fc.array(window, { minLength: 0, maxLength: 3 }),
        // Around both of 2026's clock changes in London and New York, and anywhere in between.
        fc.oneof(
          fc.date({ min: new Date('2026-03-27T00:00:00Z'), max: new Date('2026-03-30T00:00:00Z') }),
          fc.date({ min: new Date('2026-10-23T00:00:00Z'), max: new Date('2026-10-26T00:00:00Z') }),
          fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z') }),
        ),
        fc.constantFrom(LONDON, 'America/New_York', 'UTC'),
        (windows, at, timeZone) => {
          fc.pre(!Number.isNaN(at.getTime()))
          assert.equal(
            nextSafeMoment(windows, at, timeZone).toISOString(),
            byEveryMinute(windows, at, timeZone).toISOString(),
          )
        },
      ),
      { numRuns: 60 },
    )
  })
})
