/**
 * The triage rule set: the data an agency reads and changes (content/triage/rules.json), the
 * schema that checks it, and the loader. The engine that interprets it is in rules.ts.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { AUDIENCES, CONCERNS } from '../reports/model.js'
import type { Audience, Concern, OtherPersonAge, Priority, YesNoUnsure } from '../reports/model.js'

/** Highest first: the order every comparison of priorities uses. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'out-of-scope'] as const satisfies readonly Priority[]
const YES_NO_UNSURE = ['yes', 'no', 'unsure'] as const satisfies readonly YesNoUnsure[]
const OTHER_PERSON_AGES = [
  'adult',
  'under-18',
  'unknown',
] as const satisfies readonly OtherPersonAge[]

/** The closed vocabulary of conditions the engine understands. */
export type Condition =
  | { concernAny: Concern[] }
  | { concernsOnly: Concern[] }
  | { childAgeBelow: number }
  | { childAgeAtLeast: number }
  | { childAgeUnknown: boolean }
  | { textMatches: string[] }
  | { textAffirms: string[] }
  | { immediateDanger: YesNoUnsure[] }
  | { stillHappening: YesNoUnsure[] }
  | { otherPersonAge: OtherPersonAge[] }
  | { knownOffline: boolean }
  | { audience: Audience[] }
  | { condition: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }

export const CONDITION_KINDS = [
  'concernAny',
  'concernsOnly',
  'childAgeBelow',
  'childAgeAtLeast',
  'childAgeUnknown',
  'textMatches',
  'textAffirms',
  'immediateDanger',
  'stillHappening',
  'otherPersonAge',
  'knownOffline',
  'audience',
  'condition',
  'all',
  'any',
  'not',
] as const

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/
const nameSchema = z.string().regex(NAME, 'use lower-case words joined by hyphens')
const age = z.int().min(0).max(120)

// Every kind is optional here and "exactly one" is checked below, so a mistake is reported
// at its own path ("rules[4].when.all[1].concernAny[0]") rather than as a vague union failure.
const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject({
      concernAny: z.array(z.enum(CONCERNS)).min(1).optional(),
      concernsOnly: z.array(z.enum(CONCERNS)).min(1).optional(),
      childAgeBelow: age.optional(),
      childAgeAtLeast: age.optional(),
      childAgeUnknown: z.boolean().optional(),
      textMatches: z.array(nameSchema).min(1).optional(),
      textAffirms: z.array(nameSchema).min(1).optional(),
      immediateDanger: z.array(z.enum(YES_NO_UNSURE)).min(1).optional(),
      stillHappening: z.array(z.enum(YES_NO_UNSURE)).min(1).optional(),
      otherPersonAge: z.array(z.enum(OTHER_PERSON_AGES)).min(1).optional(),
      knownOffline: z.boolean().optional(),
      audience: z.array(z.enum(AUDIENCES)).min(1).optional(),
      condition: nameSchema.optional(),
      all: z.array(conditionSchema).min(1).optional(),
      any: z.array(conditionSchema).min(1).optional(),
      not: conditionSchema.optional(),
    })
    .superRefine((value, ctx) => {
      const kinds = Object.keys(value)
      if (kinds.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: `a condition has exactly one kind (one of ${CONDITION_KINDS.join(', ')}); found ${kinds.length === 0 ? 'none' : kinds.join(', ')}`,
        })
      }
    })
    .transform((value) => value as Condition),
)

/**
 * One phrase token: a gap (...), a one-word wildcard (*), a lexicon reference ({name}), a number
 * (# or #18-120), words with alternatives and endings (meet*, pic/video), or "not followed by"
 * (!call/game).
 */
