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
 * - the rule set is compiled once: every word a phrase names gets a number, and each list of
 *   phrases (a lexicon, or the alternatives of a phrase word) is indexed by the words its
 *   phrases can start with;
 * - each distinct word of a description is compared with the rule set's vocabulary once, and
 *   what it fits is remembered for later descriptions (the same words come back in every
 *   report), so a token carries the numbers of the phrase words it fits;
 * - a phrase is tried only where a token fits a word it can start with, and where a list of
 *   phrases ends when it starts at a token is worked out once per description, whichever
 *   lexicon or phrase asks ("{meet} ... {soon}" and "meeting-soon" share the reading of {soon}).
 *
 * src/triage/phrases.test.ts checks this against a plain matcher that tries every phrase at
 * every word.
 */
import type { TriageRuleSet } from './rule-set.js'
import { readPhraseWords, readText, SENTENCE_BREAK } from './reading.js'
import type { TextSpeak } from './reading.js'

type Part =
  /** `id` numbers the word (and whether it is a stem) in the rule set's vocabulary. */
  | { kind: 'word'; text: string; prefix: boolean; id: number }
  /** One of several single words ("me/her/him"): checked against a token's fits, no search. */
  | { kind: 'one-of'; words: WordPart[]; ids: ReadonlySet<number> }
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
  /** Numbers the list within its rule set, for the per-description memo of where it ends. */
  index: number
  all: Sequence[]
  /** Phrases that can start with any token (a gap, "*"). */
  anywhere: Sequence[]
  byFirstWord: Map<number, Sequence[]>
  /** The keys of byFirstWord, to find a list's starting tokens without a map walk. */
  firstWords: number[]
}

/**
 * Every word the phrases name, numbered. A slip never changes the first letter and changes the
 * length by at most one, so the words a token may be a slip of are found by first letter and
 * length.
 */
interface Vocabulary {
  exact: Map<string, number>
  stems: Map<string, number>
  /** Words long enough to carry a slip, by first letter and length (`w7`). */
  slipWords: Map<string, VocabularyWord[]>
  /** Stems long enough to carry a slip, by first letter. */
  slipStems: Map<string, VocabularyWord[]>
  /** How many numbers are given out, NUMBER_ID included. */
  size: number
}

interface VocabularyWord {
  text: string
  id: number
}

interface CompiledRuleSet {
  textSpeak: TextSpeak
  lexicons: Map<string, CompiledLexicon>
  vocabulary: Vocabulary
  /** How many phrase lists the rule set has (PhraseList.index is below it). */
  lists: number
  maxGap: number
  typoMinLength: number
  /**
   * What each word seen in a description fits, kept across descriptions. Bounded: emptied
   * when full, so a flood of made-up words costs time, never memory. It holds single words,
   * unordered and tied to no report (winkNLP's lexicon already keeps every unknown word it
   * reads, without a bound).
   */
  fitsByWord: Map<string, readonly number[]>
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
  const text = describe(compiled, read.words, read.lemmas, read.negated)
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
    words: read.words,
  }
}

/** The largest number of distinct words whose fits are remembered between descriptions. */
const FITS_REMEMBERED = 50_000

function describe(
  compiled: CompiledRuleSet,
  tokens: readonly string[],
  lemmas: readonly string[],
  negated: readonly boolean[],
): Text {
  const { fitsByWord } = compiled
  const fitsWord = (word: string): readonly number[] => {
    let ids = fitsByWord.get(word)
    if (!ids) {
      ids = fittingWords(word, compiled)
      if (fitsByWord.size >= FITS_REMEMBERED) fitsByWord.clear()
      fitsByWord.set(word, ids)
    }
    return ids
  }
  const fits: (readonly number[])[] = new Array<readonly number[]>(tokens.length)
  const startsByWord: (number[] | undefined)[] = new Array<number[] | undefined>(
    compiled.vocabulary.size,
  )
  for (let at = 0; at < tokens.length; at++) {
    const word = tokens[at] ?? ''
    const lemma = lemmas[at] ?? word
    const byWord = fitsWord(word)
    let ids = byWord
    if (lemma !== word) {
      const byLemma = fitsWord(lemma)
      if (byWord.length === 0) ids = byLemma
      else if (byLemma.length > 0) ids = union(byWord, byLemma)
    }
    fits[at] = ids
    for (const id of ids) {
      const starts = startsByWord[id]
      if (starts) starts.push(at)
      else startsByWord[id] = [at]
    }
  }
  return {
    tokens,
    negated,
    compiled,
    fits,
    startsByWord,
    listEnds: new Map(),
  }
}

