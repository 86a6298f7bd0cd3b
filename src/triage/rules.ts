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
  const compiled = compileRuleSet(ruleSet)
  const tokens = normaliseText(input.description, compiled.spellings)
  const cache = new Map<string, boolean>()
  return {
    input,
    ruleSet,
    textMatches: (lexicon) => {
      let found = cache.get(lexicon)
      if (found === undefined) {
        found = lexiconMatches(compiled, lexicon, tokens)
        cache.set(lexicon, found)
      }
      return found
    },
  }
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

// ---------------------------------------------------------------------------------------------
// Text signals
//
// The description and every lexicon phrase go through the same normalisation (lower case,
// apostrophes dropped, text-speak respelt, "9pm" split into "9 pm"), so an agency writes
// phrases the way people write and they still meet "2moro", "dont" and "pics".

/** Stands for the end of a sentence: phrases and gaps never reach across one. */
const SENTENCE_BREAK = '|'

type Part =
  | { kind: 'word'; text: string; prefix: boolean }
  | { kind: 'any-word' }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'gap' }
  | { kind: 'not-next'; options: Sequence[] }
  | { kind: 'choice'; options: Sequence[] }
type Sequence = readonly Part[]

interface CompiledLexicon {
  phrases: Sequence[]
  except: Sequence[]
}

interface CompiledRuleSet {
  spellings: ReadonlyMap<string, readonly string[]>
  lexicons: Map<string, CompiledLexicon>
  maxGap: number
  typoMinLength: number
}

const compiledCache = new WeakMap<TriageRuleSet, CompiledRuleSet>()

function compileRuleSet(ruleSet: TriageRuleSet): CompiledRuleSet {
  const cached = compiledCache.get(ruleSet)
  if (cached) return cached
  const compiled: CompiledRuleSet = {
    spellings: spellingMap(ruleSet.spellings),
    lexicons: new Map(),
    maxGap: ruleSet.matching.maxGapWords,
    typoMinLength: ruleSet.matching.typoMinWordLength,
  }
  const compiling = new Set<string>()
  const compileLexicon = (name: string): CompiledLexicon => {
    const done = compiled.lexicons.get(name)
    if (done) return done
    const lexicon = ruleSet.lexicons[name]
    if (!lexicon) throw new Error(`unknown lexicon "${name}"`)
    if (compiling.has(name)) throw new Error(`lexicon "${name}" refers to itself`)
    compiling.add(name)
    const phrase = (text: string): Sequence =>
      compilePhrase(text, compiled.spellings, compileLexicon)
    const result = { phrases: lexicon.phrases.map(phrase), except: lexicon.except.map(phrase) }
    compiling.delete(name)
    compiled.lexicons.set(name, result)
    return result
  }
  for (const name of Object.keys(ruleSet.lexicons)) compileLexicon(name)
  compiledCache.set(ruleSet, compiled)
  return compiled
}

function spellingMap(spellings: Record<string, string[]>): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const [canonical, variants] of Object.entries(spellings)) {
    const words = canonical.toLowerCase().split(/\s+/).filter(Boolean)
    for (const variant of variants) map.set(variant, words)
  }
  return map
}

/** Lower-cases, drops apostrophes, respells text-speak and marks sentence ends. */
export function normaliseText(
  text: string,
  spellings: ReadonlyMap<string, readonly string[]>,
): string[] {
  const cleaned = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/\b([ap])\.m\b\.?/g, '$1m')
    .replace(/(\d)[.:](\d)/g, '$1 $2')
  const tokens: string[] = []
  for (const [raw] of cleaned.matchAll(/[\p{L}\p{N}]+|[£$€]|[.!?;\n]+/gu)) {
    if (/^[.!?;\n]+$/.test(raw)) {
      if (tokens.length > 0 && tokens.at(-1) !== SENTENCE_BREAK) tokens.push(SENTENCE_BREAK)
    } else {
      tokens.push(...respell(raw, spellings))
    }
  }
  return tokens
}

