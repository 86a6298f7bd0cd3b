/**
 * Automatic triage: interprets a rule set (content/triage/rules.json) against one report.
 * Pure: the rule set arrives as data; nothing here reads files, clocks or the network.
 *
 * Two guarantees hold whatever the rule set says, because the design promises them:
 * a report with a sexual element is never suggested as out of scope, and "immediate danger:
 * yes" is never below P1 ("unsure" never below P2).
 */
import { OUT_OF_SCOPE_CONCERNS } from '../reports/model.js'
import type { Concern, Priority, TriageInput } from '../reports/model.js'
import { defaultRuleSet, PRIORITIES } from './rule-set.js'
import type { Condition, TriageRuleSet } from './rule-set.js'
import { readDescription } from './phrases.js'

export interface TriageReason {
  code: string
  text: string
  priority: Priority
}

export interface TriageOutcome {
  priority: Priority
  /** Every rule that fired, highest priority first. */
  reasons: TriageReason[]
  rulesVersion: string
  /** Only ever a suggestion: a person confirms before a report is treated as out of scope. */
  outOfScopeSuggested: boolean
}

/** Larger is more urgent: P1 = 3 ... out-of-scope = 0. */
export function priorityRank(priority: Priority): number {
  return PRIORITIES.length - 1 - PRIORITIES.indexOf(priority)
}

export function higherPriority(a: Priority, b: Priority): Priority {
  return priorityRank(a) >= priorityRank(b) ? a : b
}

const NON_SEXUAL_CONCERNS: readonly Concern[] = [...OUT_OF_SCOPE_CONCERNS, 'something-else']

export function assessPriority(
  input: TriageInput,
  ruleSet: TriageRuleSet = defaultRuleSet,
): TriageOutcome {
  const context = createContext(input, ruleSet)
  const fired: TriageReason[] = ruleSet.rules
    .filter((rule) => holds(rule.when, context))
    .map((rule) => ({ code: rule.id, text: rule.reason, priority: rule.priority }))
  const reasons = fired.length > 0 ? fired : [defaultReason(ruleSet)]
  const safe = sortReasons([...reasons, ...safetyFloors(input, reasons, context)])
  const priority = safe[0]?.priority ?? ruleSet.default.priority
  return {
    priority,
    reasons: safe,
    rulesVersion: ruleSet.version,
    outOfScopeSuggested: priority === 'out-of-scope',
  }
}

function defaultReason(ruleSet: TriageRuleSet): TriageReason {
  return { code: 'default', text: ruleSet.default.reason, priority: ruleSet.default.priority }
}

function sortReasons(reasons: TriageReason[]): TriageReason[] {
  // Array.prototype.sort is stable, so rules of equal priority keep the rule set's order.
  return [...reasons].sort((a, b) => priorityRank(b.priority) - priorityRank(a.priority))
}

function highest(reasons: readonly TriageReason[]): Priority {
  return reasons.reduce<Priority>(
    (top, reason) => higherPriority(top, reason.priority),
    'out-of-scope',
  )
}

/** Reasons added only when the rule set, as edited, would break a design guarantee. */
function safetyFloors(
  input: TriageInput,
  reasons: readonly TriageReason[],
  context: Context,
): TriageReason[] {
  const top = highest(reasons)
  const floors: TriageReason[] = []
  if (input.immediateDanger === 'yes' && priorityRank(top) < priorityRank('P1')) {
    floors.push({
      code: 'floor-immediate-danger',
      text: 'the reporter says a child is in immediate danger',
      priority: 'P1',
    })
  }
  if (input.immediateDanger === 'unsure' && priorityRank(top) < priorityRank('P2')) {
    floors.push({
      code: 'floor-immediate-danger-unsure',
      text: 'the reporter is unsure whether a child is in immediate danger',
      priority: 'P2',
    })
  }
  if (floors.length === 0 && top === 'out-of-scope' && hasSexualElement(input, context)) {
    floors.push({
      code: 'never-out-of-scope',
      text: context.ruleSet.neverOutOfScope.reason,
      priority: 'P3',
    })
  }
  return floors
}

function hasSexualElement(input: TriageInput, context: Context): boolean {
  const sexualConcern = input.concerns.some((concern) => !NON_SEXUAL_CONCERNS.includes(concern))
  return sexualConcern || holds(context.ruleSet.neverOutOfScope.when, context)
}

// ---------------------------------------------------------------------------------------------
// Conditions

interface Context {
  input: TriageInput
  ruleSet: TriageRuleSet
  /** Whether each lexicon matched the description, worked out once per report. */
  textMatches: (lexicon: string) => boolean
}

function createContext(input: TriageInput, ruleSet: TriageRuleSet): Context {
  const description = readDescription(ruleSet, input.description)
  return { input, ruleSet, textMatches: (lexicon) => description.matches(lexicon) }
}

function holds(condition: Condition, context: Context): boolean {
  const { input } = context
  if ('all' in condition) return condition.all.every((child) => holds(child, context))
  if ('any' in condition) return condition.any.some((child) => holds(child, context))
  if ('not' in condition) return !holds(condition.not, context)
  if ('condition' in condition) return holdsNamed(condition.condition, context)
  if ('textMatches' in condition) return condition.textMatches.some(context.textMatches)
  if ('concernAny' in condition) return input.concerns.some((c) => condition.concernAny.includes(c))
  if ('concernsOnly' in condition) {
    return (
      input.concerns.length > 0 && input.concerns.every((c) => condition.concernsOnly.includes(c))
    )
  }
  return holdsAnswer(condition, input)
}

function holdsNamed(name: string, context: Context): boolean {
  const named = context.ruleSet.conditions[name]
  if (!named) throw new Error(`unknown named condition "${name}"`)
  return holds(named.when, context)
}

function holdsAnswer(condition: Condition, input: TriageInput): boolean {
  if ('childAgeBelow' in condition) {
    return input.childAge !== null && input.childAge < condition.childAgeBelow
  }
  if ('childAgeAtLeast' in condition) {
    return input.childAge !== null && input.childAge >= condition.childAgeAtLeast
  }
  if ('childAgeUnknown' in condition) return (input.childAge === null) === condition.childAgeUnknown
  if ('immediateDanger' in condition)
    return condition.immediateDanger.includes(input.immediateDanger)
  if ('stillHappening' in condition) return condition.stillHappening.includes(input.stillHappening)
  if ('otherPersonAge' in condition) return condition.otherPersonAge.includes(input.otherPersonAge)
  if ('knownOffline' in condition) return input.otherPersonKnownOffline === condition.knownOffline
  if ('audience' in condition) return condition.audience.includes(input.audience)
  throw new Error(`unknown condition ${JSON.stringify(condition)}`)
}
