import { randomUUID } from 'node:crypto'
import { auditTrail, type AuditTrail } from '../audit/trail.js'
import type { Db, Queryable } from '../db/db.js'
import type { FormBody, FieldErrors } from '../web/journey.js'
import * as repository from './repository.js'
import type { PartnerAgency, PartnerAgencyFilter, SyncCounts } from './repository.js'
import { parseAddedAgency, parsePartnerContacts } from './validation.js'

export interface PartnerAgencyServiceDeps {
  db: Db
  now: () => Date
}

export type SaveOutcome =
  | { ok: true; id: string }
  | { ok: false; code: 'INVALID'; errors: FieldErrors }
  | { ok: false; code: 'PARTNER_AGENCY_NOT_FOUND' }

export type UpdateOutcome =
  | { ok: true; id: string }
  /** The agency as it stands, so the form can be shown again around the errors. */
  | { ok: false; code: 'INVALID'; errors: FieldErrors; agency: PartnerAgency }
  | { ok: false; code: 'PARTNER_AGENCY_NOT_FOUND' }

const subjectOf = (id: string) => ({ type: 'partner-agency', id })

/**
 * Partner agencies as administrators keep them. Each view and change writes one audit event,
 * through the request's trail, in the transaction of the read or write; details name the
 * agency's kind, never the contacts typed. Bad input changes nothing.
 */
export function partnerAgencyService(deps: PartnerAgencyServiceDeps) {
  const { db, now } = deps

  return {
    /** For other capabilities (an urgent referral's force, say): no audit, no person's data. */
    list: (options?: PartnerAgencyFilter) => repository.listPartnerAgencies(db, options),

    find: (id: string) => repository.findPartnerAgency(db, id),

    /** The police force's agency, for its urgent phone line on an urgent referral. */
    findPoliceForce: (code: string) => repository.findJurisdictionAgency(db, 'police-force', code),

    findChildrenServices: (code: string) =>
      repository.findJurisdictionAgency(db, 'children-services', code),

    /** The administrators' list, withdrawn agencies included. */
    async listForAdministrators(audit: AuditTrail, filter: PartnerAgencyFilter) {
      return db.transaction(async (tx) => {
        const agencies = await repository.listPartnerAgencies(tx, {
          ...filter,
          includeWithdrawn: true,
        })
        await audit.record(
          tx,
          { type: 'partner-agency', id: 'all' },
          {
            details: {
              kinds: filter.kinds?.join(' ') ?? null,
              searched: filter.nameContains !== undefined,
              count: agencies.length,
            },
          },
        )
        return agencies
      })
    },

    /** One agency with its contacts, as an administrator opens it to edit. */
    async view(audit: AuditTrail, id: string) {
      return db.transaction(async (tx) => {
        const agency = await repository.findPartnerAgency(tx, id)
        if (agency) await audit.record(tx, subjectOf(id), { details: { kind: agency.kind } })
        return agency
      })
    },

    /** Adds an agency (school trust, health team, helpline, other) from the posted form. */
    async addAgency(audit: AuditTrail, body: FormBody): Promise<SaveOutcome> {
      const parsed = parseAddedAgency(body)
      if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
      const id = randomUUID()
      await db.transaction(async (tx) => {
        await repository.insertAddedAgency(tx, id, parsed.value, now())
        await audit.record(tx, subjectOf(id), { details: { kind: parsed.value.kind } })
      })
      return { ok: true, id }
    },

    /**
     * Saves an agency's details from the posted form: the contacts of any agency, and also the
     * name and kind of one an administrator added.
     */
    async updateAgency(audit: AuditTrail, id: string, body: FormBody): Promise<UpdateOutcome> {
      const agency = await repository.findPartnerAgency(db, id)
      if (!agency) return { ok: false, code: 'PARTNER_AGENCY_NOT_FOUND' }
      // Police forces and children's services take their names from the jurisdiction tables.
      const save =
        agency.jurisdictionCode !== null
          ? parseWith(parsePartnerContacts(body), (contacts, tx, at) =>
              repository.updateContacts(tx, id, contacts, at),
            )
          : parseWith(parseAddedAgency(body), (details, tx, at) =>
              repository.updateAddedAgency(tx, id, details, at),
            )
      if (!save.ok) return { ok: false, code: 'INVALID', errors: save.errors, agency }
      const saved = await db.transaction(async (tx) => {
        const done = await save.run(tx, now())
        if (done) await audit.record(tx, subjectOf(id), { details: { kind: agency.kind } })
        return done
      })
      return saved ? { ok: true, id } : { ok: false, code: 'PARTNER_AGENCY_NOT_FOUND' }
    },

    /**
     * Brings forces and children's services into step with the jurisdiction tables: after an
     * import, and at every start (so tables imported before partner agencies existed count too).
     * Nobody signed in does this, so `actor` names what did.
     */
    async syncWithJurisdictions(actor: string): Promise<SyncCounts> {
      const audit = auditTrail({
        event: 'partner-agencies.synced',
        actor: () => actor,
        address: '',
        now,
      })
      return db.transaction(async (tx) => {
        const counts = await repository.syncJurisdictionAgencies(tx, now())
        if (counts.added + counts.updated + counts.withdrawn > 0) {
          await audit.record(
            tx,
            { type: 'partner-agency', id: 'jurisdictions' },
            {
              details: { ...counts },
            },
          )
        }
        return counts
      })
    },
  }

  function parseWith<T>(
    parsed: { ok: true; value: T } | { ok: false; errors: FieldErrors },
    write: (value: T, tx: Queryable, at: Date) => Promise<boolean>,
  ):
    | { ok: true; run: (tx: Queryable, at: Date) => Promise<boolean> }
    | { ok: false; errors: FieldErrors } {
    if (!parsed.ok) return parsed
    return { ok: true, run: (tx, at) => write(parsed.value, tx, at) }
  }
}

export type PartnerAgencyService = ReturnType<typeof partnerAgencyService>
export type { PartnerAgency }
