import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  CalendarSettingsError,
  defaultHolidaysFile,
  defaultOfficeCalendarSettings,
  loadOfficeCalendar,
  parseDeadlinePolicy,
  parseHolidays,
  parseOfficeHours,
  parseTimeZone,
  parseWorkingDays,
} from './calendar-settings.js'
import { dayOfWeek, isLocalDate, isWorkingDay } from './calendar.js'
import { deadlineFor, defaultDeadlinePolicy } from './deadlines.js'

function problemsOf(work: () => unknown): readonly string[] {
  try {
    work()
  } catch (error) {
    assert.ok(error instanceof CalendarSettingsError, 'expected a CalendarSettingsError')
    return error.problems
  }
  assert.fail('expected the settings to be refused')
}

async function asyncProblemsOf(work: () => Promise<unknown>): Promise<readonly string[]> {
  try {
    await work()
  } catch (error) {
    assert.ok(error instanceof CalendarSettingsError, 'expected a CalendarSettingsError')
    return error.problems
  }
  assert.fail('expected the settings to be refused')
}

describe('office hours setting', () => {
  it('reads 09:00-17:00', () => {
    assert.deepEqual(parseOfficeHours('09:00-17:00'), {
      openingTime: '09:00',
      closingTime: '17:00',
    })
  })

  it('accepts single-digit hours and spaces around the dash', () => {
    assert.deepEqual(parseOfficeHours(' 9:00 - 17:30 '), {
      openingTime: '09:00',
      closingTime: '17:30',
    })
  })

  it('accepts 00:00-24:00 for an office open all day', () => {
    assert.deepEqual(parseOfficeHours('00:00-24:00'), {
      openingTime: '00:00',
      closingTime: '24:00',
    })
  })

  it('refuses values that are not two 24-hour times, with an example', () => {
    for (const value of [
      '9-5',
      '9am-5pm',
      '09:00',
      '',
      '09:60-17:00',
      '09:00-25:00',
      '24:00-24:00',
    ]) {
      const [problem] = problemsOf(() => parseOfficeHours(value))
      assert.match(problem ?? '', /like 09:00-17:00/, value)
    }
  })

  it('refuses hours that close before they open', () => {
    const [problem] = problemsOf(() => parseOfficeHours('17:00-09:00'))
    assert.match(problem ?? '', /close before they open/)
  })
})

describe('working days setting', () => {
  it('reads Mon-Fri as Monday to Friday', () => {
    assert.deepEqual(parseWorkingDays('Mon-Fri'), [1, 2, 3, 4, 5])
  })

  it('reads lists, ranges and full names in any case', () => {
    assert.deepEqual(parseWorkingDays('mon, TUE,Thursday'), [1, 2, 4])
    assert.deepEqual(parseWorkingDays('Mon-Wed,Fri,Sun'), [1, 2, 3, 5, 7])
    assert.deepEqual(parseWorkingDays('Sat,Mon,Mon-Tue'), [1, 2, 6])
  })

  it('refuses a range that runs backwards rather than guessing it wraps', () => {
    const [problem] = problemsOf(() => parseWorkingDays('Fri-Mon'))
    assert.match(problem ?? '', /runs backwards/)
  })

  it('names every part it cannot read', () => {
    const problems = problemsOf(() => parseWorkingDays('Mon,Funday,Tue-Wed-Thu,Fri-'))
    assert.equal(problems.length, 3)
    assert.match(problems[0] ?? '', /"Funday" is not a day/)
  })

  it('refuses an empty value', () => {
    assert.equal(problemsOf(() => parseWorkingDays('')).length, 1)
  })
})

describe('time zone setting', () => {
  it('accepts an IANA name and returns its canonical spelling', () => {
    assert.equal(parseTimeZone('Europe/London'), 'Europe/London')
    assert.equal(parseTimeZone('europe/london'), 'Europe/London')
  })

  it('refuses a name the platform does not know', () => {
    for (const value of ['Mars/Olympus', 'BST+1', '']) {
      const [problem] = problemsOf(() => parseTimeZone(value))
      assert.match(problem ?? '', /IANA name such as Europe\/London/)
    }
  })
})

