import fc from 'fast-check'

/**
 * fast-check arbitraries made from JSON Schemas (the subset the OpenAPI document uses:
 * objects, arrays, strings with enums, lengths, patterns and formats, bounded integers), so
 * the contract test generates what the document says a client may send.
 */
export interface JsonSchema {
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
}

/** JSON Schema counts characters, not UTF-16 units: a pair of surrogates is one. */
const codePoints = (s: string) => s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length

const MIN_DATE = new Date('2000-01-01T00:00:00Z')
const MAX_DATE = new Date('2030-12-31T23:59:59Z')

function stringFrom(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]))
  const minLength = schema.minLength ?? 0
  const maxLength = schema.maxLength ?? 50
  const fits = (s: string) => codePoints(s) >= minLength && codePoints(s) <= maxLength
  if (schema.format === 'date-time')
    return fc
      .date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true })
      .map((d) => d.toISOString())
  if (schema.format === 'date')
    return fc
      .date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10))
  if (schema.format === 'email') return fc.emailAddress().filter(fits)
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits)
  // Any text, from plain words to characters beyond the Basic Multilingual Plane.
  // Strings at the limit are rarer: they are slow to make and one in a while finds the edge.
  return fc.oneof(
    { weight: 10, arbitrary: fc.string({ minLength, maxLength: Math.min(maxLength, 60) }) },
    {
      weight: 5,
      arbitrary: fc.string({ unit: 'binary', minLength, maxLength: Math.min(maxLength, 60) }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(maxLength, maxLength + 1)
        .map((n) => 'x'.repeat(Math.max(n, minLength))),
    },
  )
}

export function arbitraryFrom(schema: JsonSchema): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'object': {
      const properties = schema.properties ?? {}
      const model = Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, arbitraryFrom(property)]),
      )
      return fc.record(model, { requiredKeys: schema.required ?? [] })
    }
    case 'array': {
      const items = arbitraryFrom(schema.items ?? {})
      const constraints = { minLength: schema.minItems ?? 0, maxLength: schema.maxItems ?? 5 }
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(items, constraints)
    }
    case 'string':
      return stringFrom(schema)
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000 })
    case 'boolean':
      return fc.boolean()
    default:
      return fc.jsonValue()
  }
}

/** What a careless or hostile client sends: a valid shape broken in one place, or anything. */
export function brokenFrom(schema: JsonSchema): fc.Arbitrary<unknown> {
  const valid = arbitraryFrom(schema)
  const brokenField = fc
    .tuple(valid, fc.nat(), fc.jsonValue(), fc.boolean())
    .map(([value, n, replacement, remove]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return replacement
      const keys = Object.keys(value)
      const key = keys[n % Math.max(keys.length, 1)] ?? 'surplus'
      const entries = Object.entries(value as Record<string, unknown>).filter(
        ([name]) => !remove || name !== key,
      )
      return Object.fromEntries(remove ? entries : [...entries, [key, replacement]])
    })
  return fc.oneof(brokenField, fc.jsonValue(), fc.anything())
}
