/**
 * The indexed matcher in phrases.ts against a plain one written here from the rule file's
 * phrase syntax: every phrase tried at every word, nothing numbered, indexed or remembered.
 * Both must say the same of every lexicon, said or affirmed, for every description, so making
 * the matcher faster can never change what triage reads.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { readDescription } from './phrases.js'
import { readPhraseWords, readText, SENTENCE_BREAK } from './reading.js'
import type { ReadText } from './reading.js'
import { defaultRuleSet } from './rule-set.js'
import type { TriageRuleSet } from './rule-set.js'
import { parseScenarios } from './scenario.js'

type Ref =
  | { kind: 'word'; text: string; stem: boolean }
  | { kind: 'any-word' }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'gap' }
  | { kind: 'not-next'; options: Ref[][] }
  | { kind: 'choice'; options: Ref[][] }

interface Reference {
  phrases: Map<string, { phrases: Ref[][]; except: Ref[][] }>
  textSpeak: Map<string, string[]>
  maxGap: number
  typoMinLength: number
}

function reference(ruleSet: TriageRuleSet): Reference {
  const textSpeak = new Map<string, string[]>()
  for (const [canonical, variants] of Object.entries(ruleSet.textSpeak)) {
    for (const variant of variants) {
      textSpeak.set(variant, canonical.toLowerCase().split(/\s+/).filter(Boolean))
    }
  }
  const words = (alternative: string): Ref[] => {
    const stem = alternative.endsWith('*')
    const read = readPhraseWords(stem ? alternative.slice(0, -1) : alternative, textSpeak)
    return read.map((text, i) => ({ kind: 'word', text, stem: stem && i === read.length - 1 }))
  }
  const phrases = new Map<string, { phrases: Ref[][]; except: Ref[][] }>()
  const lexicon = (name: string): Ref[][] => {
    const known = phrases.get(name)
    if (known) return known.phrases
    const data = ruleSet.lexicons[name]
    assert.ok(data, name)
    const entry = { phrases: data.phrases.map(phrase), except: data.except.map(phrase) }
    phrases.set(name, entry)
    return entry.phrases
  }
  const phrase = (text: string): Ref[] =>
    text
      .trim()
      .split(/\s+/)
      .map((token): Ref => {
        if (token === '...') return { kind: 'gap' }
        if (token === '*') return { kind: 'any-word' }
        if (token.startsWith('!')) {
          return { kind: 'not-next', options: token.slice(1).split('/').map(words) }
        }
        const ref = /^\{(.+)\}$/.exec(token)
        if (ref) return { kind: 'choice', options: lexicon(ref[1] ?? '') }
        const range = /^#(?:(\d+)-(\d+))?$/.exec(token)
        if (range) {
          return {
            kind: 'number',
            min: range[1] === undefined ? 0 : Number(range[1]),
            max: range[2] === undefined ? Infinity : Number(range[2]),
          }
        }
        return { kind: 'choice', options: token.split('/').map(words) }
      })
  for (const name of Object.keys(ruleSet.lexicons)) lexicon(name)
  return {
    phrases,
    textSpeak,
    maxGap: ruleSet.matching.maxGapWords,
    typoMinLength: ruleSet.matching.typoMinWordLength,
  }
}

/** A letter missing, extra, wrong, or two next to each other swapped; never the first letter. */
function oneSlip(token: string, word: string, minLength: number): boolean {
  if (word.length < minLength || /\d/.test(token) || !token.startsWith(word.slice(0, 1)))
    return false
  if (token.length === word.length) {
    const differ: number[] = []
    for (let i = 0; i < token.length; i++) if (token[i] !== word[i]) differ.push(i)
    if (differ.length === 1) return true
    const [a = -1, b = -1] = differ
    return differ.length === 2 && b === a + 1 && token[a] === word[b] && token[b] === word[a]
  }
  const [shorter, longer] = token.length < word.length ? [token, word] : [word, token]
  if (longer.length !== shorter.length + 1) return false
  for (let i = 0; i < longer.length; i++) {
    if (longer.slice(0, i) + longer.slice(i + 1) === shorter) return true
  }
  return false
}

function wordFits(word: string, part: { text: string; stem: boolean }, min: number): boolean {
  if (word === SENTENCE_BREAK) return false
  if (!part.stem) return word === part.text || oneSlip(word, part.text, min)
  if (word.startsWith(part.text)) return true
  const length = part.text.length
  return [length - 1, length, length + 1].some((end) => oneSlip(word.slice(0, end), part.text, min))
}

/** A description as read, with where each list of alternatives ends, remembered: pure, so only faster. */
interface Read extends ReadText {
  choices: Map<Ref[][], Map<number, number[]>>
}

function choiceEnds(ref: Reference, read: Read, options: Ref[][], at: number): number[] {
  let byStart = read.choices.get(options)
  if (!byStart) {
    byStart = new Map()
    read.choices.set(options, byStart)
  }
  let ends = byStart.get(at)
  if (!ends) {
    ends = options.flatMap((option) => endsOf(ref, read, option, 0, at))
    byStart.set(at, ends)
  }
  return ends
}

