import { CONTACT_WAYS, REPORTED_TO } from '../reports/answers.js'
import { CONCERNS } from '../reports/model.js'
import { LIMITS } from '../reports/validation.js'

/**
 * The API's JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses), stated once: Fastify validates
 * requests and serialises responses with them, and @fastify/swagger builds the document from
 * them. The report's fields follow NCMEC's CyberTipline reporting schema where they fit
 * (`incidentSummary`, `personOrUserReported`, `victim`, `reporter`, `additionalInfo`), so a
 * platform that already files there can map its data once. Pure data.
 */
const YES_NO_UNSURE = ['yes', 'no', 'unsure'] as const

const text = (maxLength: number, description: string) =>
  ({ type: 'string', minLength: 1, maxLength, description }) as const

export const REFERENCE_PATTERN = '^SC-[0-9]{3}-[0-9]{3}-[0-9]{4}$'

export const IDEMPOTENCY_KEY_MAX = 255

/** A complete report, synthetic and mild, for the document and the documentation page. */
export const EXAMPLE_REPORT = {
  incidentSummary: {
    incidentTypes: ['asked-for-images', 'sexual-chat'],
    incidentDateTime: '2026-11-28T18:30:00Z',
    childInImmediateDanger: 'no',
    ongoing: 'yes',
  },
  additionalInfo:
    'An adult account sent sexual messages to a 13-year-old and asked her for a photo. Our moderators found it on 29 November.',
  victim: { name: 'Sam Example', age: 13, location: { postcode: 'LS1 4AP' } },
  personOrUserReported: {
    accounts: [
      {
        espService: 'Example Chat',
        screenName: 'alex_example',
        userId: '12345',
        profileUrl: 'https://chat.example.org/u/alex_example',
      },
    ],
    estimatedAge: 'adult',
    knownOffline: 'no',
  },
  reporter: {
    reportingPerson: { name: 'Jo Example', email: 'safety@chat.example.org' },
    safeContactTimes: 'Weekdays 9am to 5pm',
  },
} as const

