import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { defaultRuleSet } from './rule-set.js'
import { assessPriority, priorityRank } from './rules.js'
import {
  accuracy,
  ACCURACY_THRESHOLD,
  evaluateScenarios,
  meetsThresholds,
  formatEvaluation,
  parseScenarios,
  ScenarioFileError,
  summaryLine,
  toTriageInput,
} from './scenario.js'
import type { Scenario } from './scenario.js'

const PUBLIC_SCENARIOS = new URL('../../../shared/scenarios/public.json', import.meta.url)
const PROJECT_SCENARIOS = new URL('../../test/scenarios/', import.meta.url)

interface Change {
  name: string
  apply: (text: string) => string
}

const englishWords = new Set(
  createRequire(import.meta.url)('an-array-of-english-words') as string[],
)

/**
 * One slip (two letters swapped) in a correctly spelt word long enough that the rules tolerate
 * a slip in it. A slip in a word already misspelt ("tommorow") would be a second one.
 */
const typo: fc.Arbitrary<Change> = fc.nat().map((pick) => ({
  name: 'a typo in a long word',
  apply: (text) => {
    const long = [...text.matchAll(/\p{L}+/gu)].filter(
      (match) =>
        match[0].length >= defaultRuleSet.matching.typoMinWordLength &&
        englishWords.has(match[0].toLowerCase()),
    )
    const word = long[pick % Math.max(long.length, 1)]
    if (!word) return text
    const at = word.index + 1 + (pick % (word[0].length - 2))
    return text.slice(0, at) + (text[at + 1] ?? '') + (text[at] ?? '') + text.slice(at + 2)
  },
}))

const HARMLESS_SENTENCES = [
  'Please help.',
  'Thank you for reading this.',
  'Sorry about my spelling.',
  'I am writing this on my phone.',
  'I hope this is the right place.',
]