const PHRASE_TOKEN =
  /^(\.\.\.|\*|\{[a-z0-9]+(-[a-z0-9]+)*\}|#(\d+-\d+)?|!?[^\s{}#/*!]+\*?(\/[^\s{}#/*!]+\*?)*)$/

function phraseProblem(phrase: string): string | null {
  const tokens = phrase.trim().split(/\s+/)
  const bad = tokens.find((token) => !PHRASE_TOKEN.test(token))
  if (bad !== undefined) {
    return `"${bad}" is not a word, word/word, word*, !word, *, ..., #, #min-max or {lexicon} (a {lexicon} stands alone, not inside word/word)`
  }
  if (tokens[0] === '...' || tokens.at(-1) === '...') return 'a phrase cannot start or end with ...'
  if (tokens.every((token) => token.startsWith('!'))) return 'a phrase needs a word to match'
  for (const token of tokens) {
    const range = /^#(\d+)-(\d+)$/.exec(token)
    if (range && Number(range[1]) > Number(range[2])) return `${token}: the range is back to front`
  }
  return null
}

const phraseSchema = z
  .string()
  .trim()
  .min(1)
  .superRefine((phrase, ctx) => {
    const problem = phraseProblem(phrase)
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
  })

const lexiconSchema = z.strictObject({
  description: z.string().min(1),
  phrases: z.array(phraseSchema).min(1),
  /** A phrase found only inside one of these does not count (e.g. "I am her teacher"). */
  except: z.array(phraseSchema).default([]),
})

const ruleSchema = z.strictObject({
  id: nameSchema,
  description: z.string().min(1),
  priority: z.enum(PRIORITIES),
  reason: z.string().min(1),
  when: conditionSchema,
})

const ruleSetSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}-\d{2}-\d{2}\.\d+$/, 'write the version as YYYY-MM-DD.N'),
    about: z.array(z.string()).default([]),
    matching: z.strictObject({
      maxGapWords: z.int().min(0).max(20),
      typoMinWordLength: z.int().min(4).max(40),
    }),
    default: z.strictObject({
      // A report no rule recognises is still read by a person, never dropped as out of scope.
      priority: z.enum(['P1', 'P2', 'P3']),
      reason: z.string().min(1),
    }),
    neverOutOfScope: z.strictObject({
      description: z.string().min(1),
      reason: z.string().min(1),
      when: conditionSchema,
    }),
    /** Text-speak and common misspellings that are not English words, and what they stand for. */
    textSpeak: z.record(z.string(), z.array(z.string().regex(/^[\p{Ll}\p{N}]+$/u)).min(1)),
    lexicons: z.record(nameSchema, lexiconSchema),
    conditions: z.record(
      nameSchema,
      z.strictObject({ description: z.string().min(1), when: conditionSchema }),
    ),
    rules: z.array(ruleSchema).min(1),
  })
  .superRefine((ruleSet, ctx) => {
    for (const problem of crossReferenceProblems(ruleSet))
      ctx.addIssue({ code: 'custom', ...problem })
  })

export type TriageRuleSet = z.output<typeof ruleSetSchema>
export type TriageRule = TriageRuleSet['rules'][number]
export type Lexicon = TriageRuleSet['lexicons'][string]

interface Problem {
  message: string
  path: (string | number)[]
}

/** Lexicons the safety floors in rules.ts read, so an edited rule set cannot drop them. */
export const FLOOR_LEXICONS = ['self-harm', 'self-harm-now', 'happening-now', 'threat'] as const

function crossReferenceProblems(ruleSet: TriageRuleSet): Problem[] {
  return [
    ...FLOOR_LEXICONS.filter((name) => !(name in ruleSet.lexicons)).map((name) => ({
      message: `the lexicon "${name}" is needed by the safety floors`,
      path: ['lexicons'],
    })),
    ...duplicateRuleIds(ruleSet),
    ...duplicateTextSpeak(ruleSet),
    ...lexiconReferenceProblems(ruleSet),
    ...conditionReferenceProblems(ruleSet),
  ]
}

function duplicateRuleIds(ruleSet: TriageRuleSet): Problem[] {
  const seen = new Set<string>()
  return ruleSet.rules.flatMap((rule, index) => {
    if (!seen.has(rule.id)) {
      seen.add(rule.id)
      return []
    }
    return [{ message: `rule id "${rule.id}" is used twice`, path: ['rules', index, 'id'] }]
  })
}

function duplicateTextSpeak(ruleSet: TriageRuleSet): Problem[] {
  const owner = new Map<string, string>()
  const problems: Problem[] = []
  for (const [canonical, variants] of Object.entries(ruleSet.textSpeak)) {
    for (const variant of variants) {
      const other = owner.get(variant)
      if (other !== undefined && other !== canonical) {
        problems.push({
          message: `"${variant}" is listed as a spelling of both "${other}" and "${canonical}"`,
          path: ['textSpeak', canonical],
        })
      }
      owner.set(variant, canonical)
    }
  }
  return problems
}

function lexiconRefs(phrase: string): string[] {
  return [...phrase.matchAll(/\{([a-z0-9-]+)\}/g)].map((match) => match[1] ?? '')
}

