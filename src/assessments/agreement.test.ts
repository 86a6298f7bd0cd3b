import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultRuleSet } from '../triage/rule-set.js'
import {
  agrees,
  confusionTable,
  knownReasons,
  percentage,
  periodStart,
  readPeriod,
  reasonAgreement,
  RECORDED_DECISIONS,
  type KnownReason,
} from './agreement.js'

describe('triage agreement', () => {
  it('agrees when the decision is what the priority asks for', () => {
    const agreeing = (priority: 'P1' | 'P2' | 'P3' | 'out-of-scope') =>
      RECORDED_DECISIONS.filter((d) => agrees(priority, d))
    assert.deepEqual(agreeing('P1'), ['urgent-referral'])
    assert.deepEqual(agreeing('P2'), ['open-case'])
    assert.deepEqual(agreeing('P3'), ['open-case', 'close-with-advice'])
    assert.deepEqual(agreeing('out-of-scope'), ['close-with-signposting'])
  })

  it('puts every priority against every decision, with totals', () => {
    const table = confusionTable([
      { priority: 'P1', decision: 'urgent-referral', reports: 3 },
      { priority: 'P1', decision: 'open-case', reports: 1 },
      { priority: 'P3', decision: 'close-with-advice', reports: 2 },
      { priority: 'out-of-scope', decision: 'open-case', reports: 1 },
    ])
    assert.deepEqual(
      table.rows.map((r) => [r.priority, r.total, r.agreed]),
      [
        ['P1', 4, 3],
        ['P2', 0, 0],
        ['P3', 2, 2],
        ['out-of-scope', 1, 0],
      ],
    )
    assert.deepEqual(table.rows[0]?.counts, {
      'urgent-referral': 3,
      'open-case': 1,
      'close-with-advice': 0,
      'close-with-signposting': 0,
    })
    assert.deepEqual(table.totals, {
      'urgent-referral': 3,
      'open-case': 2,
      'close-with-advice': 2,
      'close-with-signposting': 0,
    })
    assert.equal(table.total, 7)
    assert.equal(table.agreed, 5)
  })

  it('judges each rule by the priority it gives, not the report’s', () => {
    const reasons: KnownReason[] = [
      { code: 'meeting-soon', text: 'a meeting soon', priority: 'P1', source: 'rule' },
      { code: 'stopped', text: 'it has stopped', priority: 'P3', source: 'rule' },
      { code: 'never-fires', text: 'nothing', priority: 'P2', source: 'rule' },
      { code: 'stated-child-age', text: 'an age', priority: null, source: 'safety-floor' },
      { code: 'floor-self-harm', text: 'self-harm', priority: 'P2', source: 'safety-floor' },
    ]
    const rows = reasonAgreement(
      [
        // A P3 rule on a report another rule made P1: an urgent referral disagrees with it.
        { code: 'meeting-soon', priority: 'P1', decision: 'urgent-referral', reports: 2 },
        { code: 'stopped', priority: 'P1', decision: 'urgent-referral', reports: 2 },
        { code: 'stopped', priority: 'P3', decision: 'close-with-advice', reports: 1 },
        { code: 'stated-child-age', priority: 'P2', decision: 'open-case', reports: 1 },
        { code: 'stated-child-age', priority: 'P2', decision: 'close-with-advice', reports: 1 },
        { code: 'old-rule', priority: 'P2', decision: 'open-case', reports: 4 },
      ],
      reasons,
    )
    assert.deepEqual(
      rows.map((r) => [r.code, r.firedOn, r.agreed, r.source]),
      [
        ['meeting-soon', 2, 2, 'rule'],
        ['stopped', 3, 1, 'rule'],
        ['never-fires', 0, 0, 'rule'],
        ['stated-child-age', 2, 1, 'safety-floor'],
        ['old-rule', 4, 4, 'retired'],
      ],
    )
  })

  it('knows every rule in the rule set and the reasons the code adds', () => {
    const reasons = knownReasons(defaultRuleSet)
    const codes = reasons.map((r) => r.code)
    for (const rule of defaultRuleSet.rules) assert.ok(codes.includes(rule.id), rule.id)
    for (const code of ['default', 'floor-immediate-danger', 'never-out-of-scope'])
      assert.ok(codes.includes(code), code)
    assert.equal(new Set(codes).size, codes.length, 'each reason once')
    assert.equal(reasons.find((r) => r.code === 'immediate-danger')?.priority, 'P1')
  })

  it('reads the period, refusing one not offered', () => {
    assert.deepEqual(readPeriod(undefined), { ok: true, period: 'all' })
    assert.deepEqual(readPeriod('30-days'), { ok: true, period: '30-days' })
    assert.deepEqual(readPeriod('7-days'), { ok: false, error: 'Select a period from the list' })
    assert.deepEqual(readPeriod(['all']), { ok: false, error: 'Select a period from the list' })
    const now = new Date('2027-03-31T12:00:00Z')
    assert.equal(periodStart('all', now), null)
    assert.equal(periodStart('30-days', now)?.toISOString(), '2027-03-01T12:00:00.000Z')
    assert.equal(periodStart('90-days', now)?.toISOString(), '2026-12-31T12:00:00.000Z')
  })

  it('gives a share as a whole percentage, and a dash for none', () => {
    assert.equal(percentage(2, 3), '67%')
    assert.equal(percentage(0, 0), '–')
  })
})