describe('deadlines setting', () => {
  it('reads the documented example as the default policy', () => {
    assert.deepEqual(
      parseDeadlinePolicy('P1=15m,P2=4h,P3=2wd,out-of-scope=5wd'),
      defaultDeadlinePolicy,
    )
  })

  it('keeps the defaults for priorities it does not mention', () => {
    assert.deepEqual(parseDeadlinePolicy(' p1 = 10m '), {
      ...defaultDeadlinePolicy,
      P1: { kind: 'elapsed', minutes: 10 },
    })
  })

  it('names every problem at once', () => {
    const problems = problemsOf(() => parseDeadlinePolicy('P1=15,P4=1h,P2=0m,P3=2d,P3=1wd,P3=2wd'))
    assert.equal(problems.length, 5)
    assert.match(problems[0] ?? '', /"P1=15" should look like P1=15m/)
    assert.match(problems[1] ?? '', /"P4" is not a priority/)
    assert.match(problems[2] ?? '', /P2 needs a deadline of at least 1/)
    assert.match(problems[3] ?? '', /"P3=2d" should look like/)
    assert.match(problems[4] ?? '', /P3 is given more than once/)
  })
})

describe('loading the office calendar', () => {
  let folder = ''
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'calendar-settings-'))
  })
  after(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it('loads the defaults: London, 09:00-17:00, Monday to Friday, England and Wales holidays', async () => {
    const calendar = await loadOfficeCalendar(defaultOfficeCalendarSettings)
    assert.equal(calendar.timeZone, 'Europe/London')
    assert.equal(calendar.openingTime, '09:00')
    assert.equal(calendar.closingTime, '17:00')
    assert.deepEqual(calendar.workingDays, [1, 2, 3, 4, 5])
    assert.equal(isWorkingDay('2026-12-28', calendar), false)
  })

  it('uses the England and Wales holidays when no file is given', async () => {
    const calendar = await loadOfficeCalendar({
      timeZone: 'Europe/London',
      officeHours: '09:00-17:00',
      workingDays: 'Mon-Fri',
    })
    assert.equal(isWorkingDay('2027-03-29', calendar), false)
  })

  it('gives a P3 received on Christmas Eve 2026 a deadline at close on Wednesday 30 December', async () => {
    const calendar = await loadOfficeCalendar(defaultOfficeCalendarSettings)
    const deadline = deadlineFor(
      'P3',
      new Date('2026-12-24T10:00:00Z'),
      defaultDeadlinePolicy,
      calendar,
    )
    assert.equal(deadline.toISOString(), '2026-12-30T17:00:00.000Z')
  })

  it('reports every bad setting at once', async () => {
    const problems = await asyncProblemsOf(() =>
      loadOfficeCalendar({
        timeZone: 'Mars/Olympus',
        officeHours: '9-5',
        workingDays: 'Mon-Fri',
        holidaysFile: join(folder, 'missing.json'),
      }),
    )
    assert.equal(problems.length, 3)
    assert.match(problems[2] ?? '', /missing\.json could not be read/)
  })

  it('refuses a holidays file that is not JSON', async () => {
    const file = join(folder, 'broken.json')
    await writeFile(file, '{ "holidays": [')
    const [problem] = await asyncProblemsOf(() =>
      loadOfficeCalendar({ ...defaultOfficeCalendarSettings, holidaysFile: file }),
    )
    assert.match(problem ?? '', /is not valid JSON/)
  })

  it('names the holiday entries that are wrong', async () => {
    const file = join(folder, 'wrong.json')
    const holidays = [
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2026-02-30', name: 'Not a day' },
      { date: '2026-12-26', name: '' },
    ]
    await writeFile(file, JSON.stringify({ holidays }))
    const problems = await asyncProblemsOf(() =>
      loadOfficeCalendar({ ...defaultOfficeCalendarSettings, holidaysFile: file }),
    )
    assert.deepEqual(problems, [
      `Holidays file ${file}: entry 2 needs a real date as YYYY-MM-DD`,
      `Holidays file ${file}: the holiday on 2026-12-26 needs a name`,
    ])
  })

  it('refuses holidays content without a holidays list', () => {
    const [problem] = problemsOf(() => parseHolidays([{ date: '2026-12-25' }], 'list.json'))
    assert.match(problem ?? '', /must be an object with a "holidays" list/)
  })
})

