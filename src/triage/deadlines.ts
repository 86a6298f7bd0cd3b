import type { Priority } from '../reports/model.js'
import type { OfficeCalendar } from './calendar.js'
import {
  addMinutes,
  closingOn,
  isOfficeHours,
  localDateOf,
  nextOfficeOpening,
  nextWorkingDay,
} from './calendar.js'

/**
 * How long triage may take for one priority.
 * - `elapsed`: real minutes from receipt, day or night, because the Control Centre is staffed
 *   around the clock and urgent reports cannot wait for the office to open.
 * - `working-days`: counted on the office calendar; see workingDaysDeadline for the rule.
 */
export type DeadlineRule =
  { kind: 'elapsed'; minutes: number } | { kind: 'working-days'; days: number }

export type DeadlinePolicy = Readonly<Record<Priority, DeadlineRule>>

export const defaultDeadlinePolicy: DeadlinePolicy = {
  P1: { kind: 'elapsed', minutes: 15 },
  P2: { kind: 'elapsed', minutes: 4 * 60 },
  P3: { kind: 'working-days', days: 2 },
  'out-of-scope': { kind: 'working-days', days: 5 },
}

export function deadlineFor(
  priority: Priority,
  receivedAt: Date,
  policy: DeadlinePolicy,
  cal: OfficeCalendar,
): Date {
  const rule = policy[priority]
  return rule.kind === 'elapsed'
    ? addMinutes(receivedAt, rule.minutes)
    : workingDaysDeadline(receivedAt, rule.days, cal)
}

/**
 * The close of office on the Nth working day after the day of receipt.
 *
 * A report that arrives out of hours (evenings, weekends, holidays, before opening) is treated as
 * received when the office next opens, so it loses none of its working days: with two working
 * days and a Monday-Friday 09:00-17:00 office,
 * - received Friday 16:00 -> due Tuesday 17:00 (Monday and Tuesday);
 * - received Friday 18:00, Saturday, or Monday 07:00 -> due Wednesday 17:00 (counted from Monday);
 * - a bank holiday Monday is skipped like a weekend day.
 * The deadline is a local close-of-office time, so it stays 17:00 on the wall clock even when the
 * clocks change in between.
 */
function workingDaysDeadline(receivedAt: Date, days: number, cal: OfficeCalendar): Date {
  const countFrom = isOfficeHours(receivedAt, cal) ? receivedAt : nextOfficeOpening(receivedAt, cal)
  let day = localDateOf(countFrom, cal.timeZone)
  for (let i = 0; i < days; i++) day = nextWorkingDay(day, cal)
  return closingOn(day, cal)
}
