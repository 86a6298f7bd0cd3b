/**
 * Whether the rule file repeats a scenario's wording. Scenario sets measure triage; they are
 * never its source: a phrase, description or reason that shares four or more consecutive words
 * with a scenario was probably written from that test rather than from the risk it stands for.
 * Pure: callers read the files.
 *
 * Both sides are read as triage reads a report (reading.ts: lower case, contractions opened,
 * text-speak respelt, each word also in its dictionary form). A phrase is compared as a pattern:
 * "not answer* ... her/his/their phone" repeats "not answering her phone", because its gap may be
 * empty and its stem and alternatives fit those words. "{lexicon}" fits wherever one of that
 * lexicon's phrases fits whole, but those words are the lexicon's: each of its phrases is checked
 * as a rule text of its own, so only a phrase's own words count towards its run. "*" and numbers
 * ("#") stand for no particular word, so they end a run.
 */
import { textSpeakMap } from './phrases.js'
import { readText, SENTENCE_BREAK } from './reading.js'
import type { TextSpeak } from './reading.js'
import type { TriageRuleSet } from './rule-set.js'

/** Four words repeated in order is wording taken from a text, not an idea. */
export const COPIED_RUN = 4

/** A text of a scenario set: a description, or the advisor's reason. */
export interface ScenarioText {
  /** Names the scenario and field, e.g. "pub-03 description". */
  source: string
  text: string
}

/** A text of the rule file, where it is in the file. */
export interface RuleText {
  /** E.g. "lexicons.missing-or-with-person.phrases[4]" or "rules.blocked.reason". */
  where: string
  text: string
  kind: 'phrase' | 'prose'
}

export interface CopiedWording extends RuleText {
  /** The scenario's own words the rule text repeats. */
  words: string
  scenario: string
}

interface Word {
  text: string
  stem: boolean
}
/** One place in a phrase pattern: a choice of word sequences, zero-width, or a run break. */
type Element =
  | { kind: 'choice'; options: Word[][] }
  | { kind: 'lexicon'; name: string }
  | { kind: 'transparent' }
  | { kind: 'break' }

interface ReadScenario {
  source: string
  words: string[]
  lemmas: string[]
  /** Where a referred lexicon's phrases end from a word (`name@at`), worked out once. */
  lexiconEnds: Map<string, Set<number>>
}

/** Every phrase (and except phrase) and every piece of prose in the rule file. */
export function ruleTexts(ruleSet: TriageRuleSet): RuleText[] {
  const texts: RuleText[] = []
  const prose = (where: string, text: string | undefined) => {
    if (text !== undefined) texts.push({ where, text, kind: 'prose' })
  }
  ruleSet.about.forEach((text, i) => {
    prose(`about[${String(i)}]`, text)
  })
  prose('default.reason', ruleSet.default.reason)
  prose('neverOutOfScope.description', ruleSet.neverOutOfScope.description)
  prose('neverOutOfScope.reason', ruleSet.neverOutOfScope.reason)
  for (const rule of ruleSet.rules) {
    prose(`rules.${rule.id}.description`, rule.description)
    prose(`rules.${rule.id}.reason`, rule.reason)
  }
  for (const [name, condition] of Object.entries(ruleSet.conditions)) {
    prose(`conditions.${name}.description`, condition.description)
  }
  for (const [name, lexicon] of Object.entries(ruleSet.lexicons)) {
    prose(`lexicons.${name}.description`, lexicon.description)
    for (const key of ['phrases', 'except'] as const) {
      lexicon[key].forEach((text, i) => {
        texts.push({ where: `lexicons.${name}.${key}[${String(i)}]`, text, kind: 'phrase' })
      })
    }
  }
  return texts
}

/**
 * Every rule text that repeats COPIED_RUN or more consecutive words of a scenario text, once
 * per rule text and scenario words, longest first within each rule text.
 */
export function findCopiedWording(
  ruleSet: TriageRuleSet,
  scenarios: readonly ScenarioText[],
): CopiedWording[] {
  const textSpeak = textSpeakMap(ruleSet.textSpeak)
  const read = scenarios.map(({ source, text }) => ({
    source,
    ...readText(text, textSpeak),
    lexiconEnds: new Map<string, Set<number>>(),
  }))
  const patterns = new Map<string, Element[][]>()
  const lexicon = (name: string): Element[][] => {
    let known = patterns.get(name)
    if (!known) {
      known = (ruleSet.lexicons[name]?.phrases ?? []).map((phrase) =>
        parsePhrase(phrase, textSpeak),
      )
      patterns.set(name, known)
    }
    return known
  }
  const found: CopiedWording[] = []
  for (const ruleText of ruleTexts(ruleSet)) {
    const pattern =
      ruleText.kind === 'phrase'
        ? parsePhrase(ruleText.text, textSpeak)
        : proseAsPattern(ruleText.text, textSpeak)
    const seen = new Set<string>()
    const hits: CopiedWording[] = []
    for (const scenario of read) {
      for (const [start, end] of repeatedRuns(pattern, scenario, lexicon)) {
        const words = scenario.words.slice(start, end).join(' ')
        const key = `${scenario.source}\u0000${words}`
        if (seen.has(key)) continue
        seen.add(key)
        hits.push({ ...ruleText, words, scenario: scenario.source })
      }
    }
    hits.sort((a, b) => b.words.split(' ').length - a.words.split(' ').length)
    found.push(...hits)
  }
  return found
}

function readWords(text: string, textSpeak: TextSpeak): string[] {
  return readText(text, textSpeak).words.filter((word) => word !== SENTENCE_BREAK)
}

