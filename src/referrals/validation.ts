import { oneOf, someOf, text } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { REFERRAL_SHARES, type ReferralShare } from './package.js'

/**
 * A referral as staff make it: pure parsing of the posted form. Nothing is shared unless it is
 * ticked; the reason and lawful basis are always required.
 */
export const URGENCIES = ['urgent', 'standard'] as const
export type Urgency = (typeof URGENCIES)[number]
export const REASON_LIMIT = 3000

export interface ReferralChoices {
  agencyIds: readonly string[]
  lawfulBasisIds: readonly string[]
}

export interface ReferralForm {
  partnerAgencyId: string
  urgency: Urgency
  reason: string
  shared: ReferralShare[]
  lawfulBasis: string
}

export function parseReferral(
  body: FormBody,
  choices: ReferralChoices,
): { ok: true; value: ReferralForm } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const partnerAgencyId = text(body, 'partnerAgencyId')
  if (partnerAgencyId === '') errors.partnerAgencyId = 'Select the agency to refer to'
  else if (!choices.agencyIds.includes(partnerAgencyId))
    errors.partnerAgencyId = 'Select an agency from the list'
  const urgency = oneOf(body, 'urgency', URGENCIES)
  if (!urgency) errors.urgency = 'Select whether the referral is urgent'
  const reason = text(body, 'reason')
  if (reason === '') errors.reason = 'Enter why you are referring, in words the agency can act on'
  else if (reason.length > REASON_LIMIT)
    errors.reason = `Reason must be ${REASON_LIMIT.toLocaleString('en-GB')} characters or less`
  const shared = someOf(body, 'shared', REFERRAL_SHARES)
  if (!shared) errors.shared = 'Select what you are sharing from the list'
  const lawfulBasis = oneOf(body, 'lawfulBasis', choices.lawfulBasisIds)
  if (!lawfulBasis) errors.lawfulBasis = 'Select the lawful basis for sharing'
  if (Object.keys(errors).length > 0 || !urgency || !shared || !lawfulBasis)
    return { ok: false, errors }
  return { ok: true, value: { partnerAgencyId, urgency, reason, shared, lawfulBasis } }
}