interface HolidaysFile {
  source: string
  region: string
  holidays: { date: string; name: string }[]
}

/** Easter Sunday by the anonymous Gregorian algorithm, to check the file against. */
function easterSunday(year: number): string {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const h =
    (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function shiftDate(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`)
  moved.setUTCDate(moved.getUTCDate() + days)
  return moved.toISOString().slice(0, 10)
}

describe('the England and Wales bank holidays file', async () => {
  const file = JSON.parse(await readFile(defaultHolidaysFile, 'utf8')) as HolidaysFile
  const dates = file.holidays.map((holiday) => holiday.date)
  const nameOn = new Map(file.holidays.map((holiday) => [holiday.date, holiday.name]))

  it('says where it comes from and which region it covers', () => {
    assert.ok(file.source.length > 0)
    assert.equal(file.region, 'england-and-wales')
  })

  it('has real dates, each with a name', () => {
    for (const holiday of file.holidays) {
      assert.ok(isLocalDate(holiday.date), holiday.date)
      assert.ok(holiday.name.trim().length > 0, holiday.date)
    }
  })

  it('is sorted with no date twice', () => {
    for (let i = 1; i < dates.length; i++) {
      assert.ok(
        (dates[i - 1] ?? '') < (dates[i] ?? ''),
        `${dates[i - 1] ?? ''} before ${dates[i] ?? ''}`,
      )
    }
  })

  it('covers 2025 to 2030 with eight bank holidays each year, none at a weekend', () => {
    for (let year = 2025; year <= 2030; year++) {
      assert.equal(dates.filter((date) => date.startsWith(`${year}-`)).length, 8, String(year))
    }
    assert.ok(dates.every((date) => dayOfWeek(date) <= 5))
  })

  it('has Good Friday and Easter Monday around Easter Sunday each year', () => {
    assert.deepEqual([2025, 2026, 2027, 2028, 2029, 2030].map(easterSunday), [
      '2025-04-20',
      '2026-04-05',
      '2027-03-28',
      '2028-04-16',
      '2029-04-01',
      '2030-04-21',
    ])
    for (let year = 2025; year <= 2030; year++) {
      assert.equal(nameOn.get(shiftDate(easterSunday(year), -2)), 'Good Friday', String(year))
      assert.equal(nameOn.get(shiftDate(easterSunday(year), 1)), 'Easter Monday', String(year))
    }
  })

  it('has the May and August bank holidays on the right Mondays', () => {
    const expected = {
      'Early May bank holiday': [
        '2025-05-05',
        '2026-05-04',
        '2027-05-03',
        '2028-05-01',
        '2029-05-07',
        '2030-05-06',
      ],
      'Spring bank holiday': [
        '2025-05-26',
        '2026-05-25',
        '2027-05-31',
        '2028-05-29',
        '2029-05-28',
        '2030-05-27',
      ],
      'Summer bank holiday': [
        '2025-08-25',
        '2026-08-31',
        '2027-08-30',
        '2028-08-28',
        '2029-08-27',
        '2030-08-26',
      ],
    }
    for (const [name, days] of Object.entries(expected)) {
      assert.deepEqual(
        file.holidays.filter((holiday) => holiday.name === name).map((holiday) => holiday.date),
        days,
      )
    }
  })

  it('moves Christmas, Boxing Day and New Year to substitute weekdays', () => {
    assert.equal(nameOn.get('2026-12-25'), 'Christmas Day')
    assert.equal(nameOn.get('2026-12-28'), 'Boxing Day (substitute day)')
    assert.equal(nameOn.get('2027-12-27'), 'Christmas Day (substitute day)')
    assert.equal(nameOn.get('2027-12-28'), 'Boxing Day (substitute day)')
    assert.equal(nameOn.get('2028-01-03'), "New Year's Day (substitute day)")
  })
})
