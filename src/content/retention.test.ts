import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadContent } from './content.js'
import {
  describeMinutes,
  describePeriod,
  retentionSchema,
  retentionStatements,
} from './retention.js'
import { testRetention } from '../../test/retention.js'

const CONTENT_DIR = fileURLToPath(new URL('../../content/', import.meta.url))

const retention = testRetention

describe('retention periods', () => {
  it('says periods as a person would', () => {
    assert.equal(describePeriod({ amount: 1, unit: 'years' }), '1 year')
    assert.equal(describePeriod({ amount: 6, unit: 'years' }), '6 years')
    assert.equal(describePeriod({ amount: 30, unit: 'days' }), '30 days')
    assert.equal(describeMinutes(120), '2 hours')
    assert.equal(describeMinutes(60), '1 hour')
    assert.equal(describeMinutes(90), '90 minutes')
    assert.equal(describeMinutes(2880), '2 days')
  })

  it('states unfinished answers from the setting, then each period the agency set', () => {
    assert.deepEqual(retentionStatements(retention, 90), [
      'We delete unfinished answers 90 minutes after the last one.',
      'Reports: 2 years.',
      'Cases: 6 years after.',
    ])
  })

  it('refuses wording that does not say where the period goes, or a period of nothing', () => {
    const noPeriod = { ...retention, unfinishedReport: 'We delete unfinished answers.' }
    assert.equal(retentionSchema.safeParse(noPeriod).success, false)
    const zero = {
      ...retention,
      periods: [{ id: 'report', keptFor: { amount: 0, unit: 'years' }, text: '{period}' }],
    }
    assert.equal(retentionSchema.safeParse(zero).success, false)
  })

  it('refuses periods without one the purge keeps', () => {
    assert.equal(retentionSchema.safeParse(retention).success, true)
    const noCase = { ...retention, periods: retention.periods.filter((p) => p.id !== 'case') }
    const result = retentionSchema.safeParse(noCase)
    assert.equal(result.success, false)
    assert.deepEqual(
      result.error.issues.map((i) => i.message),
      ['needs the period "case": the purge keeps it'],
    )
  })

  it('reads the agency’s periods from content/, each with a number', async () => {
    const content = await loadContent(CONTENT_DIR)
    assert.ok(content.retention.periods.length > 0)
    for (const statement of retentionStatements(content.retention, 120))
      assert.match(statement, /\d+ (hour|day|month|year)s?\b/)
  })
})
