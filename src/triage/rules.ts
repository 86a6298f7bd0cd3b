/**
 * Automatic triage: interprets a rule set (content/triage/rules.json) against one report.
 * Pure: the rule set arrives as data; nothing here reads files, clocks or the network.
 *
 * Some guarantees hold whatever the rule set says, because a missed urgent report is the worst
 * failure the service can have (the safety floors below): immediate danger "yes" is P1 and
 * "unsure" at least P2; any self-harm or suicide language, denied or not, is at least P2, and P1
 * when it is about now; contact happening now with threats or pressure is P1; an unsure or
 * unknown answer never gives a lower priority than the reassuring answer would; and a report
 * with a sexual element involving a child is never suggested as out of scope.
 *
 * Facts the description states that the form asks for (the child's age) count like answers,
 * with a reason saying so; they can only raise a priority.
 */
import { OUT_OF_SCOPE_CONCERNS } from '../reports/model.js'
import type { Concern, Priority, TriageInput } from '../reports/model.js'
import { defaultRuleSet, PRIORITIES } from './rule-set.js'
import type { Condition, TriageRuleSet } from './rule-set.js'
import { readDescription } from './phrases.js'
import type { DescriptionText } from './phrases.js'
import { statedChildAge } from './stated-facts.js'

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
const COERCION_CONCERNS: readonly Concern[] = ['pressure-to-do-things', 'image-shared-threats']

export function assessPriority(
  input: TriageInput,
  ruleSet: TriageRuleSet = defaultRuleSet,
): TriageOutcome {
  const description = readDescription(ruleSet, input.description)
  let reasons = assessAnswers(input, ruleSet, description)

  // Uncertainty never lowers a priority: an unsure answer is read as at least as worrying as
  // the reassuring one, whatever an edited rule set says about it.
  const reassured = reassuringAnswers(input)
  if (reassured) {
    const sure = highest(assessAnswers(reassured, ruleSet, description))
    if (priorityRank(sure) > priorityRank(highest(reasons))) {
      reasons.push({
        code: 'floor-uncertainty',
        text: 'an unsure or unknown answer never gives a lower priority than a reassuring one',
        priority: sure,
      })
    }
  }

  const stated =
    input.childAge === null
      ? statedChildAge(description.words, input.audience === 'young-person')
      : null
  if (stated) {
    const withAge = assessAnswers({ ...input, childAge: stated.age }, ruleSet, description)
    const top = higherPriority(highest(withAge), highest(reasons))
    reasons = [
      ...(priorityRank(highest(withAge)) > priorityRank(highest(reasons)) ? withAge : reasons),
      {
        code: 'stated-child-age',
        text: `the description gives the child's age as ${String(stated.age)}, read as the answer`,
        priority: top,
      },
    ]
  }

  const sorted = sortReasons(reasons)
  const priority = sorted[0]?.priority ?? ruleSet.default.priority
  return {
    priority,
    reasons: sorted,
    rulesVersion: ruleSet.version,
    outOfScopeSuggested: priority === 'out-of-scope',
  }
}

/** The rules that fire on these answers, with the safety floors; unsorted. */
function assessAnswers(
  input: TriageInput,
  ruleSet: TriageRuleSet,
  description: DescriptionText,
): TriageReason[] {
  const context: Context = { input, ruleSet, description }
  const fired: TriageReason[] = ruleSet.rules
    .filter((rule) => holds(rule.when, context))
    .map((rule) => ({ code: rule.id, text: rule.reason, priority: rule.priority }))
  const reasons = fired.length > 0 ? fired : [defaultReason(ruleSet)]
  return [...reasons, ...safetyFloors(input, reasons, context)]
}

