import { randomUUID } from 'node:crypto'
import type { Queryable } from '../db/db.js'
import * as repository from './repository.js'
import type { CaseRefusal } from './service.js'
import type { CaseStatus } from './validation.js'

/**
 * Where referrals meet a case: a referral made from a case locks it (an ended case cannot be
 * referred), and a referral on its way marks the case "referred" on its timeline. Called in
 * the referral's own transaction, so the two commit together.
 */
const ENDED: readonly CaseStatus[] = ['closed', 'merged']

export async function lockCaseForReferral(
  tx: Queryable,
  caseId: string,
): Promise<CaseRefusal | undefined> {
  const found = await repository.findCase(tx, caseId, { forUpdate: true })
  if (!found) return { ok: false, code: 'CASE_NOT_FOUND' }
  if (ENDED.includes(found.status)) return { ok: false, code: 'CASE_ENDED', status: found.status }
  return undefined
}

/** An ended case stays ended, and one already referred gains no second status change. */
export async function markCaseReferred(
  tx: Queryable,
  caseId: string,
  by: string,
  at: Date,
): Promise<void> {
  const found = await repository.findCase(tx, caseId, { forUpdate: true })
  if (!found || ENDED.includes(found.status) || found.status === 'referred') return
  await repository.setStatus(tx, caseId, 'referred')
  await repository.insertEvent(tx, {
    id: randomUUID(),
    caseId,
    at,
    actor: by,
    kind: 'status-changed',
    details: { from: found.status, to: 'referred' },
  })
}

/**
 * The police forces and children's services authorities where the child lives, by the codes
 * in the case's reports' jurisdictions (each report's most likely place), for suggesting
 * whom to refer to.
 */
export async function caseAreaCodes(
  db: Queryable,
  caseId: string,
): Promise<{ policeForces: string[]; childrenServices: string[] }> {
  if (!repository.isUuid(caseId)) return { policeForces: [], childrenServices: [] }
  const rows = await db.query<{ police: string | null; children: string | null }>(
    `SELECT r.jurisdiction #>> '{candidates,0,policeForce,code}' AS police,
            r.jurisdiction #>> '{candidates,0,childrenServices,code}' AS children
       FROM case_reports cr JOIN reports r ON r.id = cr.report_id
      WHERE cr.case_id = $1`,
    [caseId],
  )
  const present = (values: (string | null)[]) => [
    ...new Set(values.filter((v): v is string => v !== null)),
  ]
  return {
    policeForces: present(rows.map((r) => r.police)),
    childrenServices: present(rows.map((r) => r.children)),
  }
}
