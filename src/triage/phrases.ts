/**
 * Text signals: whether a report's description says what a lexicon's phrases say. Pure.
 *
 * The description and every phrase are read the same way (reading.ts: winkNLP's tokens and
 * sentences, contractions opened, the agency's text-speak respelt, "9pm" read as "9 pm"), so an
 * agency writes phrases the way people write and they still meet "2moro" and "dont". A phrase
 * word matches a word or its dictionary form, so "keep asking" also finds "kept asking". Long
 * words may carry one slip.
 *
 * The work is arranged so that its cost grows with the description, not with the rule set:
 * the rule set is compiled once into an index of the words phrases can start with, and each
 * distinct word of a description is compared with the rule set's vocabulary once.
 */
import type { TriageRuleSet } from './rule-set.js'
import { readPhraseWords, readText, SENTENCE_BREAK } from './reading.js'
import type { TextSpeak } from './reading.js'

type Part =
  /** `key` names the word (and whether it is a stem) in a description token's fits. */
  | { kind: 'word'; text: string; prefix: boolean; key: string }
  /** One of several single words ("me/her/him"): checked against a token's fits, no search. */
  | { kind: 'one-of'; words: WordPart[]; keys: ReadonlySet<string> }
  | { kind: 'any-word' }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'gap' }
  | { kind: 'not-next'; options: Sequence[] }
  | { kind: 'choice'; options: PhraseList }
type Sequence = readonly Part[]
type WordPart = Extract<Part, { kind: 'word' }>

interface CompiledLexicon {
  phrases: PhraseList
  except: PhraseList
}

/** Phrases indexed by the words they can start with, so a token finds its few candidates. */
interface PhraseList {
  all: Sequence[]
  /** Phrases that can start with any token (a number, a gap, "*"). */
  anywhere: Sequence[]
  byFirstWord: Map<string, Sequence[]>
}

/**
 * Every word the phrases name. A slip never changes the first letter and changes the length
 * by at most one, so the words a token may be a slip of are found by first letter and length.
 */
interface Vocabulary {
  exact: Set<string>
  stems: Set<string>
  /** Words long enough to carry a slip, by first letter and length (`w7`). */
  slipWords: Map<string, string[]>
  /** Stems long enough to carry a slip, by first letter. */
  slipStems: Map<string, string[]>
}

interface CompiledRuleSet {
  textSpeak: TextSpeak
  lexicons: Map<string, CompiledLexicon>
  vocabulary: Vocabulary
  maxGap: number
  typoMinLength: number
}

/** One description, ready to be asked about any lexicon. */
export interface DescriptionText {
  /** Whether any phrase of the lexicon is said, denied or not. */
  matches(lexicon: string): boolean
  /** Whether a phrase of the lexicon is said and not denied ("I'm not going to hurt myself"). */
  affirms(lexicon: string): boolean
  /** The words as read, for facts stated in the text (an age). */
  words: readonly string[]
}

export function readDescription(ruleSet: TriageRuleSet, description: string): DescriptionText {
  const compiled = compileRuleSet(ruleSet)
  const read = readText(description, compiled.textSpeak)
  const tokens = read.words
  const fitsCache = new Map<string, ReadonlySet<string>>()
  const fitsWord = (word: string) => {
    let keys = fitsCache.get(word)
    if (!keys) {
      keys = fittingWords(word, compiled)
      fitsCache.set(word, keys)
    }
    return keys
  }
  const fits: ReadonlySet<string>[] = tokens.map((word, at) => {
    const lemma = read.lemmas[at] ?? word
    const byWord = fitsWord(word)
    if (lemma === word) return byWord
    const byLemma = fitsWord(lemma)
    if (byLemma.size === 0) return byWord
    if (byWord.size === 0) return byLemma
    return new Set([...byWord, ...byLemma])
  })
  const startsByWord = new Map<string, number[]>()
  for (const [at, keys] of fits.entries()) {
    for (const key of keys) {
      const starts = startsByWord.get(key)
      if (starts) starts.push(at)
      else startsByWord.set(key, [at])
    }
  }
  const text: Text = {
    tokens,
    negated: read.negated,
    compiled,
    fits,
    startsByWord,
    choiceEnds: new Map(),
  }
  const answers = new Map<string, boolean>()
  const ask = (name: string, affirmedOnly: boolean) => {
    const key = `${affirmedOnly ? '+' : ''}${name}`
    let found = answers.get(key)
    if (found === undefined) {
      found = lexiconMatches(text, name, affirmedOnly)
      answers.set(key, found)
    }
    return found
  }
  return {
    matches: (name) => ask(name, false),
    affirms: (name) => ask(name, true),
    words: tokens,
  }
}