function union(a: readonly number[], b: readonly number[]): number[] {
  const ids = [...a]
  for (const id of b) if (!ids.includes(id)) ids.push(id)
  return ids
}

interface Text {
  tokens: readonly string[]
  negated: readonly boolean[]
  compiled: CompiledRuleSet
  /** By position: the phrase words a token (or its lemma) fits, exactly or with one slip. */
  fits: readonly (readonly number[])[]
  /** By phrase word: the positions of the tokens that fit it, in order. */
  startsByWord: readonly (readonly number[] | undefined)[]
  /**
   * By position and phrase list (`at * lists + index`): where any phrase of the list ends when
   * it starts there, worked out once: "{meet} ... {soon}" would otherwise read {soon} again for
   * every word of the gap before it, and "self-harm-now" would read "{self-harm}" again. One
   * map for all lists, holding only what was asked: an array per list and position would be
   * mostly empty, and all of it garbage to collect.
   */
  listEnds: Map<number, readonly number[]>
}

// ---------------------------------------------------------------------------------------------
// Compiling a rule set's lexicons, once per rule set

const compiledCache = new WeakMap<TriageRuleSet, CompiledRuleSet>()

/** What compiling one rule set hands down to its phrases. */
interface Compiler {
  textSpeak: TextSpeak
  lexicon: (name: string) => Sequence[]
  /** The number of a phrase word (a stem is a different word from the same letters). */
  wordId: (text: string, prefix: boolean) => number
  lists: WeakMap<Sequence[], PhraseList>
  listCount: number
}

/** The number every token of digits fits; a number part checks its range once it is a candidate. */
const NUMBER_ID = 0

function compileRuleSet(ruleSet: TriageRuleSet): CompiledRuleSet {
  const cached = compiledCache.get(ruleSet)
  if (cached) return cached
  const textSpeak = textSpeakMap(ruleSet.textSpeak)
  const exact = new Map<string, number>()
  const stems = new Map<string, number>()
  let nextId = NUMBER_ID + 1
  const sequences = new Map<string, { phrases: Sequence[]; except: Sequence[] }>()
  const compiling = new Set<string>()
  const compiler: Compiler = {
    textSpeak,
    lexicon: (name) => phrasesOf(name),
    wordId: (text, prefix) => {
      const ids = prefix ? stems : exact
      let id = ids.get(text)
      if (id === undefined) {
        id = nextId++
        ids.set(text, id)
      }
      return id
    },
    lists: new WeakMap(),
    listCount: 0,
  }
  const phrasesOf = (name: string): Sequence[] => {
    const done = sequences.get(name)
    if (done) return done.phrases
    const lexicon = ruleSet.lexicons[name]
    if (!lexicon) throw new Error(`unknown lexicon "${name}"`)
    if (compiling.has(name)) throw new Error(`lexicon "${name}" refers to itself`)
    compiling.add(name)
    const phrase = (text: string): Sequence => compilePhrase(text, compiler)
    const result = { phrases: lexicon.phrases.map(phrase), except: lexicon.except.map(phrase) }
    compiling.delete(name)
    sequences.set(name, result)
    return result.phrases
  }
  for (const name of Object.keys(ruleSet.lexicons)) phrasesOf(name)

  const lexicons = new Map<string, CompiledLexicon>()
  for (const [name, { phrases, except }] of sequences) {
    lexicons.set(name, {
      phrases: phraseList(phrases, compiler),
      except: phraseList(except, compiler),
    })
  }
  const compiled: CompiledRuleSet = {
    textSpeak,
    lexicons,
    vocabulary: vocabularyOf(exact, stems, nextId, ruleSet.matching.typoMinWordLength),
    lists: compiler.listCount,
    maxGap: ruleSet.matching.maxGapWords,
    typoMinLength: ruleSet.matching.typoMinWordLength,
    fitsByWord: new Map(),
  }
  compiledCache.set(ruleSet, compiled)
  return compiled
}

