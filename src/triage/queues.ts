import type { Priority } from '../reports/model.js'
import type { OfficeCalendar } from './calendar.js'
import { isOfficeHours } from './calendar.js'

export type Queue = 'advisors' | 'control-centre'

/**
 * The queues a new report goes to, the one expected to act first leading.
 *
 * In office hours the advisors triage; out of hours the Control Centre does. A P1 is urgent at
 * any hour, so it always goes to both: in office hours the Control Centre sees it alongside the
 * advisors (they can refer to police at once), and out of hours the advisors still find it in
 * their queue when they arrive, because the Control Centre's action is not the end of triage.
 */
export function queuesFor(priority: Priority, receivedAt: Date, calendar: OfficeCalendar): Queue[] {
  const inHours = isOfficeHours(receivedAt, calendar)
  if (priority === 'P1')
    return inHours ? ['advisors', 'control-centre'] : ['control-centre', 'advisors']
  return inHours ? ['advisors'] : ['control-centre']
}
