import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FormBody } from '../web/journey.js'
import { parseRiskAssessment, type AssessmentChoices } from './validation.js'

const choices: AssessmentChoices = {
  riskFactorIds: ['meeting-planned', 'young-child', 'images-shared'],
  adviceTemplateIds: ['block-and-report'],
  signpostingTemplateIds: ['bullying'],
  policeForceCodes: ['E23000001', 'E23000005'],
}

const base = {
  riskLevel: 'high',
  riskFactors: ['meeting-planned', 'young-child'],
  rationale: 'An adult asked to meet a 12 year old this weekend.',
}
const parse = (body: FormBody) => parseRiskAssessment(body, choices)

describe('risk assessment and decision', () => {
  it('records an urgent referral to the chosen force with what is shared', () => {
    const result = parse({
      ...base,
      decision: 'urgent-referral',
      policeForceCode: 'E23000001',
      shared: ['the-child', 'what-happened'],
    })
    assert.deepEqual(result, {
      ok: true,
      value: {
        riskLevel: 'high',
        riskFactors: ['meeting-planned', 'young-child'],
        rationale: 'An adult asked to meet a 12 year old this weekend.',
        decision: {
          kind: 'urgent-referral',
          policeForceCode: 'E23000001',
          shared: ['the-child', 'what-happened'],
        },
      },
    })
  })

  it('records a decision to open a case, which asks for nothing more', () => {
    const result = parse({ ...base, riskLevel: 'medium', decision: 'open-case' })
    assert.ok(result.ok)
    assert.deepEqual(result.value.decision, { kind: 'open-case' })
  })

  it('records closures with the chosen advice or signposting', () => {
    const below = parse({
      ...base,
      riskLevel: 'low',
      riskFactors: [],
      decision: 'close-with-advice',
      adviceTemplateId: 'block-and-report',
    })
    assert.deepEqual(below.ok && below.value, {
      riskLevel: 'low',
      riskFactors: [],
      rationale: base.rationale,
      decision: { kind: 'close-with-advice', adviceTemplateId: 'block-and-report' },
    })
    const out = parse({
      ...base,
      decision: 'close-with-signposting',
      signpostingTemplateId: 'bullying',
    })
    assert.deepEqual(out.ok && out.value.decision, {
      kind: 'close-with-signposting',
      signpostingTemplateId: 'bullying',
    })
  })

  it('asks for every missing field at once, in page order', () => {
    const result = parse({})
    assert.deepEqual(result, {
      ok: false,
      errors: {
        riskLevel: 'Select the risk level',
        rationale: 'Enter your rationale for the risk level and decision',
        decision: 'Select a decision',
      },
    })
  })

  it('asks for the fields each decision requires', () => {
    assert.deepEqual(parse({ ...base, decision: 'urgent-referral' }), {
      ok: false,
      errors: {
        policeForceCode: 'Select the police force to refer to',
        shared: 'Select what you are sharing with the police',
      },
    })
    assert.deepEqual(parse({ ...base, decision: 'close-with-advice' }), {
      ok: false,
      errors: { adviceTemplateId: 'Select the advice to send to the reporter' },
    })
    assert.deepEqual(parse({ ...base, decision: 'close-with-signposting' }), {
      ok: false,
      errors: { signpostingTemplateId: 'Select where to signpost the reporter' },
    })
  })

  it('refuses choices that are not on the lists', () => {
    const result = parse({
      riskLevel: 'extreme',
      riskFactors: ['meeting-planned', 'made-up'],
      rationale: 'Words.',
      decision: 'urgent-referral',
      policeForceCode: 'NOT-A-FORCE',
      shared: ['the-child', 'made-up'],
    })
    assert.deepEqual(result, {
      ok: false,
      errors: {
        riskLevel: 'Select the risk level',
        riskFactors: 'Select risk factors from the list',
        policeForceCode: 'Select a police force from the list',
        shared: 'Select what you are sharing with the police from the list',
      },
    })
    assert.equal(parse({ ...base, decision: 'close-it' }).ok, false)
    assert.deepEqual(
      parse({ ...base, decision: 'close-with-advice', adviceTemplateId: 'made-up' }),
      {
        ok: false,
        errors: { adviceTemplateId: 'Select the advice to send to the reporter' },
      },
    )
  })

  it('refuses a rationale that is too long, and keeps line breaks in one that is not', () => {
    const long = parse({ ...base, rationale: 'x'.repeat(5001), decision: 'open-case' })
    assert.deepEqual(long, {
      ok: false,
      errors: { rationale: 'Rationale must be 5,000 characters or less' },
    })
    const ok = parse({ ...base, rationale: ' First.\r\nSecond. ', decision: 'open-case' })
    assert.equal(ok.ok && ok.value.rationale, 'First.\nSecond.')
  })

  it('counts a risk factor ticked twice once', () => {
    const result = parse({
      ...base,
      riskFactors: ['young-child', 'young-child'],
      decision: 'open-case',
    })
    assert.deepEqual(result.ok && result.value.riskFactors, ['young-child'])
  })
})
