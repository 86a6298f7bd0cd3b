import swagger from '@fastify/swagger'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SharedCounter } from '../web/rate-limit.js'
import { keyFromAuthorization } from './keys.js'
import { docsView } from './presenters.js'
import {
  PROBLEM_CONTENT_TYPE,
  PROBLEMS,
  problem,
  schemaProblems,
  type Problem,
  type ProblemType,
} from './problems.js'
import type { ApiReport } from './report-answers.js'
import {
  idempotencyHeaderSchema,
  problemSchema,
  referenceParamsSchema,
  reportRequestSchema,
  reportStatusSchema,
} from './schemas.js'
import { statusUrlOf, type ApiReportService, type AuthenticatedClient } from './service.js'

export const API_PREFIX = '/api'
export const apiPaths = {
  reports: '/api/v1/reports',
  report: (reference: string) => `/api/v1/reports/${reference}`,
  openapi: '/api/v1/openapi.json',
  docs: '/api/v1/docs',
} as const

export interface ApiRoutesOptions {
  service: ApiReportService
  counter: SharedCounter
  rateLimitPerMinute: number
  serviceUrl: string
  serviceName: string
}

declare module 'fastify' {
  interface FastifyRequest {
    apiClient: AuthenticatedClient | null
  }
}

const BODY_LIMIT = 64 * 1024
const WINDOW_MS = 60_000

const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
})

/** Headers some answers carry, for the document. */
const RESPONSE_HEADERS: Partial<Record<ProblemType, Record<string, object>>> = {
  unauthenticated: { 'WWW-Authenticate': { type: 'string', description: 'Bearer' } },
  'rate-limited': {
    'Retry-After': { type: 'integer', description: 'Seconds until the client may send again.' },
  },
}

const declared = (...kinds: ProblemType[]) =>
  Object.fromEntries(
    kinds.map((k) => [
      PROBLEMS[k].status,
      { ...problemResponse(PROBLEMS[k].title), headers: RESPONSE_HEADERS[k] },
    ]),
  )

function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body)
}

/**
 * The platform API (v1), a surface of its own: JSON in and out, errors as problem details,
 * a key (never a cookie) to say who is calling, and a rate limit per client. Pages keep their
 * form parsing, CSRF and HTML errors; none of it applies here, and nothing here reaches them.
 */
