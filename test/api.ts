import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { hashApiKey, newApiKey } from '../src/api/keys.js'
import type { ApiReport } from '../src/api/report-answers.js'
import { insertClient, insertKey } from '../src/api/repository.js'
import type { Queryable } from '../src/db/db.js'
import type { TestApp } from './app.js'

/** An API client registered straight in the database, with one key. */
export async function addApiClient(
  t: TestApp,
  name = 'Synthetic Chat Ltd',
): Promise<{ id: string; key: string }> {
  return registerApiClient(t.db, name, t.deps.now())
}

/** The same on any database: the schema several instances share (bench/, scale-out test). */
export async function registerApiClient(
  db: Queryable,
  name: string,
  at = new Date(),
): Promise<{ id: string; key: string }> {
  const id = randomUUID()
  const key = newApiKey()
  await insertClient(db, { id, name }, at)
  await insertKey(db, { id: randomUUID(), clientId: id, keyHash: hashApiKey(key) }, at)
  return { id, key }
}

/** A complete, mild, synthetic report as a platform would send it. */
export function apiReport(overrides: Partial<ApiReport> = {}): ApiReport {
  return {
    incidentSummary: {
      incidentTypes: ['asked-for-images'],
      incidentDateTime: '2026-11-28T18:30:00Z',
      childInImmediateDanger: 'no',
      ongoing: 'yes',
    },
    additionalInfo: 'An adult account asked a 13-year-old for a photo in private messages.',
    victim: { name: 'Sam Synthetic', age: 13, location: { town: 'Exampleton' } },
    personOrUserReported: {
      names: 'Alex',
      accounts: [
        {
          espService: 'Synthetic Chat',
          screenName: 'alex_example',
          userId: '12345',
          profileUrl: 'https://chat.example.org/u/alex_example',
        },
      ],
      estimatedAge: 'adult',
      knownOffline: 'no',
    },
    reporter: {
      reportingPerson: { name: 'Jo Trust-Safety', email: 'safety@chat.example.org' },
    },
    ...overrides,
  }
}

export interface ApiCall {
  method?: 'GET' | 'POST'
  url: string
  key?: string
  body?: unknown
  idempotencyKey?: string
  headers?: Record<string, string>
}

export async function callApi(t: TestApp, call: ApiCall): Promise<LightMyRequestResponse> {
  const method = call.method ?? (call.body === undefined ? 'GET' : 'POST')
  return t.app.inject({
    method,
    url: call.url,
    headers: {
      ...(call.key ? { authorization: `Bearer ${call.key}` } : {}),
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
      ...call.headers,
    },
    ...(call.body === undefined
      ? {}
      : { payload: typeof call.body === 'string' ? call.body : JSON.stringify(call.body) }),
  })
}
