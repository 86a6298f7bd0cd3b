/**
 * How the queue shows a deadline: time left, or how long it has been overdue (shown in red).
 * Pure: the instant arrives as an argument.
 */
export interface DeadlineView {
  overdue: boolean
  /** Whole minutes to the deadline (negative when overdue). */
  minutes: number
  text: string
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

/** "2 days 3 hours", "4 hours 5 minutes", "12 minutes": the two largest units that apply. */
export function describeMinutes(total: number): string {
  if (total < 1) return 'less than a minute'
  const days = Math.floor(total / 1440)
  const hours = Math.floor((total % 1440) / 60)
  const minutes = total % 60
  if (days > 0)
    return hours > 0 ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day')
  if (hours > 0)
    return minutes > 0
      ? `${plural(hours, 'hour')} ${plural(minutes, 'minute')}`
      : plural(hours, 'hour')
  return plural(minutes, 'minute')
}

export function timeToDeadline(deadlineAt: Date, now: Date): DeadlineView {
  const ms = deadlineAt.getTime() - now.getTime()
  const overdue = ms <= 0
  // Round towards the deadline's side: 30 seconds left is "less than a minute left".
  const minutes = Math.floor(Math.abs(ms) / 60_000)
  return {
    overdue,
    minutes: overdue && minutes > 0 ? -minutes : minutes,
    text: overdue ? `Overdue by ${describeMinutes(minutes)}` : `${describeMinutes(minutes)} left`,
  }
}
