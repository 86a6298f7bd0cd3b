import type { FieldErrors, FormBody } from '../web/journey.js'
import { oneOf, someOf, text } from '../web/form-fields.js'

/**
 * The risk assessment and decision an advisor records on a report: pure parsing of the posted
 * form into a typed assessment, or GOV.UK-worded errors keyed by field in page order. The lists
 * to choose from (risk factors, templates, police forces) arrive as arguments.
 */
export const RISK_LEVELS = ['high', 'medium', 'low'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

export const DECISIONS = [
  'urgent-referral',
  'open-case',
  'close-with-advice',
  'close-with-signposting',
] as const
export type DecisionKind = (typeof DECISIONS)[number]

export type Decision =
  /** Refer to the child's police force now; a referral "to send" is created at once. */
  | { kind: 'urgent-referral'; policeForceCode: string; shared: ReferralShare[] }
  /** Open a case owned by the advisor. */
  | { kind: 'open-case' }
  /** Close, with advice for the reporter from a template. */
  | { kind: 'close-with-advice'; adviceTemplateId: string }
  /** Close, with signposting from a template. */
  | { kind: 'close-with-signposting'; signpostingTemplateId: string }

export interface RiskAssessment {
  riskLevel: RiskLevel
  riskFactors: string[]
  rationale: string
  decision: Decision
}

export interface AssessmentChoices {
  riskFactorIds: readonly string[]
  adviceTemplateIds: readonly string[]
  signpostingTemplateIds: readonly string[]
  /** The police forces a referral can go to (the imported table). */
  policeForceCodes: readonly string[]
}

export const ASSESSMENT_LIMITS = { rationale: 5000 }

/** The parts of a report a referral can share with the police: named, never copied here. */
export const REFERRAL_SHARES = [
  'the-child',
  'what-happened',
  'the-other-person',
  'reporter-contact',
] as const
export type ReferralShare = (typeof REFERRAL_SHARES)[number]

export type AssessmentResult =
  { ok: true; value: RiskAssessment } | { ok: false; errors: FieldErrors }

function tooLong(value: string, max: number): boolean {
  return value.length > max
}

export function parseRiskAssessment(body: FormBody, choices: AssessmentChoices): AssessmentResult {
  const errors: FieldErrors = {}
  const riskLevel = oneOf(body, 'riskLevel', RISK_LEVELS)
  if (!riskLevel) errors.riskLevel = 'Select the risk level'

  const riskFactors = someOf(body, 'riskFactors', choices.riskFactorIds)
  if (!riskFactors) errors.riskFactors = 'Select risk factors from the list'

  const rationale = text(body, 'rationale')
  if (rationale === '') errors.rationale = 'Enter your rationale for the risk level and decision'
  else if (tooLong(rationale, ASSESSMENT_LIMITS.rationale))
    errors.rationale = `Rationale must be ${ASSESSMENT_LIMITS.rationale.toLocaleString('en-GB')} characters or less`

  const kind = oneOf(body, 'decision', DECISIONS)
  let decision: Decision | undefined
  if (!kind) errors.decision = 'Select a decision'
  else decision = parseDecision(kind, body, choices, errors)

  if (!riskLevel || !riskFactors || !decision || Object.keys(errors).length > 0) {
    return { ok: false, errors }
  }
  return { ok: true, value: { riskLevel, riskFactors, rationale, decision } }
}

/** The fields only one decision asks for, each shown under its radio (conditional reveal). */
function parseDecision(
  kind: DecisionKind,
  body: FormBody,
  choices: AssessmentChoices,
  errors: FieldErrors,
): Decision | undefined {
  switch (kind) {
    case 'urgent-referral': {
      const policeForceCode = text(body, 'policeForceCode')
      const shared = someOf(body, 'shared', REFERRAL_SHARES)
      if (policeForceCode === '') errors.policeForceCode = 'Select the police force to refer to'
      else if (!choices.policeForceCodes.includes(policeForceCode))
        errors.policeForceCode = 'Select a police force from the list'
      if (!shared) errors.shared = 'Select what you are sharing with the police from the list'
      else if (shared.length === 0) errors.shared = 'Select what you are sharing with the police'
      if (errors.policeForceCode || !shared || errors.shared) return undefined
      return { kind, policeForceCode, shared }
    }
    case 'open-case':
      return { kind }
    case 'close-with-advice': {
      const adviceTemplateId = oneOf(body, 'adviceTemplateId', choices.adviceTemplateIds)
      if (!adviceTemplateId) {
        errors.adviceTemplateId = 'Select the advice to send to the reporter'
        return undefined
      }
      return { kind, adviceTemplateId }
    }
    case 'close-with-signposting': {
      const signpostingTemplateId = oneOf(
        body,
        'signpostingTemplateId',
        choices.signpostingTemplateIds,
      )
      if (!signpostingTemplateId) {
        errors.signpostingTemplateId = 'Select where to signpost the reporter'
        return undefined
      }
      return { kind, signpostingTemplateId }
    }
  }
}
