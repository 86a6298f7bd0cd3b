import type { Queryable } from '../db/db.js'
import type { Priority } from '../reports/model.js'
import type { DecisionCount, ReasonCount, RecordedDecision } from './agreement.js'

/**
 * Counts for the triage agreement page, from each report's latest risk assessment (a report
 * reopened and assessed again counts once, as last decided). Counts only: no report's content.
 */

// Each report's latest assessment since `$1` (null: all time).
const LATEST = `
  WITH latest AS (
    SELECT DISTINCT ON (report_id) report_id, automatic_priority, automatic_reasons, decision
      FROM risk_assessments
     WHERE ($1::timestamptz IS NULL OR recorded_at >= $1::timestamptz)
     ORDER BY report_id, recorded_at DESC, id DESC
  )`

interface CountRow extends Record<string, unknown> {
  priority: Priority
  decision: RecordedDecision
  reports: number | string
}

export async function countDecisions(db: Queryable, since: Date | null): Promise<DecisionCount[]> {
  const rows = await db.query<CountRow>(
    `${LATEST}
     SELECT automatic_priority AS priority, decision, count(*) AS reports
       FROM latest GROUP BY automatic_priority, decision`,
    [since],
  )
  return rows.map((r) => ({
    priority: r.priority,
    decision: r.decision,
    reports: Number(r.reports),
  }))
}

export async function countReasons(db: Queryable, since: Date | null): Promise<ReasonCount[]> {
  const rows = await db.query<CountRow & { code: string }>(
    `${LATEST}
     SELECT reason.code, automatic_priority AS priority, decision,
            count(DISTINCT report_id) AS reports
       FROM latest CROSS JOIN LATERAL unnest(automatic_reasons) AS reason (code)
      GROUP BY reason.code, automatic_priority, decision`,
    [since],
  )
  return rows.map((r) => ({
    code: r.code,
    priority: r.priority,
    decision: r.decision,
    reports: Number(r.reports),
  }))
}
