import { fleschKincaid } from 'flesch-kincaid'
import { syllable } from 'syllable'

/**
 * The prose a person reads on a rendered page, and its Flesch-Kincaid grade. Only <main> is
 * read: headings, paragraphs, labels, hints, choices and buttons. Each of those is its own
 * sentence even without a full stop, as a reader takes a label or a choice in one go. Words
 * with digits (phone numbers, postcodes, ages) are not prose and are left out.
 */
export interface Readability {
  grade: number
  sentences: number
  words: number
  syllables: number
  /** The longest sentences first, to show what to shorten when a page fails. */
  hardest: string[]
}

const BLOCKS =
  /<\/?(?:h[1-6]|p|li|label|legend|button|div|dt|dd|a|span class="govuk-caption[^"]*")\b[^>]*>/g

export function prose(html: string): string[] {
  const main = /<main\b[\s\S]*?<\/main>/.exec(html)?.[0] ?? ''
  const text = main
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1>/g, '')
    .replace(/<span class="govuk-visually-hidden">[\s\S]*?<\/span>/g, '')
    .replace(BLOCKS, '\n')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;|&rsquo;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&[a-z]+;/g, ' ')
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => /[a-z]/i.test(line))
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' })
const wordSegmenter = new Intl.Segmenter('en', { granularity: 'word' })

export function readability(lines: readonly string[]): Readability {
  const sentences = lines.flatMap((line) =>
    [...sentenceSegmenter.segment(line)].map((s) => s.segment.trim()).filter(Boolean),
  )
  let words = 0
  let syllables = 0
  const lengths: [string, number][] = []
  for (const sentence of sentences) {
    const inSentence = [...wordSegmenter.segment(sentence)]
      .filter((w) => w.isWordLike === true && !/\d/.test(w.segment))
      .map((w) => w.segment)
    words += inSentence.length
    syllables += inSentence.reduce((sum, w) => sum + syllable(w), 0)
    lengths.push([sentence, inSentence.length])
  }
  const counted = sentences.length
  return {
    grade: words === 0 ? 0 : fleschKincaid({ sentence: counted, word: words, syllable: syllables }),
    sentences: counted,
    words,
    syllables,
    hardest: lengths
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([s]) => s),
  }
}
