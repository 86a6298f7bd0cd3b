import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { candidatesStartedBy, isDue, periodEnds } from './periods.js'

const at = (iso: string) => new Date(iso)
const years = (amount: number) => ({ amount, unit: 'years' as const })
const months = (amount: number) => ({ amount, unit: 'months' as const })

describe('retention periods in time', () => {
  it('ends a period on the same day and time, years or months later', () => {
    assert.deepEqual(periodEnds(at('2024-05-17T09:30:00Z'), years(2)), at('2026-05-17T09:30:00Z'))
    assert.deepEqual(periodEnds(at('2024-11-30T23:00:00Z'), months(3)), at('2025-02-28T23:00:00Z'))
    assert.deepEqual(
      periodEnds(at('2024-05-17T09:30:00Z'), { amount: 30, unit: 'days' }),
      at('2024-06-16T09:30:00Z'),
    )
  })

  it('ends a period from 29 February on the last day of February', () => {
    assert.deepEqual(periodEnds(at('2024-02-29T12:00:00Z'), years(2)), at('2026-02-28T12:00:00Z'))
  })

  it('is due exactly when the period ends, and not a millisecond before', () => {
    const from = at('2020-03-01T00:00:00Z')
    assert.equal(isDue(from, years(6), at('2026-03-01T00:00:00Z')), true)
    assert.equal(isDue(from, years(6), at('2026-02-28T23:59:59.999Z')), false)
  })

  it('finds every start that is due, month ends included', () => {
    const now = at('2026-03-31T08:00:00Z')
    const bound = candidatesStartedBy(now, months(1))
    // 28 February plus a month is 28 March: due on the 31st, and found by the bound.
    const from = at('2026-02-28T12:00:00Z')
    assert.equal(isDue(from, months(1), now), true)
    assert.ok(from <= bound)
    for (let day = 0; day < 400; day++) {
      const start = new Date(Date.UTC(2025, 0, 1, 8) + day * 86_400_000)
      const later = new Date(Date.UTC(2026, 0, 1, 8) + day * 86_400_000)
      if (isDue(start, years(1), later)) assert.ok(start <= candidatesStartedBy(later, years(1)))
      if (isDue(start, months(1), later)) assert.ok(start <= candidatesStartedBy(later, months(1)))
    }
  })
})
