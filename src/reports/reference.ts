import { randomInt } from 'node:crypto'

/**
 * Report references are read over the phone by frightened people, so they are digits only,
 * grouped like a phone number, and end in a Damm check digit that catches every single
 * mistyped digit and every swap of two neighbours: SC-482-177-3012.
 */
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]

export function dammCheckDigit(digits: string): number {
  let interim = 0
  for (const ch of digits) interim = DAMM[interim]?.[Number(ch)] ?? 0
  return interim
}

export function newReference(random: (max: number) => number = randomInt): string {
  const body = Array.from({ length: 9 }, () => random(10)).join('')
  const digits = `${body}${dammCheckDigit(body)}`
  return `SC-${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`
}

/** Accepts what a person types ("sc 482 177 3012") and says whether the check digit holds. */
export function isValidReference(typed: string): boolean {
  const digits = typed.toUpperCase().replace(/^SC/, '').replace(/[\s-]/g, '')
  return /^\d{10}$/.test(digits) && dammCheckDigit(digits) === 0
}
