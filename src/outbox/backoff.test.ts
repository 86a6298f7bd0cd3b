import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { retryDelayMs } from './backoff.js'

const policy = { baseMs: 1_000, maxMs: 60_000 }

describe('retry backoff', () => {
  it('doubles the delay after each failed attempt', () => {
    assert.equal(retryDelayMs(1, policy, 0.999999), 1_000)
    assert.equal(retryDelayMs(2, policy, 0.999999), 2_000)
    assert.equal(retryDelayMs(4, policy, 0.999999), 8_000)
  })

  it('never waits longer than the maximum', () => {
    assert.equal(retryDelayMs(30, policy, 0.999999), 60_000)
  })

  it('spreads retries over the upper half of the delay, so failures do not come back together', () => {
    assert.equal(retryDelayMs(3, policy, 0), 2_000)
    const spread = new Set([0.1, 0.4, 0.7].map((r) => retryDelayMs(3, policy, r)))
    assert.equal(spread.size, 3)
    for (const delay of spread) assert.ok(delay >= 2_000 && delay <= 4_000)
  })
})
