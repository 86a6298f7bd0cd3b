/**
 * Triage scenarios (../shared/scenarios/README.md): the reports an experienced Child Protection
 * Advisor has prioritised, used as the regression suite for the rule set. Pure: callers read
 * the files.
 */
import { z } from 'zod'
import { AUDIENCES, CONCERNS } from '../reports/model.js'
import type { Priority, TriageInput } from '../reports/model.js'
import { PRIORITIES } from './rule-set.js'
import type { TriageRuleSet } from './rule-set.js'
import { assessPriority, priorityRank } from './rules.js'
import type { TriageOutcome } from './rules.js'

const yesNoUnsure = z.enum(['yes', 'no', 'unsure'])

const scenarioSchema = z.object({
  id: z.string().min(1),
  reporter: z.enum(AUDIENCES),
  child_age: z.int().min(0).max(120).nullable(),
  child_location: z.string().nullable(),
  immediate_danger: yesNoUnsure,
  concerns: z.array(z.enum(CONCERNS)).min(1),
  still_happening: yesNoUnsure,
  other_person_age: z.enum(['adult', 'under-18', 'unknown']),
  other_person_known_offline: z.boolean().nullable(),
  description: z.string(),
  expected: z.object({ priority: z.enum(PRIORITIES), reason: z.string() }),
})

export type Scenario = z.output<typeof scenarioSchema>

export class ScenarioFileError extends Error {
  override readonly name = 'ScenarioFileError'
}

/** Checks one scenario file's parsed JSON; `source` names the file in the error. */
export function parseScenarios(data: unknown, source: string): Scenario[] {
  const result = z.array(scenarioSchema).safeParse(data)
  if (!result.success) {
    throw new ScenarioFileError(
      `${source} is not a valid scenario file (a JSON array of scenarios):\n${z.prettifyError(result.error)}`,
    )
  }
  return result.data
}

export function toTriageInput(scenario: Scenario): TriageInput {
  return {
    audience: scenario.reporter,
    childAge: scenario.child_age,
    childLocation: scenario.child_location,
    immediateDanger: scenario.immediate_danger,
    concerns: scenario.concerns,
    stillHappening: scenario.still_happening,
    otherPersonAge: scenario.other_person_age,
    otherPersonKnownOffline: scenario.other_person_known_offline,
    description: scenario.description,
  }
}

export interface ScenarioResult {
  scenario: Scenario
  outcome: TriageOutcome
}

export interface Evaluation {
  results: ScenarioResult[]
  misses: ScenarioResult[]
  /** confusion[expected][actual] = how many scenarios. */
  confusion: Record<Priority, Record<Priority, number>>
  correct: number
  total: number
  /** Expected P1, given anything lower. */
  urgentMissed: number
  /** Expected in scope, suggested as out of scope. */
  inScopeMarkedOutOfScope: number
}

export function evaluateScenarios(
  scenarios: readonly Scenario[],
  ruleSet?: TriageRuleSet,
): Evaluation {
  const results = scenarios.map((scenario) => ({
    scenario,
    outcome: assessPriority(toTriageInput(scenario), ruleSet),
  }))
  const confusion = emptyConfusion()
  for (const { scenario, outcome } of results)
    confusion[scenario.expected.priority][outcome.priority]++
  const misses = results.filter(
    ({ scenario, outcome }) => scenario.expected.priority !== outcome.priority,
  )
  return {
    results,
    misses,
    confusion,
    correct: results.length - misses.length,
    total: results.length,
    urgentMissed: misses.filter(({ scenario, outcome }) => isUrgentMiss(scenario, outcome)).length,
    inScopeMarkedOutOfScope: misses.filter(({ outcome }) => outcome.priority === 'out-of-scope')
      .length,
  }
}

function isUrgentMiss(scenario: Scenario, outcome: TriageOutcome): boolean {
  return scenario.expected.priority === 'P1' && priorityRank(outcome.priority) < priorityRank('P1')
}

function emptyConfusion(): Record<Priority, Record<Priority, number>> {
  const row = (): Record<Priority, number> => ({ P1: 0, P2: 0, P3: 0, 'out-of-scope': 0 })
  return { P1: row(), P2: row(), P3: row(), 'out-of-scope': row() }
}

/** The share of scenarios every set must get exactly right (issue 13's threshold). */
export const ACCURACY_THRESHOLD = 0.9

export function accuracy(evaluation: Evaluation): number {
  return evaluation.total === 0 ? 1 : evaluation.correct / evaluation.total
}

/** Whether a set meets the thresholds: no urgent miss, nothing in scope sent out, 90 % exact. */
export function meetsThresholds(evaluation: Evaluation): boolean {
  return (
    evaluation.urgentMissed === 0 &&
    evaluation.inScopeMarkedOutOfScope === 0 &&
    accuracy(evaluation) >= ACCURACY_THRESHOLD
  )
}

/** The summary line the evaluation command prints last (and CI can grep for). */
export function summaryLine(evaluation: Evaluation): string {
  const percent = (accuracy(evaluation) * 100).toFixed(1)
  return `accuracy ${evaluation.correct}/${evaluation.total} (${percent} %), urgent missed ${evaluation.urgentMissed}, in-scope marked out-of-scope ${evaluation.inScopeMarkedOutOfScope}`
}

/** The whole report: confusion matrix, each miss with its reasons, then the summary line. */
export function formatEvaluation(evaluation: Evaluation): string[] {
  return [...formatConfusion(evaluation), '', ...formatMisses(evaluation), summaryLine(evaluation)]
}

function formatConfusion(evaluation: Evaluation): string[] {
  const label = 'expected \\ actual'
  const width = Math.max(...PRIORITIES.map((priority) => priority.length))
  const cell = (text: string): string => text.padStart(width)
  const header = [label.padEnd(label.length), ...PRIORITIES.map(cell)].join('  ')
  const rows = PRIORITIES.map((expected) =>
    [
      expected.padEnd(label.length),
      ...PRIORITIES.map((actual) => cell(String(evaluation.confusion[expected][actual]))),
    ].join('  '),
  )
  return [header, ...rows]
}

function formatMisses(evaluation: Evaluation): string[] {
  if (evaluation.misses.length === 0) return ['no misses', '']
  return evaluation.misses.flatMap(({ scenario, outcome }) => [
    `MISS ${scenario.id}: expected ${scenario.expected.priority}, got ${outcome.priority}` +
      ` (advisor: ${scenario.expected.reason})`,
    ...outcome.reasons.map((reason) => `    ${reason.priority} ${reason.code}: ${reason.text}`),
    '',
  ])
}