function respell(word: string, spellings: ReadonlyMap<string, readonly string[]>): string[] {
  const whole = spellings.get(word)
  if (whole) return [...whole]
  // "9pm", "14yo", "£100": numbers and words glued together are read apart.
  const parts = word.match(/\p{N}+|[^\p{N}]+/gu) ?? [word]
  if (parts.length === 1) return [word]
  return parts.flatMap((part) => spellings.get(part) ?? [part])
}

function compilePhrase(
  phrase: string,
  spellings: ReadonlyMap<string, readonly string[]>,
  lexicon: (name: string) => CompiledLexicon,
): Sequence {
  return phrase
    .trim()
    .split(/\s+/)
    .flatMap((token) => compileToken(token, spellings, lexicon))
}

function compileToken(
  token: string,
  spellings: ReadonlyMap<string, readonly string[]>,
  lexicon: (name: string) => CompiledLexicon,
): Part[] {
  if (token === '...') return [{ kind: 'gap' }]
  if (token === '*') return [{ kind: 'any-word' }]
  if (token.startsWith('!')) {
    const options = token
      .slice(1)
      .split('/')
      .map((word) => compileWords(word, spellings))
    return [{ kind: 'not-next', options }]
  }
  const ref = /^\{([a-z0-9-]+)\}$/.exec(token)
  if (ref) return [{ kind: 'choice', options: lexicon(ref[1] ?? '').phrases }]
  const range = /^#(?:(\d+)-(\d+))?$/.exec(token)
  if (range) {
    const [, min, max] = range
    return [
      { kind: 'number', min: Number(min ?? 0), max: max === undefined ? Infinity : Number(max) },
    ]
  }
  const options = token.split('/').map((alternative) => compileWords(alternative, spellings))
  const [only] = options
  return options.length === 1 && only ? [...only] : [{ kind: 'choice', options }]
}

function compileWords(
  alternative: string,
  spellings: ReadonlyMap<string, readonly string[]>,
): Sequence {
  const prefix = alternative.endsWith('*')
  const words = normaliseText(prefix ? alternative.slice(0, -1) : alternative, spellings).filter(
    (word) => word !== SENTENCE_BREAK,
  )
  if (words.length === 0) throw new Error(`"${alternative}" has no letters or digits to match`)
  return words.map((text, index) => ({
    kind: 'word',
    text,
    prefix: prefix && index === words.length - 1,
  }))
}

function lexiconMatches(
  compiled: CompiledRuleSet,
  name: string,
  tokens: readonly string[],
): boolean {
  const lexicon = compiled.lexicons.get(name)
  if (!lexicon) throw new Error(`unknown lexicon "${name}"`)
  let excluded: [number, number][] | undefined
  for (const [start, end] of spans(lexicon.phrases, tokens, compiled)) {
    excluded ??= [...spans(lexicon.except, tokens, compiled)]
    if (!excluded.some(([from, to]) => from <= start && end <= to)) return true
  }
  return false
}

function* spans(
  phrases: readonly Sequence[],
  tokens: readonly string[],
  compiled: CompiledRuleSet,
): Generator<[number, number]> {
  for (let start = 0; start < tokens.length; start++) {
    const token = tokens[start]
    if (token === undefined || token === SENTENCE_BREAK) continue
    for (const phrase of phrases) {
      if (!mayStart(phrase, token, compiled)) continue
      for (const end of new Set(endsOf(phrase, 0, tokens, start, compiled))) yield [start, end]
    }
  }
}

/** The words a sequence can begin with, so most phrases are ruled out by one look-up. */
interface FirstWords {
  anything: boolean
  exact: Set<string>
  prefixes: string[]
}

const firstWordsCache = new WeakMap<Sequence, FirstWords>()

function firstWords(sequence: Sequence, from = 0): FirstWords {
  const cached = from === 0 ? firstWordsCache.get(sequence) : undefined
  if (cached) return cached
  const part = sequence[from]
  const result: FirstWords = { anything: false, exact: new Set(), prefixes: [] }
  if (!part || part.kind === 'any-word' || part.kind === 'number' || part.kind === 'gap') {
    result.anything = true
  } else if (part.kind === 'not-next') {
    return firstWords(sequence.slice(from + 1))
  } else if (part.kind === 'word') {
    if (part.prefix) result.prefixes.push(part.text)
    else result.exact.add(part.text)
  } else {
    for (const option of part.options) {
      const inner = firstWords(option)
      result.anything ||= inner.anything
      for (const word of inner.exact) result.exact.add(word)
      result.prefixes.push(...inner.prefixes)
    }
  }
  if (from === 0) firstWordsCache.set(sequence, result)
  return result
}

