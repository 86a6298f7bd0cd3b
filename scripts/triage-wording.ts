/**
 * Lists every phrase, description and reason of a triage rule file that repeats four or more
 * consecutive words of a scenario (docs/triage.md: scenario sets measure triage, they are never
 * its source), each marked as reviewed standard wording or not.
 *
 *   npm run triage:wording -- DIR... [--rules content/triage/rules.json]
 *
 * Exits 1 when a repeat is not reviewed standard wording, 2 when the input is unusable.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { findCopiedWording, isStandardWording } from '../src/triage/copied-wording.js'
import { loadRuleSet, RuleSetError } from '../src/triage/rule-set.js'
import { parseScenarios, ScenarioFileError } from '../src/triage/scenario.js'

function main(): number {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { rules: { type: 'string' } },
  })
  if (positionals.length === 0) {
    console.error('usage: npm run triage:wording -- DIR... [--rules FILE]')
    return 2
  }
  try {
    const ruleSet = loadRuleSet(values.rules)
    const texts = positionals.flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .flatMap((name) => {
          const path = join(dir, name)
          return parseScenarios(JSON.parse(readFileSync(path, 'utf8')) as unknown, path).map(
            ({ id, description }) => ({ source: id, text: description }),
          )
        }),
    )
    const copied = findCopiedWording(ruleSet, texts)
    let unreviewed = 0
    for (const hit of copied) {
      const standard = isStandardWording(hit.words)
      if (!standard) unreviewed++
      console.log(
        `${standard ? 'standard' : 'COPIED  '} ${hit.where}: "${hit.text}" repeats "${hit.words}" (${hit.scenario})`,
      )
    }
    console.log(
      `${String(texts.length)} scenarios, ${String(copied.length)} repeats, ${String(unreviewed)} not standard wording`,
    )
    return unreviewed === 0 ? 0 : 1
  } catch (error) {
    if (
      error instanceof RuleSetError ||
      error instanceof ScenarioFileError ||
      error instanceof SyntaxError
    ) {
      console.error(error.message)
      return 2
    }
    throw error
  }
}

process.exitCode = main()
