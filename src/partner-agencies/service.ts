import { randomUUID } from 'node:crypto'
import { recordAuditEvent } from '../audit/repository.js'
import type { Db, Queryable } from '../db/db.js'
import type { FormBody, FieldErrors } from '../web/journey.js'
import * as repository from './repository.js'
import type { PartnerAgency, SyncCounts } from './repository.js'
import { parseAddedAgency, parsePartnerContacts } from './validation.js'

export interface PartnerAgencyServiceDeps {
  db: Db
  now: () => Date
}

export type SaveOutcome =
  | { ok: true; id: string }
  | { ok: false; code: 'INVALID'; errors: FieldErrors }
  | { ok: false; code: 'PARTNER_AGENCY_NOT_FOUND' }

/**
 * Partner agencies as administrators keep them. Each change writes one audit event in its own
 * transaction; details name the agency, never the contacts typed. Bad input changes nothing.
 */
export function partnerAgencyService(deps: PartnerAgencyServiceDeps) {
  const { db, now } = deps

  return {
    list: (options?: Parameters<typeof repository.listPartnerAgencies>[1]) =>
      repository.listPartnerAgencies(db, options),

    find: (id: string) => repository.findPartnerAgency(db, id),

    /** The police force's agency, for its urgent phone line on an urgent referral. */
    findPoliceForce: (code: string) => repository.findJurisdictionAgency(db, 'police-force', code),

    findChildrenServices: (code: string) =>
      repository.findJurisdictionAgency(db, 'children-services', code),

    /** Adds an agency (school trust, health team, helpline, other) from the posted form. */
    async addAgency(body: FormBody, actor: string): Promise<SaveOutcome> {
      const parsed = parseAddedAgency(body)
      if (!parsed.ok) return { ok: false, code: 'INVALID', errors: parsed.errors }
      const id = randomUUID()
      await db.transaction(async (tx) => {
        const at = now()
        await repository.insertAddedAgency(tx, id, parsed.value, at)
        await audit(tx, at, actor, 'partner-agency.added', id, { kind: parsed.value.kind })
      })
      return { ok: true, id }
    },

    /**
     * Saves an agency's details from the posted form: the contacts of any agency, and also the
     * name and kind of one an administrator added.
     */
    async updateAgency(id: string, body: FormBody, actor: string): Promise<SaveOutcome> {
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
      if (!save.ok) return { ok: false, code: 'INVALID', errors: save.errors }
      const saved = await db.transaction(async (tx) => {
        const at = now()
        const done = await save.run(tx, at)
        if (done) await audit(tx, at, actor, 'partner-agency.updated', id, { kind: agency.kind })
        return done
      })
      return saved ? { ok: true, id } : { ok: false, code: 'PARTNER_AGENCY_NOT_FOUND' }
    },

    /** Brings forces and children's services into step with the jurisdiction tables. */
    async syncWithJurisdictions(actor: string): Promise<SyncCounts> {
      return db.transaction(async (tx) => {
        const at = now()
        const counts = await repository.syncJurisdictionAgencies(tx, at)
        if (counts.added + counts.updated + counts.withdrawn > 0) {
          await audit(tx, at, actor, 'partner-agencies.synced', 'jurisdictions', { ...counts })
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

  async function audit(
    tx: Queryable,
    at: Date,
    actor: string,
    event: string,
    subjectId: string,
    details: Record<string, string | number>,
  ) {
    await recordAuditEvent(tx, {
      occurredAt: at,
      actor,
      event,
      subjectType: 'partner-agency',
      subjectId,
      details,
    })
  }
}

export type PartnerAgencyService = ReturnType<typeof partnerAgencyService>
export type { PartnerAgency }
