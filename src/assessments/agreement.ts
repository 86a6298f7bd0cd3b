/**
 * Triage agreement: how the automatic priority compares with what advisors decided, so rule
 * authors see where the rules are wrong. Pure: the counts and the rule set arrive as data.
 * Counts only; nothing here ever sees what a report says.
 */
import type { Priority } from '../reports/model.js'
import type { TriageRuleSet } from '../triage/rule-set.js'

export const AGREEMENT_PRIORITIES = [
  'P1',
  'P2',
  'P3',
  'out-of-scope',
] as const satisfies readonly Priority[]

/** The decisions as risk_assessments records them (migration 015). */
export const RECORDED_DECISIONS = [
  'urgent-referral',
  'open-case',
  'close-with-advice',
  'close-with-signposting',
] as const
export type RecordedDecision = (typeof RECORDED_DECISIONS)[number]

/**
 * Which decisions agree with a priority. P1 means "refer to the police now"; P2 and P3 are in
 * scope and meet the threshold for a case, though a P3 may fairly be closed with advice; an
 * out-of-scope report is closed with signposting. Written down in docs/triage.md.
 */
export const AGREEING_DECISIONS: Readonly<Record<Priority, readonly RecordedDecision[]>> = {
  P1: ['urgent-referral'],
  P2: ['open-case'],
  P3: ['open-case', 'close-with-advice'],
  'out-of-scope': ['close-with-signposting'],
}

export function agrees(priority: Priority, decision: RecordedDecision): boolean {
  return AGREEING_DECISIONS[priority].includes(decision)
}

export const PERIODS = ['30-days', '90-days', 'all'] as const
export type Period = (typeof PERIODS)[number]

export const PERIOD_NAMES: Record<Period, string> = {
  '30-days': 'Last 30 days',
  '90-days': 'Last 90 days',
  all: 'All time',
}

const DAY = 24 * 3_600_000

/** The earliest assessment a period counts, or null for all of them. */
export function periodStart(period: Period, now: Date): Date | null {
  if (period === 'all') return null
  return new Date(now.getTime() - (period === '30-days' ? 30 : 90) * DAY)
}

export type ReadPeriod = { ok: true; period: Period } | { ok: false; error: string }

export function readPeriod(value: unknown): ReadPeriod {
  if (value === undefined || value === '') return { ok: true, period: 'all' }
  const period = PERIODS.find((p) => p === value)
  return period ? { ok: true, period } : { ok: false, error: 'Select a period from the list' }
}

/** How many reports (their latest assessment) had this automatic priority and decision. */
export interface DecisionCount {
  priority: Priority
  decision: RecordedDecision
  reports: number
}

/** The same, for the reports on which one reason fired. */
export interface ReasonCount extends DecisionCount {
  code: string
}

export interface ConfusionRow {
  priority: Priority
  counts: Record<RecordedDecision, number>
  total: number
  agreed: number
}

export interface ConfusionTable {
  rows: ConfusionRow[]
  totals: Record<RecordedDecision, number>
  total: number
  agreed: number
}

const zeroes = (): Record<RecordedDecision, number> => ({
  'urgent-referral': 0,
  'open-case': 0,
  'close-with-advice': 0,
  'close-with-signposting': 0,
})

/** Automatic priority down the side, decision across the top, every cell shown even if 0. */
export function confusionTable(counts: readonly DecisionCount[]): ConfusionTable {
  const rows = AGREEMENT_PRIORITIES.map((priority): ConfusionRow => {
    const cells = zeroes()
    for (const c of counts) if (c.priority === priority) cells[c.decision] += c.reports
    return {
      priority,
      counts: cells,
      total: RECORDED_DECISIONS.reduce((sum, d) => sum + cells[d], 0),
      agreed: AGREEING_DECISIONS[priority].reduce((sum, d) => sum + cells[d], 0),
    }
  })
  const totals = zeroes()
  for (const row of rows) for (const d of RECORDED_DECISIONS) totals[d] += row.counts[d]
  return {
    rows,
    totals,
    total: rows.reduce((sum, r) => sum + r.total, 0),
    agreed: rows.reduce((sum, r) => sum + r.agreed, 0),
  }
}

