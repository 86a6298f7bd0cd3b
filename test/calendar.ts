import type { OfficeCalendar } from '../src/triage/calendar.js'

/**
 * A London office, 09:00-17:00 on weekdays, with Christmas 2026 and Easter 2027 as holidays.
 * Tests write instants with their UTC offset: +00:00 is GMT (winter), +01:00 is BST (summer).
 */
export const londonOffice: OfficeCalendar = {
  timeZone: 'Europe/London',
  openingTime: '09:00',
  closingTime: '17:00',
  workingDays: [1, 2, 3, 4, 5],
  holidays: new Set(['2026-12-25', '2026-12-28', '2027-03-26', '2027-03-29']),
}
