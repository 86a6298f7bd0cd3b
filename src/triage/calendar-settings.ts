/**
 * Turns the office settings (OFFICE_TIME_ZONE, OFFICE_HOURS, OFFICE_DAYS, HOLIDAYS_FILE and the
 * deadline setting, read by config.ts) into an OfficeCalendar and a DeadlinePolicy. This is the
 * only triage module that reads a file; every problem is reported in words an administrator can
 * act on, because a wrong calendar silently moves every deadline.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Priority } from '../reports/model.js'
import type { ClockTime, LocalDate, OfficeCalendar } from './calendar.js'
import { isLocalDate, minutesOfDay } from './calendar.js'
import type { DeadlinePolicy, DeadlineRule } from './deadlines.js'
import { defaultDeadlinePolicy } from './deadlines.js'

export interface OfficeCalendarSettings {
  /** IANA time zone, e.g. `Europe/London`. */
  timeZone: string
  /** e.g. `09:00-17:00`. */
  officeHours: string
  /** e.g. `Mon-Fri` or `Mon,Tue,Thu`. */
  workingDays: string
  /** A holidays JSON file; relative paths are from the working directory. */
  holidaysFile?: string
}

export const defaultHolidaysFile = fileURLToPath(
  new URL('../../content/calendar/bank-holidays-england-and-wales.json', import.meta.url),
)

export const defaultOfficeCalendarSettings: OfficeCalendarSettings = {
  timeZone: 'Europe/London',
  officeHours: '09:00-17:00',
  workingDays: 'Mon-Fri',
  holidaysFile: defaultHolidaysFile,
}

/** Every problem found in one setting or file, so they can be fixed in one go. */
export class CalendarSettingsError extends Error {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(problems.join('; '))
    this.name = 'CalendarSettingsError'
    this.problems = problems
  }
}

/** Runs one settings parser, keeping its problems so that all are reported together. */
export function collectProblems<T>(problems: string[], parse: () => T): T | undefined {
  try {
    return parse()
  } catch (error) {
    if (!(error instanceof CalendarSettingsError)) throw error
    problems.push(...error.problems)
    return undefined
  }
}

/** Holidays, the calendar's only file-based part, are loaded when `holidaysFile` is read. */
export async function loadOfficeCalendar(
  settings: OfficeCalendarSettings,
): Promise<OfficeCalendar> {
  const problems: string[] = []
  const attempt = <T>(parse: () => T): T | undefined => collectProblems(problems, parse)
  const timeZone = attempt(() => parseTimeZone(settings.timeZone))
  const hours = attempt(() => parseOfficeHours(settings.officeHours))
  const workingDays = attempt(() => parseWorkingDays(settings.workingDays))
  const holidays = await readHolidays(settings.holidaysFile ?? defaultHolidaysFile, problems)
  if (!timeZone || !hours || !workingDays || !holidays) throw new CalendarSettingsError(problems)
  return { timeZone, ...hours, workingDays, holidays }
}

async function readHolidays(
  file: string,
  problems: string[],
): Promise<ReadonlySet<LocalDate> | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    problems.push(`Holidays file ${file} could not be read: ${reason}`)
    return undefined
  }
  try {
    return parseHolidays(JSON.parse(text) as unknown, file)
  } catch (error) {
    if (error instanceof SyntaxError) {
      problems.push(`Holidays file ${file} is not valid JSON: ${error.message}`)
    } else if (error instanceof CalendarSettingsError) {
      problems.push(...error.problems)
    } else {
      throw error
    }
    return undefined
  }
}

/** Returns the time zone's canonical name (`europe/london` -> `Europe/London`). */
export function parseTimeZone(value: string): string {
  const canonical = canonicalTimeZone(value.trim())
  if (canonical === undefined) {
    throw new CalendarSettingsError([
      `Time zone "${value}" is not one this system knows; use an IANA name such as Europe/London`,
    ])
  }
  return canonical
}

