import type { Priority } from '../reports/model.js'
import {
  addDays,
  isWorkingDay,
  localDateOf,
  nextOfficeOpening,
  openingOn,
  type OfficeCalendar,
} from '../triage/calendar.js'
import type { Queue } from '../triage/queues.js'

/**
 * Which queues a report is in at a given instant. Nothing moves a report between queues: its
 * stored triage says where it entered (`queues`, decided by the office calendar when it arrived)
 * and the clock says where it is now.
 *
 * - A report that entered the advisors' queue (office hours, or any P1) stays there.
 * - A report that entered only the Control Centre's queue (out of hours, not urgent) is the
 *   Control Centre's until the office next opens, then the advisors'.
 * - Every P1 is in the Control Centre's queue at any hour, so it can be referred at once.
 *
 * Pure: the office calendar and the instant arrive as arguments.
 */
export interface QueuedReport {
  priority: Priority
  receivedAt: Date
  /** The queues triage gave the report when it arrived (`reports.queues`). */
  queues: readonly string[]
}

export const QUEUES: readonly Queue[] = ['advisors', 'control-centre']

/** True when the report entered out of hours and not as urgent: the Control Centre's until morning. */
export function arrivedOutOfHours(report: Pick<QueuedReport, 'queues'>): boolean {
  return !report.queues.includes('advisors')
}

/** The queues `report` is in at `now`, the one expected to act first leading. */
export function queuesAt(report: QueuedReport, now: Date, calendar: OfficeCalendar): Queue[] {
  if (report.priority === 'P1') return ['control-centre', 'advisors']
  if (!arrivedOutOfHours(report)) return ['advisors']
  const handover = nextOfficeOpening(report.receivedAt, calendar)
  return now.getTime() < handover.getTime() ? ['control-centre'] : ['advisors']
}

/**
 * The latest office opening at or before `now`. A report that arrived out of hours after it
 * is still waiting for the office to open, so it is the Control Centre's; one that arrived at
 * or before it has been the advisors' since that opening. One instant therefore splits every
 * report between the queues, which lets a query (and an index on `received_at`) do it.
 */
export function lastOfficeOpening(now: Date, calendar: OfficeCalendar): Date {
  let date = localDateOf(now, calendar.timeZone)
  // Ten years back is further than any real run of closed days.
  for (let i = 0; i < 3660; i++) {
    if (isWorkingDay(date, calendar)) {
      const opening = openingOn(date, calendar)
      if (opening.getTime() <= now.getTime()) return opening
    }
    date = addDays(date, -1)
  }
  throw new RangeError('The office calendar has no working day in the ten years before now')
}

/** What a queue query needs to know about the clock: the instant that splits the queues. */
export interface QueueClock {
  now: Date
  /** Out-of-hours reports received after this are still the Control Centre's. */
  handoverBefore: Date
}

export function queueClock(now: Date, calendar: OfficeCalendar): QueueClock {
  return { now, handoverBefore: lastOfficeOpening(now, calendar) }
}

/**
 * `queuesAt`, stated the way the queue query states it (by the handover instant), so a test
 * can check the two agree.
 */
export function queuesAtClock(report: QueuedReport, clock: QueueClock): Queue[] {
  if (report.priority === 'P1') return ['control-centre', 'advisors']
  if (!arrivedOutOfHours(report)) return ['advisors']
  return report.receivedAt.getTime() > clock.handoverBefore.getTime()
    ? ['control-centre']
    : ['advisors']
}
