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

const STEP_MS = 15 * 60_000

function localDayAndMinute(at: Date, format: Intl.DateTimeFormat): [number, number] {
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]))
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '')
  return [day, (Number(parts.hour) % 24) * 60 + Number(parts.minute)]
}

/** The first moment at or after `at` inside a window, in `timeZone`; looks a week ahead. */
export function nextSafeMoment(windows: readonly SafeWindow[], at: Date, timeZone: string): Date {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  const inside = (moment: Date) => {
    const [day, minute] = localDayAndMinute(moment, format)
    return windows.some((w) => w.days.includes(day) && minute >= w.from && minute < w.to)
  }
  if (inside(at)) return at
  const start = Math.ceil(at.getTime() / STEP_MS) * STEP_MS
  for (let t = start; t < at.getTime() + 8 * 24 * 3600_000; t += STEP_MS) {
    if (inside(new Date(t))) return new Date(t)
  }
  return at
}
