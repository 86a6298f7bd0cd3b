/**
 * The office calendar: when advisors are at work, in the office's own time zone.
 *
 * Everything here is pure and uses only the platform: `Intl.DateTimeFormat` turns an instant into
 * the wall clock of a time zone, and `instantAt` turns a wall clock back into an instant, which is
 * the hard direction because of clock changes. No date library, no I/O (settings are loaded by
 * calendar-settings.ts).
 */

/** A calendar date in the office's time zone, written `YYYY-MM-DD`. */
export type LocalDate = string

/** A time of day on a 24-hour clock, written `HH:MM`. */
export type ClockTime = string

export interface OfficeCalendar {
  /** An IANA time zone, e.g. `Europe/London`. */
  timeZone: string
  openingTime: ClockTime
  /** Later than openingTime; `24:00` means open until midnight. */
  closingTime: ClockTime
  /** ISO day numbers: 1 = Monday ... 7 = Sunday. */
  workingDays: readonly number[]
  /** Public holidays, as local dates, on which the office is closed. */
  holidays: ReadonlySet<LocalDate>
}

export interface WallClock {
  year: number
  /** 1 = January. */
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
/**
 * How far nextWorkingDay looks before deciding the calendar has no working days at all. Longer
 * than any run of holidays plus weekends a real office would configure.
 */
const SEARCH_LIMIT_DAYS = 3660

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      // h23, not hour12: false, which some engines render as 24:00 at midnight.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/**
 * How far ahead of UTC `timeZone` is, by UTC minute: clocks change on whole minutes, so one
 * look-up per minute serves every report of that minute. Formatting through Intl is the slow
 * part of the calendar, and each report needs the wall clock several times.
 */
const offsetsByMinute = new Map<string, Map<number, number>>()
const OFFSETS_KEPT = 4096

function zoneOffsetForMinute(minute: number, timeZone: string): number {
  let offsets = offsetsByMinute.get(timeZone)
  if (!offsets) {
    offsets = new Map()
    offsetsByMinute.set(timeZone, offsets)
  }
  let offset = offsets.get(minute)
  if (offset === undefined) {
    const start = minute * MINUTE_MS
    offset = wallClockMs(formattedWallClock(new Date(start), timeZone)) - start
    if (offsets.size >= OFFSETS_KEPT) offsets.clear()
    offsets.set(minute, offset)
  }
  return offset
}

/** The wall clock in `timeZone` at the instant `at` (to the second). */
export function wallClockAt(at: Date, timeZone: string): WallClock {
  const ms = at.getTime()
  if (!Number.isFinite(ms)) return formattedWallClock(at, timeZone)
  const wall = new Date(ms + zoneOffsetForMinute(Math.floor(ms / MINUTE_MS), timeZone))
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  }
}

/** The wall clock as Intl formats `at` itself: what wallClockAt gives faster, by the minute. */
export function formattedWallClock(at: Date, timeZone: string): WallClock {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {}
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  }
}

/** The wall clock read as if it were UTC: a number to compare and subtract wall clocks with. */
function wallClockMs(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second)
}

/** How far ahead of UTC the wall clock of `timeZone` is at `instantMs`. */
function offsetMs(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000
  return wallClockMs(wallClockAt(new Date(wholeSecond), timeZone)) - wholeSecond
}

/**
 * The instant at which the clocks of `timeZone` show `wall`.
 *
 * Around a clock change a wall-clock time can happen twice or not at all; this resolves both the
 * way people (and Temporal's 'compatible' option) do:
 * - twice (clocks go back, e.g. 01:30 on 2026-10-25 in London): the earlier one, so a deadline
 *   is never pushed later by the repeated hour;
 * - not at all (clocks go forward, e.g. 01:30 on 2026-03-29 in London): moved forward by the
 *   length of the gap (02:30 BST), as a clock that was not changed would read.
 * Hours past 23 roll over to the next day, so `24:00` is the following midnight.
 */
