import type { FastifyRequest } from 'fastify'
import type { AssessmentContent } from '../content/assessment.js'
import type { QueueService } from '../queue/service.js'
import { refusalPage, viewerOf } from '../queue/routes.js'
import { DECISION_LABELS, SHARE_LABELS, type People } from '../queue/presenters.js'
import { errorList } from '../web/form-fields.js'
import type { FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import { decisionsFor, type AssessmentService } from './service.js'
import { REFERRAL_SHARES, RISK_LEVELS } from './validation.js'

type IdRequest = FastifyRequest<{ Params: { id: string } }>

export interface DecisionRouteDeps {
  queue: QueueService
  assessments: AssessmentService
  content: AssessmentContent
  people(): Promise<People>
}

const RISK_LEVEL_LABELS: Record<string, string> = { high: 'High', medium: 'Medium', low: 'Low' }

/**
 * Recording a risk assessment and a decision on a report the person has open. The form lists
 * only the decisions their roles may make: out of hours the Control Centre refers urgent
 * reports, and the rest wait for the advisors.
 */
export function decisionRoutes(router: StaffRouter, deps: DecisionRouteDeps): void {
  const url = staffPaths.reportAction(':id', 'assessment')

  async function show(
    request: IdRequest,
    ctx: StaffContext,
    extra: { values?: FormBody; errors?: Record<string, string> } = {},
    status = 200,
  ) {
    const viewer = viewerOf(ctx)
    const report = await deps.queue.reportForAction(request.params.id, viewer)
    if (!report) return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
    const values = extra.values ?? {}
    const errors = extra.errors ?? {}
    const forces = await deps.assessments.policeForces()
    const leading = report.policeForce?.code
    const chosenForce =
      typeof values.policeForceCode === 'string' ? values.policeForceCode : leading
    const checked = (name: string, value: string) => {
      const v = values[name]
      return Array.isArray(v) ? v.includes(value) : v === value
    }
    return ctx.view(
      'assessment.njk',
      {
        report,
        backLink: staffPaths.report(report.id),
        action: staffPaths.reportAction(report.id, 'assessment'),
        values,
        errors,
        errorList: errorList(errors),
        riskLevels: RISK_LEVELS.map((level) => ({
          value: level,
          text: RISK_LEVEL_LABELS[level],
          checked: checked('riskLevel', level),
        })),
        riskFactors: deps.content.riskFactors.map((f) => ({
          value: f.id,
          text: f.label,
          hint: f.hint ? { text: f.hint } : undefined,
          checked: checked('riskFactors', f.id),
        })),
        canRefer: decisionsFor(viewer).includes('urgent-referral'),
        canAdvise: decisionsFor(viewer).includes('close-with-advice'),
        canSignpost: decisionsFor(viewer).includes('close-with-signposting'),
        decisions: decisionsFor(viewer).map((d) => ({
          value: d,
          text: DECISION_LABELS[d],
          checked: checked('decision', d),
        })),
        forces: [
          { value: '', text: 'Choose a police force' },
          ...forces.map((f) => ({ value: f.code, text: f.name, selected: f.code === chosenForce })),
        ],
        adviceTemplates: deps.content.adviceTemplates.map((t) => ({
          value: t.id,
          text: t.title,
          hint: { text: t.body },
          checked: checked('adviceTemplateId', t.id),
        })),
        signpostingTemplates: deps.content.signpostingTemplates.map((t) => ({
          value: t.id,
          text: t.title,
          hint: { text: t.body },
          checked: checked('signpostingTemplateId', t.id),
        })),
        shares: REFERRAL_SHARES.map((s) => ({
          value: s,
          text: SHARE_LABELS[s],
          // Everything is shared unless the person chooses otherwise: the police need it all.
          checked: values.shared === undefined || checked('shared', s),
        })),
      },
      status,
    )
  }

  router.add({
    method: 'GET',
    url,
    access: { permission: 'report.assess' },
    audit: { notAudited: "a blank form with the report's reference and triage only" },
    handler: (request: IdRequest, reply, ctx) => show(request, ctx),
  })

  router.add({
    method: 'POST',
    url,
    access: { permission: 'report.assess' },
    audit: 'report.assessed',
    handler: async (request: IdRequest, reply, ctx) => {
      const body = (request.body ?? {}) as FormBody
      const done = await deps.assessments.record(ctx.audit, request.params.id, viewerOf(ctx), body)
      if (done.ok) {
        // An urgent referral shows the force's urgent line, so the person can also phone now.
        return reply.redirect(`${staffPaths.report(request.params.id)}?done=assessed`, 303)
      }
      if (done.code === 'INVALID')
        return show(request, ctx, { values: body, errors: done.errors }, 400)
      return refusalPage(ctx, done, request.params.id, await deps.people())
    },
  })
}
