import { recordAuditEvent } from '../audit/repository.js'
import { keptFor, type PurgedPeriod, type Retention } from '../content/retention.js'
import type { Db, Queryable } from '../db/db.js'
import { candidatesStartedBy, isDue, periodEnds } from './periods.js'
import {
  closedCasesEndedBy,
  deleteUnit,
  holdOn,
  lockCaseReports,
  lockClosedCase,
  lockReportWithoutCase,
  reportsWithoutCaseReceivedBy,
  writeTombstones,
  type HoldReason,
  type PurgeUnit,
} from './repository.js'

/** A database error's SQLSTATE (never its message, which can quote a row's values). */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'unknown'
}

/** Who the audit trail says purged a record: the service itself, keeping the notice's word. */
export const RETENTION_ACTOR = 'system:retention'

/** What one batch purged, by reference only, and how many it had to keep for now. */
export interface PurgeBatch {
  period: PurgedPeriod
  reports: string[]
  cases: number[]
  held: Partial<Record<HoldReason, number>>
  /**
   * Units whose transaction failed, by the id of the report or case the run started from, with
   * the database's error code: the rest of the batch goes on without them.
   */
  failed: { id: string; code: string }[]
}

type UnitOutcome =
  { purged: { reports: string[]; cases: number[] } } | { held: HoldReason } | { skipped: true }

export interface RetentionDeps {
  db: Db
  now: () => Date
  retention: Retention
  /** Candidates read per query; each unit is purged in a transaction of its own. */
  batchSize?: number
}

/**
 * Keeps the promises of the privacy notice (content/retention.json): a report in no case is
 * deleted its period after it arrived; a closed case, with its reports and notes, its period
 * after it ended. Each unit goes in one transaction that leaves a tombstone and one audit event
 * per record, or not at all. Rows are locked without waiting, so several instances can run
 * the purge at once: each unit is purged by whichever gets it first, and a unit staff are
 * changing is left for the next run. A unit with a referral not yet delivered, or a message
 * being sent, stays until that is settled.
 */
export function retentionService({ db, now, retention, batchSize = 100 }: RetentionDeps) {
  const casePeriod = keptFor(retention, 'case')
  const reportPeriod = keptFor(retention, 'report-without-case')

  async function purgeUnit(
    tx: Queryable,
    unit: PurgeUnit,
    period: PurgedPeriod,
    dueAt: Date,
  ): Promise<UnitOutcome> {
    const hold = await holdOn(tx, unit)
    if (hold) return { held: hold }
    const at = now()
    const gone = await writeTombstones(tx, unit, { period, dueAt, purgedAt: at })
    await deleteUnit(tx, unit)
    const records = [
      ...gone.reports.map((r) => ({ type: 'report', id: r.id, about: { reference: r.reference } })),
      ...gone.cases.map((c) => ({ type: 'case', id: c.id, about: { number: c.number } })),
    ]
    for (const { type, id, about } of records) {
      await recordAuditEvent(tx, {
        occurredAt: at,
        actor: RETENTION_ACTOR,
        event: `${type}.purged`,
        subjectType: type,
        subjectId: id,
        details: { period, dueAt: dueAt.toISOString(), ...about },
      })
    }
    return {
      purged: {
        reports: gone.reports.map((r) => r.reference),
        cases: gone.cases.map((c) => c.number),
      },
    }
  }

  function purgeCase(caseId: string): Promise<UnitOutcome> {
    return db.transaction(async (tx) => {
      const found = await lockClosedCase(tx, caseId)
      if (!found) return { skipped: true }
      const dueAt = periodEnds(found.endedAt, casePeriod)
      if (!isDue(found.endedAt, casePeriod, now())) return { skipped: true }
      const reports = await lockCaseReports(tx, found.cases)
      if (!reports) return { skipped: true }
      return purgeUnit(tx, { cases: found.cases, reports }, 'case', dueAt)
    })
  }

  function purgeReport(reportId: string): Promise<UnitOutcome> {
    return db.transaction(async (tx) => {
      const found = await lockReportWithoutCase(tx, reportId)
      if (!found || !isDue(found.receivedAt, reportPeriod, now())) return { skipped: true }
      const dueAt = periodEnds(found.receivedAt, reportPeriod)
      return purgeUnit(tx, { cases: [], reports: [reportId] }, 'report-without-case', dueAt)
    })
  }

  async function purgeAll<C>(
    period: PurgedPeriod,
    candidates: (after: C | null) => Promise<{ ids: string[]; last: C | null }>,
    purge: (id: string) => Promise<UnitOutcome>,
    onBatch: (batch: PurgeBatch) => void,
  ): Promise<void> {
    let after: C | null = null
    for (;;) {
      const { ids, last } = await candidates(after)
      const batch: PurgeBatch = { period, reports: [], cases: [], held: {}, failed: [] }
      for (const id of ids) {
        let outcome: UnitOutcome
        try {
          outcome = await purge(id)
        } catch (error: unknown) {
          batch.failed.push({ id, code: errorCode(error) })
          continue
        }
        if ('purged' in outcome) {
          batch.reports.push(...outcome.purged.reports)
          batch.cases.push(...outcome.purged.cases)
        } else if ('held' in outcome) {
          batch.held[outcome.held] = (batch.held[outcome.held] ?? 0) + 1
        }
      }
      const done = batch.reports.length + batch.cases.length + batch.failed.length
      if (done + Object.keys(batch.held).length > 0) onBatch(batch)
      if (ids.length < batchSize || !last) return
      after = last
    }
  }

  return {
    /**
     * Purges everything due, batch after batch, telling `onBatch` what each purged. Cases come
     * first, so the reports they free are not looked at twice.
     */
    async purgeDue(onBatch: (batch: PurgeBatch) => void = () => undefined): Promise<void> {
      const at = now()
      const endedBy = candidatesStartedBy(at, casePeriod)
      await purgeAll<string>(
        'case',
        async (after) => {
          const rows = await closedCasesEndedBy(db, endedBy, after, batchSize)
          return { ids: rows.map((r) => r.id), last: rows.at(-1)?.id ?? null }
        },
        purgeCase,
        onBatch,
      )
      const receivedBy = candidatesStartedBy(at, reportPeriod)
      await purgeAll<{ receivedAt: Date; id: string }>(
        'report-without-case',
        async (after) => {
          const rows = await reportsWithoutCaseReceivedBy(db, receivedBy, after, batchSize)
          const last = rows.at(-1)
          return {
            ids: rows.map((r) => r.id),
            last: last ? { receivedAt: last.received_at, id: last.id } : null,
          }
        },
        purgeReport,
        onBatch,
      )
    },
  }
}

export type RetentionService = ReturnType<typeof retentionService>
