import { instantAt, wallClockAt } from '../triage/calendar.js'

/**
 * Reading the reporter's own words for when it is safe to contact them ("weekdays after 4pm",
 * "after school", "evenings") into windows a message can wait for. Pure. Words it cannot read
 * give `undefined`: a person reads them instead, and nothing is sent automatically.
 */
export interface SafeWindow {
  /** 0 = Sunday ... 6 = Saturday */
  days: readonly number[]
  /** Minutes after local midnight, [from, to). */
  from: number
  to: number
}

const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]
const WEEKDAYS = [1, 2, 3, 4, 5]
const WEEKENDS = [0, 6]
/** No one is texted in the night, whatever the words. */
const EARLIEST = 7 * 60
const LATEST = 21 * 60 + 30

const PERIODS: [RegExp, number, number][] = [
  [/\bafter school\b/, 15 * 60 + 30, LATEST],
  [/\bmornings?\b/, 8 * 60, 12 * 60],
  [/\bafternoons?\b/, 12 * 60, 17 * 60],
  [/\bevenings?\b|\bafter work\b/, 18 * 60, LATEST],
  [/\b(daytime|during the day|school hours|office hours)\b/, 9 * 60, 17 * 60],
  [/\b(any ?time|whenever|all day)\b/, EARLIEST, LATEST],
]

/** "4pm", "4.30pm", "16:00", "9am", "noon" to minutes after midnight. */
function clock(word: string): number | undefined {
  if (word === 'noon' || word === 'midday') return 12 * 60
  const m = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$/.exec(word)
  if (!m) return undefined
  let hours = Number(m[1])
  const minutes = m[2] ? Number(m[2]) : 0
  if (hours > 23 || minutes > 59) return undefined
  if (m[3] === 'pm' && hours < 12) hours += 12
  if (m[3] === 'am' && hours === 12) hours = 0
  // A bare "after 4" means the afternoon: nobody means four in the morning.
  if (!m[3] && !m[2] && hours >= 1 && hours <= 7) hours += 12
  return hours * 60 + minutes
}

const TIME = String.raw`(noon|midday|\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)`

export function readSafeTimes(words: string | null | undefined): SafeWindow[] | undefined {
  const text = (words ?? '').toLowerCase().trim()
  if (text === '') return [{ days: ALL_DAYS, from: 9 * 60, to: 20 * 60 }]
  const days = /\bweekends?\b/.test(text)
    ? /\bweekdays?\b/.test(text)
      ? ALL_DAYS
      : WEEKENDS
    : /\bweekdays?\b|\bmonday to friday\b|\bschool days\b/.test(text)
      ? WEEKDAYS
      : ALL_DAYS
  const between = new RegExp(
    `(?:between|from)?\\s*${TIME}\\s*(?:-|to|and|until|till)\\s*${TIME}`,
  ).exec(text)
  const after = new RegExp(`\\bafter\\s+${TIME}`).exec(text)
  const before = new RegExp(`\\bbefore\\s+${TIME}`).exec(text)
  let from: number | undefined
  let to: number | undefined
  if (between?.[1] && between[2]) {
    from = clock(between[1])
    to = clock(between[2])
  } else if (after?.[1] || before?.[1]) {
    from = after?.[1] ? clock(after[1]) : EARLIEST
    to = before?.[1] ? clock(before[1]) : LATEST
  } else {
    const period = PERIODS.find(([pattern]) => pattern.test(text))
    if (period) [, from, to] = period
    else if (days !== ALL_DAYS) [from, to] = [9 * 60, 20 * 60]
  }
  if (from === undefined || to === undefined) return undefined
  from = Math.max(from, EARLIEST)
  to = Math.min(to, LATEST)
  return from < to ? [{ days, from, to }] : undefined
}

const DAY_MS = 86_400_000
/** Today and the seven days after it: every weekday once, and today's again a week on. */
const DAYS_AHEAD = 8

/**
 * The first moment at or after `at` inside a window, on the clocks of `timeZone`; looks a week
 * ahead and gives `at` if no window ever opens. Worked out from each day's window openings, not
 * by stepping through the week: it runs at intake, for every report.
 */
export function nextSafeMoment(windows: readonly SafeWindow[], at: Date, timeZone: string): Date {
  const now = wallClockAt(at, timeZone)
  const minuteNow = now.hour * 60 + now.minute
  const today = Date.UTC(now.year, now.month - 1, now.day)
  for (let ahead = 0; ahead < DAYS_AHEAD; ahead++) {
    const date = new Date(today + ahead * DAY_MS)
    const day = date.getUTCDay()
    let opening: number | undefined
    for (const w of windows) {
      if (!w.days.includes(day)) continue
      if (ahead === 0 && minuteNow >= w.to) continue
      if (ahead === 0 && minuteNow >= w.from) return at
      opening = Math.min(opening ?? w.from, w.from)
    }
    if (opening === undefined) continue
    const moment = instantAt(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(opening / 60),
        minute: opening % 60,
        second: 0,
      },
      timeZone,
    )
    // A window opening inside a clock change's missing hour opens when the clocks go on.
    if (moment.getTime() >= at.getTime()) return moment
  }
  return at
}
