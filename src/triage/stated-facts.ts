/**
 * Facts a reporter states in the description that the form also asks for. Pure.
 *
 * Only the child's age for now: "my 8 year old", "my daughter is 10", "her son, who is 6",
 * "I am 14" from a young person. An age beside an adult's noun ("a 23 year old man", "her 30
 * year old boyfriend") is the other person's, and is not read as the child's.
 */
import { SENTENCE_BREAK } from './reading.js'

const CHILD_NOUNS = new Set([
  'son',
  'daughter',
  'child',
  'kid',
  'boy',
  'girl',
  'niece',
  'nephew',
  'grandson',
  'granddaughter',
  'grandchild',
  'stepson',
  'stepdaughter',
  'brother',
  'sister',
  'pupil',
  'student',
])

const ADULT_NOUNS = new Set([
  'man',
  'woman',
  'guy',
  'adult',
  'male',
  'female',
  'boyfriend',
  'girlfriend',
  'partner',
  'husband',
  'wife',
  'lad',
  'bloke',
])

const OWNERS = new Set(['my', 'our', 'her', 'his', 'their'])

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
]

/** A child's age, 0 to 17, written as digits or as a word. */
function childAgeOf(word: string | undefined): number | null {
  if (word === undefined) return null
  const value = /^\d{1,2}$/.test(word) ? Number(word) : NUMBER_WORDS.indexOf(word)
  return value >= 0 && value < 18 ? value : null
}

/** "8 year old", "8 years old", "8 yo", "8 yr old": the words after the number, or 0. */
function yearsOldLength(words: readonly string[], at: number): number {
  const next = words[at + 1]
  if (next === 'yo') return 1
  if (next === 'year' || next === 'years' || next === 'yr') return words[at + 2] === 'old' ? 2 : 0
  return 0
}

export interface StatedAge {
  age: number
}

/** The child's age as the description states it, or null when it states none clearly. */
export function statedChildAge(
  words: readonly string[],
  reporterIsChild: boolean,
): StatedAge | null {
  for (let at = 0; at < words.length; at++) {
    const word = words[at]
    if (word === SENTENCE_BREAK || word === undefined) continue
    const age = childAgeOf(word)
    if (age === null) continue
    const before = words[at - 1] ?? ''
    const before2 = words[at - 2] ?? ''
    const old = yearsOldLength(words, at)
    const after = words[at + 1 + old] ?? ''
    if (old > 0 && ADULT_NOUNS.has(after)) continue
    // "my 8 year old", "8 year old daughter"
    if (old > 0 && (OWNERS.has(before) || CHILD_NOUNS.has(after))) return { age }
    // "my daughter is 10", "her son, who is 6", "a pupil aged 9"
    const isWord = before === 'is' || before === 'aged' || before === 'age'
    if (
      isWord &&
      (CHILD_NOUNS.has(before2) || (before2 === 'who' && CHILD_NOUNS.has(words[at - 3] ?? '')))
    ) {
      return { age }
    }
    // a young person writing about themselves: "I am 14", "im 14"
    if (reporterIsChild && before === 'am' && before2 === 'i') return { age }
  }
  return null
}