/** The text-speak list as reading takes it: each variant to the words it stands for. */
export function textSpeakMap(textSpeak: Record<string, string[]>): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const [canonical, variants] of Object.entries(textSpeak)) {
    const words = canonical.toLowerCase().split(/\s+/).filter(Boolean)
    for (const variant of variants) map.set(variant, words)
  }
  return map
}

function compilePhrase(phrase: string, compiler: Compiler): Sequence {
  return phrase
    .trim()
    .split(/\s+/)
    .flatMap((token) => compileToken(token, compiler))
}

function compileToken(token: string, compiler: Compiler): Part[] {
  if (token === '...') return [{ kind: 'gap' }]
  if (token === '*') return [{ kind: 'any-word' }]
  if (token.startsWith('!')) {
    const options = token
      .slice(1)
      .split('/')
      .map((word) => compileWords(word, compiler))
    return [{ kind: 'not-next', options }]
  }
  const ref = /^\{([a-z0-9-]+)\}$/.exec(token)
  if (ref) {
    return [{ kind: 'choice', options: phraseList(compiler.lexicon(ref[1] ?? ''), compiler) }]
  }
  const range = /^#(?:(\d+)-(\d+))?$/.exec(token)
  if (range) {
    const [, min, max] = range
    return [
      { kind: 'number', min: Number(min ?? 0), max: max === undefined ? Infinity : Number(max) },
    ]
  }
  const options = token.split('/').map((alternative) => compileWords(alternative, compiler))
  const [only] = options
  if (options.length === 1 && only) return [...only]
  const single = options.every((option) => option.length === 1 && option[0]?.kind === 'word')
  if (single) {
    const words = options.flatMap((option) => option.filter((p) => p.kind === 'word'))
    return [{ kind: 'one-of', words, ids: new Set(words.map((word) => word.id)) }]
  }
  return [{ kind: 'choice', options: phraseList(options, compiler) }]
}

function compileWords(alternative: string, compiler: Compiler): Sequence {
  const stem = alternative.endsWith('*')
  const words = readPhraseWords(stem ? alternative.slice(0, -1) : alternative, compiler.textSpeak)
  if (words.length === 0) throw new Error(`"${alternative}" has no letters or digits to match`)
  return words.map((text, index) => {
    const prefix = stem && index === words.length - 1
    return { kind: 'word', text, prefix, id: compiler.wordId(text, prefix) }
  })
}

/** The words a sequence can begin with: anything, or one of a set of word numbers. */
interface FirstWords {
  anything: boolean
  ids: Set<number>
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
  const result: FirstWords = { anything: false, ids: new Set() }
  if (!part || part.kind === 'any-word' || part.kind === 'gap') {
    result.anything = true
  } else if (part.kind === 'number') {
    result.ids.add(NUMBER_ID)
  } else if (part.kind === 'not-next') {
    return firstWordsFrom(sequence, from + 1)
  } else if (part.kind === 'word') {
    result.ids.add(part.id)
  } else if (part.kind === 'one-of') {
    for (const id of part.ids) result.ids.add(id)
  } else {
    for (const option of part.options.all) {
      const inner = firstWords(option)
      result.anything ||= inner.anything
      for (const id of inner.ids) result.ids.add(id)
    }
  }
  return result
}

/** Built once per array of phrases: a lexicon referred to from many phrases shares one. */
function phraseList(phrases: Sequence[], compiler: Compiler): PhraseList {
  const known = compiler.lists.get(phrases)
  if (known) return known
  const list: PhraseList = {
    index: compiler.listCount++,
    all: phrases,
    anywhere: [],
    byFirstWord: new Map(),
    firstWords: [],
  }
  compiler.lists.set(phrases, list)
  for (const phrase of phrases) {
    const first = firstWords(phrase)
    if (first.anything) {
      list.anywhere.push(phrase)
      continue
    }
    for (const id of first.ids) {
      const starting = list.byFirstWord.get(id)
      if (starting) starting.push(phrase)
      else list.byFirstWord.set(id, [phrase])
    }
  }
  list.firstWords = [...list.byFirstWord.keys()]
  return list
}

