import type { AuditTrail } from '../audit/trail.js'
import type { Db } from '../db/db.js'
import type { TriageRuleSet } from '../triage/rule-set.js'
import {
  confusionTable,
  knownReasons,
  periodStart,
  reasonAgreement,
  type Period,
} from './agreement.js'
import { countDecisions, countReasons } from './agreement-repository.js'

export interface TriageAgreementDeps {
  db: Db
  now: () => Date
  /** The rules as configured: each reason's wording and the priority it gives. */
  ruleSet: TriageRuleSet
}

/**
 * The supervisors' comparison of automatic triage with advisors' decisions. It reads counts
 * only, no one's personal data; it is audited all the same, as every staff view is, in the
 * transaction of the read.
 */
export function triageAgreementService(deps: TriageAgreementDeps) {
  const { db, now, ruleSet } = deps
  const reasons = knownReasons(ruleSet)
  return {
    rulesVersion: ruleSet.version,

    async compare(audit: AuditTrail, period: Period) {
      return db.transaction(async (tx) => {
        const since = periodStart(period, now())
        const decisions = await countDecisions(tx, since)
        const byReason = await countReasons(tx, since)
        const table = confusionTable(decisions)
        await audit.record(
          tx,
          { type: 'triage-agreement', id: period },
          { details: { period, reports: table.total } },
        )
        return { table, reasons: reasonAgreement(byReason, reasons), since }
      })
    },
  }
}

export type TriageAgreementService = ReturnType<typeof triageAgreementService>