interface Text {
  tokens: readonly string[]
  negated: readonly boolean[]
  compiled: CompiledRuleSet
  /** By position: the keys of the phrase words a token (or its lemma) fits, exactly or with one slip. */
  fits: readonly ReadonlySet<string>[]
  /** The positions of the tokens that fit each word key, in order. */
  startsByWord: ReadonlyMap<string, readonly number[]>
  /**
   * Where any phrase of a list ({lexicon} or word/word) ends when it starts at a position,
   * worked out once: "{meet} ... {soon}" would otherwise read {soon} again for every word of
   * the gap before it.
   */
  choiceEnds: Map<PhraseList, (readonly number[] | undefined)[]>
}

// ---------------------------------------------------------------------------------------------
// Compiling a rule set's lexicons, once per rule set

const compiledCache = new WeakMap<TriageRuleSet, CompiledRuleSet>()

function compileRuleSet(ruleSet: TriageRuleSet): CompiledRuleSet {
  const cached = compiledCache.get(ruleSet)
  if (cached) return cached
  const textSpeak = textSpeakMap(ruleSet.textSpeak)
  const sequences = new Map<string, { phrases: Sequence[]; except: Sequence[] }>()
  const compiling = new Set<string>()
  const phrasesOf = (name: string): Sequence[] => {
    const done = sequences.get(name)
    if (done) return done.phrases
    const lexicon = ruleSet.lexicons[name]
    if (!lexicon) throw new Error(`unknown lexicon "${name}"`)
    if (compiling.has(name)) throw new Error(`lexicon "${name}" refers to itself`)
    compiling.add(name)
    const phrase = (text: string): Sequence => compilePhrase(text, textSpeak, phrasesOf)
    const result = { phrases: lexicon.phrases.map(phrase), except: lexicon.except.map(phrase) }
    compiling.delete(name)
    sequences.set(name, result)
    return result.phrases
  }
  for (const name of Object.keys(ruleSet.lexicons)) phrasesOf(name)

  const lexicons = new Map<string, CompiledLexicon>()
  for (const [name, { phrases, except }] of sequences) {
    lexicons.set(name, { phrases: phraseList(phrases), except: phraseList(except) })
  }
  const compiled: CompiledRuleSet = {
    textSpeak,
    lexicons,
    vocabulary: vocabularyOf(
      [...sequences.values()].flatMap((s) => [...s.phrases, ...s.except]),
      ruleSet.matching.typoMinWordLength,
    ),
    maxGap: ruleSet.matching.maxGapWords,
    typoMinLength: ruleSet.matching.typoMinWordLength,
  }
  compiledCache.set(ruleSet, compiled)
  return compiled
}

function textSpeakMap(textSpeak: Record<string, string[]>): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const [canonical, variants] of Object.entries(textSpeak)) {
    const words = canonical.toLowerCase().split(/\s+/).filter(Boolean)
    for (const variant of variants) map.set(variant, words)
  }
  return map
}

function compilePhrase(
  phrase: string,
  textSpeak: TextSpeak,
  lexicon: (name: string) => Sequence[],
): Sequence {
  return phrase
    .trim()
    .split(/\s+/)
    .flatMap((token) => compileToken(token, textSpeak, lexicon))
}

