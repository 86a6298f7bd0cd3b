import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { drawRandomBytes, RANDOM_BLOCK_BYTES } from './random.js'

describe('drawing random bytes', () => {
  it('gives as many bytes as asked for, large draws included', () => {
    for (const size of [0, 1, 12, 56, RANDOM_BLOCK_BYTES / 4, RANDOM_BLOCK_BYTES / 4 + 1, 10_000])
      assert.equal(drawRandomBytes(size).length, size)
  })

  it('never hands out the same bytes twice, across the blocks it fetches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 16, max: 300 }), { minLength: 20, maxLength: 60 }),
        (sizes) => {
          const seen = new Set<string>()
          for (const size of sizes) {
            const bytes = drawRandomBytes(size)
            // 16 random bytes repeat by chance with probability 2^-128: a repeat is a reused range.
            for (let at = 0; at + 16 <= size; at += 16) {
              const window = bytes.subarray(at, at + 16).toString('hex')
              assert.ok(!seen.has(window), 'a range of the block was handed out twice')
              seen.add(window)
            }
          }
        },
      ),
    )
  })

  it('keeps what it handed out apart from the block: later draws never change it', () => {
    const first = drawRandomBytes(32)
    const copy = Buffer.from(first)
    for (let i = 0; i < (2 * RANDOM_BLOCK_BYTES) / 32; i++) drawRandomBytes(32)
    assert.deepEqual(first, copy)
    assert.ok(
      first.some((byte) => byte !== 0),
      'not the zeroes left in the block',
    )
  })

  it('refuses a size that is not a whole number of bytes', () => {
    for (const size of [-1, 1.5, Number.NaN]) assert.throws(() => drawRandomBytes(size), RangeError)
  })
})
