import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dammCheckDigit, isValidReference, newReference } from './reference.js'

const FORMAT = /^SC-\d{3}-\d{3}-\d{4}$/
const digitsOf = (reference: string) => reference.replace(/\D/g, '')
const asReference = (d: string) => `SC-${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`

/** A fixed sequence of "random" digits, so references are known in advance. */
const sequence = (digits: string) => {
  let i = 0
  return () => Number(digits[i++ % digits.length])
}

const samples = [
  newReference(sequence('482177301')),
  newReference(sequence('000000000')),
  newReference(sequence('999999999')),
  newReference(sequence('123456789')),
  newReference(),
]

describe('report references', () => {
  it('computes the published Damm check digit (572 -> 4)', () => {
    assert.equal(dammCheckDigit('572'), 4)
    assert.equal(dammCheckDigit('5724'), 0)
  })

  it('looks like SC-482-177-3012: nine digits then a check digit, grouped for the phone', () => {
    assert.equal(newReference(sequence('482177301')), 'SC-482-177-3012')
    for (let i = 0; i < 200; i++) assert.match(newReference(), FORMAT)
  })

  it('ends in the Damm check digit of the nine digits before it', () => {
    for (const reference of samples) {
      const digits = digitsOf(reference)
      assert.equal(Number(digits[9]), dammCheckDigit(digits.slice(0, 9)), reference)
      assert.equal(dammCheckDigit(digits), 0, reference)
    }
  })

  it('accepts every new reference, however it is typed', () => {
    for (const reference of samples) {
      const d = digitsOf(reference)
      for (const typed of [
        reference,
        reference.toLowerCase(),
        d,
        `SC ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
        ` sc-${d} `.trim(),
      ])
        assert.equal(isValidReference(typed), true, typed)
    }
  })

  it('refuses references with too few or too many digits, or letters among them', () => {
    for (const typed of [
      '',
      'SC-482-177-301',
      'SC-482-177-30166',
      'SC-482-177-30I6',
      'XY-482-177-3016',
    ])
      assert.equal(isValidReference(typed), false, typed)
  })

  it('catches every single mistyped digit', () => {
    for (const reference of samples) {
      for (const typo of singleDigitErrors(digitsOf(reference))) {
        assert.equal(isValidReference(asReference(typo)), false, `${reference} -> ${typo}`)
      }
    }
  })

  it('catches every swap of two neighbouring digits, the check digit included', () => {
    for (const reference of samples) {
      for (const swap of neighbourSwaps(digitsOf(reference))) {
        assert.equal(isValidReference(asReference(swap)), false, `${reference} -> ${swap}`)
      }
    }
  })

  it('catches both kinds of mistake in a thousand more references', () => {
    let seed = 7
    const random = (max: number) => (seed = (seed * 48271) % 2147483647) % max
    for (let i = 0; i < 1000; i++) {
      const digits = digitsOf(newReference(random))
      for (const mistake of [...singleDigitErrors(digits), ...neighbourSwaps(digits)])
        assert.notEqual(dammCheckDigit(mistake), 0, `${digits} -> ${mistake}`)
    }
  })
})

function singleDigitErrors(digits: string): string[] {
  const typos: string[] = []
  for (let position = 0; position < digits.length; position++) {
    for (let digit = 0; digit <= 9; digit++) {
      if (String(digit) !== digits[position])
        typos.push(digits.slice(0, position) + String(digit) + digits.slice(position + 1))
    }
  }
  return typos
}

function neighbourSwaps(digits: string): string[] {
  const swaps: string[] = []
  for (let position = 0; position < digits.length - 1; position++) {
    const a = digits[position] ?? ''
    const b = digits[position + 1] ?? ''
    if (a !== b) swaps.push(digits.slice(0, position) + b + a + digits.slice(position + 2))
  }
  return swaps
}
