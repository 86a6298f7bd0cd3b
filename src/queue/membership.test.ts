import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { londonOffice } from '../../test/calendar.js'
import { queuesFor } from '../triage/queues.js'
import type { Priority } from '../reports/model.js'
import { lastOfficeOpening, queueClock, queuesAt, queuesAtClock } from './membership.js'

/** A report as intake stores it: its entry queues come from triage at the time it arrived. */
const received = (priority: Priority, at: string) => {
  const receivedAt = new Date(at)
  return { priority, receivedAt, queues: queuesFor(priority, receivedAt, londonOffice) }
}
const at = (iso: string) => new Date(iso)

describe('queue membership over time', () => {
  it('keeps a report received in office hours in the advisors’ queue, day and night', () => {
    const report = received('P2', '2027-01-13T10:00:00+00:00') // Wednesday morning
    for (const now of ['2027-01-13T10:05:00Z', '2027-01-13T22:00:00Z', '2027-01-16T12:00:00Z']) {
      assert.deepEqual(queuesAt(report, at(now), londonOffice), ['advisors'])
    }
  })

  it('gives a report received on a weekday evening to the Control Centre until 09:00 next day', () => {
    const report = received('P3', '2027-01-13T19:30:00+00:00') // Wednesday evening
    assert.deepEqual(queuesAt(report, at('2027-01-13T23:00:00Z'), londonOffice), ['control-centre'])
    assert.deepEqual(queuesAt(report, at('2027-01-14T08:59:59Z'), londonOffice), ['control-centre'])
    assert.deepEqual(queuesAt(report, at('2027-01-14T09:00:00Z'), londonOffice), ['advisors'])
    assert.deepEqual(queuesAt(report, at('2027-01-20T09:00:00Z'), londonOffice), ['advisors'])
  })

  it('gives a report received early in the morning to the advisors when the office opens that day', () => {
    const report = received('P2', '2027-01-14T07:15:00+00:00') // Thursday before opening
    assert.deepEqual(queuesAt(report, at('2027-01-14T08:00:00Z'), londonOffice), ['control-centre'])
    assert.deepEqual(queuesAt(report, at('2027-01-14T09:00:00Z'), londonOffice), ['advisors'])
  })

  it('keeps a report received on Friday night with the Control Centre all weekend', () => {
    const report = received('P2', '2027-01-15T18:00:00+00:00') // Friday after closing
    for (const now of ['2027-01-16T03:00:00Z', '2027-01-16T10:00:00Z', '2027-01-17T16:00:00Z']) {
      assert.deepEqual(queuesAt(report, at(now), londonOffice), ['control-centre'])
    }
    assert.deepEqual(queuesAt(report, at('2027-01-18T09:00:00Z'), londonOffice), ['advisors'])
  })

  it('keeps a report received over Christmas with the Control Centre until the office reopens', () => {
    // 25 and 28 December 2026 are bank holidays, 26-27 a weekend: the office reopens on the 29th.
    const report = received('out-of-scope', '2026-12-24T17:30:00+00:00')
    for (const now of ['2026-12-25T10:00:00Z', '2026-12-28T10:00:00Z', '2026-12-29T08:59:00Z']) {
      assert.deepEqual(queuesAt(report, at(now), londonOffice), ['control-centre'])
    }
    assert.deepEqual(queuesAt(report, at('2026-12-29T09:00:00Z'), londonOffice), ['advisors'])
  })

  it('hands over at 09:00 London time in summer (08:00 UTC)', () => {
    const report = received('P3', '2027-07-14T21:00:00+01:00')
    assert.deepEqual(queuesAt(report, at('2027-07-15T07:59:00Z'), londonOffice), ['control-centre'])
    assert.deepEqual(queuesAt(report, at('2027-07-15T08:00:00Z'), londonOffice), ['advisors'])
  })

  it('shows every P1 to the Control Centre and the advisors at any hour', () => {
    for (const arrived of [
      '2027-01-13T10:00:00Z',
      '2027-01-13T22:00:00Z',
      '2026-12-25T12:00:00Z',
    ]) {
      const report = received('P1', arrived)
      for (const now of ['2027-01-13T11:00:00Z', '2027-01-14T02:00:00Z', '2027-01-16T12:00:00Z']) {
        assert.deepEqual(queuesAt(report, at(now), londonOffice), ['control-centre', 'advisors'])
      }
    }
  })

  it('finds the last opening before a weekend, a bank holiday and the same morning', () => {
    const last = (iso: string) => lastOfficeOpening(at(iso), londonOffice).toISOString()
    assert.equal(last('2027-01-17T12:00:00Z'), '2027-01-15T09:00:00.000Z') // Sunday -> Friday
    assert.equal(last('2026-12-28T12:00:00Z'), '2026-12-24T09:00:00.000Z') // holiday Monday
    assert.equal(last('2027-01-14T09:00:00Z'), '2027-01-14T09:00:00.000Z') // at opening
    assert.equal(last('2027-01-14T08:59:59Z'), '2027-01-13T09:00:00.000Z') // just before
    assert.equal(last('2027-07-15T12:00:00Z'), '2027-07-15T08:00:00.000Z') // BST
  })

  it('agrees with the handover instant the queue query uses, at any pair of instants', () => {
    const start = at('2026-12-01T00:00:00Z').getTime()
    const span = 90 * 86_400_000
    const instant = fc.integer({ min: 0, max: span }).map((ms) => new Date(start + ms))
    const priority = fc.constantFrom<Priority>('P1', 'P2', 'P3', 'out-of-scope')
    fc.assert(
      fc.property(priority, instant, instant, (p, receivedAt, later) => {
        const now = later < receivedAt ? receivedAt : later
        const report = { priority: p, receivedAt, queues: queuesFor(p, receivedAt, londonOffice) }
        assert.deepEqual(
          queuesAtClock(report, queueClock(now, londonOffice)),
          queuesAt(report, now, londonOffice),
        )
      }),
      { numRuns: 2000 },
    )
  })
})