function compileToken(
  token: string,
  textSpeak: TextSpeak,
  lexicon: (name: string) => Sequence[],
): Part[] {
  if (token === '...') return [{ kind: 'gap' }]
  if (token === '*') return [{ kind: 'any-word' }]
  if (token.startsWith('!')) {
    const options = token
      .slice(1)
      .split('/')
      .map((word) => compileWords(word, textSpeak))
    return [{ kind: 'not-next', options }]
  }
  const ref = /^\{([a-z0-9-]+)\}$/.exec(token)
  if (ref) return [{ kind: 'choice', options: phraseList(lexicon(ref[1] ?? '')) }]
  const range = /^#(?:(\d+)-(\d+))?$/.exec(token)
  if (range) {
    const [, min, max] = range
    return [
      { kind: 'number', min: Number(min ?? 0), max: max === undefined ? Infinity : Number(max) },
    ]
  }
  const options = token.split('/').map((alternative) => compileWords(alternative, textSpeak))
  const [only] = options
  if (options.length === 1 && only) return [...only]
  const single = options.every((option) => option.length === 1 && option[0]?.kind === 'word')
  if (single) {
    const words = options.flatMap((option) => option.filter((p) => p.kind === 'word'))
    return [{ kind: 'one-of', words, keys: new Set(words.map((word) => word.key)) }]
  }
  return [{ kind: 'choice', options: phraseList(options) }]
}

const wordKey = (text: string, prefix: boolean): string => `${prefix ? '*' : '='}${text}`
/** The key every number fits; a number part checks its range once it is a candidate. */
const NUMBER_KEY = '#'

function compileWords(alternative: string, textSpeak: TextSpeak): Sequence {
  const stem = alternative.endsWith('*')
  const words = readPhraseWords(stem ? alternative.slice(0, -1) : alternative, textSpeak)
  if (words.length === 0) throw new Error(`"${alternative}" has no letters or digits to match`)
  return words.map((text, index) => {
    const prefix = stem && index === words.length - 1
    return { kind: 'word', text, prefix, key: wordKey(text, prefix) }
  })
}

/** The words a sequence can begin with: anything, or one of a set of word keys. */
interface FirstWords {
  anything: boolean
  keys: Set<string>
}

const firstWordsCache = new WeakMap<Sequence, FirstWords>()

function firstWords(sequence: Sequence): FirstWords {
  let first = firstWordsCache.get(sequence)
  if (!first) {
    first = firstWordsFrom(sequence, 0)
    firstWordsCache.set(sequence, first)
  }
  return first
}

function firstWordsFrom(sequence: Sequence, from: number): FirstWords {
  const part = sequence[from]
  const result: FirstWords = { anything: false, keys: new Set() }
  if (!part || part.kind === 'any-word' || part.kind === 'gap') {
    result.anything = true
  } else if (part.kind === 'number') {
    result.keys.add(NUMBER_KEY)
  } else if (part.kind === 'not-next') {
    return firstWordsFrom(sequence, from + 1)
  } else if (part.kind === 'word') {
    result.keys.add(part.key)
  } else if (part.kind === 'one-of') {
    for (const key of part.keys) result.keys.add(key)
  } else {
    for (const option of part.options.all) {
      const inner = firstWords(option)
      result.anything ||= inner.anything
      for (const key of inner.keys) result.keys.add(key)
    }
  }
  return result
}

const phraseLists = new WeakMap<Sequence[], PhraseList>()

/** Built once per array of phrases: a lexicon referred to from many phrases shares one. */
function phraseList(phrases: Sequence[]): PhraseList {
  const known = phraseLists.get(phrases)
  if (known) return known
  const list: PhraseList = { all: phrases, anywhere: [], byFirstWord: new Map() }
  phraseLists.set(phrases, list)
  for (const phrase of phrases) {
    const first = firstWords(phrase)
    if (first.anything) {
      list.anywhere.push(phrase)
      continue
    }
    for (const key of first.keys) {
      const starting = list.byFirstWord.get(key)
      if (starting) starting.push(phrase)
      else list.byFirstWord.set(key, [phrase])
    }
  }
  return list
}

