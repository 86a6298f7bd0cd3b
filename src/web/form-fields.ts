import type { FieldErrors, FormBody } from './journey.js'

/** Small readers for urlencoded bodies: a repeated field arrives as an array. */
export function text(body: FormBody, name: string): string {
  const value = body[name]
  const first = Array.isArray(value) ? value[0] : value
  return (first ?? '').replace(/\r\n/g, '\n').trim()
}

export function list(body: FormBody, name: string): string[] {
  const value = body[name]
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).map((v) => v.trim()).filter((v) => v !== '')
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
