import type { FieldErrors, FormBody } from '../web/journey.js'
import { oneOf, text } from '../web/form-fields.js'

/**
 * A partner agency's details as an administrator edits them: pure parsing of the posted form
 * into contacts (and, for an agency they added, its name and kind), or GOV.UK-worded errors.
 * Police forces and children's services take their names from the jurisdiction tables.
 */
export const JURISDICTION_KINDS = ['police-force', 'children-services'] as const
export const ADDED_KINDS = ['school-trust', 'health-team', 'helpline', 'other'] as const
export type AddedKind = (typeof ADDED_KINDS)[number]
export type PartnerAgencyKind = (typeof JURISDICTION_KINDS)[number] | AddedKind

export const PARTNER_LIMITS = { name: 200, phone: 40, email: 254, openingHours: 500, notes: 2000 }

export interface PartnerContacts {
  urgentPhone: string | null
  email: string | null
  openingHours: string | null
  notes: string | null
}

export interface AddedAgencyDetails extends PartnerContacts {
  name: string
  kind: AddedKind
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

// Digits with the spaces, brackets, dashes and leading + people write numbers with.
const PHONE = /^\+?[\d\s()-]+$/
// Deliberately loose, as GOV.UK advises: something@something.something, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

const orNull = (value: string): string | null => (value === '' ? null : value)
const max = (n: number) => n.toLocaleString('en-GB')

function parseContactFields(body: FormBody, errors: FieldErrors): PartnerContacts {
  const urgentPhone = text(body, 'urgentPhone')
  const email = text(body, 'email')
  const openingHours = text(body, 'openingHours')
  const notes = text(body, 'notes')
  const digits = urgentPhone.replace(/\D/g, '').length
  if (urgentPhone !== '' && (!PHONE.test(urgentPhone) || digits < 3 || digits > 15))
    errors.urgentPhone = 'Enter a phone number, like 01632 960 001 or +44 1632 960 001'
  else if (urgentPhone.length > PARTNER_LIMITS.phone)
    errors.urgentPhone = `Phone number must be ${max(PARTNER_LIMITS.phone)} characters or less`
  if (email.length > PARTNER_LIMITS.email)
    errors.email = `Email address must be ${max(PARTNER_LIMITS.email)} characters or less`
  else if (email !== '' && !EMAIL.test(email))
    errors.email = 'Enter an email address in the correct format, like name@example.org'
  if (openingHours.length > PARTNER_LIMITS.openingHours)
    errors.openingHours = `Opening hours must be ${max(PARTNER_LIMITS.openingHours)} characters or less`
  if (notes.length > PARTNER_LIMITS.notes)
    errors.notes = `Notes must be ${max(PARTNER_LIMITS.notes)} characters or less`
  return {
    urgentPhone: orNull(urgentPhone),
    email: orNull(email),
    openingHours: orNull(openingHours),
    notes: orNull(notes),
  }
}

/** The contacts of any partner agency. Every field may be left empty. */
export function parsePartnerContacts(body: FormBody): ParseResult<PartnerContacts> {
  const errors: FieldErrors = {}
  const contacts = parseContactFields(body, errors)
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: contacts }
}

/** An agency an administrator adds (or edits): its name and kind, then its contacts. */
export function parseAddedAgency(body: FormBody): ParseResult<AddedAgencyDetails> {
  const errors: FieldErrors = {}
  const name = text(body, 'name')
  if (name === '') errors.name = 'Enter the name of the agency'
  else if (name.length > PARTNER_LIMITS.name)
    errors.name = `Name must be ${max(PARTNER_LIMITS.name)} characters or less`
  const kind = oneOf(body, 'kind', ADDED_KINDS)
  if (!kind) errors.kind = 'Select what kind of agency it is'
  const contacts = parseContactFields(body, errors)
  if (!kind || Object.keys(errors).length > 0) return { ok: false, errors }
  return { ok: true, value: { name, kind, ...contacts } }
}