/** Intl is the authority on which zones exist here: it refuses unknown names with a RangeError. */
function canonicalTimeZone(name: string): string | undefined {
  if (name === '') return undefined
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

const OFFICE_HOURS = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/

export function parseOfficeHours(value: string): {
  openingTime: ClockTime
  closingTime: ClockTime
} {
  const match = OFFICE_HOURS.exec(value)
  const openingTime = padHour(match?.[1])
  const closingTime = padHour(match?.[2])
  const opening = minutesOfDay(openingTime)
  const closing = minutesOfDay(closingTime)
  if (opening === null || closing === null || opening === 24 * 60) {
    throw new CalendarSettingsError([
      `Office hours "${value}" must be an opening and a closing time on the 24-hour clock, like 09:00-17:00`,
    ])
  }
  if (closing <= opening) {
    throw new CalendarSettingsError([
      `Office hours "${value}" close before they open; overnight hours are not supported (use 00:00-24:00 for all day)`,
    ])
  }
  return { openingTime, closingTime }
}

function padHour(time: string | undefined): string {
  return (time ?? '').padStart(5, '0')
}

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']

/** `Mon-Fri`, `Mon,Wed,Fri` or `Mon-Thu,Sat` -> ISO day numbers (1 = Monday), sorted. */
export function parseWorkingDays(value: string): number[] {
  const days = new Set<number>()
  const problems: string[] = []
  for (const item of value.split(',').map((part) => part.trim())) {
    const ends = item.split('-').map((part) => dayNumber(part.trim()))
    const first = ends[0]
    const last = ends.length === 2 ? ends[1] : first
    if (ends.length > 2 || first === undefined || last === undefined) {
      problems.push(`"${item}" is not a day (Mon, Tue, ... Sun) or a range of days like Mon-Fri`)
    } else if (last < first) {
      problems.push(`"${item}" runs backwards; list days from Monday to Sunday, e.g. Mon,Fri-Sun`)
    } else {
      for (let day = first; day <= last; day++) days.add(day)
    }
  }
  if (problems.length > 0) {
    throw new CalendarSettingsError(
      problems.map((problem) => `Working days "${value}": ${problem}`),
    )
  }
  return [...days].sort((a, b) => a - b)
}

/** Accepts `Mon`, `monday`, `MON`; undefined for anything else. */
function dayNumber(name: string): number | undefined {
  const lower = name.toLowerCase()
  const index = DAY_NAMES.findIndex((day) => lower === day || lower === day.slice(0, 3))
  return index === -1 ? undefined : index + 1
}

/**
 * Validates a holidays file's content, `{ "holidays": [{ "date": "YYYY-MM-DD", "name": "..." }] }`,
 * and returns its dates. `source` names the file in error messages.
 */
export function parseHolidays(content: unknown, source: string): ReadonlySet<LocalDate> {
  const holidays = isRecord(content) ? content.holidays : undefined
  if (!Array.isArray(holidays)) {
    throw new CalendarSettingsError([
      `Holidays file ${source} must be an object with a "holidays" list of { "date", "name" }`,
    ])
  }
  const dates = new Set<LocalDate>()
  const problems: string[] = []
  holidays.forEach((entry: unknown, index) => {
    const date = isRecord(entry) ? entry.date : undefined
    const name = isRecord(entry) ? entry.name : undefined
    if (typeof date !== 'string' || !isLocalDate(date)) {
      problems.push(`Holidays file ${source}: entry ${index + 1} needs a real date as YYYY-MM-DD`)
    } else if (typeof name !== 'string' || name.trim() === '') {
      problems.push(`Holidays file ${source}: the holiday on ${date} needs a name`)
    } else {
      dates.add(date)
    }
  })
  if (problems.length > 0) throw new CalendarSettingsError(problems)
  return dates
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'out-of-scope']
const DEADLINE_ITEM = /^([\w-]+)\s*=\s*(\d+)\s*(m|h|wd)$/i

/**
 * `P1=15m,P2=4h,P3=2wd,out-of-scope=5wd` -> DeadlinePolicy. Units: m (minutes) and h (hours) are
 * elapsed time; wd is working days. Priorities left out keep their default, so a setting can
 * change one deadline without restating the others.
 */
export function parseDeadlinePolicy(value: string): DeadlinePolicy {
  const policy: Record<Priority, DeadlineRule> = { ...defaultDeadlinePolicy }
  const seen = new Set<Priority>()
  const problems: string[] = []
  for (const item of value.split(',').map((part) => part.trim())) {
    const parsed = parseDeadlineItem(item)
    if (typeof parsed === 'string') {
      problems.push(parsed)
    } else if (seen.has(parsed.priority)) {
      problems.push(`${parsed.priority} is given more than once`)
    } else {
      seen.add(parsed.priority)
      policy[parsed.priority] = parsed.rule
    }
  }
  if (problems.length > 0) {
    throw new CalendarSettingsError(problems.map((problem) => `Deadlines "${value}": ${problem}`))
  }
  return policy
}

/** A priority and its rule, or why the item is wrong. */
function parseDeadlineItem(item: string): { priority: Priority; rule: DeadlineRule } | string {
  const match = DEADLINE_ITEM.exec(item)
  if (!match) {
    return `"${item}" should look like P1=15m, P2=4h or P3=2wd (m minutes, h hours, wd working days)`
  }
  const priority = PRIORITIES.find((known) => known.toLowerCase() === match[1]?.toLowerCase())
  if (!priority) return `"${match[1] ?? ''}" is not a priority (${PRIORITIES.join(', ')})`
  const amount = Number(match[2])
  if (amount < 1) return `${priority} needs a deadline of at least 1`
  const unit = match[3]?.toLowerCase()
  if (unit === 'wd') return { priority, rule: { kind: 'working-days', days: amount } }
  const minutes = unit === 'h' ? amount * 60 : amount
  return { priority, rule: { kind: 'elapsed', minutes } }
}
