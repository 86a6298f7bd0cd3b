/**
 * What the crash benchmark's clients wrote in their ledger, set against what the database
 * holds afterwards. Pure: bench/crash.ts reads both sides and prints the result.
 */

/** One line of the ledger; `submission` is the id a reporter planted in its report's text. */
export type LedgerEntry =
  /**
   * Written (and fsync'd) before the report's final POST is first sent; `via` is the way in:
   * the form, or the platform API.
   */
  | { kind: 'sent'; submission: string; via?: 'form' | 'api'; at: number }
  /** The final POST answered 303 to the confirmation page: the service said "received". */
  | { kind: 'acknowledged'; submission: string; at: number }
  /** The reference the confirmation page showed. */
  | { kind: 'reference'; submission: string; reference: string; at: number }
  /** Acknowledged, but the confirmation page never showed a reference before the client gave up. */
  | { kind: 'unconfirmed'; submission: string; at: number }

/** A stored report, with the submission id found in its decrypted answers (if any). */
export interface StoredReport {
  id: string
  reference: string
  submission: string | undefined
  audited: boolean
}

export interface Reconciliation {
  sent: number
  acknowledged: number
  stored: number
  /** Submissions the service acknowledged that no stored report holds. Must be empty. */
  acknowledgedButMissing: string[]
  /** Reports beyond the first stored for one submission. Must be 0. */
  duplicates: number
  /** Reports with no `report.received` audit entry. Must be 0. */
  withoutAudit: number
  /** Confirmation pages that showed a reference other than the stored report's. Must be 0. */
  referenceMismatches: number
  /** Acknowledged submissions whose confirmation page never showed a reference. Must be 0. */
  acknowledgedWithoutReference: number
  /** Stored reports that no client sent (or whose answers hold no submission id). Must be 0. */
  unknownReports: number
  /** Stored, but the client never heard back (it gave up first). Allowed: nothing was promised. */
  storedNotAcknowledged: number
}

export function reconcile(
  entries: readonly LedgerEntry[],
  stored: readonly StoredReport[],
): Reconciliation {
  const sent = new Set<string>()
  const acknowledged = new Set<string>()
  const shown = new Map<string, string>()
  for (const entry of entries) {
    if (entry.kind === 'sent') sent.add(entry.submission)
    else if (entry.kind === 'acknowledged') acknowledged.add(entry.submission)
    else if (entry.kind === 'reference') shown.set(entry.submission, entry.reference)
  }
  const bySubmission = new Map<string, StoredReport[]>()
  let unknownReports = 0
  for (const report of stored) {
    if (report.submission === undefined || !sent.has(report.submission)) {
      unknownReports++
      continue
    }
    const reports = bySubmission.get(report.submission) ?? []
    reports.push(report)
    bySubmission.set(report.submission, reports)
  }
  let duplicates = 0
  let referenceMismatches = 0
  for (const [submission, reports] of bySubmission) {
    duplicates += reports.length - 1
    const reference = shown.get(submission)
    if (reference !== undefined && !reports.some((r) => r.reference === reference))
      referenceMismatches++
  }
  const acknowledgedList = [...acknowledged]
  return {
    sent: sent.size,
    acknowledged: acknowledged.size,
    stored: stored.length,
    acknowledgedButMissing: acknowledgedList.filter((s) => !bySubmission.has(s)),
    duplicates,
    withoutAudit: stored.filter((r) => !r.audited).length,
    referenceMismatches,
    acknowledgedWithoutReference: acknowledgedList.filter((s) => !shown.has(s)).length,
    unknownReports,
    storedNotAcknowledged: [...bySubmission.keys()].filter((s) => !acknowledged.has(s)).length,
  }
}

/** The invariants a run must keep, each broken one named with its count. Empty means all held. */
export function brokenInvariants(r: Reconciliation): string[] {
  const checks: [string, number][] = [
    ['acknowledged but missing', r.acknowledgedButMissing.length],
    ['duplicates', r.duplicates],
    ['reports without their audit entry', r.withoutAudit],
    ['confirmation showed another reference', r.referenceMismatches],
    ['acknowledged without a reference shown', r.acknowledgedWithoutReference],
    ['reports no client sent', r.unknownReports],
  ]
  return checks.filter(([, count]) => count > 0).map(([name, count]) => `${name}: ${count}`)
}