function vocabularyOf(sequences: readonly Sequence[], typoMinLength: number): Vocabulary {
  const exact = new Set<string>()
  const stems = new Set<string>()
  const seen = new Set<Sequence>()
  const visit = (sequence: Sequence) => {
    if (seen.has(sequence)) return
    seen.add(sequence)
    for (const part of sequence) {
      if (part.kind === 'word') (part.prefix ? stems : exact).add(part.text)
      else if (part.kind === 'one-of') {
        for (const word of part.words) (word.prefix ? stems : exact).add(word.text)
      } else if (part.kind === 'choice') part.options.all.forEach(visit)
      else if (part.kind === 'not-next') part.options.forEach(visit)
    }
  }
  sequences.forEach(visit)
  const long = (words: Set<string>) => [...words].filter((word) => word.length >= typoMinLength)
  return {
    exact,
    stems,
    slipWords: groupBy(long(exact), (word) => `${word.slice(0, 1)}${word.length}`),
    slipStems: groupBy(long(stems), (stem) => stem.slice(0, 1)),
  }
}

function groupBy(words: readonly string[], key: (word: string) => string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const word of words) {
    const group = map.get(key(word))
    if (group) group.push(word)
    else map.set(key(word), [word])
  }
  return map
}

// ---------------------------------------------------------------------------------------------
// Matching one description

function fittingWords(token: string, compiled: CompiledRuleSet): Set<string> {
  const { vocabulary, typoMinLength } = compiled
  const keys = new Set<string>()
  if (token === SENTENCE_BREAK) return keys
  if (/^\d+$/.test(token)) keys.add(NUMBER_KEY)
  if (vocabulary.exact.has(token)) keys.add(wordKey(token, false))
  for (let end = 1; end <= token.length; end++) {
    const start = token.slice(0, end)
    if (vocabulary.stems.has(start)) keys.add(wordKey(start, true))
  }
  const initial = token.slice(0, 1)
  for (let length = token.length - 1; length <= token.length + 1; length++) {
    for (const word of vocabulary.slipWords.get(`${initial}${length}`) ?? []) {
      if (isTypo(token, word, typoMinLength)) keys.add(wordKey(word, false))
    }
  }
  for (const stem of vocabulary.slipStems.get(initial) ?? []) {
    // A stem more than a letter longer than the token cannot be in it, even with a slip.
    if (stem.length <= token.length + 1 && stemFits(token, stem, typoMinLength)) {
      keys.add(wordKey(stem, true))
    }
  }
  return keys
}

// The functions below run for every token of every description, so they loop rather than
// create closures: under tsx every closure created also pays for a name being set on it.

function lexiconMatches(text: Text, name: string, affirmedOnly: boolean): boolean {
  const lexicon = text.compiled.lexicons.get(name)
  if (!lexicon) throw new Error(`unknown lexicon "${name}"`)
  let excluded: [number, number][] | undefined
  for (const [start, end] of spans(lexicon.phrases, text)) {
    // A phrase that carries its own "not" ("do not want to live") starts outside the denial.
    if (affirmedOnly && text.negated[start] === true) continue
    excluded ??= [...spans(lexicon.except, text)]
    if (!within(excluded, start, end)) return true
  }
  return false
}

/**
 * Where the list's phrases match, found from the words of the description rather than from
 * every token: only the tokens that fit a word some phrase starts with are tried.
 */
