import assert from 'node:assert/strict'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, testConfig, type TestApp } from './app.js'
import { addApiClient, apiReport, callApi } from './api.js'
import type { JsonSchema } from './json-schema-arbitrary.js'

/**
 * The API against its own OpenAPI document (src/api/contract-*.test.ts): requests generated
 * from the document's schemas (mostly valid, some broken, some without a key or with another
 * client's), and every response checked against what the document declares for that
 * operation: the status, the content type and the body's schema. No request may get a 5xx.
 * API_CONTRACT_RUNS sets the number of requests per operation (default 1,000).
 */
export const RUNS = Number(process.env.API_CONTRACT_RUNS ?? 1_000)

export interface Response {
  description?: string
  content?: Record<string, { schema: JsonSchema }>
}
export interface Operation {
  operationId: string
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
  parameters?: { name: string; in: string; schema: JsonSchema }[]
  responses: Record<string, Response>
}
export interface Document {
  paths: Record<string, Record<string, Operation>>
}

export interface Outcome {
  requests: number
  statuses: Map<number, number>
  serverErrors: string[]
  breaches: string[]
}

export const toText = (value: unknown): string => {
  try {
    // undefined (which fast-check may make) gives no body at all, as some clients send.
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

/**
 * Schema-valid bodies are mostly refused by the form's own rules (a child's age, a way to
 * contact the reporter): these keep what was generated but make those few fields plausible,
 * so that many requests also go all the way to a stored report.
 */
export function plausible(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const word = fc.stringMatching(/^[A-Z][a-z]{1,12}$/)
  return fc
    .tuple(valid, word, word, fc.integer({ min: 0, max: 17 }), fc.emailAddress())
    .map(([generated, childName, contactName, age, email]) => {
      const body = generated as Record<string, Record<string, unknown> | undefined>
      const words = generated as { additionalInfo?: unknown }
      const victim: Record<string, unknown> = { ...body.victim, name: childName, age }
      delete victim.dateOfBirth
      const incident = body.incidentSummary ?? {}
      const types = (incident.incidentTypes as string[] | undefined) ?? []
      return {
        ...body,
        additionalInfo: `Asked for a photo. ${typeof words.additionalInfo === 'string' ? words.additionalInfo : ''}`,
        incidentSummary: { ...incident, incidentTypes: [...new Set([...types, 'sexual-chat'])] },
        victim,
        personOrUserReported: { ...body.personOrUserReported, phones: ['07700 900 982'] },
        reporter: { ...body.reporter, reportingPerson: { name: contactName, email } },
      }
    })
}

export type Who = 'mine' | 'theirs' | 'none' | 'wrong'

export interface ContractRequest {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  payload?: string
}

/** The app with two clients, its document, and the machinery to send and judge requests. */
export async function startContract(options: { reports?: number } = {}) {
  const t: TestApp = await buildTestApp({
    config: { api: { ...testConfig().api, rateLimitPerMinute: 1_000_000 } },
  })
  const keys = { mine: (await addApiClient(t)).key, theirs: (await addApiClient(t)).key }
  const document = JSON.parse(
    (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).body,
  ) as Document
  const references: string[] = []
  for (let i = 0; i < (options.reports ?? 0); i++) {
    const sent = await callApi(t, { url: '/api/v1/reports', key: keys.mine, body: apiReport() })
    references.push((JSON.parse(sent.body) as { reference: string }).reference)
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  const validators = new Map<JsonSchema, ValidateFunction>()

  const operation = (path: string, method: string): Operation => {
    const op = document.paths[path]?.[method]
    assert.ok(op, `${method} ${path} is in the document`)
    return op
  }

  /** Whether the response is one the operation declares, with a body its schema allows. */
  function breach(op: Operation, response: LightMyRequestResponse): string | undefined {
    const declared = op.responses[String(response.statusCode)]
    if (!declared) return `undeclared status ${String(response.statusCode)}`
    const type = String(response.headers['content-type'] ?? '').split(';')[0] ?? ''
    const content = declared.content?.[type]
    if (!content) return `${String(response.statusCode)} with undeclared content type ${type}`
    let validate = validators.get(content.schema)
    if (!validate) {
      validate = ajv.compile(content.schema)
      validators.set(content.schema, validate)
    }
    const body: unknown = JSON.parse(response.body)
    return validate(body)
      ? undefined
      : `${String(response.statusCode)} body: ${ajv.errorsText(validate.errors)}`
  }

  const authorisation = fc.oneof(
    { weight: 18, arbitrary: fc.constant<Who>('mine') },
    {
      weight: 1,
      arbitrary: fc.constantFrom<'theirs' | 'none' | 'wrong'>('theirs', 'none', 'wrong'),
    },
  )
  const headersFor = (who: Who): Record<string, string> =>
    who === 'none'
      ? {}
      : { authorization: `Bearer ${who === 'wrong' ? 'sc_api_wrong' : keys[who]}` }

  async function run(op: Operation, arbitrary: fc.Arbitrary<ContractRequest>): Promise<Outcome> {
    const outcome: Outcome = { requests: 0, statuses: new Map(), serverErrors: [], breaches: [] }
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        const response = await t.app.inject(request)
        outcome.requests += 1
        const status = response.statusCode
        outcome.statuses.set(status, (outcome.statuses.get(status) ?? 0) + 1)
        if (status >= 500)
          outcome.serverErrors.push(`${String(status)}: ${response.body.slice(0, 200)}`)
        const problem = breach(op, response)
        if (problem) outcome.breaches.push(problem)
        if (status === 201)
          references.push((JSON.parse(response.body) as { reference: string }).reference)
      }),
      { numRuns: RUNS },
    )
    return outcome
  }

  function report(name: string, outcome: Outcome) {
    const statuses = [...outcome.statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${String(s)}: ${String(n)}`)
    process.stdout.write(
      `${name}: ${String(outcome.requests)} requests (${statuses.join(', ')}); 5xx: ${String(outcome.serverErrors.length)}; responses that break the document: ${String(outcome.breaches.length)}\n`,
    )
    assert.deepEqual(outcome.serverErrors.slice(0, 5), [])
    assert.deepEqual(outcome.breaches.slice(0, 5), [])
  }

  return {
    t,
    references,
    operation,
    authorisation,
    headersFor,
    run,
    report,
    close: () => t.close(),
  }
}