function parsePhrase(phrase: string, textSpeak: TextSpeak): Element[] {
  return phrase
    .trim()
    .split(/\s+/)
    .map((token): Element => {
      // A gap may be empty and "not followed by" takes no word: neither breaks a repeated run.
      if (token === '...' || token.startsWith('!')) return { kind: 'transparent' }
      if (token === '*' || token.startsWith('#')) return { kind: 'break' }
      const ref = /^\{(.+)\}$/.exec(token)
      if (ref) return { kind: 'lexicon', name: ref[1] ?? '' }
      const options = token.split('/').map((alternative) => {
        const stem = alternative.endsWith('*')
        const words = readWords(stem ? alternative.slice(0, -1) : alternative, textSpeak)
        return words.map((text, i) => ({ text, stem: stem && i === words.length - 1 }))
      })
      return { kind: 'choice', options: options.filter((words) => words.length > 0) }
    })
}

/** Prose is compared word for word, each word (or its dictionary form) as written. */
function proseAsPattern(prose: string, textSpeak: TextSpeak): Element[] {
  const read = readText(prose, textSpeak)
  return read.words.map((word, i): Element =>
    word === SENTENCE_BREAK
      ? { kind: 'break' }
      : {
          kind: 'choice',
          options: [[{ text: word, stem: false }], [{ text: read.lemmas[i] ?? word, stem: false }]],
        },
  )
}

function fits(word: Word, scenario: ReadScenario, at: number): boolean {
  const token = scenario.words[at]
  if (token === undefined || token === SENTENCE_BREAK) return false
  const lemma = scenario.lemmas[at] ?? token
  if (!word.stem) return token === word.text || lemma === word.text
  return token.startsWith(word.text) || lemma.startsWith(word.text)
}

/**
 * Where the elements from `from` on can go on matching the scenario from `at`, with how many of
 * the scenario's words the pattern's own words (not a referred lexicon's) matched on the way. A
 * `partial` run may stop anywhere (a copy need not reach the phrase's end); a referred lexicon's
 * phrase must fit whole, and its words are that lexicon's to answer for.
 */
function matchEnds(
  pattern: readonly Element[],
  from: number,
  scenario: ReadScenario,
  at: number,
  own: number,
  lexicon: (name: string) => Element[][],
  partial: boolean,
  ends: Map<number, number>,
  depth = 0,
): void {
  const element = pattern[from]
  if (partial || !element) ends.set(at, Math.max(own, ends.get(at) ?? 0))
  if (!element || element.kind === 'break' || depth > MAX_NESTING) return
  if (element.kind === 'transparent') {
    matchEnds(pattern, from + 1, scenario, at, own, lexicon, partial, ends, depth)
    return
  }
  const nexts = new Map<number, number>()
  if (element.kind === 'choice') {
    for (const option of element.options) {
      if (option.every((word, i) => fits(word, scenario, at + i)))
        nexts.set(at + option.length, option.length)
    }
  } else {
    const key = `${element.name}@${String(at)}`
    let inner = scenario.lexiconEnds.get(key)
    if (!inner) {
      const found = new Map<number, number>()
      for (const phrase of lexicon(element.name)) {
        matchEnds(phrase, 0, scenario, at, 0, lexicon, false, found, depth + 1)
      }
      inner = new Set(found.keys())
      scenario.lexiconEnds.set(key, inner)
    }
    for (const end of inner) nexts.set(end, 0)
  }
  for (const [next, words] of nexts) {
    if (next > at) {
      matchEnds(pattern, from + 1, scenario, next, own + words, lexicon, partial, ends, depth)
    }
  }
}

/** Deeper than any real rule file refers lexicon to lexicon; the schema refuses cycles anyway. */
const MAX_NESTING = 8

/**
 * The runs of scenario words the pattern repeats with COPIED_RUN or more of its own words, the
 * longest from each start, none inside another.
 */
function repeatedRuns(
  pattern: readonly Element[],
  scenario: ReadScenario,
  lexicon: (name: string) => Element[][],
): [number, number][] {
  const runs: [number, number][] = []
  for (let at = 0; at < scenario.words.length; at++) {
    let longest = at
    for (let from = 0; from < pattern.length; from++) {
      const ends = new Map<number, number>()
      matchEnds(pattern, from, scenario, at, 0, lexicon, true, ends)
      for (const [end, own] of ends) if (own >= COPIED_RUN) longest = Math.max(longest, end)
    }
    const last = runs.at(-1)
    if (longest > at && (!last || longest > last[1])) runs.push([at, longest])
  }
  return runs
}

/**
 * Everyday wording of a warning sign that published guidance itself quotes: a rule may say it
 * even though a scenario does too, because a child writes it that way whatever the tests say.
 * Reviewed by hand; keep it short, and add nothing a scenario says that guidance does not.
 */
export const STANDARD_WORDING: readonly { words: string; sign: string; sources: string[] }[] = [
  {
    words: 'better off without me',
    sign: 'being a burden to others',
    sources: [
      'US National Institute of Mental Health, Warning Signs of Suicide ("talking about being a burden to others"): https://www.nimh.nih.gov/health/publications/warning-signs-of-suicide',
      'Lake County Suicide Prevention, Clues and warning signs (indirect verbal clue "Mom would be better off without me"): https://www.lakesuicideprevention.org/learn-more/clues-and-warning-signs-about-depression/',
      'Jordan Elizabeth Harris Foundation, Warning signs (feeling like a burden, "Everyone would be better off without me"): https://jordanelizabethharrisfoundation.org/warning-signs',
    ],
  },
]

/** Whether repeated words are (part of) reviewed standard wording. */
export function isStandardWording(words: string): boolean {
  return STANDARD_WORDING.some((entry) => ` ${entry.words} `.includes(` ${words} `))
}
