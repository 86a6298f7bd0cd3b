import type { AuditTrail } from '../audit/trail.js'
import type { Db } from '../db/db.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import * as repository from './repository.js'
import { DuplicateSourceIdError, type ReportSource } from './repository.js'
import {
  isSourceId,
  parseNewReportSource,
  parseReportSourceDetails,
  sanitiseSourceId,
} from './validation.js'

export interface ReportSourceServiceDeps {
  db: Db
  now: () => Date
}

export type SaveOutcome =
  | { ok: true; id: string }
  | { ok: false; code: 'INVALID'; errors: FieldErrors }
  | { ok: false; code: 'REPORT_SOURCE_NOT_FOUND' }

export type UpdateOutcome =
  | { ok: true; id: string }
  /** The source as it stands, so the form can be shown again around the errors. */
  | { ok: false; code: 'INVALID'; errors: FieldErrors; source: ReportSource }
  | { ok: false; code: 'REPORT_SOURCE_NOT_FOUND' }

const subjectOf = (id: string) => ({ type: 'report-source', id })

/**
 * The websites and apps that carry the report button, as administrators keep them, and how a
 * report that came through a button is attributed. Each view and change writes one audit event
 * through the request's trail, in the transaction of the read or write. Bad input changes
 * nothing.
 */
export function reportSourceService(deps: ReportSourceServiceDeps) {
  const { db, now } = deps

  return {
    /**
     * What a report that came through a button with `rawId` records as its source site: the
     * id of a registered source (withdrawn ones too: the button may still be on their pages),
     * `unregistered:<what is safe to keep of the id>` otherwise, nothing when nothing is left.
     */
    async attributionFor(rawId: unknown): Promise<string | undefined> {
      const id = sanitiseSourceId(rawId)
      if (id === '') return undefined
      const source = isSourceId(id) ? await repository.findReportSource(db, id) : undefined
      return source ? source.id : `unregistered:${id}`
    },

    /** The name to greet someone with: only a current, registered source is named. */
    async greetingFor(rawId: unknown): Promise<string | undefined> {
      const id = sanitiseSourceId(rawId)
      if (!isSourceId(id)) return undefined
      const source = await repository.findReportSource(db, id)
      return source?.withdrawnAt === null ? source.name : undefined
    },

    async listForAdministrators(audit: AuditTrail): Promise<ReportSource[]> {
      return db.transaction(async (tx) => {
        const sources = await repository.listReportSources(tx)
        await audit.record(
          tx,
          { type: 'report-source', id: 'all' },
          {
            details: { count: sources.length },
          },
        )
        return sources
      })
    },

    async view(audit: AuditTrail, id: string): Promise<ReportSource | undefined> {
      if (!isSourceId(id)) return undefined
      return db.transaction(async (tx) => {
        const source = await repository.findReportSource(tx, id)
        if (source) await audit.record(tx, subjectOf(id))
        return source
      })
    },

    async addSource(audit: AuditTrail, body: FormBody): Promise<SaveOutcome> {
      const parsed = parseNewReportSource(body)
      if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
      try {
        await db.transaction(async (tx) => {
          await repository.insertReportSource(tx, parsed.value, now())
          await audit.record(tx, subjectOf(parsed.value.id))
        })
      } catch (error) {
        if (error instanceof DuplicateSourceIdError)
          return {
            ok: false,
            code: 'INVALID',
            errors: { id: 'A source with this ID already exists. Enter a different ID' },
          }
        throw error
      }
      return { ok: true, id: parsed.value.id }
    },

    async updateSource(audit: AuditTrail, id: string, body: FormBody): Promise<UpdateOutcome> {
      const source = isSourceId(id) ? await repository.findReportSource(db, id) : undefined
      if (!source) return { ok: false, code: 'REPORT_SOURCE_NOT_FOUND' }
      const parsed = parseReportSourceDetails(body)
      if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors, source }
      const saved = await db.transaction(async (tx) => {
        const done = await repository.updateReportSource(tx, id, parsed.value, now())
        if (done) await audit.record(tx, subjectOf(id))
        return done
      })
      return saved ? { ok: true, id } : { ok: false, code: 'REPORT_SOURCE_NOT_FOUND' }
    },

    /** Withdraws a source (its reports keep naming it), or restores one withdrawn. */
    async setWithdrawn(
      audit: AuditTrail,
      id: string,
      withdrawn: boolean,
    ): Promise<{ ok: true } | { ok: false; code: 'REPORT_SOURCE_NOT_FOUND' }> {
      if (!isSourceId(id)) return { ok: false, code: 'REPORT_SOURCE_NOT_FOUND' }
      const done = await db.transaction(async (tx) => {
        const changed = await repository.setWithdrawn(tx, id, withdrawn, now())
        if (changed) await audit.record(tx, subjectOf(id), { details: { withdrawn } })
        return changed
      })
      return done ? { ok: true } : { ok: false, code: 'REPORT_SOURCE_NOT_FOUND' }
    },
  }
}

export type ReportSourceService = ReturnType<typeof reportSourceService>
export type { ReportSource }
