/**
 * Runs triage scenario files through the rule set and reports how the rules did.
 *
 *   npm run triage:eval -- DIR [--rules content/triage/rules.json]
 *
 * Reads every *.json file in DIR (each a JSON array of scenarios), prints each file's summary,
 * then the whole directory's confusion matrix, misses and summary. Exits 1 when a P1 scenario
 * was ranked lower, an in-scope one was suggested as out of scope, or fewer than 90 % were
 * given exactly the advisor's priority (in any file); 2 when the input is unusable.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadRuleSet, RuleSetError } from '../src/triage/rule-set.js'
import {
  evaluateScenarios,
  formatEvaluation,
  meetsThresholds,
  parseScenarios,
  ScenarioFileError,
  summaryLine,
} from '../src/triage/scenario.js'
import type { Scenario } from '../src/triage/scenario.js'

interface ScenarioFile {
  path: string
  scenarios: Scenario[]
}

const USAGE = 'usage: npm run triage:eval -- DIR [--rules FILE]'

function readScenarioDir(dir: string): ScenarioFile[] {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
  if (names.length === 0) throw new ScenarioFileError(`${dir} has no *.json scenario files`)
  const files = names.map((name) => {
    const path = join(dir, name)
    let data: unknown
    try {
      data = JSON.parse(readFileSync(path, 'utf8'))
    } catch (error) {
      throw new ScenarioFileError(`${path} is not valid JSON: ${(error as Error).message}`)
    }
    return { path, scenarios: parseScenarios(data, path) }
  })
  const seen = new Set<string>()
  for (const { id } of files.flatMap((file) => file.scenarios)) {
    if (seen.has(id)) throw new ScenarioFileError(`scenario id "${id}" appears more than once`)
    seen.add(id)
  }
  return files
}

function main(): number {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { rules: { type: 'string' } },
  })
  const [dir] = positionals
  if (dir === undefined || positionals.length > 1) {
    console.error(USAGE)
    return 2
  }
  try {
    const ruleSet = loadRuleSet(values.rules)
    const files = readScenarioDir(dir)
    console.log(`rules ${ruleSet.version}\n`)
    const perFile = files.map((file) => evaluateScenarios(file.scenarios, ruleSet))
    if (files.length > 1) {
      files.forEach((file, index) => {
        const evaluation = perFile[index]
        if (evaluation) console.log(`${file.path}: ${summaryLine(evaluation)}`)
      })
      console.log('')
    }
    const evaluation = evaluateScenarios(
      files.flatMap((file) => file.scenarios),
      ruleSet,
    )
    for (const line of formatEvaluation(evaluation)) console.log(line)
    return [evaluation, ...perFile].every(meetsThresholds) ? 0 : 1
  } catch (error) {
    if (error instanceof ScenarioFileError || error instanceof RuleSetError) {
      console.error(error.message)
      return 2
    }
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      console.error(`${dir}: no such directory\n${USAGE}`)
      return 2
    }
    throw error
  }
}

process.exitCode = main()
