/**
 * Reading a report's words: sentences, tokens, lemmas and negation from winkNLP and its small
 * English model, then the agency's short list of text-speak (content/triage/rules.json,
 * "textSpeak") for the words no dictionary knows ("2moro", "l8r", "sum1"). Pure: the model is
 * data shipped in an npm package and is loaded once, when the module is first imported.
 *
 * Only words that are not English words may be respelt (a test checks the list against an
 * English word list): respelling "ill", "hell" or "wed" would change what a child wrote.
 */
import winkNLP from 'wink-nlp'
import type { ItsFunction } from 'wink-nlp'
import model from 'wink-eng-lite-web-model'

/** Stands for the end of a sentence: phrases and gaps never reach across one. */
export const SENTENCE_BREAK = '|'

/**
 * How many words after "not", "never" or "no" a denial still covers. winkNLP marks every word
 * to the end of the clause as negated, and children's messages often have no punctuation:
 * "i dont care anymore i want to kill myself" must not read as a denial of the second part.
 */
const NEGATION_REACH = 4

// Part-of-speech tagging is what lets the model find lemmas ("kept" -> "keep").
const nlp = winkNLP(model, ['sbd', 'negation', 'pos'])
/**
 * The winkNLP `its` helpers this module uses. They are plain functions, and out() recognises
 * them by identity, so they are used as they are; wink-nlp 2.4 declares them as methods (and
 * its.lemma with a signature its own out() does not accept), hence this narrower view.
 */
interface Its {
  value: ItsFunction<string>
  normal: ItsFunction<string>
  lemma: ItsFunction<string>
  type: ItsFunction<string>
  negationFlag: ItsFunction<boolean>
  span: ItsFunction<number[]>
}
const its = nlp.its as unknown as Its

export interface ReadText {
  /** Each word's normal form (lower case, contractions opened, "cant" read as "can not"). */
  words: string[]
  /** Each word's dictionary form ("kept" -> "keep", "pictures" -> "picture"). */
  lemmas: string[]
  /** Whether a word lies within a denial ("I'm not going to hurt myself"). */
  negated: boolean[]
}

export type TextSpeak = ReadonlyMap<string, readonly string[]>

const NEGATORS = new Set(['not', 'never', 'no', 'nor', 'without'])

/** Opens what the model leaves joined: "i'm", "9pm", "14yo", "21:00", "£100". */
function pieces(normal: string): string[] {
  const opened = normal === "i'm" ? 'i am' : normal.replace(/['’]/g, '')
  return opened.match(/\p{N}+|[£$€]|[\p{L}\p{M}]+/gu) ?? []
}

const SKIPPED_TYPES = new Set(['punctuation', 'emoji', 'emoticon', 'symbol', 'url', 'email'])

/**
 * The model's normal form opens contractions ("n't" -> "not") but also turns British spellings
 * American ("mum" -> "mom", but "mums" stays): a whole word keeps the writer's own spelling, so
 * phrases and descriptions always agree.
 */
function normalOf(value: string, normal: string): string {
  if (value === normal) return normal
  const lower = value.toLowerCase()
  if (lower === normal) return normal
  return lower.length >= 3 && LETTERS.test(lower) && LETTERS.test(normal) ? lower : normal
}

const LETTERS = /^\p{L}+$/u
/** Most tokens are plain lower-case words and need no opening up. */
const PLAIN_WORD = /^[a-z]+$/

/** Text-speak is respelt before the model reads the text, so it is tokenised as the word it stands for. */
function respell(text: string, textSpeak: TextSpeak): string {
  if (textSpeak.size === 0) return text
  return text.replace(
    /[\p{L}\p{N}]+/gu,
    (word) => textSpeak.get(word.toLowerCase())?.join(' ') ?? word,
  )
}

export function readText(text: string, textSpeak: TextSpeak = new Map()): ReadText {
  const cleaned = text.normalize('NFKC').replace(/[‘’`´]/g, "'")
  const doc = nlp.readDoc(respell(cleaned, textSpeak))
  const tokens = doc.tokens()
  const values = tokens.out(its.value)
  const normals = tokens
    .out(its.normal)
    .map((normal, index) => normalOf(values[index] ?? '', normal))
  const lemmas = tokens.out(its.lemma)
  const types = tokens.out(its.type)
  const flags = tokens.out(its.negationFlag).map((flag) => flag === true)
  const sentenceEnds = new Set(
    doc
      .sentences()
      .out(its.span)
      .map((span) => span[1]),
  )

  const read: ReadText = { words: [], lemmas: [], negated: [] }
  let sinceNegator = Infinity
  const push = (word: string, lemma: string, flagged: boolean) => {
    sinceNegator = NEGATORS.has(word) ? 0 : sinceNegator + 1
    read.words.push(word)
    read.lemmas.push(lemma)
    read.negated.push(flagged && sinceNegator <= NEGATION_REACH)
  }
  const endSentence = () => {
    if (read.words.length > 0 && read.words.at(-1) !== SENTENCE_BREAK) {
      read.words.push(SENTENCE_BREAK)
      read.lemmas.push(SENTENCE_BREAK)
      read.negated.push(false)
    }
    sinceNegator = Infinity
  }

  for (const [index, normal] of normals.entries()) {
    const type = types[index] ?? 'word'
    const flagged = flags[index] ?? false
    if (!SKIPPED_TYPES.has(type)) {
      if (PLAIN_WORD.test(normal)) {
        push(normal, lemmas[index] ?? normal, flagged)
      } else {
        // Text-speak was respelt before reading; this catches what the model split or glued.
        const parts = pieces(normal)
        if (parts.length === 1 && parts[0] === normal)
          push(normal, lemmas[index] ?? normal, flagged)
        else
          for (const part of parts)
            for (const word of textSpeak.get(part) ?? [part]) push(word, word, flagged)
      }
    }
    if (sentenceEnds.has(index)) endSentence()
  }
  if (read.words.at(-1) === SENTENCE_BREAK) {
    read.words.pop()
    read.lemmas.pop()
    read.negated.pop()
  }
  return read
}

/** A phrase's words, read the same way as a description so the two always meet. */
export function readPhraseWords(phrase: string, textSpeak: TextSpeak): string[] {
  return readText(phrase, textSpeak).words.filter((word) => word !== SENTENCE_BREAK)
}
