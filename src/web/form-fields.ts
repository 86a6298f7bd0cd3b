import type { FieldErrors, FormBody } from './journey.js'

/**
 * A parsed body as the page readers expect it: each field a string or a list of strings. The
 * form parser only ever makes those, but a body is outside input, so anything else (a number,
 * an object, a field named `__proto__`) is refused here rather than trusted further in.
 * Returns undefined when the body is not a form at all.
 */
export function readFormBody(body: unknown): FormBody | undefined {
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body)) return undefined
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, never>
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') fields[name] = value
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) fields[name] = value
    else return undefined
  }
  return fields
}

/** Only the strings of a field: a value of any other shape counts as not given. */
function strings(body: FormBody, name: string): string[] {
  if (!Object.hasOwn(body, name)) return []
  const value: unknown = body[name]
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** Small readers for urlencoded bodies: a repeated field arrives as an array. */
export function text(body: FormBody, name: string): string {
  return (strings(body, name)[0] ?? '').replace(/\r\n/g, '\n').trim()
}

export function list(body: FormBody, name: string): string[] {
  return strings(body, name)
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

export function oneOf<T extends string>(
  body: FormBody,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = text(body, name)
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined
}

export function someOf<T extends string>(
  body: FormBody,
  name: string,
  allowed: readonly T[],
): T[] | undefined {
  const values = list(body, name)
  if (values.some((v) => !(allowed as readonly string[]).includes(v))) return undefined
  return [...new Set(values)] as T[]
}

/** GOV.UK error summary items, in page order, each linking to its field. */
export function errorList(errors: FieldErrors): { text: string; href: string }[] {
  return Object.entries(errors).map(([field, message]) => ({ text: message, href: `#${field}` }))
}