export const reportRequestSchema = {
  $id: 'ReportRequest',
  type: 'object',
  additionalProperties: false,
  required: ['incidentSummary', 'additionalInfo', 'victim', 'personOrUserReported', 'reporter'],
  description:
    'A report from a platform about a child. The organisation sending it is the API client the key belongs to.',
  examples: [EXAMPLE_REPORT],
  properties: {
    incidentSummary: {
      type: 'object',
      additionalProperties: false,
      required: ['incidentTypes', 'childInImmediateDanger', 'ongoing'],
      properties: {
        incidentTypes: {
          type: 'array',
          minItems: 1,
          maxItems: CONCERNS.length,
          uniqueItems: true,
          items: { type: 'string', enum: [...CONCERNS] },
          description:
            'Everything that happened. At least one must be a kind of sexual harm: bullying, fake accounts and hacking alone are for other services.',
        },
        incidentDateTime: {
          type: 'string',
          format: 'date-time',
          description: 'When it happened or started (RFC 3339). Leave out when not known.',
        },
        childInImmediateDanger: { type: 'string', enum: [...YES_NO_UNSURE] },
        ongoing: {
          type: 'string',
          enum: [...YES_NO_UNSURE],
          description: 'Whether it is still happening.',
        },
      },
    },
    additionalInfo: text(
      LIMITS.description,
      'What happened, in words: what was said or sent, and how the platform came to know.',
    ),
    victim: {
      type: 'object',
      additionalProperties: false,
      description: 'The child. Give an age or a date of birth.',
      properties: {
        name: text(LIMITS.name, 'The child’s name, as far as it is known.'),
        age: { type: 'integer', minimum: 0, maximum: 17 },
        dateOfBirth: { type: 'string', format: 'date' },
        location: {
          type: 'object',
          additionalProperties: false,
          description:
            'Where the child lives, so the report goes to the right police force and children’s services. Leave out when not known.',
          properties: {
            postcode: text(LIMITS.town, 'A postcode, like SW1A 1AA.'),
            town: text(LIMITS.town, 'A town or city, when there is no postcode.'),
            localAuthorityCode: {
              type: 'string',
              pattern: '^[A-Za-z0-9_-]{1,20}$',
              description: 'The council area’s code, when the town alone could be several.',
            },
          },
        },
      },
    },
    personOrUserReported: {
      type: 'object',
      additionalProperties: false,
      required: ['estimatedAge', 'knownOffline'],
      description: 'The person or account the report is about.',
      properties: {
        names: text(LIMITS.short, 'Any names they use.'),
        accounts: {
          type: 'array',
          maxItems: LIMITS.accounts,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['espService'],
            properties: {
              espService: text(LIMITS.name, 'The app, site or service the account is on.'),
              screenName: text(LIMITS.name, 'The account’s username or screen name.'),
              userId: text(100, 'The platform’s own identifier for the account.'),
              profileUrl: {
                type: 'string',
                maxLength: LIMITS.short,
                pattern: '^https?://\\S+\\.\\S+$',
                description: 'A link to the account’s profile.',
              },
            },
          },
        },
        phones: {
          type: 'array',
          maxItems: 10,
          items: text(40, 'A phone number they use.'),
        },
        emails: {
          type: 'array',
          maxItems: 10,
          items: text(254, 'An email address they use.'),
        },
        estimatedAge: { type: 'string', enum: ['adult', 'under-18', 'unknown'] },
        knownOffline: {
          type: 'string',
          enum: [...YES_NO_UNSURE],
          description: 'Whether the child knows them in real life.',
        },
      },
    },
    reporter: {
      type: 'object',
      additionalProperties: false,
      required: ['reportingPerson'],
      description: 'Who at the platform we contact about this report.',
      properties: {
        reportingPerson: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          description: 'A name and at least an email address or a phone number.',
          properties: {
            name: text(LIMITS.name, 'Their name.'),
            email: { type: 'string', maxLength: 254, format: 'email' },
            phone: text(40, 'A phone number, like 01632 960 001.'),
          },
        },
        safeContactWays: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', enum: [...CONTACT_WAYS] },
        },
        safeContactTimes: text(LIMITS.short, 'When to call, if that matters.'),
        followedSafeguardingPolicy: {
          type: 'string',
          enum: [...YES_NO_UNSURE],
          description:
            'Whether the platform has followed its own safeguarding policy (default yes).',
        },
        alreadyReportedTo: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', enum: REPORTED_TO.filter((r) => r !== 'neither') },
          description: 'Whom the platform has already told (default nobody).',
        },
      },
    },
  },
} as const

export const REPORT_STATUSES = ['received', 'being-assessed', 'closed'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

export const reportStatusSchema = {
  $id: 'ReportStatus',
  type: 'object',
  additionalProperties: false,
  required: ['reference', 'status', 'statusUrl'],
  properties: {
    reference: { type: 'string', pattern: REFERENCE_PATTERN },
    status: {
      type: 'string',
      enum: [...REPORT_STATUSES],
      description: 'received: waiting to be read; being-assessed: staff are working on it; closed.',
    },
    statusUrl: { type: 'string', description: 'Where to ask for the status again.' },
  },
} as const

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status'],
  description: 'RFC 9457 problem details. `type` is stable: test it, not the title.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For invalid requests: each field at fault, as a JSON Pointer into the body.',
      items: {
        type: 'object',
        required: ['pointer', 'detail'],
        properties: { pointer: { type: 'string' }, detail: { type: 'string' } },
      },
    },
  },
} as const

export const idempotencyHeaderSchema = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: IDEMPOTENCY_KEY_MAX,
      pattern: '^[\\x21-\\x7E]+$',
      description:
        'Any unique string (a UUID, say). A retry with the same key and body answers as the first request did; the same key with another body is refused.',
    },
  },
} as const

export const referenceParamsSchema = {
  type: 'object',
  required: ['reference'],
  properties: { reference: { type: 'string', pattern: REFERENCE_PATTERN } },
} as const
