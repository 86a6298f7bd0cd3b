import type { FieldProblem } from './report-answers.js'

/**
 * Every error the API gives, as RFC 9457 problem details. Each has a stable `type` that
 * clients may test; the words may change. The types are URLs of the API's documentation page,
 * where each is explained. Pure.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export const PROBLEMS = {
  'invalid-request': { status: 400, title: 'The request is not valid' },
  unauthenticated: { status: 401, title: 'An API key is needed' },
  'not-found': { status: 404, title: 'There is nothing here' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send the body as application/json' },
  'idempotency-key-reused': {
    status: 422,
    title: 'This Idempotency-Key was used with a different request',
  },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'server-error': { status: 500, title: 'Something went wrong on our side' },
} as const

export type ProblemType = keyof typeof PROBLEMS

export const PROBLEM_BASE = '/api/v1/docs#problem-'

export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  errors?: FieldProblem[]
}

export function problem(
  kind: ProblemType,
  extra: { detail?: string; instance?: string; errors?: FieldProblem[] } = {},
): Problem {
  const { status, title } = PROBLEMS[kind]
  return { type: `${PROBLEM_BASE}${kind}`, title, status, ...extra }
}

/** Fastify's schema errors (Ajv's), as pointers into the part of the request at fault. */
export interface SchemaError {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
  message?: string
}

export function schemaProblems(context: string, errors: readonly SchemaError[]): FieldProblem[] {
  const part = context === 'body' ? '' : `/${context}`
  return errors.map((error) => {
    const named =
      error.keyword === 'required'
        ? error.params.missingProperty
        : error.keyword === 'additionalProperties'
          ? error.params.additionalProperty
          : undefined
    const pointer = `${part}${error.instancePath}${typeof named === 'string' ? `/${named}` : ''}`
    return { pointer, detail: describe(error) }
  })
}

function describe(error: SchemaError): string {
  switch (error.keyword) {
    case 'required':
      return 'Required'
    case 'additionalProperties':
      return 'Not a field of this request: remove it'
    case 'enum':
      return `Must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`
    default:
      return error.message ? error.message.charAt(0).toUpperCase() + error.message.slice(1) : ''
  }
}
