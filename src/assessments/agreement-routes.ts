import type { FastifyRequest } from 'fastify'
import { errorList } from '../web/form-fields.js'
import { staffPaths } from '../web/paths.js'
import type { StaffRouter } from '../web/staff-routes.js'
import {
  agrees,
  DECISION_NAMES,
  percentage,
  PERIOD_NAMES,
  PERIODS,
  PRIORITY_NAMES,
  readPeriod,
  RECORDED_DECISIONS,
  type Period,
} from './agreement.js'
import type { TriageAgreementService } from './agreement-service.js'

type PeriodRequest = FastifyRequest<{ Querystring: { period?: unknown } }>

const periodItems = (selected: string) =>
  PERIODS.map((p) => ({ value: p, text: PERIOD_NAMES[p], selected: p === selected }))

/**
 * Triage agreement, for supervisors: the automatic priority against the advisors' decisions,
 * and each rule's record, so rule authors see where the rules are wrong. Counts only.
 */
export function triageAgreementRoutes(router: StaffRouter, service: TriageAgreementService): void {
  router.add({
    method: 'GET',
    url: staffPaths.triageAgreement,
    access: { permission: 'triage-agreement.view' },
    // It shows no one's personal data, but every staff view is on the trail all the same.
    audit: 'triage-agreement.viewed',
    handler: async (request: PeriodRequest, reply, ctx) => {
      const read = readPeriod(request.query.period)
      const common = {
        action: staffPaths.triageAgreement,
        decisions: RECORDED_DECISIONS.map((d) => DECISION_NAMES[d]),
        rulesVersion: service.rulesVersion,
      }
      if (!read.ok) {
        const errors = { period: read.error }
        return ctx.view(
          'triage-agreement.njk',
          { ...common, periodItems: periodItems('all'), errors, errorList: errorList(errors) },
          400,
        )
      }
      const period: Period = read.period
      const { table, reasons } = await service.compare(ctx.audit, period)
      return ctx.view('triage-agreement.njk', {
        ...common,
        periodItems: periodItems(period),
        periodName: PERIOD_NAMES[period].toLowerCase(),
        total: table.total,
        agreedShare: percentage(table.agreed, table.total),
        rows: [
          ...table.rows.map((row) => ({
            heading: PRIORITY_NAMES[row.priority],
            cells: RECORDED_DECISIONS.map((d) => ({
              count: row.counts[d],
              agrees: agrees(row.priority, d),
            })),
            total: row.total,
            agreed: percentage(row.agreed, row.total),
          })),
          {
            heading: 'Total',
            cells: RECORDED_DECISIONS.map((d) => ({ count: table.totals[d], agrees: false })),
            total: table.total,
            agreed: percentage(table.agreed, table.total),
          },
        ],
        reasons: reasons.map((r) => ({
          code: r.code,
          text: r.text,
          priority: r.priority ? PRIORITY_NAMES[r.priority] : 'The report’s own',
          source: r.source,
          firedOn: r.firedOn,
          agreed: r.agreed,
          share: percentage(r.agreed, r.firedOn),
        })),
      })
    },
  })
}
