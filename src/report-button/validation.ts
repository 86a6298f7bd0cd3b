import type { FieldErrors, FormBody } from '../web/journey.js'
import { text } from '../web/form-fields.js'

/**
 * A report button source as administrators register it, and the source id a button's link
 * carries: pure parsing of the posted form into details, or GOV.UK-worded errors.
 */
export const SOURCE_LIMITS = { id: 40, name: 100, website: 200 }

/** Lower-case letters, digits and single hyphens: safe in a URL exactly as typed. */
const SOURCE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/

export interface ReportSourceDetails {
  name: string
  website: string
}

export interface NewReportSource extends ReportSourceDetails {
  id: string
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

export const isSourceId = (value: string): boolean =>
  value.length <= SOURCE_LIMITS.id && SOURCE_ID.test(value)

/**
 * What of a `?source=` value may be kept when nobody registered it: lower-case letters, digits
 * and hyphens, at most 40 of them. Anything else is dropped, so a link can never put markup,
 * spaces or a long payload into a report; '' when nothing is left.
 */
export function sanitiseSourceId(raw: unknown): string {
  if (typeof raw !== 'string') return ''
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '')
    .slice(0, SOURCE_LIMITS.id)
}

const max = (n: number) => n.toLocaleString('en-GB')

function parseDetails(body: FormBody, errors: FieldErrors): ReportSourceDetails {
  const name = text(body, 'name')
  if (name === '') errors.name = 'Enter the name of the website or app'
  else if (name.length > SOURCE_LIMITS.name)
    errors.name = `Name must be ${max(SOURCE_LIMITS.name)} characters or less`
  const website = text(body, 'website')
  if (website === '') errors.website = 'Enter the address of the website'
  else if (website.length > SOURCE_LIMITS.website)
    errors.website = `Website address must be ${max(SOURCE_LIMITS.website)} characters or less`
  else if (!isWebAddress(website))
    errors.website = 'Enter a website address in the correct format, like https://www.example.org'
  return { name, website }
}

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.')
  } catch {
    return false
  }
}

/** A new source: its id (fixed once given, since snippets in the wild carry it), name, website. */
export function parseNewReportSource(body: FormBody): ParseResult<NewReportSource> {
  const errors: FieldErrors = {}
  const id = text(body, 'id')
  if (id === '') errors.id = 'Enter an ID for the source'
  else if (id.length > SOURCE_LIMITS.id)
    errors.id = `ID must be ${max(SOURCE_LIMITS.id)} characters or less`
  else if (!isSourceId(id))
    errors.id =
      'ID must only include lower-case letters a to z, numbers and hyphens, like game-chat'
  const details = parseDetails(body, errors)
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, value: { id, ...details } }
}

/** A source's name and website, as they are edited. */
export function parseReportSourceDetails(body: FormBody): ParseResult<ReportSourceDetails> {
  const errors: FieldErrors = {}
  const details = parseDetails(body, errors)
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: details }
}
