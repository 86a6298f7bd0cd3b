import { randomUUID } from 'node:crypto'
import type { Envelope } from '../crypto/envelope.js'
import { naturalBatches, type BatchOptions } from '../db/batching.js'
import type { Db } from '../db/db.js'
import type { HashedIdentifier } from '../links/hashing.js'
import type { IdentifierSources } from '../links/identifiers.js'
import { furthestPage, walk, type Journey, type JourneyAnswers } from '../web/journey.js'
import type { DraftRepository } from './drafts.js'
import type { Source, TriageInput } from './model.js'
import { newReference } from './reference.js'
import type { ReportAnswers } from './answers.js'
import { identifierSources, toSubmittedReport, type ChildLocation } from './report.js'
import {
  type AcknowledgementRow,
  DuplicateReferenceError,
  findSealedAnswers,
  referenceForSubmission,
  storeReports,
  type ReportToStore,
  type TriageFields,
} from './repository.js'

export type Triage = (
  input: TriageInput,
  location: ChildLocation,
  receivedAt: Date,
) => Promise<TriageFields>

export interface ReportServiceDeps {
  db: Db
  envelope: Envelope
  drafts: DraftRepository
  journey: Journey
  now: () => Date
  draftTtlMinutes: number
  /** Makes report references; tests pass one that collides. */
  newReference?: () => string
  triage: Triage
  /** Normalises and hashes a report's identifiers, so intake can link it (links/service.ts). */
  hashIdentifiers: (sources: IdentifierSources) => HashedIdentifier[]
  /**
   * How submissions share statements (src/db/batching.ts). In flight: at most this many
   * draft reads and as many report writes at once, so page views keep connections of their own.
   */
  batching?: BatchOptions
  /** The reporter's acknowledgement for the outbox, if any way of writing to them is safe. */
  acknowledgement?: (answers: ReportAnswers, at: Date) => AcknowledgementRow | undefined
  /** UNSAFE: see acknowledgeBeforeCommit. Only the negative control of bench:crash sets it. */
  unsafeAckBeforeCommit?: boolean
}

/** Sized for the default pool of 10 connections. */
const DEFAULT_BATCHING: BatchOptions = { maxBatch: 64, maxInFlight: 2 }

export type SubmitOutcome =
  | { kind: 'submitted'; reference: string }
  | { kind: 'expired' }
  | { kind: 'incomplete'; resumeAt: string }

const REFERENCE_ATTEMPTS = 5

export function reportService(deps: ReportServiceDeps) {
  const { db, drafts, envelope, now } = deps
  const expiry = (from: Date) => new Date(from.getTime() + deps.draftTtlMinutes * 60_000)
  const batching = deps.batching ?? DEFAULT_BATCHING
  // Many reporters sending at once share statements; each still waits for its own commit.
  const draftToSubmit = naturalBatches(async (idHashes: readonly string[]) => {
    const found = await drafts.findMany(db, idHashes, now())
    return idHashes.map((idHash) => found.get(idHash) ?? null)
  }, batching)
  const storeAndCommit = naturalBatches(
    (batch: readonly ReportToStore[]) => storeReports(db, batch),
    batching,
  )
  const store = deps.unsafeAckBeforeCommit
    ? acknowledgeBeforeCommit(storeAndCommit)
    : storeAndCommit

  return {
    findDraft: (idHash: string) => drafts.find(db, idHash, now()),

    /** The reference of the report stored from this draft, if it has been sent. */
    referenceFor: (idHash: string) => referenceForSubmission(db, idHash),

    /**
     * The identifiers a stored report carries, read from its sealed answers, for hashing them
     * again under a new key (links/service.ts rehashOtherKeys). No person sees them.
     */
    async identifierSourcesOf(reportId: string) {
      const report = await answersOf(reportId)
      return report && identifierSources(report.answers, report.source)
    },

    /** A stored report's answers, for its acknowledgement; only the outbox worker reads them. */
    answersOf,

    /** Unsent answers past their expiry are deleted: nothing in them was acknowledged. */
    purgeExpiredDrafts: () => drafts.deleteExpired(db, now()),

    async saveDraft(idHash: string, answers: JourneyAnswers): Promise<void> {
      const at = now()
      await drafts.save(db, idHash, answers, at, expiry(at))
    },

    /**
     * Stores the report durably before anything is acknowledged: the report, its triage and
     * its audit entry are written by one statement, so they commit together or not at all.
     * The draft is read without a lock; the statement claims it only if it is still unsent,
     * so a double submission stores one report and both get its reference.
     */
    async submit(
      idHash: string,
      origin: { source: Source; sourceSite?: string } = { source: 'form' },
    ): Promise<SubmitOutcome> {
      const { source } = origin
      const receivedAt = now()
      const draft = await draftToSubmit(idHash)
      if (!draft || draft.reportId) return alreadySubmitted(idHash)
      if (!walk(deps.journey, draft.answers).complete) {
        return { kind: 'incomplete', resumeAt: furthestPage(deps.journey, draft.answers) }
      }
      const report = toSubmittedReport(draft.answers, source, origin.sourceSite ?? null)
      const id = randomUUID()
      const triage = await deps.triage(report.triageInput, report.location, receivedAt)
      const row = {
        id,
        submissionKey: idHash,
        receivedAt,
        source: report.source,
        sourceSite: report.sourceSite,
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
        actor: `public:${source}`,
        details: { source, audience: report.audience, priority: triage.priority },
      }
      const acknowledgement = deps.acknowledgement?.(report.personal, receivedAt)
      for (let attempt = 1; ; attempt++) {
        const reference = (deps.newReference ?? newReference)()
        try {
          const stored = await store({ report: { ...row, reference }, audit, acknowledgement })
          return stored ? { kind: 'submitted', reference } : await alreadySubmitted(idHash)
        } catch (error) {
          if (!(error instanceof DuplicateReferenceError) || attempt >= REFERENCE_ATTEMPTS)
            throw error
        }
      }
    },
  }

  async function answersOf(reportId: string) {
    const sealed = await findSealedAnswers(db, reportId)
    if (!sealed) return undefined
    const answers = JSON.parse(envelope.open(sealed, `report:${reportId}`)) as ReportAnswers
    return { reference: sealed.reference, source: sealed.source, answers }
  }

  /** A draft that was sent before (or raced this one) answers with its report; else it expired. */
  async function alreadySubmitted(idHash: string): Promise<SubmitOutcome> {
    const reference = await referenceForSubmission(db, idHash)
    return reference ? { kind: 'submitted', reference } : { kind: 'expired' }
  }
}

export type ReportService = ReturnType<typeof reportService>

const UNSAFE_COMMIT_DELAY_MS = 1000

/**
 * UNSAFE, the negative control of `npm run bench:crash` only (config.ts refuses it in
 * production): answers "stored" at once and runs the statement a second later, so a crash in
 * that second loses a report that was already acknowledged. The harness must catch the loss.
 * The form's intake and the API's (src/api/service.ts) both take it.
 */
export function acknowledgeBeforeCommit<Item>(
  store: (item: Item) => Promise<boolean>,
): (item: Item) => Promise<boolean> {
  return (item) => {
    setTimeout(() => {
      store(item).catch(() => undefined)
    }, UNSAFE_COMMIT_DELAY_MS)
    return Promise.resolve(true)
  }
}
