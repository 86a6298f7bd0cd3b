import { dictionary } from '@zxcvbn-ts/language-common'
import type { FieldErrors } from '../web/journey.js'
import { isRole, type Role } from './permissions.js'

export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 256

/**
 * About 49,000 passwords seen most often in breaches, as shipped by zxcvbn-ts. Only length and
 * this list are checked: composition rules make passwords harder to remember, not to guess.
 */
const COMMON_PASSWORDS = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))

/** What is wrong with a new password, if anything, in words for the person choosing it. */
export function passwordProblem(
  password: string,
  context: { email: string; serviceName: string },
): string | undefined {
  if (password === '') return 'Enter a password'
  if (Array.from(password).length < PASSWORD_MIN_LENGTH)
    return `Password must be ${PASSWORD_MIN_LENGTH} characters or more`
  if (password.length > PASSWORD_MAX_LENGTH)
    return `Password must be ${PASSWORD_MAX_LENGTH} characters or fewer`
  const lower = password.toLowerCase()
  const localPart = context.email.toLowerCase().split('@')[0] ?? ''
  if (
    COMMON_PASSWORDS.has(lower) ||
    new Set(lower).size < 4 ||
    lower === context.email.toLowerCase() ||
    (localPart.length >= 4 && lower.includes(localPart)) ||
    lower.replace(/\s/g, '').includes(context.serviceName.toLowerCase().replace(/\s/g, ''))
  )
    return 'Choose a password that is harder to guess: this one is common or easy to work out'
  return undefined
}

export interface StaffDetails {
  name: string
  email: string
  roles: Role[]
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function normaliseEmail(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : ''
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value]

/** Checks the roles ticked on a form: at least one, and only roles that exist. */
export function readRoles(value: unknown): { roles: Role[]; error?: string } {
  const ticked = asList(value)
  const roles = ticked.filter(isRole)
  if (roles.length === 0 || roles.length !== ticked.length)
    return { roles, error: 'Select at least one role' }
  return { roles: [...new Set(roles)] }
}

/** The "add a member of staff" form. */
export function readStaffDetails(
  body: Record<string, unknown>,
): { ok: true; value: StaffDetails } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const name = typeof body.name === 'string' ? body.name.trim() : ''
  const email = normaliseEmail(body.email)
  if (name === '') errors.name = 'Enter their full name'
  else if (name.length > 200) errors.name = 'Full name must be 200 characters or fewer'
  if (email === '') errors.email = 'Enter their email address'
  else if (!EMAIL.test(email) || email.length > 254)
    errors.email = 'Enter an email address in the correct format, like name@example.org'
  const { roles, error } = readRoles(body.roles)
  if (error) errors.roles = error
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, value: { name, email, roles } }
}