function vocabularyOf(
  exact: Map<string, number>,
  stems: Map<string, number>,
  size: number,
  typoMinLength: number,
): Vocabulary {
  const long = (words: Map<string, number>) =>
    [...words].filter(([text]) => text.length >= typoMinLength).map(([text, id]) => ({ text, id }))
  return {
    exact,
    stems,
    slipWords: groupBy(long(exact), (word) => `${word.text.slice(0, 1)}${word.text.length}`),
    slipStems: groupBy(long(stems), (stem) => stem.text.slice(0, 1)),
    size,
  }
}

function groupBy(
  words: readonly VocabularyWord[],
  key: (word: VocabularyWord) => string,
): Map<string, VocabularyWord[]> {
  const map = new Map<string, VocabularyWord[]>()
  for (const word of words) {
    const group = map.get(key(word))
    if (group) group.push(word)
    else map.set(key(word), [word])
  }
  return map
}

// ---------------------------------------------------------------------------------------------
// Matching one description

const NO_IDS: readonly number[] = []
const NO_ENDS: readonly number[] = []
const DIGITS = /^\d+$/

function fittingWords(token: string, compiled: CompiledRuleSet): readonly number[] {
  const { vocabulary, typoMinLength } = compiled
  if (token === SENTENCE_BREAK) return NO_IDS
  const ids = new Set<number>()
  if (DIGITS.test(token)) ids.add(NUMBER_ID)
  const exact = vocabulary.exact.get(token)
  if (exact !== undefined) ids.add(exact)
  for (let end = 1; end <= token.length; end++) {
    const stem = vocabulary.stems.get(token.slice(0, end))
    if (stem !== undefined) ids.add(stem)
  }
  const initial = token.slice(0, 1)
  const digitAt = firstDigit(token)
  for (let length = token.length - 1; length <= token.length + 1; length++) {
    for (const word of vocabulary.slipWords.get(`${initial}${length}`) ?? []) {
      if (isTypo(token, token.length, word.text, typoMinLength, digitAt)) ids.add(word.id)
    }
  }
  for (const stem of vocabulary.slipStems.get(initial) ?? []) {
    // A stem more than a letter longer than the token cannot be in it, even with a slip.
    if (
      stem.text.length <= token.length + 1 &&
      stemFits(token, stem.text, typoMinLength, digitAt)
    ) {
      ids.add(stem.id)
    }
  }
  return ids.size === 0 ? NO_IDS : [...ids]
}

/** Where the token's first digit is (Infinity if none): a slip is never read into a number. */
function firstDigit(token: string): number {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i)
    if (code >= 48 && code <= 57) return i
  }
  return Infinity
}

// The functions below run for every token and phrase tried, so there they loop rather than
// create closures, generators or arrays: under tsx every closure created also pays for a name
// being set on it, and every array made is work for the garbage collector.

function lexiconMatches(text: Text, name: string, affirmedOnly: boolean): boolean {
  const lexicon = text.compiled.lexicons.get(name)
  if (!lexicon) throw new Error(`unknown lexicon "${name}"`)
  const { phrases } = lexicon
  let excluded: number[] | undefined
  const found = (start: number): boolean => {
    // A phrase that carries its own "not" ("do not want to live") starts outside the denial.
    if (affirmedOnly && text.negated[start] === true) return false
    for (const end of listEndsAt(phrases, start, text)) {
      excluded ??= spans(lexicon.except, text)
      if (!within(excluded, start, end)) return true
    }
    return false
  }
  if (phrases.anywhere.length > 0) {
    for (let start = 0; start < text.tokens.length; start++) {
      if (text.tokens[start] !== SENTENCE_BREAK && found(start)) return true
    }
    return false
  }
  for (const id of phrases.firstWords) {
    for (const start of text.startsByWord[id] ?? NO_ENDS) if (found(start)) return true
  }
  return false
}

