import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  evaluateScenarios,
  formatEvaluation,
  parseScenarios,
  ScenarioFileError,
  summaryLine,
  toTriageInput,
} from './scenario.js'
import type { Scenario } from './scenario.js'

const PUBLIC_SCENARIOS = new URL('../../../shared/scenarios/public.json', import.meta.url)
const EXTRA_SCENARIOS = new URL('../../test/scenarios/extra.json', import.meta.url)

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

describe('scenarios', () => {
  it('scores every public scenario as an advisor did (20/20)', () => {
    const data: unknown = JSON.parse(readFileSync(PUBLIC_SCENARIOS, 'utf8'))
    const evaluation = evaluateScenarios(parseScenarios(data, 'public.json'))
    const misses = evaluation.misses.map(
      ({ scenario: s, outcome }) =>
        `${s.id}: expected ${s.expected.priority}, got ${outcome.priority}`,
    )
    assert.deepEqual(misses, [])
    assert.equal(
      summaryLine(evaluation),
      'accuracy 20/20, urgent missed 0, in-scope marked out-of-scope 0',
    )
  })

  it('misses no urgent report and marks nothing in scope as out of scope in the extra scenarios', () => {
    // The project's own scenarios, written in other words than the public ones. The one miss
    // allowed is the adult victim of image threats, kept in scope by the never-out-of-scope rule.
    const data: unknown = JSON.parse(readFileSync(EXTRA_SCENARIOS, 'utf8'))
    const evaluation = evaluateScenarios(parseScenarios(data, 'extra.json'))
    assert.equal(
      summaryLine(evaluation),
      'accuracy 44/45, urgent missed 0, in-scope marked out-of-scope 0',
    )
    assert.deepEqual(
      evaluation.misses.map(({ scenario: s, outcome }) => [s.id, outcome.priority]),
      [['extra-33', 'P2']],
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
    assert.equal(lines.at(-1), 'accuracy 1/2, urgent missed 0, in-scope marked out-of-scope 0')
  })
})