export async function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions): Promise<void> {
  await app.register(
    async (api) => {
      api.decorateRequest('apiClient', null)
      await api.register(swagger, {
        openapi: {
          openapi: '3.1.0',
          info: {
            title: `${options.serviceName} reporting API`,
            version: '1.0.0',
            description:
              'For websites and apps to send reports of the online sexual abuse of a child from their own systems.',
          },
          servers: [{ url: options.serviceUrl }],
          components: {
            securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
          },
        },
      })
      strictJsonSchemas(api)
      acceptJsonOnly(api)
      api.setErrorHandler(problemHandler)
      // No part of the request is echoed back: a problem names the request by its id only.
      api.setNotFoundHandler((request, reply) =>
        sendProblem(reply, problem('not-found', { instance: request.id })),
      )
      api.addHook('onResponse', async (request, reply) => {
        // A stored report is audited by the statement that stores it; 429s are only logged.
        const client = request.apiClient
        if (!client || reply.statusCode === 201 || reply.statusCode === 429) return
        await options.service
          .recordCall(client, {
            method: request.method,
            route: request.routeOptions.url ?? 'unknown',
            status: reply.statusCode,
          })
          .catch((error: unknown) => {
            request.log.error({ err: error }, 'an API call could not be audited')
          })
      })

      const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
        const key = keyFromAuthorization(request.headers.authorization)
        const client = key ? await options.service.authenticate(key) : undefined
        if (!client) {
          void reply.header('www-authenticate', 'Bearer')
          return sendProblem(
            reply,
            problem('unauthenticated', {
              detail: 'Send your API key as "Authorization: Bearer <key>". Cookies are not read.',
            }),
          )
        }
        request.apiClient = client
        const { count, msLeft } = options.counter.hit(`api-client:${client.id}`, WINDOW_MS)
        if (count > options.rateLimitPerMinute) {
          void reply.header('retry-after', String(Math.max(1, Math.ceil(msLeft / 1000))))
          return sendProblem(
            reply,
            problem('rate-limited', {
              detail: `At most ${String(options.rateLimitPerMinute)} requests a minute for each client.`,
            }),
          )
        }
        return undefined
      }

      api.post(
        '/v1/reports',
        {
          onRequest: authenticate,
          schema: {
            summary: 'Send a report',
            description:
              'Runs the same checks, triage and encryption as the online form, and stores the report before answering.',
            operationId: 'sendReport',
            security: [{ apiKey: [] }],
            headers: idempotencyHeaderSchema,
            body: reportRequestSchema,
            response: {
              201: {
                description:
                  'Stored. A retry with the same Idempotency-Key and body gets this answer again, with the header Idempotent-Replayed: true.',
                headers: {
                  Location: { type: 'string', description: 'The status URL.' },
                  'Idempotent-Replayed': {
                    type: 'string',
                    description: '"true" on an answer given again to a retry.',
                  },
                },
                content: { 'application/json': { schema: reportStatusSchema } },
              },
              ...declared(
                'invalid-request',
                'unauthenticated',
                'payload-too-large',
                'unsupported-media-type',
                'idempotency-key-reused',
                'rate-limited',
                'server-error',
              ),
            },
          },
        },
        async (request, reply) => {
          const client = request.apiClient
          if (!client) throw new Error('An API route ran without a client')
          const key = request.headers['idempotency-key']
          const outcome = await options.service.submit(
            client,
            request.body as ApiReport,
            typeof key === 'string' ? key : undefined,
          )
          if (outcome.kind === 'invalid')
            return sendProblem(reply, problem('invalid-request', { errors: outcome.errors }))
          if (outcome.kind === 'key-reused')
            return sendProblem(
              reply,
              problem('idempotency-key-reused', {
                detail: 'Use a new Idempotency-Key for a different report.',
              }),
            )
          if (outcome.kind === 'replayed') void reply.header('idempotent-replayed', 'true')
          const reference = outcome.body.reference
          if (typeof reference === 'string') void reply.header('location', statusUrlOf(reference))
          return reply
            .code(outcome.status as 201)
            .type('application/json')
            .send(outcome.body)
        },
      )

      api.get(
        '/v1/reports/:reference',
        {
          onRequest: authenticate,
          schema: {
            summary: 'The status of a report you sent',
            description:
              'Only the client that sent a report can see it; to any other it is not there.',
            operationId: 'reportStatus',
            security: [{ apiKey: [] }],
            params: referenceParamsSchema,
            response: {
              200: {
                description: 'Where the report has got to.',
                content: { 'application/json': { schema: reportStatusSchema } },
              },
              ...declared('invalid-request', 'unauthenticated', 'not-found', 'rate-limited'),
            },
          },
        },
        async (request, reply) => {
          const client = request.apiClient
          if (!client) throw new Error('An API route ran without a client')
          const { reference } = request.params as { reference: string }
          const status = await options.service.status(client, reference)
          if (!status)
            return sendProblem(
              reply,
              problem('not-found', { detail: 'No report you sent has this reference.' }),
            )
          return reply.type('application/json').send({
            reference,
            status,
            statusUrl: statusUrlOf(reference),
          })
        },
      )

      api.get('/v1/openapi.json', { schema: { hide: true } }, (request, reply) =>
        reply.type('application/json').send(api.swagger()),
      )

      api.get('/v1/docs', { schema: { hide: true } }, (request, reply) =>
        reply.view('api-docs.njk', docsView(api.swagger() as Record<string, unknown>)),
      )
    },
    { prefix: API_PREFIX },
  )
}

/**
 * Requests are checked against the schemas exactly as the document states them: no type
 * coercion, no silently dropped fields, every error at once.
 */
function strictJsonSchemas(api: FastifyInstance): void {
  const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false })
  addFormats.default(ajv, ['date', 'date-time', 'email'])
  api.setValidatorCompiler(({ schema }) => ajv.compile(schema))
}

function acceptJsonOnly(api: FastifyInstance): void {
  api.removeAllContentTypeParsers()
  api.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    api.getDefaultJsonParser('error', 'error'),
  )
}

function problemHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.validation) {
    const context = error.validationContext ?? 'body'
    return sendProblem(
      reply,
      problem('invalid-request', {
        errors: schemaProblems(context, error.validation),
      }),
    )
  }
  const byCode: Partial<Record<string, ProblemType>> = {
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
    FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  }
  const known = byCode[error.code]
  if (known) return sendProblem(reply, problem(known))
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    request.log.info({ code: error.code, status }, 'API client error')
    return sendProblem(
      reply,
      problem('invalid-request', {
        detail:
          error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError
            ? 'The body is not valid JSON.'
            : 'The request could not be read.',
      }),
    )
  }
  request.log.error({ err: error }, 'unhandled API error')
  return sendProblem(reply, problem('server-error', { instance: request.id }))
}