/** Every span a list's phrases match, as start and end pairs in one flat array. */
function spans(list: PhraseList, text: Text): number[] {
  const found: number[] = []
  const add = (start: number) => {
    for (const end of listEndsAt(list, start, text)) found.push(start, end)
  }
  if (list.anywhere.length > 0) {
    for (let start = 0; start < text.tokens.length; start++) {
      if (text.tokens[start] !== SENTENCE_BREAK) add(start)
    }
  } else {
    for (const id of list.firstWords) {
      for (const start of text.startsByWord[id] ?? NO_ENDS) add(start)
    }
  }
  return found
}

function within(spans: readonly number[], start: number, end: number): boolean {
  for (let i = 0; i < spans.length; i += 2) {
    if ((spans[i] ?? Infinity) <= start && end <= (spans[i + 1] ?? -Infinity)) return true
  }
  return false
}

/** Where any phrase of the list ends when it starts at a token: remembered per description. */
function listEndsAt(list: PhraseList, at: number, text: Text): readonly number[] {
  const key = at * text.compiled.lists + list.index
  let ends = text.listEnds.get(key)
  if (ends === undefined) {
    ends = findListEnds(list, at, text)
    text.listEnds.set(key, ends)
  }
  return ends
}

/** The phrases that may start at a token: those starting with a word it fits, or with anything. */
function findListEnds(list: PhraseList, at: number, text: Text): readonly number[] {
  const found: number[] = []
  for (const phrase of list.anywhere) collectEnds(phrase, 0, at, text, found)
  const ids = text.fits[at] ?? NO_IDS
  for (const id of ids) {
    const starting = list.byFirstWord.get(id)
    if (starting) for (const phrase of starting) collectEnds(phrase, 0, at, text, found)
  }
  if (found.length === 0) return NO_ENDS
  // A phrase listed under two of the token's words, or two phrases, may end at the same place.
  return found.length > 1 ? [...new Set(found)] : found
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
    for (const next of listEndsAt(part.options, at, text)) {
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
    if (!DIGITS.test(token)) return false
    const value = Number(token)
    return value >= part.min && value <= part.max
  }
  const fits = text.fits[at] ?? NO_IDS
  if (part.kind === 'word') return fits.includes(part.id)
  for (const id of fits) if (part.ids.has(id)) return true
  return false
}

// The slip checks run for every word of the vocabulary a new word might be a slip of, so they
// compare in place: no slices, arrays or regular expressions.

function stemFits(token: string, stem: string, typoMinLength: number, digitAt: number): boolean {
  if (token.startsWith(stem)) return true
  // A slip inside the stem ("blackmialing") still counts; the stem may have lost or gained a letter.
  for (let delta = -1; delta <= 1; delta++) {
    const length = Math.min(token.length, stem.length + delta)
    if (isTypo(token, length, stem, typoMinLength, digitAt)) return true
  }
  return false
}

/**
 * One slip (a letter missing, extra, wrong or two swapped) in a long word, first letter right:
 * whether the token's first `length` letters are the word with one slip.
 */
function isTypo(
  token: string,
  length: number,
  word: string,
  minLength: number,
  digitAt: number,
): boolean {
  if (word.length < minLength || length < 1 || token.charCodeAt(0) !== word.charCodeAt(0)) {
    return false
  }
  if (digitAt < length || Math.abs(length - word.length) > 1) return false
  if (length === word.length) {
    let first = -1
    let second = -1
    for (let i = 0; i < length; i++) {
      if (token.charCodeAt(i) === word.charCodeAt(i)) continue
      if (first < 0) first = i
      else if (second < 0) second = i
      else return false
    }
    if (first >= 0 && second < 0) return true
    return (
      second === first + 1 &&
      token.charCodeAt(first) === word.charCodeAt(second) &&
      token.charCodeAt(second) === word.charCodeAt(first)
    )
  }
  // One letter more or less: past the common start, the rest must line up one letter apart.
  const tokenShorter = length < word.length
  const shorter = tokenShorter ? length : word.length
  let same = 0
  while (same < shorter && token.charCodeAt(same) === word.charCodeAt(same)) same++
  for (let i = same; i < shorter; i++) {
    const a = tokenShorter ? token.charCodeAt(i) : word.charCodeAt(i)
    const b = tokenShorter ? word.charCodeAt(i + 1) : token.charCodeAt(i + 1)
    if (a !== b) return false
  }
  return true
}
