import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { plantedSubmission } from './crash-reporter.js'
import { Ledger, readLedger } from './ledger.js'
import { brokenInvariants, reconcile, type LedgerEntry, type StoredReport } from './reconcile.js'
import { median, percentile } from './stats.js'

const A = '00000000-0000-4000-8000-00000000000a'
const B = '00000000-0000-4000-8000-00000000000b'
const C = '00000000-0000-4000-8000-00000000000c'

const sent = (submission: string): LedgerEntry => ({ kind: 'sent', submission, at: 1 })
const acked = (submission: string): LedgerEntry => ({ kind: 'acknowledged', submission, at: 2 })
const shown = (submission: string, reference: string): LedgerEntry => ({
  kind: 'reference',
  submission,
  reference,
  at: 3,
})
const report = (
  submission: string | undefined,
  reference: string,
  audited = true,
): StoredReport => ({
  id: `id-${reference}`,
  reference,
  submission,
  audited,
})

describe('crash benchmark reconciliation', () => {
  it('finds every invariant held when each acknowledged report is stored once with its audit entry', () => {
    const result = reconcile(
      [sent(A), acked(A), shown(A, 'SC-1'), sent(B), acked(B), shown(B, 'SC-2')],
      [report(A, 'SC-1'), report(B, 'SC-2')],
    )
    assert.deepEqual(brokenInvariants(result), [])
    assert.equal(result.sent, 2)
    assert.equal(result.acknowledged, 2)
    assert.equal(result.stored, 2)
  })

  it('counts an acknowledged submission that no stored report holds as lost', () => {
    const result = reconcile(
      [sent(A), acked(A), shown(A, 'SC-1'), sent(B), acked(B)],
      [report(A, 'SC-1')],
    )
    assert.deepEqual(result.acknowledgedButMissing, [B])
    assert.deepEqual(brokenInvariants(result), [
      'acknowledged but missing: 1',
      'acknowledged without a reference shown: 1',
    ])
  })

  it('allows a report that was sent and stored but never acknowledged, and says so', () => {
    const result = reconcile([sent(A)], [report(A, 'SC-1')])
    assert.deepEqual(brokenInvariants(result), [])
    assert.equal(result.storedNotAcknowledged, 1)
  })

  it('allows a report that was sent, never acknowledged and never stored', () => {
    const result = reconcile([sent(A)], [])
    assert.deepEqual(brokenInvariants(result), [])
    assert.equal(result.acknowledgedButMissing.length, 0)
  })

  it('counts every report beyond the first for one submission as a duplicate', () => {
    const result = reconcile(
      [sent(A), acked(A), shown(A, 'SC-1')],
      [report(A, 'SC-1'), report(A, 'SC-2'), report(A, 'SC-3')],
    )
    assert.equal(result.duplicates, 2)
    assert.deepEqual(brokenInvariants(result), ['duplicates: 2'])
  })

  it('counts a report stored without its audit entry', () => {
    const result = reconcile([sent(A), acked(A), shown(A, 'SC-1')], [report(A, 'SC-1', false)])
    assert.deepEqual(brokenInvariants(result), ['reports without their audit entry: 1'])
  })

  it('counts a confirmation page that showed a reference the stored report does not have', () => {
    const result = reconcile([sent(A), acked(A), shown(A, 'SC-9')], [report(A, 'SC-1')])
    assert.deepEqual(brokenInvariants(result), ['confirmation showed another reference: 1'])
  })

  it('counts stored reports that no client sent, or whose answers hold no submission id', () => {
    const result = reconcile(
      [sent(A), acked(A), shown(A, 'SC-1')],
      [report(A, 'SC-1'), report(C, 'SC-2'), report(undefined, 'SC-3')],
    )
    assert.deepEqual(brokenInvariants(result), ['reports no client sent: 2'])
  })

  it('reads the submission id planted in a report, and nothing from a report without one', () => {
    assert.equal(plantedSubmission(`{"description":"asked for a photo LEDGER-${A}"}`), A)
    assert.equal(plantedSubmission('{"description":"asked for a photo"}'), undefined)
  })

  it('takes medians and nearest-rank percentiles', () => {
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 2, 3]), 2.5)
    assert.ok(Number.isNaN(median([])))
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1)
    assert.equal(percentile(hundred, 0.99), 99)
    assert.equal(percentile(hundred, 1), 100)
    assert.equal(percentile([7], 0.99), 7)
  })
})

describe('crash benchmark ledger', () => {
  it('keeps every appended entry, in order, across concurrent appends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-test-'))
    try {
      const path = join(dir, 'ledger.jsonl')
      const ledger = await Ledger.create(path)
      const entries = Array.from({ length: 50 }, (_, i): LedgerEntry => ({
        kind: 'sent',
        submission: `s${i}`,
        at: i,
      }))
      await Promise.all(entries.map((entry) => ledger.append(entry)))
      await ledger.close()
      assert.deepEqual(await readLedger(path), entries)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
