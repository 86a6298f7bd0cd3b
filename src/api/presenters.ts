import { PROBLEM_BASE, PROBLEMS } from './problems.js'

/**
 * The documentation page, shaped from the OpenAPI document itself, so the page and the
 * document cannot disagree. Pure.
 */
interface Schema {
  type?: string | string[]
  description?: string
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  maxItems?: number
}

export interface FieldRow {
  name: string
  type: string
  required: boolean
  description: string
}

/** Every field of a schema, nested ones named by their path (`victim.location.postcode`). */
export function fieldRows(schema: Schema, prefix = ''): FieldRow[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const path = `${prefix}${name}`
    const row: FieldRow = {
      name: path,
      type: typeOf(property),
      required: (schema.required ?? []).includes(name),
      description: [property.description, constraintsOf(property)].filter(Boolean).join(' '),
    }
    const nested = property.items?.properties ? property.items : property
    const children = nested.properties
      ? fieldRows(nested, `${path}${property.items ? '[].' : '.'}`)
      : []
    return [row, ...children]
  })
}

function typeOf(schema: Schema): string {
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`
  const base = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any')
  return schema.format ? `${base} (${schema.format})` : base
}

function constraintsOf(schema: Schema): string {
  const parts: string[] = []
  const values = schema.enum ?? schema.items?.enum
  if (values) parts.push(`One of: ${values.map(String).join(', ')}.`)
  const max = schema.maxLength ?? schema.items?.maxLength
  if (max !== undefined) parts.push(`At most ${String(max)} characters.`)
  if (schema.maxItems !== undefined) parts.push(`At most ${String(schema.maxItems)} items.`)
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    parts.push(`From ${String(schema.minimum)} to ${String(schema.maximum)}.`)
  if (schema.pattern && !values) parts.push(`Matches ${schema.pattern}.`)
  return parts.join(' ')
}

/** @fastify/swagger moves a schema's first example to the media type's `example`. */
const exampleOf = (media: { example?: unknown } | undefined): string | undefined =>
  media?.example === undefined ? undefined : JSON.stringify(media.example, null, 2)

interface Operation {
  summary?: string
  description?: string
  operationId?: string
  parameters?: {
    name: string
    in: string
    required?: boolean
    description?: string
    schema?: Schema
  }[]
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> }
  responses?: Record<string, { description?: string }>
}

export function docsView(document: Record<string, unknown>) {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      id: op.operationId ?? `${method}-${path}`,
      method: method.toUpperCase(),
      path,
      summary: op.summary ?? '',
      description: op.description ?? '',
      parameters: (op.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required ?? false,
        description: [
          p.schema?.description ?? p.description,
          p.schema ? constraintsOf(p.schema) : '',
        ]
          .filter(Boolean)
          .join(' '),
      })),
      fields: fieldRows(op.requestBody?.content?.['application/json']?.schema ?? {}),
      example: exampleOf(op.requestBody?.content?.['application/json']),
      responses: Object.entries(op.responses ?? {}).map(([status, response]) => ({
        status,
        description: response.description ?? '',
      })),
    })),
  )
  const info = (document.info ?? {}) as { title?: string; description?: string; version?: string }
  return {
    pageTitle: info.title ?? 'API',
    info,
    operations,
    problems: Object.entries(PROBLEMS).map(([kind, p]) => ({
      id: `problem-${kind}`,
      type: `${PROBLEM_BASE}${kind}`,
      status: p.status,
      title: p.title,
    })),
  }
}
