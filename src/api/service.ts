import type { HashedIdentifier } from '../links/hashing.js'
import type { IdentifierSources } from '../links/identifiers.js'
import { randomUUID } from 'node:crypto'
import { recordAuditEvent } from '../audit/repository.js'
import type { AuditTrail } from '../audit/trail.js'
import type { Envelope } from '../crypto/envelope.js'
import { naturalBatches, type BatchOptions } from '../db/batching.js'
import type { Db } from '../db/db.js'
import { newReference } from '../reports/reference.js'
import { toSubmittedReport } from '../reports/report.js'
import { DuplicateReferenceError } from '../reports/repository.js'
import { acknowledgeBeforeCommit, type Triage } from '../reports/service.js'
import type { FieldErrors, FormBody, Journey } from '../web/journey.js'
import { bodyHash, hashApiKey, newApiKey } from './keys.js'
import { answersFrom, formBodies, type ApiReport, type FieldProblem } from './report-answers.js'
import * as repository from './repository.js'
import type { ApiClient, ApiClientKey, ApiReportToStore } from './repository.js'
import type { ReportStatus } from './schemas.js'

/** The caller, once its key is known: the organisation an administrator registered. */
export interface AuthenticatedClient {
  id: string
  name: string
}

export const statusUrlOf = (reference: string) => `/api/v1/reports/${reference}`

/** How a client's reports are marked, so only that client can read their status. */
export const sourceSiteOf = (clientId: string) => `api:${clientId}`

export type SubmitResult =
  | { kind: 'created' | 'replayed'; status: number; body: Record<string, unknown> }
  | { kind: 'invalid'; errors: FieldProblem[] }
  | { kind: 'key-reused' }

export interface ApiReportServiceDeps {
  db: Db
  envelope: Envelope
  journey: Journey
  triage: Triage
  /** Normalises and hashes a report's identifiers, so intake links it like the form's. */
  hashIdentifiers: (sources: IdentifierSources) => HashedIdentifier[]
  now: () => Date
  newReference?: () => string
  batching?: BatchOptions
  /** UNSAFE: see acknowledgeBeforeCommit. Only the negative control of bench:crash sets it. */
  unsafeAckBeforeCommit?: boolean
}

const REFERENCE_ATTEMPTS = 5

/**
 * Reports sent by platforms: the same answers, triage, encryption and audit as the form's
 * (src/reports/service.ts), stored by one statement that also claims the Idempotency-Key, so
 * a key has its report and its response, or neither.
 */