export type ReasonSource = 'rule' | 'safety-floor' | 'default' | 'retired'

/** A reason triage can give, and the priority it gives (null: whatever the report got). */
export interface KnownReason {
  code: string
  text: string
  priority: Priority | null
  source: ReasonSource
}

/**
 * Every reason a report can carry: the rule set's rules and default, and the reasons the code
 * adds whatever the rules say (src/triage/rules.ts). Two of those (an unsure answer read as
 * the reassuring one, an age stated in the description) give the report's own priority.
 */
export function knownReasons(ruleSet: TriageRuleSet): KnownReason[] {
  const floor = (code: string, text: string, priority: Priority | null): KnownReason => ({
    code,
    text,
    priority,
    source: 'safety-floor',
  })
  return [
    ...ruleSet.rules.map((rule): KnownReason => ({
      code: rule.id,
      text: rule.reason,
      priority: rule.priority,
      source: 'rule',
    })),
    {
      code: 'default',
      text: ruleSet.default.reason,
      priority: ruleSet.default.priority,
      source: 'default',
    },
    floor('floor-immediate-danger', 'the reporter says a child is in immediate danger', 'P1'),
    floor(
      'floor-self-harm-now',
      'someone talks of hurting themselves or ending their life now',
      'P1',
    ),
    floor('floor-coercion-now', 'contact is happening now, with threats or pressure', 'P1'),
    floor(
      'floor-immediate-danger-unsure',
      'the reporter is unsure whether a child is in immediate danger',
      'P2',
    ),
    floor(
      'floor-self-harm',
      'self-harm or suicide is mentioned, even if denied or in the past',
      'P2',
    ),
    floor('never-out-of-scope', ruleSet.neverOutOfScope.reason, 'P3'),
    floor(
      'floor-uncertainty',
      'an unsure or unknown answer never gives a lower priority than a reassuring one',
      null,
    ),
    floor('stated-child-age', "the description gives the child's age, read as the answer", null),
  ]
}

export interface ReasonAgreement extends KnownReason {
  /** Assessed reports it fired on. */
  firedOn: number
  /** Of those, how many decisions agreed with the priority it gives. */
  agreed: number
}

/**
 * For each reason, the reports it fired on and how often the decision agreed with the
 * priority that reason gives (not the report's overall priority: a P3 rule firing on a report
 * another rule made P1 disagrees with an urgent referral, which is what its author needs to
 * see). Current rules are listed even when they never fired; a reason no longer in the rule
 * set is compared with the report's own priority, as what it gave then is not known now.
 */
export function reasonAgreement(
  counts: readonly ReasonCount[],
  reasons: readonly KnownReason[],
): ReasonAgreement[] {
  const byCode = new Map<string, ReasonAgreement>(
    reasons.map((r) => [r.code, { ...r, firedOn: 0, agreed: 0 }]),
  )
  for (const c of counts) {
    let entry = byCode.get(c.code)
    if (!entry) {
      entry = { code: c.code, text: '', priority: null, source: 'retired', firedOn: 0, agreed: 0 }
      byCode.set(c.code, entry)
    }
    entry.firedOn += c.reports
    if (agrees(entry.priority ?? c.priority, c.decision)) entry.agreed += c.reports
  }
  const known = reasons.flatMap((r) => byCode.get(r.code) ?? [])
  const retired = [...byCode.values()]
    .filter((r) => r.source === 'retired')
    .sort((a, b) => a.code.localeCompare(b.code))
  // Code-made reasons that never fired are noise; current rules that never fired are news.
  return [...known.filter((r) => r.source === 'rule' || r.firedOn > 0), ...retired]
}

/** "83%" of a share, or "–" with nothing to share. */
export function percentage(part: number, whole: number): string {
  return whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`
}

export const PRIORITY_NAMES: Record<Priority, string> = {
  P1: 'P1 urgent',
  P2: 'P2 high',
  P3: 'P3 standard',
  'out-of-scope': 'Out of scope',
}

export const DECISION_NAMES: Record<RecordedDecision, string> = {
  'urgent-referral': 'Urgent referral to police',
  'open-case': 'Case opened',
  'close-with-advice': 'Closed with advice',
  'close-with-signposting': 'Closed with signposting',
}