function* spans(list: PhraseList, text: Text): Generator<[number, number]> {
  for (const phrase of list.anywhere) {
    for (const [start, token] of text.tokens.entries()) {
      if (token === SENTENCE_BREAK) continue
      for (const end of endsOf(phrase, 0, start, text)) yield [start, end]
    }
  }
  for (const [key, starts] of text.startsByWord) {
    const phrases = list.byFirstWord.get(key)
    if (!phrases) continue
    for (const start of starts) {
      for (const phrase of phrases) {
        for (const end of endsOf(phrase, 0, start, text)) yield [start, end]
      }
    }
  }
}

function within(spans: readonly [number, number][], start: number, end: number): boolean {
  for (const [from, to] of spans) if (from <= start && end <= to) return true
  return false
}

/** The phrases that may start at a token: those starting with a word it fits, or with anything. */
function candidates(list: PhraseList, at: number, text: Text): Iterable<Sequence> {
  let found: Set<Sequence> | undefined
  for (const key of text.fits[at] ?? []) {
    const starting = list.byFirstWord.get(key)
    if (!starting) continue
    found ??= new Set(list.anywhere)
    for (const phrase of starting) found.add(phrase)
  }
  return found ?? list.anywhere
}

function choiceEndsAt(options: PhraseList, at: number, text: Text): readonly number[] {
  let byStart = text.choiceEnds.get(options)
  if (!byStart) {
    byStart = []
    text.choiceEnds.set(options, byStart)
  }
  let ends = byStart[at]
  if (ends === undefined) {
    const found: number[] = []
    for (const option of candidates(options, at, text)) collectEnds(option, 0, at, text, found)
    ends = found.length > 1 ? [...new Set(found)] : found
    byStart[at] = ends
  }
  return ends
}

/** Every token position at which `sequence[from..]` can finish when it starts at `at`. */
function endsOf(sequence: Sequence, from: number, at: number, text: Text): number[] {
  const ends: number[] = []
  collectEnds(sequence, from, at, text, ends)
  return ends
}

/** endsOf, adding to one array: a long description would otherwise make many small ones. */
function collectEnds(
  sequence: Sequence,
  from: number,
  at: number,
  text: Text,
  ends: number[],
): void {
  const { tokens } = text
  const part = sequence[from]
  if (!part) {
    ends.push(at)
    return
  }
  if (part.kind === 'gap') {
    for (let skip = 0; skip <= text.compiled.maxGap && at + skip <= tokens.length; skip++) {
      if (skip > 0 && tokens[at + skip - 1] === SENTENCE_BREAK) break
      collectEnds(sequence, from + 1, at + skip, text, ends)
    }
    return
  }
  if (part.kind === 'not-next') {
    for (const option of part.options) if (endsOf(option, 0, at, text).length > 0) return
    collectEnds(sequence, from + 1, at, text, ends)
    return
  }
  const token = tokens[at]
  if (token === undefined) return
  if (part.kind === 'choice') {
    for (const next of choiceEndsAt(part.options, at, text)) {
      collectEnds(sequence, from + 1, next, text, ends)
    }
    return
  }
  if (token === SENTENCE_BREAK) return
  if (tokenFits(part, token, at, text)) collectEnds(sequence, from + 1, at + 1, text, ends)
}

function tokenFits(
  part: Extract<Part, { kind: 'word' | 'one-of' | 'any-word' | 'number' }>,
  token: string,
  at: number,
  text: Text,
): boolean {
  if (part.kind === 'any-word') return true
  if (part.kind === 'number') {
    if (!/^\d+$/.test(token)) return false
    const value = Number(token)
    return value >= part.min && value <= part.max
  }
  const fits = text.fits[at]
  if (!fits) return false
  if (part.kind === 'word') return fits.has(part.key)
  for (const key of fits) if (part.keys.has(key)) return true
  return false
}

function stemFits(token: string, stem: string, typoMinLength: number): boolean {
  if (token.startsWith(stem)) return true
  // A slip inside the stem ("blackmialing") still counts; the stem may have lost or gained a letter.
  for (let delta = -1; delta <= 1; delta++) {
    if (isTypo(token.slice(0, stem.length + delta), stem, typoMinLength)) return true
  }
  return false
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
