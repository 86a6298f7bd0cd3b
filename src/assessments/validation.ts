import type { FieldErrors, FormBody } from '../web/journey.js'
import { oneOf, someOf, text } from '../web/form-fields.js'

/**
 * The risk assessment and decision an advisor records on a report: pure parsing of the posted
 * form into a typed assessment, or GOV.UK-worded errors keyed by field in page order. The lists
 * to choose from (risk factors, templates, police forces) arrive as arguments.
 */
export const RISK_LEVELS = ['high', 'medium', 'low'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

export const DECISIONS = ['urgent', 'meets-threshold', 'below-threshold', 'out-of-scope'] as const
export type DecisionKind = (typeof DECISIONS)[number]

export type Decision =
  /** Refer to the child's police force now; a referral "to send" is created at once. */
  | { kind: 'urgent'; policeForceCode: string; informationShared: string }
  /** Open a case owned by the advisor. */
  | { kind: 'meets-threshold' }
  /** Close, with advice for the reporter from a template. */
  | { kind: 'below-threshold'; adviceTemplateId: string }
  /** Close, with signposting from a template. */
  | { kind: 'out-of-scope'; signpostingTemplateId: string }

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

export const ASSESSMENT_LIMITS = { rationale: 5000, informationShared: 5000 }

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
    case 'urgent': {
      const policeForceCode = text(body, 'policeForceCode')
      const informationShared = text(body, 'informationShared')
      if (policeForceCode === '') errors.policeForceCode = 'Select the police force to refer to'
      else if (!choices.policeForceCodes.includes(policeForceCode))
        errors.policeForceCode = 'Select a police force from the list'
      if (informationShared === '')
        errors.informationShared = 'Enter what you are sharing with the police'
      else if (tooLong(informationShared, ASSESSMENT_LIMITS.informationShared))
        errors.informationShared = `What you are sharing must be ${ASSESSMENT_LIMITS.informationShared.toLocaleString('en-GB')} characters or less`
      if (errors.policeForceCode || errors.informationShared) return undefined
      return { kind, policeForceCode, informationShared }
    }
    case 'meets-threshold':
      return { kind }
    case 'below-threshold': {
      const adviceTemplateId = oneOf(body, 'adviceTemplateId', choices.adviceTemplateIds)
      if (!adviceTemplateId) {
        errors.adviceTemplateId = 'Select the advice to send to the reporter'
        return undefined
      }
      return { kind, adviceTemplateId }
    }
    case 'out-of-scope': {
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
