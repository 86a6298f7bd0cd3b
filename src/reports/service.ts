import { randomUUID } from 'node:crypto'
import { recordAuditEvent } from '../audit/repository.js'
import type { Envelope } from '../crypto/envelope.js'
import type { Db, Queryable } from '../db/db.js'
import { furthestPage, walk, type Journey, type JourneyAnswers } from '../web/journey.js'
import type { DraftRepository } from './drafts.js'
import type { Source, TriageInput } from './model.js'
import { newReference } from './reference.js'
import { toSubmittedReport, type ChildLocation } from './report.js'
import {
  DuplicateReferenceError,
  insertReport,
  referenceOf,
  reportIdForSubmission,
  type TriageFields,
} from './repository.js'

export type Triage = (
  tx: Queryable,
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
}

export type SubmitOutcome =
  | { kind: 'submitted'; reference: string }
  | { kind: 'expired' }
  | { kind: 'incomplete'; resumeAt: string }

const REFERENCE_ATTEMPTS = 5

export function reportService(deps: ReportServiceDeps) {
  const { db, drafts, envelope, now } = deps
  const expiry = (from: Date) => new Date(from.getTime() + deps.draftTtlMinutes * 60_000)

  return {
    findDraft: (idHash: string) => drafts.find(db, idHash, now()),

    referenceOf: (reportId: string) => referenceOf(db, reportId),

    /** Unsent answers past their expiry are deleted: nothing in them was acknowledged. */
    purgeExpiredDrafts: () => drafts.deleteExpired(db, now()),

    async saveDraft(idHash: string, answers: JourneyAnswers): Promise<void> {
      const at = now()
      await drafts.save(db, idHash, answers, at, expiry(at))
    },

    /**
     * Stores the report durably before anything is acknowledged: the report, its triage and
     * its audit entry commit together or not at all. Locking the draft row makes a double
     * submission wait for the first and then find the report it created.
     */
    async submit(idHash: string, source: Source = 'form'): Promise<SubmitOutcome> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction((tx) => submitInTransaction(tx, idHash, source))
        } catch (error) {
          if (!(error instanceof DuplicateReferenceError) || attempt >= REFERENCE_ATTEMPTS)
            throw error
        }
      }
    },
  }

  async function submitInTransaction(
    tx: Queryable,
    idHash: string,
    source: Source,
  ): Promise<SubmitOutcome> {
    const receivedAt = now()
    const draft = await drafts.find(tx, idHash, receivedAt, true)
    if (!draft) {
      const existing = await reportIdForSubmission(tx, idHash)
      return existing ? submitted(tx, existing) : { kind: 'expired' }
    }
    if (draft.reportId) return submitted(tx, draft.reportId)
    if (!walk(deps.journey, draft.answers).complete) {
      return { kind: 'incomplete', resumeAt: furthestPage(deps.journey, draft.answers) }
    }

    const report = toSubmittedReport(draft.answers, source, null)
    const id = randomUUID()
    const triage = await deps.triage(tx, report.triageInput, report.location, receivedAt)
    const reference = (deps.newReference ?? newReference)()
    const inserted = await insertReport(tx, {
      id,
      reference,
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
    })
    if (!inserted) {
      // Another transaction stored this submission first: answer with its report.
      const existing = await reportIdForSubmission(tx, idHash)
      if (!existing) throw new Error('Report insert returned nothing and no report exists')
      await drafts.markSubmitted(tx, idHash, existing)
      return submitted(tx, existing)
    }
    await recordAuditEvent(tx, {
      occurredAt: receivedAt,
      actor: `public:${source}`,
      event: 'report.received',
      subjectType: 'report',
      subjectId: inserted,
      details: { source, audience: report.audience, priority: triage.priority },
    })
    await drafts.markSubmitted(tx, idHash, inserted)
    return { kind: 'submitted', reference }
  }

  async function submitted(tx: Queryable, reportId: string): Promise<SubmitOutcome> {
    const reference = await referenceOf(tx, reportId)
    if (!reference) throw new Error('Submitted report has no reference')
    return { kind: 'submitted', reference }
  }
}

export type ReportService = ReturnType<typeof reportService>