export function apiReportService(deps: ApiReportServiceDeps) {
  const { db, envelope, now } = deps
  const batching = deps.batching ?? { maxBatch: 64, maxInFlight: 2 }
  const storeAndCommit = naturalBatches(
    (batch: readonly ApiReportToStore[]) => repository.storeApiReports(db, batch),
    batching,
  )
  const store = deps.unsafeAckBeforeCommit
    ? acknowledgeBeforeCommit(storeAndCommit)
    : storeAndCommit
  // Every call looks its key up; under load the look-ups share statements, as intake's do.
  const clientsFor = naturalBatches(async (keyHashes: readonly string[]) => {
    const found = await repository.clientsForKeys(db, keyHashes, now())
    // null, not undefined, for a key that works for nobody: the batcher's "no answer" is an error.
    return keyHashes.map((hash) => found.get(hash) ?? null)
  }, batching)

  async function answerRetry(
    client: AuthenticatedClient,
    key: string,
    hash: string,
  ): Promise<SubmitResult | undefined> {
    const prior = await repository.findIdempotent(db, client.id, key)
    if (!prior) return undefined
    if (prior.bodyHash !== hash) return { kind: 'key-reused' }
    return { kind: 'replayed', status: prior.status, body: prior.body }
  }

  return {
    async authenticate(key: string): Promise<AuthenticatedClient | undefined> {
      return (await clientsFor(hashApiKey(key))) ?? undefined
    },

    async submit(
      client: AuthenticatedClient,
      input: ApiReport,
      idempotencyKey: string | undefined,
    ): Promise<SubmitResult> {
      // A retry is found by the statement that stores the report (it claims nothing), so a
      // first request, by far the most common, costs no look-up of its key beforehand.
      const hash = bodyHash(input)
      const receivedAt = now()
      const outcome = await answersFrom(deps.journey, formBodies(input, receivedAt))
      if (!outcome.ok) return { kind: 'invalid', errors: outcome.errors }
      const sourceSite = sourceSiteOf(client.id)
      const report = toSubmittedReport(outcome.answers, 'api', sourceSite)
      const id = randomUUID()
      const triage = await deps.triage(report.triageInput, report.location, receivedAt)
      const row = {
        id,
        submissionKey: `api:${id}`,
        receivedAt,
        source: report.source,
        sourceSite,
        audience: report.audience,
        immediateDanger: report.triageInput.immediateDanger,
        concerns: report.triageInput.concerns,
        stillHappening: report.triageInput.stillHappening,
        otherPersonAge: report.triageInput.otherPersonAge,
        childAge: report.triageInput.childAge,
        triage,
        personal: envelope.seal(JSON.stringify(report.personal), `report:${id}`),
        identifiers: deps.hashIdentifiers(report.identifiers),
      }
      const audit = {
        actor: sourceSiteOf(client.id),
        details: { source: 'api', audience: report.audience, priority: triage.priority },
      }
      for (let attempt = 1; ; attempt++) {
        const reference = (deps.newReference ?? newReference)()
        const body = { reference, status: 'received', statusUrl: statusUrlOf(reference) }
        try {
          const stored = await store({
            report: { ...row, reference },
            audit,
            idempotency: {
              clientId: client.id,
              key: idempotencyKey ?? null,
              bodyHash: hash,
              status: 201,
              body,
            },
          })
          if (stored) return { kind: 'created', status: 201, body }
          // Another request with this key was stored first: answer as it was answered.
          const retry = await answerRetry(client, idempotencyKey ?? '', hash)
          if (!retry) throw new Error('An idempotency key claimed nothing and has no response')
          return retry
        } catch (error) {
          if (!(error instanceof DuplicateReferenceError) || attempt >= REFERENCE_ATTEMPTS)
            throw error
        }
      }
    },

    /** The status of a report this client sent, read and audited together. */
    async status(
      client: AuthenticatedClient,
      reference: string,
    ): Promise<ReportStatus | undefined> {
      return db.transaction(async (tx) => {
        const status = await repository.statusOf(tx, reference, sourceSiteOf(client.id))
        if (status)
          await recordAuditEvent(tx, {
            occurredAt: now(),
            actor: sourceSiteOf(client.id),
            event: 'report.status-read',
            subjectType: 'report',
            subjectId: reference,
            details: { status },
          })
        return status
      })
    },

    /** Every other call a known client makes (a refusal, a replay) is audited too. */
    async recordCall(
      client: AuthenticatedClient,
      call: { method: string; route: string; status: number },
    ): Promise<void> {
      await recordAuditEvent(db, {
        occurredAt: now(),
        actor: sourceSiteOf(client.id),
        event: 'api.called',
        subjectType: 'api-route',
        subjectId: `${call.method} ${call.route}`,
        details: { status: call.status },
      })
    },

    /** Keys older than this have had every retry they will get. */
    purgeIdempotencyKeys: (olderThanHours: number) =>
      repository.deleteIdempotencyKeysBefore(
        db,
        new Date(now().getTime() - olderThanHours * 3_600_000),
      ),
  }
}

export type ApiReportService = ReturnType<typeof apiReportService>

export type NewKeyOutcome =
  | { ok: true; client: ApiClient; key: string }
  | { ok: false; code: 'INVALID'; errors: FieldErrors }
  | { ok: false; code: 'API_CLIENT_NOT_FOUND' }