export function instantAt(wall: WallClock, timeZone: string): Date {
  const asUtc = wallClockMs(wall)
  // An offset a day either side is the offset before and after any change near this time.
  const offsetBefore = offsetMs(asUtc - DAY_MS, timeZone)
  const offsetAfter = offsetMs(asUtc + DAY_MS, timeZone)
  const matching = [asUtc - offsetBefore, asUtc - offsetAfter]
    .filter((candidate) => candidate + offsetMs(candidate, timeZone) === asUtc)
    .sort((a, b) => a - b)
  return new Date(matching[0] ?? asUtc - offsetBefore)
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for a `YYYY-MM-DD` string naming a day that exists (no 2026-02-30). */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE.exec(value)
  if (!match) return false
  const [, year, month, day] = match.map(Number)
  const date = new Date(Date.UTC(year ?? NaN, (month ?? NaN) - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() + 1 === month
}

function localDateParts(date: LocalDate): { year: number; month: number; day: number } {
  const match = LOCAL_DATE.exec(date)
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: "${date}"`)
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }
}

function formatLocalDate(utcMidnightMs: number): LocalDate {
  return new Date(utcMidnightMs).toISOString().slice(0, 10)
}

/** The date on the office's calendar at the instant `at`. */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  const wall = wallClockAt(at, timeZone)
  return formatLocalDate(Date.UTC(wall.year, wall.month - 1, wall.day))
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = localDateParts(date)
  return formatLocalDate(Date.UTC(year, month - 1, day + days))
}

/** ISO day of the week: 1 = Monday ... 7 = Sunday. */
export function dayOfWeek(date: LocalDate): number {
  const { year, month, day } = localDateParts(date)
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7
}

const CLOCK_TIME = /^(\d{2}):(\d{2})$/

/** Minutes after midnight for an `HH:MM` time (00:00 to 24:00), or null if it is not one. */
export function minutesOfDay(time: string): number | null {
  const match = CLOCK_TIME.exec(time)
  if (!match) return null
  const hours = Number(match[1])
  const minutes = Number(match[2])
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null
  return hours * 60 + minutes
}

function requireMinutesOfDay(time: ClockTime): number {
  const minutes = minutesOfDay(time)
  if (minutes === null) throw new RangeError(`Not an HH:MM time: "${time}"`)
  return minutes
}

export function isWorkingDay(date: LocalDate, cal: OfficeCalendar): boolean {
  return cal.workingDays.includes(dayOfWeek(date)) && !cal.holidays.has(date)
}

/**
 * Open from the opening minute up to, not including, the closing minute: with 09:00-17:00,
 * 09:00:00 is open and 17:00:00 is closed, so no instant belongs to two shifts.
 */
export function isOfficeHours(at: Date, cal: OfficeCalendar): boolean {
  if (!isWorkingDay(localDateOf(at, cal.timeZone), cal)) return false
  const wall = wallClockAt(at, cal.timeZone)
  const secondOfDay = wall.hour * 3600 + wall.minute * 60 + wall.second
  return (
    secondOfDay >= requireMinutesOfDay(cal.openingTime) * 60 &&
    secondOfDay < requireMinutesOfDay(cal.closingTime) * 60
  )
}

function instantOnDate(date: LocalDate, time: ClockTime, timeZone: string): Date {
  const { year, month, day } = localDateParts(date)
  const minutes = requireMinutesOfDay(time)
  const wall = { year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 }
  return instantAt(wall, timeZone)
}

/** When the office opens on `date` (whether or not it is a working day). */
export function openingOn(date: LocalDate, cal: OfficeCalendar): Date {
  return instantOnDate(date, cal.openingTime, cal.timeZone)
}

/** When the office closes on `date` (whether or not it is a working day). */
export function closingOn(date: LocalDate, cal: OfficeCalendar): Date {
  return instantOnDate(date, cal.closingTime, cal.timeZone)
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: LocalDate, cal: OfficeCalendar): LocalDate {
  let candidate = date
  for (let i = 0; i < SEARCH_LIMIT_DAYS; i++) {
    candidate = addDays(candidate, 1)
    if (isWorkingDay(candidate, cal)) return candidate
  }
  throw new RangeError(`The office calendar has no working day in the ten years after ${date}`)
}

/**
 * The start of the first office session at or after `at`: the same instant when `at` is exactly
 * an opening time, today's opening when `at` is before it on a working day, otherwise the
 * opening of the next working day. During office hours this is tomorrow's (or Monday's) opening,
 * so callers that want "when is someone next at a desk" check isOfficeHours first.
 */
export function nextOfficeOpening(at: Date, cal: OfficeCalendar): Date {
  const today = localDateOf(at, cal.timeZone)
  if (isWorkingDay(today, cal)) {
    const opening = openingOn(today, cal)
    if (opening.getTime() >= at.getTime()) return opening
  }
  return openingOn(nextWorkingDay(today, cal), cal)
}

/** `at` plus a number of minutes of real (elapsed) time, whatever the clocks do meanwhile. */
export function addMinutes(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * MINUTE_MS)
}

/**
 * A warning when the office's holidays run out within `aheadDays` of `now`: deadlines past the
 * last listed holiday would count every later holiday as a working day. Undefined when the
 * list reaches far enough.
 */
export function holidayCoverageWarning(
  calendar: OfficeCalendar,
  now: Date,
  aheadDays = 365,
): string | undefined {
  const needed = addDays(localDateOf(now, calendar.timeZone), aheadDays)
  const last = [...calendar.holidays].sort().at(-1)
  if (last === undefined) {
    return 'No public holidays are listed for the office, so deadlines count them as working days.'
  }
  if (last >= needed) return undefined
  return (
    `The office's public holidays are listed only until ${last}. Add the coming years to the ` +
    'holidays file (HOLIDAYS_FILE), or deadlines will count them as working days.'
  )
}