function endsOf(ref: Reference, read: Read, sequence: Ref[], from: number, at: number): number[] {
  const tokens = read.words
  const part = sequence[from]
  if (!part) return [at]
  const next = (position: number) => endsOf(ref, read, sequence, from + 1, position)
  if (part.kind === 'gap') {
    const ends: number[] = []
    for (let skip = 0; skip <= ref.maxGap && at + skip <= tokens.length; skip++) {
      if (skip > 0 && tokens[at + skip - 1] === SENTENCE_BREAK) break
      ends.push(...next(at + skip))
    }
    return ends
  }
  if (part.kind === 'not-next') {
    const follows = part.options.some((option) => endsOf(ref, read, option, 0, at).length > 0)
    return follows ? [] : next(at)
  }
  const token = tokens[at]
  if (token === undefined) return []
  if (part.kind === 'choice') {
    return choiceEnds(ref, read, part.options, at).flatMap(next)
  }
  if (token === SENTENCE_BREAK) return []
  if (part.kind === 'any-word') return next(at + 1)
  if (part.kind === 'number') {
    const value = Number(token)
    return /^\d+$/.test(token) && value >= part.min && value <= part.max ? next(at + 1) : []
  }
  const fits = [token, read.lemmas[at] ?? token].some((word) =>
    wordFits(word, part, ref.typoMinLength),
  )
  return fits ? next(at + 1) : []
}

function spans(ref: Reference, read: Read, phrases: Ref[][]): [number, number][] {
  const found: [number, number][] = []
  for (let start = 0; start < read.words.length; start++) {
    if (read.words[start] === SENTENCE_BREAK) continue
    for (const phrase of phrases) {
      for (const end of endsOf(ref, read, phrase, 0, start)) found.push([start, end])
    }
  }
  return found
}

/** Each lexicon's answers, "said" and "said and not denied", by the plain matcher. */
function referenceAnswers(ref: Reference, description: string): Map<string, [boolean, boolean]> {
  const read: Read = { ...readText(description, ref.textSpeak), choices: new Map() }
  const answers = new Map<string, [boolean, boolean]>()
  for (const [name, lexicon] of ref.phrases) {
    const except = spans(ref, read, lexicon.except)
    const kept = spans(ref, read, lexicon.phrases).filter(
      ([start, end]) => !except.some(([from, to]) => from <= start && end <= to),
    )
    answers.set(name, [kept.length > 0, kept.some(([start]) => read.negated[start] !== true)])
  }
  return answers
}

function indexedAnswers(ruleSet: TriageRuleSet, description: string) {
  const text = readDescription(ruleSet, description)
  return new Map(
    Object.keys(ruleSet.lexicons).map((name) => [
      name,
      [text.matches(name), text.affirms(name)] as [boolean, boolean],
    ]),
  )
}

const ref = reference(defaultRuleSet)

const scenarioFiles = [
  new URL('../../../shared/scenarios/public.json', import.meta.url),
  ...readdirSync(new URL('../../test/scenarios/', import.meta.url))
    .filter((name) => name.endsWith('.json'))
    .map((name) => new URL(`../../test/scenarios/${name}`, import.meta.url)),
]

describe('the indexed phrase matcher', () => {
  for (const url of scenarioFiles) {
    const name = url.pathname.split('/').slice(-3).join('/')
    it(`says what the plain matcher says of every lexicon, for every scenario of ${name}`, () => {
      const scenarios = parseScenarios(JSON.parse(readFileSync(url, 'utf8')) as unknown, name)
      assert.ok(scenarios.length >= 16)
      let said = 0
      for (const { id, description } of scenarios) {
        const expected = referenceAnswers(ref, description)
        assert.deepEqual(indexedAnswers(defaultRuleSet, description), expected, id)
        said += [...expected.values()].filter(([matches]) => matches).length
      }
      // The comparison means something only if the scenarios say many things.
      assert.ok(said > 3 * scenarios.length, `only ${String(said)} lexicon matches`)
    })
  }

  it('says what the plain matcher says on made-up texts of phrase words, slips and denials', () => {
    const phraseWords = [
      ...new Set(
        Object.values(defaultRuleSet.lexicons)
          .flatMap((lexicon) => [...lexicon.phrases, ...lexicon.except])
          .flatMap((phrase) => phrase.split(/\s+/))
          .flatMap((token) => token.replace(/^!/, '').split('/'))
          .filter((word) => /^[a-z']+\*?$/.test(word))
          .map((word) => word.replace(/\*$/, '')),
      ),
    ].sort()
    const textSpeak = Object.values(defaultRuleSet.textSpeak).flat().sort()
    const slip = (word: string, at: number, kind: number) => {
      const i = 1 + (at % Math.max(1, word.length - 1))
      if (kind === 0) return word.slice(0, i) + word.slice(i + 1)
      if (kind === 1) return word.slice(0, i) + 'e' + word.slice(i)
      if (kind === 2) return word.slice(0, i) + 'x' + word.slice(i + 1)
      return word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2)
    }
    const word = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...phraseWords) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...phraseWords), fc.nat(), fc.nat({ max: 3 }))
          .map(([w, at, kind]) => (w.length >= 7 ? slip(w, at, kind) : w)),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...phraseWords), fc.constantFrom('s', 'ed', 'ing', 'er'))
          .map(([w, ending]) => w + ending),
      },
      { weight: 1, arbitrary: fc.constantFrom(...textSpeak) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'not',
          "don't",
          'never',
          'no',
          'i',
          'he',
          'she',
          'my',
          'the',
          'and',
          '.',
          '!',
          '?',
          ',',
          '9pm',
          '14',
          '3',
          '25',
          '£50',
          'tomorrow',
          'tonight',
        ),
      },
    )
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 30 }), (words) => {
        const description = words.join(' ')
        assert.deepEqual(
          indexedAnswers(defaultRuleSet, description),
          referenceAnswers(ref, description),
          description,
        )
      }),
      { numRuns: 200 },
    )
  })
})
