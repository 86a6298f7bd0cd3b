import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { londonOffice } from '../../test/calendar.js'
import type { WallClock } from './calendar.js'
import {
  addDays,
  dayOfWeek,
  formattedWallClock,
  holidayCoverageWarning,
  instantAt,
  isLocalDate,
  isOfficeHours,
  isWorkingDay,
  localDateOf,
  nextOfficeOpening,
  nextWorkingDay,
  wallClockAt,
} from './calendar.js'

// Instants are written with their UTC offset so each test states the real moment independently
// of the code under test: +00:00 is GMT (winter), +01:00 is BST (summer).
const london = londonOffice

function wall(text: string): WallClock {
  const [date = '', time = ''] = text.split(' ')
  const [year, month, day] = date.split('-').map(Number)
  const [hour, minute] = time.split(':').map(Number)
  return {
    year: year ?? NaN,
    month: month ?? NaN,
    day: day ?? NaN,
    hour: hour ?? NaN,
    minute: minute ?? NaN,
    second: 0,
  }
}

describe('wall clock and instants', () => {
  it('reads London wall-clock time as GMT in winter and BST in summer', () => {
    assert.deepEqual(
      wallClockAt(new Date('2026-01-14T12:00:00Z'), 'Europe/London'),
      wall('2026-01-14 12:00'),
    )
    assert.deepEqual(
      wallClockAt(new Date('2026-07-15T12:00:00Z'), 'Europe/London'),
      wall('2026-07-15 13:00'),
    )
  })

  it('reads every instant as Intl formats it, on both sides of clock changes and in any zone', () => {
    const zones = ['Europe/London', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe']
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, timeZone) => {
          const at = new Date(ms)
          assert.deepEqual(wallClockAt(at, timeZone), formattedWallClock(at, timeZone))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('reads midnight as hour 0, not 24', () => {
    assert.equal(wallClockAt(new Date('2026-01-14T00:00:00Z'), 'Europe/London').hour, 0)
  })

  it('moves a time that does not exist on spring-forward night forward by the missing hour', () => {
    assert.equal(
      instantAt(wall('2026-03-29 01:00'), 'Europe/London').toISOString(),
      '2026-03-29T01:00:00.000Z',
    )
    assert.equal(
      instantAt(wall('2026-03-29 01:30'), 'Europe/London').toISOString(),
      '2026-03-29T01:30:00.000Z',
    )
    assert.deepEqual(
      wallClockAt(instantAt(wall('2026-03-29 01:30'), 'Europe/London'), 'Europe/London'),
      wall('2026-03-29 02:30'),
    )
  })

  it('takes the earlier of a time that happens twice on fall-back night', () => {
    assert.equal(
      instantAt(wall('2026-10-25 01:00'), 'Europe/London').toISOString(),
      '2026-10-25T00:00:00.000Z',
    )
    assert.equal(
      instantAt(wall('2026-10-25 01:30'), 'Europe/London').toISOString(),
      '2026-10-25T00:30:00.000Z',
    )
  })

  it('uses the right offset either side of the clock changes', () => {
    assert.equal(
      instantAt(wall('2026-03-29 00:59'), 'Europe/London').toISOString(),
      '2026-03-29T00:59:00.000Z',
    )
    assert.equal(
      instantAt(wall('2026-03-29 02:00'), 'Europe/London').toISOString(),
      '2026-03-29T01:00:00.000Z',
    )
    assert.equal(
      instantAt(wall('2026-10-25 00:59'), 'Europe/London').toISOString(),
      '2026-10-24T23:59:00.000Z',
    )
    assert.equal(
      instantAt(wall('2026-10-25 02:00'), 'Europe/London').toISOString(),
      '2026-10-25T02:00:00.000Z',
    )
  })

  it('gives back the same wall clock for every quarter hour of both clock-change weekends', () => {
    for (const start of ['2026-03-28T00:00:00Z', '2026-10-24T00:00:00Z']) {
      for (let quarter = 0; quarter < 4 * 72; quarter++) {
        const moment = new Date(Date.parse(start) + quarter * 15 * 60_000)
        const shown = wallClockAt(moment, 'Europe/London')
        assert.deepEqual(wallClockAt(instantAt(shown, 'Europe/London'), 'Europe/London'), shown)
      }
    }
  })

  it('works in other time zones, including half-hour offsets and other change dates', () => {
    assert.equal(
      instantAt(wall('2026-03-08 02:30'), 'America/New_York').toISOString(),
      '2026-03-08T07:30:00.000Z',
    )
    assert.equal(
      instantAt(wall('2026-11-01 01:30'), 'America/New_York').toISOString(),
      '2026-11-01T05:30:00.000Z',
    )
    assert.equal(
      instantAt(wall('2026-06-01 09:00'), 'Asia/Kolkata').toISOString(),
      '2026-06-01T03:30:00.000Z',
    )
  })

  it('reads 24:00 as the following midnight', () => {
    assert.equal(
      instantAt(wall('2026-07-15 24:00'), 'Europe/London').toISOString(),
      '2026-07-15T23:00:00.000Z',
    )
  })
})

describe('local dates', () => {
  it('puts 23:30 UTC on a summer night on the next London date', () => {
    assert.equal(localDateOf(new Date('2026-07-01T23:30:00Z'), 'Europe/London'), '2026-07-02')
  })

  it('counts days across month, year and leap-day boundaries', () => {
    assert.equal(addDays('2026-12-31', 1), '2027-01-01')
    assert.equal(addDays('2028-02-28', 1), '2028-02-29')
    assert.equal(addDays('2026-03-01', -1), '2026-02-28')
  })

  it('numbers days of the week from Monday (1) to Sunday (7)', () => {
    assert.equal(dayOfWeek('2026-01-12'), 1)
    assert.equal(dayOfWeek('2026-01-18'), 7)
  })

  it('accepts only real YYYY-MM-DD dates', () => {
    assert.equal(isLocalDate('2028-02-29'), true)
    assert.equal(isLocalDate('2026-02-29'), false)
    assert.equal(isLocalDate('2026-13-01'), false)
    assert.equal(isLocalDate('2026-1-01'), false)
  })
})

describe('working days', () => {
  it('treats Monday to Friday as working days and the weekend as not', () => {
    assert.equal(isWorkingDay('2026-01-16', london), true)
    assert.equal(isWorkingDay('2026-01-17', london), false)
    assert.equal(isWorkingDay('2026-01-18', london), false)
  })

  it('treats Christmas 2026 and the Boxing Day substitute Monday as holidays', () => {
    assert.equal(isWorkingDay('2026-12-25', london), false)
    assert.equal(isWorkingDay('2026-12-28', london), false)
    assert.equal(nextWorkingDay('2026-12-24', london), '2026-12-29')
  })

  it('skips Good Friday and Easter Monday 2027', () => {
    assert.equal(nextWorkingDay('2027-03-25', london), '2027-03-30')
  })
})

describe('office hours', () => {
  it('is open at exactly 09:00 on a weekday', () => {
    assert.equal(isOfficeHours(new Date('2026-01-14T09:00:00Z'), london), true)
  })

  it('is closed at 08:59:59', () => {
    assert.equal(isOfficeHours(new Date('2026-01-14T08:59:59Z'), london), false)
  })

  it('is open at 16:59:59 and closed at exactly 17:00', () => {
    assert.equal(isOfficeHours(new Date('2026-01-14T16:59:59Z'), london), true)
    assert.equal(isOfficeHours(new Date('2026-01-14T17:00:00Z'), london), false)
  })

  it('follows London time in summer, not UTC', () => {
    assert.equal(isOfficeHours(new Date('2026-07-15T09:00:00+01:00'), london), true)
    assert.equal(isOfficeHours(new Date('2026-07-15T08:30:00Z'), london), true)
    assert.equal(isOfficeHours(new Date('2026-07-15T16:30:00Z'), london), false)
  })

  it('is closed all day at weekends', () => {
    assert.equal(isOfficeHours(new Date('2026-01-17T12:00:00Z'), london), false)
    assert.equal(isOfficeHours(new Date('2026-01-18T12:00:00Z'), london), false)
  })

  it('is closed on bank holidays', () => {
    assert.equal(isOfficeHours(new Date('2026-12-25T12:00:00Z'), london), false)
    assert.equal(isOfficeHours(new Date('2027-03-29T12:00:00+01:00'), london), false)
  })

  it('is open on a Saturday for an office that works Saturdays', () => {
    const sixDays = { ...london, workingDays: [1, 2, 3, 4, 5, 6] }
    assert.equal(isOfficeHours(new Date('2026-01-17T12:00:00Z'), sixDays), true)
  })

  it('is open until midnight when the office closes at 24:00', () => {
    const allDay = { ...london, openingTime: '00:00', closingTime: '24:00' }
    assert.equal(isOfficeHours(new Date('2026-01-14T23:59:59Z'), allDay), true)
    assert.equal(isOfficeHours(new Date('2026-01-14T00:00:00Z'), allDay), true)
  })
})

describe('next office opening', () => {
  it('opens on Monday at 09:00 after a Friday evening', () => {
    assert.equal(
      nextOfficeOpening(new Date('2026-01-16T18:00:00Z'), london).toISOString(),
      '2026-01-19T09:00:00.000Z',
    )
  })

  it('opens later the same day when it is early morning on a working day', () => {
    assert.equal(
      nextOfficeOpening(new Date('2026-01-14T07:00:00Z'), london).toISOString(),
      '2026-01-14T09:00:00.000Z',
    )
  })

  it('gives the same instant at exactly 09:00', () => {
    assert.equal(
      nextOfficeOpening(new Date('2026-01-14T09:00:00Z'), london).toISOString(),
      '2026-01-14T09:00:00.000Z',
    )
  })

  it('gives the next working day when the office is already open', () => {
    assert.equal(
      nextOfficeOpening(new Date('2026-01-14T10:00:00Z'), london).toISOString(),
      '2026-01-15T09:00:00.000Z',
    )
  })

  it('reopens on Tuesday 29 December after Christmas 2026', () => {
    assert.equal(
      nextOfficeOpening(new Date('2026-12-24T17:30:00Z'), london).toISOString(),
      '2026-12-29T09:00:00.000Z',
    )
  })

  it('reopens at 09:00 BST after the Easter 2027 weekend, when the clocks went forward', () => {
    assert.equal(
      nextOfficeOpening(new Date('2027-03-25T18:00:00Z'), london).toISOString(),
      '2027-03-30T08:00:00.000Z',
    )
  })

  it('opens at 09:00 BST on the Monday after spring-forward night', () => {
    assert.equal(
      nextOfficeOpening(new Date('2026-03-28T22:00:00Z'), london).toISOString(),
      '2026-03-30T08:00:00.000Z',
    )
  })

  it('opens at 09:00 GMT on the Monday after fall-back night', () => {
    assert.equal(
      nextOfficeOpening(new Date('2026-10-25T01:30:00Z'), london).toISOString(),
      '2026-10-26T09:00:00.000Z',
    )
  })

  it('refuses a calendar with no working days instead of looping forever', () => {
    assert.throws(
      () => nextOfficeOpening(new Date('2026-01-14T10:00:00Z'), { ...london, workingDays: [] }),
      {
        name: 'RangeError',
      },
    )
  })
})

describe('the holiday list running out', () => {
  it('says nothing while the holidays reach a year ahead', () => {
    assert.equal(holidayCoverageWarning(london, new Date('2026-03-01T12:00:00+00:00')), undefined)
  })

  it('warns, naming the last listed holiday, when they run out within the year', () => {
    const warning = holidayCoverageWarning(london, new Date('2026-06-01T12:00:00+01:00'))
    assert.match(warning ?? '', /only until 2027-03-29/)
    assert.match(warning ?? '', /HOLIDAYS_FILE/)
  })

  it('warns when no holidays are listed at all', () => {
    const none = { ...london, holidays: new Set<string>() }
    assert.match(holidayCoverageWarning(none, new Date()) ?? '', /No public holidays/)
  })
})