const restyling: fc.Arbitrary<Change> = fc.oneof(
  fc.constant<Change>({ name: 'all capitals', apply: (text) => text.toUpperCase() }),
  fc.constant<Change>({ name: 'all lower case', apply: (text) => text.toLowerCase() }),
  fc.constant<Change>({
    name: 'no apostrophes',
    apply: (text) => text.replace(/['’]/g, ''),
  }),
  fc.constant<Change>({
    name: 'exclamation marks',
    apply: (text) => text.replace(/\.(\s|$)/g, '!!$1'),
  }),
  fc.constant<Change>({
    name: 'no full stop at the end',
    apply: (text) => text.replace(/[.!?]+$/, ''),
  }),
  fc.constantFrom('😭', '🙁', '😡😡', '🙏').map<Change>((emoji) => ({
    name: `emoji ${emoji}`,
    apply: (text) => `${text} ${emoji}`,
  })),
  fc.constantFrom(...HARMLESS_SENTENCES).map<Change>((sentence) => ({
    name: `"${sentence}" added`,
    apply: (text) => `${text.replace(/([^.!?])$/, '$1.')} ${sentence}`,
  })),
  fc.constantFrom(...HARMLESS_SENTENCES).map<Change>((sentence) => ({
    name: `"${sentence}" first`,
    apply: (text) => `${sentence} ${text}`,
  })),
)

/** A slip in one long word (one: the rules read one slip per word) and up to two restylings. */
const meaningPreservingChanges: fc.Arbitrary<Change[]> = fc
  .tuple(fc.option(typo, { nil: undefined }), fc.array(restyling, { maxLength: 2 }))
  .filter(([slip, others]) => slip !== undefined || others.length > 0)
  .map(([slip, others]) => (slip ? [slip, ...others] : others))

function scenario(overrides: Partial<Scenario>): Scenario {
  return {
    id: 'test-01',
    reporter: 'young-person',
    child_age: 14,
    child_location: 'Leeds',
    immediate_danger: 'no',
    concerns: ['something-else'],
    still_happening: 'no',
    other_person_age: 'unknown',
    other_person_known_offline: null,
    description: '',
    expected: { priority: 'P3', reason: 'nothing urgent' },
    ...overrides,
  }
}

/** Every scenario set the rules must meet the thresholds on: the public one and the project's. */
function scenarioSets(): { name: string; scenarios: Scenario[] }[] {
  const read = (url: URL, name: string) => ({
    name,
    scenarios: parseScenarios(JSON.parse(readFileSync(url, 'utf8')) as unknown, name),
  })
  return [
    read(PUBLIC_SCENARIOS, 'shared/scenarios/public.json'),
    ...readdirSync(PROJECT_SCENARIOS)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => read(new URL(file, PROJECT_SCENARIOS), `test/scenarios/${file}`)),
  ]
}

describe('scenarios', () => {
  const sets = scenarioSets()

  it('reads every project scenario file, not just one', () => {
    assert.ok(sets.length >= 3, sets.map((set) => set.name).join(', '))
  })

  for (const { name, scenarios } of sets) {
    it(`misses no urgent report, sends nothing in scope out, and is at least 90 % exact on ${name}`, () => {
      const evaluation = evaluateScenarios(scenarios)
      const misses = (filter: (s: Scenario, actual: string) => boolean) =>
        evaluation.misses
          .filter(({ scenario: s, outcome }) => filter(s, outcome.priority))
          .map(
            ({ scenario: s, outcome }) =>
              `${s.id}: expected ${s.expected.priority}, got ${outcome.priority}`,
          )
      assert.deepEqual(
        misses((s) => s.expected.priority === 'P1'),
        [],
        'urgent reports ranked lower',
      )
      assert.deepEqual(
        misses((_, actual) => actual === 'out-of-scope'),
        [],
        'in-scope reports suggested as out of scope',
      )
      assert.ok(
        accuracy(evaluation) >= ACCURACY_THRESHOLD,
        `${summaryLine(evaluation)}\n${misses(() => true).join('\n')}`,
      )
      assert.ok(meetsThresholds(evaluation))
    })
  }

  it('never lowers a priority when a report is reworded without changing its meaning (property)', () => {
    const all = sets.flatMap((set) => set.scenarios)
    const before = new Map(all.map((s) => [s.id, assessPriority(toTriageInput(s)).priority]))
    fc.assert(
      fc.property(fc.constantFrom(...all), meaningPreservingChanges, (scenario, changes) => {
        const description = changes.reduce(
          (text, change) => change.apply(text),
          scenario.description,
        )
        const after = assessPriority({ ...toTriageInput(scenario), description }).priority
        const was = before.get(scenario.id) ?? 'out-of-scope'
        if (priorityRank(after) >= priorityRank(was)) return true
        throw new Error(
          `${scenario.id} went from ${was} to ${after} after ${changes.map((c) => c.name).join(', ')}: ${description}`,
        )
      }),
      { numRuns: 600 },
    )
  })

  it('maps a scenario onto the triage input field by field', () => {
    const input = toTriageInput(
      scenario({
        reporter: 'parent-carer',
        child_age: null,
        immediate_danger: 'unsure',
        concerns: ['sexual-chat', 'bullying'],
        still_happening: 'yes',
        other_person_age: 'adult',
        other_person_known_offline: true,
        description: 'words',
      }),
    )
    assert.deepEqual(input, {
      audience: 'parent-carer',
      childAge: null,
      childLocation: 'Leeds',
      immediateDanger: 'unsure',
      concerns: ['sexual-chat', 'bullying'],
      stillHappening: 'yes',
      otherPersonAge: 'adult',
      otherPersonKnownOffline: true,
      description: 'words',
    })
  })

  it('explains a malformed scenario file with the file, the scenario and the field', () => {
    const bad = [scenario({}), { ...scenario({}), concerns: ['sexting'] }]
    assert.throws(
      () => parseScenarios(bad, 'extra.json'),
      (error: unknown) =>
        error instanceof ScenarioFileError &&
        error.message.includes('extra.json') &&
        error.message.includes('[1].concerns[0]'),
    )
  })

  it('refuses a file that is not an array of scenarios', () => {
    assert.throws(() => parseScenarios({ id: 'x' }, 'object.json'), ScenarioFileError)
  })

  it('counts an urgent miss when a P1 scenario is ranked lower', () => {
    const evaluation = evaluateScenarios([
      scenario({ id: 'missed', expected: { priority: 'P1', reason: 'urgent' } }),
    ])
    assert.equal(evaluation.urgentMissed, 1)
    assert.equal(evaluation.confusion.P1.P3, 1)
  })

  it('counts an in-scope scenario suggested as out of scope', () => {
    const evaluation = evaluateScenarios([
      scenario({
        id: 'wrongly-out',
        concerns: ['bullying'],
        expected: { priority: 'P3', reason: 'the advisor saw more' },
      }),
    ])
    assert.equal(evaluation.inScopeMarkedOutOfScope, 1)
  })

  it('prints a confusion matrix, each miss with its reasons, and the summary line last', () => {
    const evaluation = evaluateScenarios([
      scenario({ id: 'hit' }),
      scenario({ id: 'miss', immediate_danger: 'yes' }),
    ])
    const lines = formatEvaluation(evaluation)
    assert.match(lines[0] ?? '', /expected \\ actual\s+P1\s+P2\s+P3\s+out-of-scope/)
    assert.ok(lines.some((line) => line.startsWith('MISS miss: expected P3, got P1')))
    assert.ok(lines.some((line) => line.includes('P1 immediate-danger')))
    assert.equal(
      lines.at(-1),
      'accuracy 1/2 (50.0 %), urgent missed 0, in-scope marked out-of-scope 0',
    )
  })
})
