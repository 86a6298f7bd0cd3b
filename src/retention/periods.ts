import type { KeptFor } from '../content/retention.js'

/**
 * Calendar arithmetic for retention periods, in UTC. A month or a year later lands on the same
 * day of the month, or on the month's last day when it has no such day (29 February 2024 plus
 * 2 years is 28 February 2026), so a period never ends before the notice said it would.
 */
const DAY_MS = 86_400_000

function shiftMonths(at: Date, months: number): Date {
  const year = at.getUTCFullYear()
  const month = at.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const shifted = new Date(at)
  shifted.setUTCFullYear(year, month, Math.min(at.getUTCDate(), lastDay))
  return shifted
}

function shift(at: Date, { amount, unit }: KeptFor, sign: 1 | -1): Date {
  switch (unit) {
    case 'days':
      return new Date(at.getTime() + sign * amount * DAY_MS)
    case 'months':
      return shiftMonths(at, sign * amount)
    case 'years':
      return shiftMonths(at, sign * amount * 12)
  }
}

/** When something kept from `from` for `period` is due to be deleted. */
export function periodEnds(from: Date, period: KeptFor): Date {
  return shift(from, period, 1)
}

/** Whether something kept from `from` for `period` is due to be deleted at `now`. */
export function isDue(from: Date, period: KeptFor, now: Date): boolean {
  return periodEnds(from, period).getTime() <= now.getTime()
}

/**
 * A bound for finding what may be due by an index: nothing that began after it is due at
 * `now`. Month ends make going back and going forward disagree by up to three days (31 March
 * less a month is 28 February, and 28 February plus a month is 28 March), so the bound allows
 * for them; `isDue` decides.
 */
export function candidatesStartedBy(now: Date, period: KeptFor): Date {
  return new Date(shift(now, period, -1).getTime() + 3 * DAY_MS)
}