const subjectOf = (id: string) => ({ type: 'api-client', id })
const isUuid = (id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)

export function parseClientName(
  body: FormBody,
): { ok: true; name: string } | { ok: false; errors: FieldErrors } {
  const raw = body.name
  const name = (typeof raw === 'string' ? raw : '').trim()
  if (name === '') return { ok: false, errors: { name: 'Enter the organisation’s name' } }
  if (name.length > 200)
    return { ok: false, errors: { name: 'Name must be 200 characters or less' } }
  return { ok: true, name }
}

/**
 * The administrators' side: registering clients, rotating and revoking their keys. A key is
 * returned once, to be shown once; only its hash is kept. Each view and change writes its
 * audit event in the transaction of the read or write.
 */
export function apiClientService(deps: { db: Db; now: () => Date; rotationGraceHours: number }) {
  const { db, now } = deps

  async function addKey(tx: Parameters<Parameters<Db['transaction']>[0]>[0], clientId: string) {
    const key = newApiKey()
    await repository.insertKey(tx, { id: randomUUID(), clientId, keyHash: hashApiKey(key) }, now())
    return key
  }

  return {
    rotationGraceHours: deps.rotationGraceHours,

    async list(audit: AuditTrail): Promise<ApiClient[]> {
      return db.transaction(async (tx) => {
        const clients = await repository.listClients(tx, now())
        await audit.record(tx, subjectOf('all'), { details: { count: clients.length } })
        return clients
      })
    },

    async view(
      audit: AuditTrail,
      id: string,
    ): Promise<{ client: ApiClient; keys: ApiClientKey[] } | undefined> {
      if (!isUuid(id)) return undefined
      return db.transaction(async (tx) => {
        const client = await repository.findClient(tx, id, now())
        if (!client) return undefined
        await audit.record(tx, subjectOf(id))
        return { client, keys: await repository.keysOf(tx, id) }
      })
    },

    async register(audit: AuditTrail, body: FormBody): Promise<NewKeyOutcome> {
      const parsed = parseClientName(body)
      if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
      const id = randomUUID()
      return db.transaction(async (tx) => {
        await repository.insertClient(tx, { id, name: parsed.name }, now())
        const key = await addKey(tx, id)
        await audit.record(tx, subjectOf(id))
        const client = await repository.findClient(tx, id, now())
        if (!client) throw new Error('The client just registered cannot be read')
        return { ok: true, client, key }
      })
    },

    /** A new key; the old ones keep working for the grace period, then stop. */
    async rotate(audit: AuditTrail, id: string): Promise<NewKeyOutcome> {
      if (!isUuid(id)) return { ok: false, code: 'API_CLIENT_NOT_FOUND' }
      return db.transaction(async (tx) => {
        const client = await repository.findClient(tx, id, now())
        if (!client || client.revokedAt) return { ok: false, code: 'API_CLIENT_NOT_FOUND' }
        const graceEnds = new Date(now().getTime() + deps.rotationGraceHours * 3_600_000)
        await repository.endKeysAt(tx, id, graceEnds)
        const key = await addKey(tx, id)
        await audit.record(tx, subjectOf(id), {
          details: { oldKeysEndAt: graceEnds.toISOString() },
        })
        return { ok: true, client, key }
      })
    },

    /** Revokes a client; true also when it was revoked before, false when there is none. */
    async revoke(audit: AuditTrail, id: string): Promise<boolean> {
      if (!isUuid(id)) return false
      return db.transaction(async (tx) => {
        const revoked = await repository.revokeClient(tx, id, now())
        const found = revoked || (await repository.findClient(tx, id, now())) !== undefined
        if (found) await audit.record(tx, subjectOf(id), { details: { alreadyRevoked: !revoked } })
        return found
      })
    },
  }
}

export type ApiClientService = ReturnType<typeof apiClientService>