function mayStart(sequence: Sequence, token: string, compiled: CompiledRuleSet): boolean {
  const first = firstWords(sequence)
  if (first.anything || first.exact.has(token)) return true
  const typoMinLength = compiled.typoMinLength
  if (first.prefixes.some((prefix) => wordFits(token, prefix, true, typoMinLength))) return true
  // Typo tolerance only applies to long words, so short tokens need no further look.
  if (token.length + 1 < typoMinLength) return false
  for (const word of first.exact) if (isTypo(token, word, typoMinLength)) return true
  return false
}

/** Every token position at which `sequence[from..]` can finish when it starts at `at`. */
function endsOf(
  sequence: Sequence,
  from: number,
  tokens: readonly string[],
  at: number,
  compiled: CompiledRuleSet,
): number[] {
  const part = sequence[from]
  if (!part) return [at]
  const rest = (next: number): number[] => endsOf(sequence, from + 1, tokens, next, compiled)
  if (part.kind === 'gap') {
    const ends: number[] = []
    for (let skip = 0; skip <= compiled.maxGap && at + skip <= tokens.length; skip++) {
      if (skip > 0 && tokens[at + skip - 1] === SENTENCE_BREAK) break
      ends.push(...rest(at + skip))
    }
    return ends
  }
  if (part.kind === 'not-next') {
    const blocked = part.options.some(
      (option) => endsOf(option, 0, tokens, at, compiled).length > 0,
    )
    return blocked ? [] : rest(at)
  }
  if (part.kind === 'choice') {
    const token = tokens[at]
    if (token === undefined) return []
    return part.options
      .filter((option) => mayStart(option, token, compiled))
      .flatMap((option) => endsOf(option, 0, tokens, at, compiled).flatMap((next) => rest(next)))
  }
  const token = tokens[at]
  if (token === undefined || token === SENTENCE_BREAK) return []
  return tokenFits(part, token, compiled) ? rest(at + 1) : []
}

function tokenFits(
  part: Extract<Part, { kind: 'word' | 'any-word' | 'number' }>,
  token: string,
  compiled: CompiledRuleSet,
): boolean {
  if (part.kind === 'any-word') return true
  if (part.kind === 'number') {
    if (!/^\d+$/.test(token)) return false
    const value = Number(token)
    return value >= part.min && value <= part.max
  }
  return wordFits(token, part.text, part.prefix, compiled.typoMinLength)
}

function wordFits(token: string, word: string, prefix: boolean, typoMinLength: number): boolean {
  if (prefix ? token.startsWith(word) : token === word) return true
  if (!prefix) return isTypo(token, word, typoMinLength)
  // A slip inside the stem ("blackmialing") still counts; the stem may have lost or gained a letter.
  return [-1, 0, 1].some((delta) =>
    isTypo(token.slice(0, word.length + delta), word, typoMinLength),
  )
}

/** One slip (a letter missing, extra, wrong or two swapped) in a long word, first letter right. */
function isTypo(token: string, word: string, minLength: number): boolean {
  if (word.length < minLength || !token.startsWith(word.slice(0, 1)) || /\d/.test(token)) {
    return false
  }
  if (Math.abs(token.length - word.length) > 1) return false
  if (token.length === word.length) return oneSubstitutionOrSwap(token, word)
  const [shorter, longer] = token.length < word.length ? [token, word] : [word, token]
  let same = 0
  while (same < shorter.length && shorter[same] === longer[same]) same++
  return shorter.slice(same) === longer.slice(same + 1)
}

function oneSubstitutionOrSwap(a: string, b: string): boolean {
  const differ: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ.push(i)
  if (differ.length === 1) return true
  const [first, second] = differ
  return (
    differ.length === 2 &&
    first !== undefined &&
    second === first + 1 &&
    a[first] === b[second] &&
    a[second] === b[first]
  )
}