/** The same report with each unsure or unknown answer replaced by the reassuring one, or null. */
function reassuringAnswers(input: TriageInput): TriageInput | null {
  const reassured: TriageInput = {
    ...input,
    immediateDanger: input.immediateDanger === 'unsure' ? 'no' : input.immediateDanger,
    stillHappening: input.stillHappening === 'unsure' ? 'no' : input.stillHappening,
    otherPersonAge: input.otherPersonAge === 'unknown' ? 'under-18' : input.otherPersonAge,
    otherPersonKnownOffline: input.otherPersonKnownOffline ?? false,
  }
  const changed =
    reassured.immediateDanger !== input.immediateDanger ||
    reassured.stillHappening !== input.stillHappening ||
    reassured.otherPersonAge !== input.otherPersonAge ||
    reassured.otherPersonKnownOffline !== input.otherPersonKnownOffline
  return changed ? reassured : null
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

/** Reasons added only when the rule set, as edited, would break a guarantee. */
function safetyFloors(
  input: TriageInput,
  reasons: readonly TriageReason[],
  context: Context,
): TriageReason[] {
  const { description } = context
  const floors: TriageReason[] = []
  const below = (priority: Priority) =>
    priorityRank(highest([...reasons, ...floors])) < priorityRank(priority)
  if (input.immediateDanger === 'yes' && below('P1')) {
    floors.push({
      code: 'floor-immediate-danger',
      text: 'the reporter says a child is in immediate danger',
      priority: 'P1',
    })
  }
  if (description.affirms('self-harm-now') && below('P1')) {
    floors.push({
      code: 'floor-self-harm-now',
      text: 'someone talks of hurting themselves or ending their life now',
      priority: 'P1',
    })
  }
  if (description.affirms('happening-now') && isCoercion(input, description) && below('P1')) {
    floors.push({
      code: 'floor-coercion-now',
      text: 'contact is happening now, with threats or pressure',
      priority: 'P1',
    })
  }
  if (input.immediateDanger === 'unsure' && below('P2')) {
    floors.push({
      code: 'floor-immediate-danger-unsure',
      text: 'the reporter is unsure whether a child is in immediate danger',
      priority: 'P2',
    })
  }
  if (description.matches('self-harm') && below('P2')) {
    floors.push({
      code: 'floor-self-harm',
      text: 'self-harm or suicide is mentioned, even if denied or in the past',
      priority: 'P2',
    })
  }
  if (below('P3') && hasSexualElement(input, context)) {
    floors.push({
      code: 'never-out-of-scope',
      text: context.ruleSet.neverOutOfScope.reason,
      priority: 'P3',
    })
  }
  return floors
}

function isCoercion(input: TriageInput, description: DescriptionText): boolean {
  return (
    input.concerns.some((concern) => COERCION_CONCERNS.includes(concern)) ||
    description.affirms('threat')
  )
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
  /** The description, read once per report; each lexicon is looked for once. */
  description: DescriptionText
}

/**
 * Whether a condition holds for a report. Each condition is turned into a function once per
 * rule set, so a report pays for looking at its answers, not for reading the rule set again.
 */
function holds(condition: Condition, context: Context): boolean {
  return predicateOf(condition, context.ruleSet)(context)
}

type Predicate = (context: Context) => boolean

const predicates = new WeakMap<Condition, Predicate>()

function predicateOf(condition: Condition, ruleSet: TriageRuleSet): Predicate {
  let predicate = predicates.get(condition)
  if (!predicate) {
    predicate = compileCondition(condition, ruleSet)
    predicates.set(condition, predicate)
  }
  return predicate
}

function compileCondition(condition: Condition, ruleSet: TriageRuleSet): Predicate {
  // Conditions have no side effects, so the answers are looked at before the free text: a
  // rule whose answers already rule it out never scans the description.
  const children = (list: Condition[]) =>
    [...list]
      .sort((a, b) => Number(readsText(a, ruleSet)) - Number(readsText(b, ruleSet)))
      .map((c) => predicateOf(c, ruleSet))
  const child = (c: Condition) => predicateOf(c, ruleSet)
  if ('all' in condition) {
    const all = children(condition.all)
    return (context) => all.every((p) => p(context))
  }
  if ('any' in condition) {
    const any = children(condition.any)
    return (context) => any.some((p) => p(context))
  }
  if ('not' in condition) {
    const inner = child(condition.not)
    return (context) => !inner(context)
  }
  if ('condition' in condition) {
    const named = ruleSet.conditions[condition.condition]
    if (!named) throw new Error(`unknown named condition "${condition.condition}"`)
    // Looked up when first used, so named conditions may refer to each other in any order.
    return (context) => predicateOf(named.when, ruleSet)(context)
  }
  if ('textMatches' in condition) {
    const lexicons = condition.textMatches
    return (context) => lexicons.some((lexicon) => context.description.matches(lexicon))
  }
  if ('textAffirms' in condition) {
    const lexicons = condition.textAffirms
    return (context) => lexicons.some((lexicon) => context.description.affirms(lexicon))
  }
  return answerPredicate(condition)
}

function readsText(
  condition: Condition,
  ruleSet: TriageRuleSet,
  seen = new Set<string>(),
): boolean {
  if ('textMatches' in condition || 'textAffirms' in condition) return true
  if ('all' in condition) return condition.all.some((c) => readsText(c, ruleSet, seen))
  if ('any' in condition) return condition.any.some((c) => readsText(c, ruleSet, seen))
  if ('not' in condition) return readsText(condition.not, ruleSet, seen)
  if ('condition' in condition) {
    const name = condition.condition
    const named = ruleSet.conditions[name]
    if (!named || seen.has(name)) return false
    seen.add(name)
    return readsText(named.when, ruleSet, seen)
  }
  return false
}

function answerPredicate(condition: Condition): Predicate {
  if ('concernAny' in condition) {
    const wanted = new Set(condition.concernAny)
    return ({ input }) => input.concerns.some((c) => wanted.has(c))
  }
  if ('concernsOnly' in condition) {
    const allowed = new Set(condition.concernsOnly)
    return ({ input }) => input.concerns.length > 0 && input.concerns.every((c) => allowed.has(c))
  }
  if ('childAgeBelow' in condition) {
    const below = condition.childAgeBelow
    return ({ input }) => input.childAge !== null && input.childAge < below
  }
  if ('childAgeAtLeast' in condition) {
    const atLeast = condition.childAgeAtLeast
    return ({ input }) => input.childAge !== null && input.childAge >= atLeast
  }
  if ('childAgeUnknown' in condition) {
    const unknown = condition.childAgeUnknown
    return ({ input }) => (input.childAge === null) === unknown
  }
  if ('immediateDanger' in condition) {
    const values: readonly string[] = condition.immediateDanger
    return ({ input }) => values.includes(input.immediateDanger)
  }
  if ('stillHappening' in condition) {
    const values: readonly string[] = condition.stillHappening
    return ({ input }) => values.includes(input.stillHappening)
  }
  if ('otherPersonAge' in condition) {
    const values: readonly string[] = condition.otherPersonAge
    return ({ input }) => values.includes(input.otherPersonAge)
  }
  if ('knownOffline' in condition) {
    const known = condition.knownOffline
    return ({ input }) => input.otherPersonKnownOffline === known
  }
  if ('audience' in condition) {
    const values: readonly string[] = condition.audience
    return ({ input }) => values.includes(input.audience)
  }
  throw new Error(`unknown condition ${JSON.stringify(condition)}`)
}
