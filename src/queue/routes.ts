import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AssessmentService } from '../assessments/service.js'
import type { AssessmentContent } from '../content/assessment.js'
import type { LinkService } from '../links/service.js'
import type { Journey } from '../web/journey.js'
import type { FormBody } from '../web/journey.js'
import { errorList } from '../web/form-fields.js'
import { staffPaths, type ReportAction } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import { queuesOf, type Role } from '../staff/permissions.js'
import { queuesAtClock, queueClock } from './membership.js'
import type { OfficeCalendar } from '../triage/calendar.js'
import {
  linkedReportsView,
  PRIORITY_LABELS,
  queuePageView,
  reportPageView,
  type People,
} from './presenters.js'
import { InvalidCursorError, isUuid, PRIORITIES } from './repository.js'
import {
  legalHoldChanges,
  REOPENABLE,
  type Outcome,
  type QueueService,
  type Refusal,
  type Viewer,
} from './service.js'
import { parseQueueQuery } from './validation.js'

export interface QueueRouteDeps {
  queue: QueueService
  assessments: AssessmentService
  assessmentContent: AssessmentContent
  journey: Journey
  links: LinkService
  calendar: OfficeCalendar
  councilAreas(): Promise<{ code: string; name: string }[]>
  policeForces(): Promise<{ code: string; name: string }[]>
  /** Every member of staff: names, roles and whether they can sign in. */
  people(): Promise<{ id: string; name: string; roles: readonly Role[]; active: boolean }[]>
  now: () => Date
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>

export const viewerOf = (ctx: StaffContext): Viewer => {
  const staff = ctx.session?.staff
  if (!staff) throw new Error('A queue route ran without a signed-in person')
  return { id: staff.id, roles: staff.roles }
}

/** The page for a report that cannot be opened or changed, and why; undefined for INVALID. */
export function refusalPage(ctx: StaffContext, refusal: Refusal, reportId: string, names: People) {
  switch (refusal.code) {
    case 'REPORT_NOT_FOUND':
      return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
    case 'NOT_IN_YOUR_QUEUES':
      return ctx.view('staff-forbidden.njk', {}, 403)
    case 'NOT_YOURS':
      return ctx.view(
        'report-not-yours.njk',
        {
          reportHref: staffPaths.report(reportId),
          holder: refusal.claimedBy ? (names.get(refusal.claimedBy) ?? 'someone else') : null,
        },
        409,
      )
    case 'WRONG_STATUS':
      return ctx.view(
        'report-decided.njk',
        { reportHref: staffPaths.report(reportId), status: refusal.status },
        409,
      )
    case 'INVALID':
      return undefined
  }
}

/**
 * The triage queue and the report: the queue page, opening a report (which claims it),
 * releasing and reassigning it, correcting its priority or jurisdiction, reopening it.
 */
export function queueRoutes(router: StaffRouter, deps: QueueRouteDeps): void {
  const { queue } = deps
  const names = async (): Promise<People> =>
    new Map((await deps.people()).map((p) => [p.id, p.name]))

  router.add({
    method: 'GET',
    url: staffPaths.queue,
    access: { permission: 'queue.view' },
    audit: 'queue.viewed',
    handler: async (request, reply, ctx) => {
      const viewer = viewerOf(ctx)
      const asked = parseQueueQuery((request.query ?? {}) as FormBody, queuesOf(viewer.roles))
      let errors = asked.errors
      let found
      try {
        found = await queue.list(ctx.audit, asked.query.filters, { after: asked.query.after })
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error
        errors = { ...errors, after: 'That page of the queue no longer exists: start again' }
        found = await queue.list(ctx.audit, asked.query.filters)
      }
      const hasErrors = Object.keys(errors).length > 0
      const areas = { forces: await deps.policeForces(), authorities: await deps.councilAreas() }
      return ctx.view(
        'queue.njk',
        {
          ...queuePageView(found, asked.query, {
            queues: queuesOf(viewer.roles),
            people: await names(),
            viewerId: viewer.id,
            ...areas,
          }),
          errors,
          errorList: errorList(errors),
        },
        hasErrors ? 400 : 200,
      )
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.report(':id'),
    access: { permission: 'report.view' },
    audit: 'report.viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const viewer = viewerOf(ctx)
      const people = await names()
      const { id } = request.params
      const linkedFrom = await linkedFromOf(request, id)
      const opened = await queue.openReport(ctx.audit, id, viewer, { linkedFrom })
      if (!opened.ok) return refusalPage(ctx, opened, id, people)
      const history = await deps.assessments.historyOf(id)
      const clock = queueClock(deps.now(), deps.calendar)
      const linked = (await deps.links.linksFor([id])).get(id) ?? []
      return ctx.view('report.njk', {
        ...reportPageView({
          opened,
          history,
          viewer,
          people,
          journey: deps.journey,
          content: deps.assessmentContent,
          councilAreaNames: new Map((await deps.councilAreas()).map((a) => [a.code, a.name])),
          queues: queuesAtClock(opened.report, clock),
          now: clock.now,
          flash: flashOf(request),
        }),
        linked: linkedReportsView(linked, id, (other) => queue.mayOpen(viewer, other, clock.now)),
      })
    },
  })

  /** The report whose links led here, when it truly is linked to this one; else undefined. */
  async function linkedFromOf(request: IdRequest, id: string): Promise<string | undefined> {
    const from = (request.query as Record<string, unknown> | undefined)?.linkedFrom
    if (typeof from !== 'string' || !isUuid(from) || !isUuid(id) || from === id) return undefined
    return (await deps.links.areLinked(from, id)) ? from : undefined
  }

  // Release needs no form: one button on the report page.
  router.add({
    method: 'POST',
    url: staffPaths.reportAction(':id', 'release'),
    access: { permission: 'report.release' },
    audit: 'report.released',
    handler: async (request: IdRequest, reply, ctx) => {
      const done = await queue.releaseReport(ctx.audit, request.params.id, viewerOf(ctx))
      if (!done.ok) return refusalPage(ctx, done, request.params.id, await names())
      return reply.redirect(`${staffPaths.queue}?released=1`, 303)
    },
  })

  /**
   * A report action with its own form page: GET shows the form (the report's triage only, no
   * personal data, so it is not audited), POST makes the change or shows the form with errors.
   */
  function formAction(spec: {
    action: ReportAction
    permission: 'report.reassign' | 'report.correct' | 'report.reopen' | 'report.legal-hold'
    audit: string
    template: string
    /**
     * Whether the action can be taken on the report as it stands (reopening a closed report).
     * Its form, opened from an old link, goes to the report's page, which shows how it stands.
     */
    appliesTo?(report: ActionReport): boolean
    /** What the form shows beyond the reason, if anything. */
    form?(report: ActionReport, values: FormBody): Promise<Record<string, unknown>>
    submit(request: IdRequest, ctx: StaffContext, body: FormBody): Promise<Outcome>
    done: string
  }) {
    const url = staffPaths.reportAction(':id', spec.action)
    const load = (request: IdRequest, ctx: StaffContext) =>
      queue.reportForAction(request.params.id, viewerOf(ctx))
    const show = async (
      ctx: StaffContext,
      report: ActionReport | undefined,
      extra: { values?: FormBody; errors?: Record<string, string> },
      status = 200,
    ) => {
      if (!report) return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
      const values = extra.values ?? {}
      return ctx.view(
        spec.template,
        {
          report,
          action: staffPaths.reportAction(report.id, spec.action),
          backLink: staffPaths.report(report.id),
          values,
          errors: extra.errors ?? {},
          errorList: errorList(extra.errors ?? {}),
          ...(await spec.form?.(report, values)),
        },
        status,
      )
    }
    router.add({
      method: 'GET',
      url,
      access: { permission: spec.permission },
      audit: { notAudited: "the report's reference and triage only, no personal data" },
      handler: async (request: IdRequest, reply, ctx) => {
        const report = await load(request, ctx)
        if (report && spec.appliesTo?.(report) === false)
          return reply.redirect(staffPaths.report(report.id), 303)
        return show(ctx, report, {})
      },
    })
    router.add({
      method: 'POST',
      url,
      access: { permission: spec.permission },
      audit: spec.audit,
      handler: async (request: IdRequest, reply, ctx) => {
        const body = (request.body ?? {}) as FormBody
        const done = await spec.submit(request, ctx, body)
        if (done.ok)
          return reply.redirect(`${staffPaths.report(request.params.id)}?done=${spec.done}`, 303)
        if (done.code === 'INVALID')
          return show(ctx, await load(request, ctx), { values: body, errors: done.errors }, 400)
        return refusalPage(ctx, done, request.params.id, await names())
      },
    })
  }

  formAction({
    action: 'reassign',
    permission: 'report.reassign',
    audit: 'report.reassigned',
    template: 'report-reassign.njk',
    done: 'reassigned',
    form: async (report, values) => ({
      personItems: (await assignable(report)).map((p) => ({
        ...p,
        checked: values.staffId === p.value,
      })),
    }),
    submit: async (request, ctx, body) => {
      const report = await queue.reportForAction(request.params.id, viewerOf(ctx))
      return queue.reassignReport(
        ctx.audit,
        request.params.id,
        viewerOf(ctx),
        body,
        report ? (await assignable(report)).map((p) => p.value) : [],
      )
    },
  })

  formAction({
    action: 'priority',
    permission: 'report.correct',
    audit: 'report.priority-corrected',
    template: 'report-priority.njk',
    done: 'priority',
    form: (report, values) =>
      Promise.resolve({
        priorityItems: PRIORITIES.map((p) => ({
          value: p,
          text: PRIORITY_LABELS[p],
          checked: values.priority === p,
        })),
      }),
    submit: (request, ctx, body) =>
      queue.correctPriority(ctx.audit, request.params.id, viewerOf(ctx), body),
  })

  formAction({
    action: 'jurisdiction',
    permission: 'report.correct',
    audit: 'report.jurisdiction-corrected',
    template: 'report-jurisdiction.njk',
    done: 'jurisdiction',
    form: async () => ({ councilAreas: await deps.councilAreas() }),
    submit: (request, ctx, body) =>
      queue.correctJurisdiction(ctx.audit, request.params.id, viewerOf(ctx), body),
  })

  formAction({
    action: 'reopen',
    permission: 'report.reopen',
    audit: 'report.reopened',
    template: 'report-reopen.njk',
    done: 'reopened',
    appliesTo: (report) => REOPENABLE.includes(report.status),
    submit: (request, ctx, body) =>
      queue.reopenReport(ctx.audit, request.params.id, viewerOf(ctx), body),
  })

  for (const hold of [true, false]) {
    formAction({
      action: hold ? 'legal-hold' : 'lift-legal-hold',
      permission: 'report.legal-hold',
      audit: hold ? 'report.legal-hold-placed' : 'report.legal-hold-lifted',
      template: hold ? 'report-legal-hold.njk' : 'report-lift-legal-hold.njk',
      done: hold ? 'held' : 'hold-lifted',
      appliesTo: (report) => legalHoldChanges(report, hold),
      submit: (request, ctx, body) =>
        queue.setLegalHold(ctx.audit, request.params.id, viewerOf(ctx), body, hold),
    })
  }

  /**
   * Who a supervisor may give the report to: active staff who work a queue the report is in now,
   * other than the person who has it open already.
   */
  async function assignable(report: ActionReport): Promise<{ value: string; text: string }[]> {
    const queues = queuesAtClock(report, queueClock(deps.now(), deps.calendar))
    return (await deps.people())
      .filter(
        (p) =>
          p.active &&
          p.id !== report.claimedBy &&
          queuesOf(p.roles).some((q) => queues.includes(q)),
      )
      .map((p) => ({ value: p.id, text: p.name }))
  }
}

type ActionReport = NonNullable<Awaited<ReturnType<QueueService['reportForAction']>>>

const FLASHES: Record<string, string> = {
  reassigned: 'Report reassigned',
  priority: 'Priority changed. The deadline now follows the new priority.',
  jurisdiction: 'Where the child lives changed',
  reopened: 'Report reopened. It is waiting for a decision again.',
  held: 'Legal hold placed. The report will be kept until the hold is lifted.',
  'hold-lifted': 'Legal hold lifted. The report will be deleted when its retention period ends.',
  assessed: 'Risk assessment and decision recorded',
}

function flashOf(request: FastifyRequest): string | undefined {
  const done = (request.query as Record<string, unknown> | undefined)?.done
  return typeof done === 'string' ? FLASHES[done] : undefined
}

export type { FastifyReply }
