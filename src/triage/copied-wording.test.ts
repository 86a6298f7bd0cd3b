/**
 * Scenario sets measure triage; they are never its source (docs/triage.md). No phrase,
 * description or reason of the rule file may repeat four or more consecutive words of a
 * scenario, unless the words are reviewed standard wording of a warning sign.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  COPIED_RUN,
  findCopiedWording,
  isStandardWording,
  STANDARD_WORDING,
} from './copied-wording.js'
import type { ScenarioText } from './copied-wording.js'
import { defaultRuleSet, parseRuleSet } from './rule-set.js'
import type { TriageRuleSet } from './rule-set.js'
import { parseScenarios } from './scenario.js'

const scenarioFiles = [
  new URL('../../../shared/scenarios/public.json', import.meta.url),
  ...readdirSync(new URL('../../test/scenarios/', import.meta.url))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => new URL(`../../test/scenarios/${name}`, import.meta.url)),
]

function scenarioTexts(): ScenarioText[] {
  return scenarioFiles.flatMap((url) =>
    parseScenarios(JSON.parse(readFileSync(url, 'utf8')) as unknown, url.pathname).map(
      ({ id, description }) => ({ source: id, text: description }),
    ),
  )
}

/** The rule file with one lexicon's phrases replaced, and one rule's reason. */
function withPhrases(phrases: string[], reason = 'a reason'): TriageRuleSet {
  const data = JSON.parse(JSON.stringify(defaultRuleSet)) as {
    lexicons: Record<string, unknown>
    rules: { reason: string }[]
    about: string[]
  }
  // Only the phrases under test, and the reason, carry words a scenario could share.
  const lexicons: Record<string, object> = Object.fromEntries(
    Object.entries(data.lexicons).map(([name, lexicon]) => [
      name,
      { ...(lexicon as object), description: 'd' },
    ]),
  )
  lexicons.threat = { description: 'd', phrases, except: [] }
  return parseRuleSet({
    ...data,
    about: [],
    lexicons,
    rules: data.rules.map((rule, i) => ({ ...rule, reason: i === 0 ? reason : 'r' })),
  })
}

describe('wording copied from scenarios', () => {
  const texts = scenarioTexts()

  it('reads every scenario set, the public one and the project’s', () => {
    assert.ok(scenarioFiles.length >= 4)
    assert.ok(texts.length >= 150, String(texts.length))
  })

  it('finds no rule phrase, description or reason repeating a scenario, but reviewed standard wording', () => {
    const copied = findCopiedWording(defaultRuleSet, texts)
    const unreviewed = copied
      .filter((hit) => !isStandardWording(hit.words))
      .map((hit) => `${hit.where} "${hit.text}" repeats "${hit.words}" of ${hit.scenario}`)
    assert.deepEqual(unreviewed, [])
    // The list stays short: an entry no rule needs any more goes.
    for (const entry of STANDARD_WORDING) {
      assert.ok(
        copied.some((hit) => isStandardWording(hit.words) && entry.words.includes(hit.words)),
        `"${entry.words}" is allowed but no rule text repeats it`,
      )
      assert.ok(entry.sources.length > 0 && entry.sources.every((s) => s.includes('https://')))
    }
  })

  const scenario: ScenarioText[] = [
    { source: 's1', text: "She isn't answering her phone and he is coming to get her." },
  ]

  it('finds a phrase copied through a gap, stems, alternatives, lemmas and opened contractions', () => {
    const hits = findCopiedWording(
      withPhrases(['not answer* ... her/his phone', 'come to get her']),
      scenario,
    )
    assert.deepEqual(
      hits.filter((hit) => hit.kind === 'phrase').map((hit) => [hit.text, hit.words]),
      [
        ['not answer* ... her/his phone', 'not answering her phone'],
        ['come to get her', 'coming to get her'],
      ],
    )
  })

  it('finds a copied reason, in its own words as read', () => {
    const hits = findCopiedWording(
      withPhrases(['threat*'], 'he is coming to get a child'),
      scenario,
    )
    assert.deepEqual(
      hits.map((hit) => [hit.where, hit.words]),
      [['rules.immediate-danger.reason', 'he is coming to get']],
    )
  })

  it('lets general patterns pass: fewer than four words of its own, a word left open, a lexicon', () => {
    const hits = findCopiedWording(
      withPhrases(['not answer* ... phone*', 'come to * her', 'coming to {will}', 'is/was coming']),
      scenario,
    )
    assert.deepEqual(hits, [])
    assert.equal(COPIED_RUN, 4)
  })

  it('allows only reviewed wording, and none of a scenario’s own', () => {
    assert.ok(isStandardWording('better off without me'))
    assert.ok(!isStandardWording('rather not be here'))
    assert.ok(!isStandardWording('off without me now'))
  })
})