function lexiconReferenceProblems(ruleSet: TriageRuleSet): Problem[] {
  const problems: Problem[] = []
  for (const [name, lexicon] of Object.entries(ruleSet.lexicons)) {
    for (const [field, phrases] of [
      ['phrases', lexicon.phrases],
      ['except', lexicon.except],
    ] as const) {
      phrases.forEach((phrase, index) => {
        for (const ref of lexiconRefs(phrase)) {
          if (!(ref in ruleSet.lexicons)) {
            problems.push({
              message: `unknown lexicon {${ref}}`,
              path: ['lexicons', name, field, index],
            })
          }
        }
      })
    }
  }
  const cycle = findCycle(Object.keys(ruleSet.lexicons), (name) =>
    (ruleSet.lexicons[name]?.phrases ?? []).flatMap(lexiconRefs),
  )
  if (cycle) {
    problems.push({
      message: `lexicons refer to each other in a loop: ${cycle}`,
      path: ['lexicons'],
    })
  }
  return problems
}

function conditionReferenceProblems(ruleSet: TriageRuleSet): Problem[] {
  const problems: Problem[] = []
  const check = (condition: Condition, path: (string | number)[]): void => {
    walkCondition(condition, path, (leaf, leafPath) => {
      const lexicons =
        'textMatches' in leaf ? leaf.textMatches : 'textAffirms' in leaf ? leaf.textAffirms : null
      if (lexicons) {
        lexicons.forEach((name, index) => {
          if (!(name in ruleSet.lexicons)) {
            problems.push({ message: `unknown lexicon "${name}"`, path: [...leafPath, index] })
          }
        })
      }
      if ('condition' in leaf && !(leaf.condition in ruleSet.conditions)) {
        problems.push({ message: `unknown named condition "${leaf.condition}"`, path: leafPath })
      }
    })
  }
  ruleSet.rules.forEach((rule, index) => {
    check(rule.when, ['rules', index, 'when'])
  })
  for (const [name, named] of Object.entries(ruleSet.conditions)) {
    check(named.when, ['conditions', name, 'when'])
  }
  check(ruleSet.neverOutOfScope.when, ['neverOutOfScope', 'when'])
  const cycle = findCycle(Object.keys(ruleSet.conditions), (name) => {
    const named = ruleSet.conditions[name]
    return named ? namedConditionRefs(named.when) : []
  })
  if (cycle) {
    problems.push({
      message: `conditions refer to each other in a loop: ${cycle}`,
      path: ['conditions'],
    })
  }
  return problems
}

function namedConditionRefs(condition: Condition): string[] {
  const refs: string[] = []
  walkCondition(condition, [], (leaf) => {
    if ('condition' in leaf) refs.push(leaf.condition)
  })
  return refs
}

function walkCondition(
  condition: Condition,
  path: (string | number)[],
  visit: (leaf: Condition, path: (string | number)[]) => void,
): void {
  if ('all' in condition || 'any' in condition) {
    const key = 'all' in condition ? 'all' : 'any'
    const children = 'all' in condition ? condition.all : condition.any
    children.forEach((child, index) => {
      walkCondition(child, [...path, key, index], visit)
    })
  } else if ('not' in condition) {
    walkCondition(condition.not, [...path, 'not'], visit)
  } else {
    const kind = Object.keys(condition)[0] ?? ''
    visit(condition, [...path, kind])
  }
}

/** Returns "a -> b -> a" for the first loop found, or null. */
function findCycle(names: string[], edges: (name: string) => string[]): string | null {
  const done = new Set<string>()
  const visit = (name: string, trail: string[]): string | null => {
    if (trail.includes(name)) return [...trail.slice(trail.indexOf(name)), name].join(' -> ')
    if (done.has(name)) return null
    for (const next of edges(name)) {
      const found = visit(next, [...trail, name])
      if (found) return found
    }
    done.add(name)
    return null
  }
  for (const name of names) {
    const found = visit(name, [])
    if (found) return found
  }
  return null
}

export class RuleSetError extends Error {
  override readonly name = 'RuleSetError'
}

/** Checks rule-set data (already parsed from JSON) and returns it typed, or throws RuleSetError. */
export function parseRuleSet(data: unknown, source = 'rule set'): TriageRuleSet {
  const result = ruleSetSchema.safeParse(data)
  if (!result.success) {
    throw new RuleSetError(
      `${source} is not a valid triage rule set:\n${z.prettifyError(result.error)}`,
    )
  }
  return result.data
}

export const DEFAULT_RULES_PATH = fileURLToPath(
  new URL('../../content/triage/rules.json', import.meta.url),
)

export function loadRuleSet(path: string = DEFAULT_RULES_PATH): TriageRuleSet {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new RuleSetError(`${path} could not be read as JSON: ${detail}`)
  }
  return parseRuleSet(data, path)
}

/** Read once at start-up: a broken rule file stops the service starting, not a report. */
export const defaultRuleSet: TriageRuleSet = loadRuleSet()
