import type { FastifyRequest } from 'fastify'
import { staffDateFormat } from '../web/dates.js'
import { viewerOf } from '../queue/routes.js'
import { allows, type Permission, type Role } from '../staff/permissions.js'
import type { LinkService } from '../links/service.js'
import type { QueuedReport } from '../queue/membership.js'
import type { Viewer } from '../queue/service.js'
import type { Priority } from '../reports/model.js'
import { errorList, readFormBody } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { staffPaths, type CaseAction } from '../web/paths.js'
import type { NotAudited, StaffContext, StaffRouter } from '../web/staff-routes.js'
import {
  caseListRows,
  caseLinkedReportsView,
  casePageView,
  caseTitle,
  planFormRows,
  planFormValues,
  planPageView,
  taskListView,
  timelineView,
  CLOSURE_OUTCOME_LABELS,
  METHOD_LABELS,
  OUTCOME_LABELS,
  STATUS_LABELS,
  TIMELINE_KIND_LABELS,
  type People,
} from './presenters.js'
import type { StoredCase } from './repository.js'
import type { CaseOutcome, CaseRefusal, CaseService } from './service.js'
import {
  PLAN_ACTIONS_MAX,
  TIMELINE_KINDS,
  WORKING_STATUSES,
  parseCaseListQuery,
  type TimelineKind,
} from './validation.js'

export interface CaseRouteDeps {
  cases: CaseService
  /** Every member of staff: names, roles and whether they can sign in. */
  people(): Promise<{ id: string; name: string; roles: readonly Role[]; active: boolean }[]>
  policeForces(): Promise<{ code: string; name: string }[]>
  councilAreas(): Promise<{ code: string; name: string }[]>
  /** The office's IANA time zone: times on the timeline are on its clock. */
  timeZone: string
  /** Reports that share an identifier with others (src/links). */
  links: Pick<LinkService, 'linksFor'>
  /** Whether the viewer works a queue the report is in: only then is a linked report a link. */
  mayOpenReport(viewer: Viewer, report: QueuedReport): boolean
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>
type Values = Record<string, string | string[] | undefined>

/** Blank rows under the saved actions, so a plan grows without JavaScript. */
const BLANK_PLAN_ROWS = 3

/**
 * Cases: the list, "my tasks", the case page, its timeline and plan, and every change to a
 * case, each a form page (GET) and its POST. Forms that show only the case's number are not
 * audited; every page that shows what was typed or said on a case is.
 */
export function caseRoutes(router: StaffRouter, deps: CaseRouteDeps): void {
  /** The case's reports' links to reports outside it, and the other cases those are in. */
  async function linkedReports(
    found: StoredCase,
    reports: readonly { id: string }[],
    viewer: Viewer,
  ) {
    const byReport = await deps.links.linksFor(reports.map((r) => r.id))
    const rows = [...byReport.values()].flat()
    return caseLinkedReportsView({
      caseId: found.id,
      rows,
      casesByReport: await deps.cases.casesOfReports(rows.map((r) => r.other.id)),
      hrefFor: (row) =>
        deps.mayOpenReport(viewer, {
          priority: row.other.priority as Priority,
          receivedAt: row.other.receivedAt,
          queues: row.other.queues,
        })
          ? staffPaths.linkedReport(row.other.id, row.reportId)
          : null,
      canLink:
        allows(viewer.roles, 'case.work') && found.status !== 'closed' && found.status !== 'merged',
    })
  }

  const { cases } = deps
  const names = async (): Promise<People> =>
    new Map((await deps.people()).map((p) => [p.id, p.name]))
  /** Active advisors and supervisors: who may own a case or a task. */
  const caseWorkers = async () =>
    (await deps.people())
      .filter((p) => p.active && p.roles.some((r) => r === 'advisor' || r === 'supervisor'))
      .map((p) => ({ value: p.id, text: p.name }))
  const bodyOf = (request: FastifyRequest): FormBody => readFormBody(request.body) ?? {}
  const notFound = (ctx: StaffContext) =>
    ctx.view('staff-error.njk', { title: 'Page not found' }, 404)

  async function refusalPage(ctx: StaffContext, refusal: CaseRefusal, caseId: string) {
    const back = staffPaths.case(caseId)
    const page = (title: string, message: string) =>
      ctx.view('case-refused.njk', { title, message, caseHref: back }, 409)
    switch (refusal.code) {
      case 'CASE_NOT_FOUND':
        return notFound(ctx)
      case 'CASE_ENDED':
        return page(
          'This case has ended',
          `The case is ${STATUS_LABELS[refusal.status].toLowerCase()}: nothing more can be added unless a supervisor reopens it.`,
        )
      case 'NOT_OWNER':
        return page(
          'Only the case’s owner can ask to close it',
          `This case is ${(await names()).get(refusal.owner) ?? 'someone else'}’s. Ask them, or a supervisor to give the case to you.`,
        )
      case 'CLOSURE_WAITING':
        return page(
          'Closure has already been requested',
          'A supervisor has not yet decided on the request to close this case.',
        )
      case 'NOT_CLOSED':
        return page(
          'Only a closed case can be reopened',
          `The case is ${STATUS_LABELS[refusal.status].toLowerCase()}.`,
        )
      case 'NO_CLOSURE_WAITING':
        return page('Nobody has asked to close this case', 'There is no request to decide.')
      case 'OWN_REQUEST':
        return page(
          'You asked to close this case',
          'Another supervisor must decide on your own request to close it.',
        )
      case 'INVALID':
        return notFound(ctx)
    }
  }

  router.add({
    method: 'GET',
    url: staffPaths.cases,
    access: { permission: 'cases.list' },
    audit: 'cases.listed',
    handler: async (request, reply, ctx) => {
      const viewer = viewerOf(ctx)
      const [forces, authorities] = await Promise.all([deps.policeForces(), deps.councilAreas()])
      const asked = parseCaseListQuery(readFormBody(request.query) ?? {}, {
        forces: forces.map((f) => f.code),
        authorities: authorities.map((a) => a.code),
      })
      const found = await cases.list(ctx.audit, asked.filters, viewer)
      const f = asked.filters
      const hasErrors = Object.keys(asked.errors).length > 0
      return ctx.view(
        'cases.njk',
        {
          filters: f,
          rows: caseListRows(found.rows, await names(), found.today),
          whoseItems: [
            { value: 'mine', text: 'My cases', checked: f.whose === 'mine' },
            { value: 'team', text: 'The whole team’s', checked: f.whose === 'team' },
          ],
          statusItems: Object.entries(STATUS_LABELS).map(([value, text]) => ({
            value,
            text,
            checked: (f.statuses as string[]).includes(value),
          })),
          forceItems: [
            { value: '', text: 'Any police force' },
            ...forces.map((x) => ({
              value: x.code,
              text: x.name,
              selected: x.code === f.policeForceCode,
            })),
          ],
          authorityItems: [
            { value: '', text: 'Any local authority' },
            ...authorities.map((x) => ({
              value: x.code,
              text: x.name,
              selected: x.code === f.localAuthorityCode,
            })),
          ],
          errors: asked.errors,
          errorList: errorList(asked.errors),
        },
        hasErrors ? 400 : 200,
      )
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.myTasks,
    access: { permission: 'tasks.list' },
    audit: 'tasks.listed',
    handler: async (request, reply, ctx) => {
      const found = await cases.myTasks(ctx.audit, viewerOf(ctx))
      return ctx.view(
        'my-tasks.njk',
        taskListView(found.tasks, found.today, await names(), viewerOf(ctx)),
      )
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.case(':id'),
    access: { permission: 'case.view' },
    audit: 'case.viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const opened = await cases.openCase(ctx.audit, request.params.id)
      if (!opened) return notFound(ctx)
      const viewer = viewerOf(ctx)
      return ctx.view('case.njk', {
        ...casePageView(opened, { viewer, people: await names(), flash: flashOf(request) }),
        linked: await linkedReports(opened.found, opened.reports, viewer),
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.caseAction(':id', 'timeline'),
    access: { permission: 'case.view' },
    audit: 'case.timeline-viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const query = (readFormBody(request.query) ?? {}) as Values
      const asked = typeof query.kind === 'string' ? query.kind : ''
      const kind = (TIMELINE_KINDS as readonly string[]).includes(asked)
        ? (asked as TimelineKind)
        : undefined
      const found = await cases.timeline(ctx.audit, request.params.id, kind)
      if (!found) return notFound(ctx)
      return ctx.view('case-timeline.njk', {
        ...timelineView(found, await names(), staffDateFormat(deps.timeZone)),
        kind,
        kindItems: [
          { value: '', text: 'Everything', selected: !kind },
          ...TIMELINE_KINDS.map((k) => ({
            value: k,
            text: TIMELINE_KIND_LABELS[k],
            selected: k === kind,
          })),
        ],
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.caseAction(':id', 'plan'),
    access: { permission: 'case.view' },
    audit: 'case.plan-viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const found = await cases.planHistory(ctx.audit, request.params.id)
      if (!found) return notFound(ctx)
      return ctx.view('case-plan.njk', {
        ...planPageView(found, await names()),
        flash: flashOf(request),
      })
    },
  })

  // The plan's form shows the saved plan, so opening it is audited like the plan page.
  const planEdit = staffPaths.caseAction(':id', 'plan/edit')
  async function showPlanForm(
    ctx: StaffContext,
    found: StoredCase,
    values: Values,
    rows: number,
    errors: FieldErrors = {},
  ) {
    return ctx.view(
      'case-plan-edit.njk',
      {
        found,
        title: caseTitle(found),
        action: staffPaths.caseAction(found.id, 'plan/edit'),
        backLink: staffPaths.caseAction(found.id, 'plan'),
        rows: planFormRows(values, rows, errors),
        rowCount: rows,
        values,
        errors,
        errorList: errorList(errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }
  router.add({
    method: 'GET',
    url: planEdit,
    access: { permission: 'case.work' },
    audit: 'case.plan-opened',
    handler: async (request: IdRequest, reply, ctx) => {
      const found = await cases.planForForm(ctx.audit, request.params.id)
      if (!found) return notFound(ctx)
      if (['closed', 'merged'].includes(found.found.status))
        return refusalPage(
          ctx,
          { ok: false, code: 'CASE_ENDED', status: found.found.status },
          request.params.id,
        )
      const rows = Math.min((found.plan?.actions.length ?? 0) + BLANK_PLAN_ROWS, PLAN_ACTIONS_MAX)
      return showPlanForm(ctx, found.found, planFormValues(found.plan), rows)
    },
  })
  router.add({
    method: 'POST',
    url: planEdit,
    access: { permission: 'case.work' },
    audit: 'case.plan-saved',
    handler: async (request: IdRequest, reply, ctx) => {
      const body = bodyOf(request)
      const asked = Number(typeof body.rows === 'string' ? body.rows : '')
      const rows = Number.isInteger(asked) && asked > 0 ? Math.min(asked, PLAN_ACTIONS_MAX) : 1
      const done = await cases.savePlan(ctx.audit, request.params.id, viewerOf(ctx), body, rows)
      if (done.ok)
        return reply.redirect(`${staffPaths.caseAction(request.params.id, 'plan')}?done=plan`, 303)
      if (done.code !== 'INVALID') return refusalPage(ctx, done, request.params.id)
      const found = await cases.caseForForm(request.params.id)
      if (!found) return notFound(ctx)
      return showPlanForm(ctx, found, body, rows, done.errors)
    },
  })

  /**
   * A change to a case with a form page of its own: GET shows the form (the case's number and
   * status only, so not audited, unless `showAudit` names what it shows), POST makes the
   * change, or shows the form again with the errors and what was typed.
   */
  function formAction(spec: {
    action: CaseAction
    permission: Permission
    audit: string
    getAudit?: string
    template: string
    form(found: StoredCase, values: Values, ctx: StaffContext): Promise<Record<string, unknown>>
    submit(request: IdRequest, ctx: StaffContext, body: FormBody): Promise<CaseOutcome>
    done: string
    /** Where to go after success, when not back to the case. */
    then?(outcome: CaseOutcome, caseId: string): string | undefined
    /** Whether the form may open on an ended case (reopening). */
    onEnded?: boolean
  }) {
    const url = staffPaths.caseAction(':id', spec.action)
    const show = async (
      request: IdRequest,
      ctx: StaffContext,
      values: Values,
      errors: FieldErrors = {},
    ) => {
      const found = await cases.caseForForm(request.params.id)
      if (!found) return notFound(ctx)
      const ended = found.status === 'closed' || found.status === 'merged'
      if (ended && !spec.onEnded)
        return refusalPage(ctx, { ok: false, code: 'CASE_ENDED', status: found.status }, found.id)
      if (spec.onEnded && found.status !== 'closed')
        return refusalPage(ctx, { ok: false, code: 'NOT_CLOSED', status: found.status }, found.id)
      return ctx.view(
        spec.template,
        {
          found,
          title: caseTitle(found),
          status: STATUS_LABELS[found.status],
          action: staffPaths.caseAction(found.id, spec.action),
          backLink: staffPaths.case(found.id),
          values,
          errors,
          errorList: errorList(errors),
          ...(await spec.form(found, values, ctx)),
        },
        Object.keys(errors).length > 0 ? 400 : 200,
      )
    }
    const notAudited: NotAudited = { notAudited: "the case's number and status only" }
    router.add({
      method: 'GET',
      url,
      access: { permission: spec.permission },
      audit: spec.getAudit ?? notAudited,
      // A link may fill the form in (a linked report's case number): text fields only.
      handler: (request: IdRequest, reply, ctx) => show(request, ctx, queryValues(request)),
    })
    router.add({
      method: 'POST',
      url,
      access: { permission: spec.permission },
      audit: spec.audit,
      handler: async (request: IdRequest, reply, ctx) => {
        const body = bodyOf(request)
        const done = await spec.submit(request, ctx, body)
        if (done.ok)
          return reply.redirect(
            spec.then?.(done, request.params.id) ??
              `${staffPaths.case(request.params.id)}?done=${spec.done}`,
            303,
          )
        if (done.code === 'INVALID') return show(request, ctx, body, done.errors)
        return refusalPage(ctx, done, request.params.id)
      },
    })
  }

  const radios = (labels: Record<string, string>, chosen: unknown) =>
    Object.entries(labels).map(([value, text]) => ({ value, text, checked: chosen === value }))

  formAction({
    action: 'contacts/new',
    permission: 'case.work',
    audit: 'case.contact-recorded',
    template: 'case-contact.njk',
    done: 'contact',
    form: (found, values) =>
      Promise.resolve({
        methodItems: radios(METHOD_LABELS, values.method),
        outcomeItems: radios(OUTCOME_LABELS, values.outcome),
      }),
    submit: (request, ctx, body) =>
      cases.recordContact(ctx.audit, request.params.id, viewerOf(ctx), body),
  })
  formAction({
    action: 'notes/new',
    permission: 'case.work',
    audit: 'case.note-added',
    template: 'case-note.njk',
    done: 'note',
    form: () => Promise.resolve({}),
    submit: (request, ctx, body) =>
      cases.addNote(ctx.audit, request.params.id, viewerOf(ctx), body),
  })
  formAction({
    action: 'tasks/new',
    permission: 'case.work',
    audit: 'case.task-added',
    template: 'case-task.njk',
    done: 'task',
    form: async (found, values, ctx) => ({
      ownerItems: (await caseWorkers()).map((p) => ({
        ...p,
        checked: (values.owner ?? viewerOf(ctx).id) === p.value,
      })),
    }),
    submit: async (request, ctx, body) =>
      cases.addTask(
        ctx.audit,
        request.params.id,
        viewerOf(ctx),
        body,
        (await caseWorkers()).map((p) => p.value),
      ),
  })
  formAction({
    action: 'status',
    permission: 'case.work',
    audit: 'case.status-changed',
    template: 'case-status.njk',
    done: 'status',
    form: (found, values) =>
      Promise.resolve({
        statusItems: WORKING_STATUSES.map((s) => ({
          value: s,
          text: STATUS_LABELS[s],
          checked: (values.status ?? found.status) === s,
        })),
      }),
    submit: (request, ctx, body) =>
      cases.changeStatus(ctx.audit, request.params.id, viewerOf(ctx), body),
  })
  formAction({
    action: 'reassign',
    permission: 'case.reassign',
    audit: 'case.reassigned',
    template: 'case-reassign.njk',
    done: 'reassigned',
    form: async (found, values) => ({
      ownerItems: (await caseWorkers())
        .filter((p) => p.value !== found.owner)
        .map((p) => ({ ...p, checked: values.owner === p.value })),
    }),
    submit: async (request, ctx, body) =>
      cases.reassign(
        ctx.audit,
        request.params.id,
        viewerOf(ctx),
        body,
        (await caseWorkers()).map((p) => p.value),
      ),
  })
  formAction({
    action: 'close',
    permission: 'case.request-closure',
    audit: 'case.closure-requested',
    template: 'case-close.njk',
    done: 'closure-requested',
    form: (found, values) =>
      Promise.resolve({ outcomeItems: radios(CLOSURE_OUTCOME_LABELS, values.outcome) }),
    submit: (request, ctx, body) =>
      cases.requestClosure(ctx.audit, request.params.id, viewerOf(ctx), body),
  })
  formAction({
    action: 'closure',
    permission: 'case.decide-closure',
    audit: 'case.closure-decided',
    // The form shows the owner's summary: opening it is audited.
    getAudit: 'case.closure-opened',
    template: 'case-closure.njk',
    done: 'closure-decided',
    form: async (found, values, ctx) => {
      const opened = await cases.openCase(ctx.audit, found.id)
      const waiting = opened?.closures.find((c) => c.decision === null)
      const people = await names()
      return {
        waiting: waiting && {
          ...waiting,
          outcome: CLOSURE_OUTCOME_LABELS[waiting.outcome],
          by: people.get(waiting.requestedBy) ?? 'Someone no longer listed',
          own: waiting.requestedBy === viewerOf(ctx).id,
        },
        decisionItems: radios(
          { approved: 'Approve: close the case', returned: 'Send it back to the owner' },
          values.decision,
        ),
      }
    },
    submit: (request, ctx, body) =>
      cases.decideClosure(ctx.audit, request.params.id, viewerOf(ctx), body),
    then: (outcome, caseId) =>
      'decision' in outcome && outcome.decision === 'returned'
        ? `${staffPaths.case(caseId)}?done=closure-returned`
        : undefined,
  })
  formAction({
    action: 'reopen',
    permission: 'case.reopen',
    audit: 'case.reopened',
    template: 'case-reason.njk',
    done: 'reopened',
    onEnded: true,
    form: () =>
      Promise.resolve({
        heading: 'Reopen this case',
        reasonLabel: 'Why are you reopening it?',
        submitText: 'Reopen case',
      }),
    submit: (request, ctx, body) => cases.reopen(ctx.audit, request.params.id, viewerOf(ctx), body),
  })
  formAction({
    action: 'reports/add',
    permission: 'case.work',
    audit: 'case.report-added',
    template: 'case-add-report.njk',
    done: 'report-added',
    form: () => Promise.resolve({}),
    submit: (request, ctx, body) =>
      cases.addReport(ctx.audit, request.params.id, viewerOf(ctx), body),
  })
  formAction({
    action: 'link',
    permission: 'case.work',
    audit: 'case.linked',
    template: 'case-link.njk',
    done: 'linked',
    form: (found, values) =>
      Promise.resolve({
        howItems: radios(
          {
            link: 'Link them: both cases stay open, each showing the other',
            merge: 'Merge this case into the other: its reports and open tasks move there',
          },
          values.how,
        ),
      }),
    submit: (request, ctx, body) =>
      cases.linkOrMerge(ctx.audit, request.params.id, viewerOf(ctx), body),
    // A merged case has ended: carry on in the case it became part of.
    then: (outcome) =>
      'merged' in outcome && outcome.merged && 'other' in outcome
        ? `${staffPaths.case(String(outcome.other))}?done=merged`
        : undefined,
  })

  // Completing a task needs no form: one button beside it.
  router.add({
    method: 'POST',
    url: staffPaths.caseTaskDone(':id', ':taskId'),
    access: { permission: 'case.work' },
    audit: 'case.task-done',
    handler: async (
      request: FastifyRequest<{ Params: { id: string; taskId: string } }>,
      reply,
      ctx,
    ) => {
      const { id, taskId } = request.params
      const done = await cases.completeTask(ctx.audit, id, taskId, viewerOf(ctx))
      if (done.ok) return reply.redirect(`${staffPaths.case(id)}?done=task-done`, 303)
      if (done.code === 'INVALID')
        return ctx.view(
          'case-refused.njk',
          {
            title: 'That task is already done',
            message: 'Someone marked it done before you.',
            caseHref: staffPaths.case(id),
          },
          409,
        )
      return refusalPage(ctx, done, id)
    },
  })

  // Moving a report: its own form, naming the report by its reference.
  const move = staffPaths.caseReportMove(':id', ':reportId')
  type MoveRequest = FastifyRequest<{ Params: { id: string; reportId: string } }>
  async function showMove(
    request: MoveRequest,
    ctx: StaffContext,
    values: Values,
    errors: FieldErrors = {},
  ) {
    const { id, reportId } = request.params
    const found = await cases.caseForForm(id)
    const report = found && (await cases.reportInCase(id, reportId))
    if (!found || !report) return notFound(ctx)
    return ctx.view(
      'case-move-report.njk',
      {
        found,
        title: caseTitle(found),
        report,
        action: staffPaths.caseReportMove(id, reportId),
        backLink: staffPaths.case(id),
        values,
        errors,
        errorList: errorList(errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }
  router.add({
    method: 'GET',
    url: move,
    access: { permission: 'case.work' },
    audit: { notAudited: "the case's number and the report's reference only" },
    handler: (request: MoveRequest, reply, ctx) => showMove(request, ctx, {}),
  })
  router.add({
    method: 'POST',
    url: move,
    access: { permission: 'case.work' },
    audit: 'case.report-moved',
    handler: async (request: MoveRequest, reply, ctx) => {
      const { id, reportId } = request.params
      const body = bodyOf(request)
      const done = await cases.moveReport(ctx.audit, id, reportId, viewerOf(ctx), body)
      if (done.ok) return reply.redirect(`${staffPaths.case(id)}?done=report-moved`, 303)
      if (done.code === 'INVALID') return showMove(request, ctx, body, done.errors)
      return refusalPage(ctx, done, id)
    },
  })
}

const FLASHES: Record<string, string> = {
  contact: 'Contact recorded',
  note: 'Note added',
  plan: 'Safeguarding plan saved as a new version',
  task: 'Task added',
  'task-done': 'Task done',
  status: 'Status changed',
  reassigned: 'Case given to someone else',
  'closure-requested': 'Closure requested: a supervisor will decide',
  'closure-decided': 'Case closed',
  'closure-returned': 'Closure sent back to the owner, with your reason',
  reopened: 'Case reopened',
  'report-added': 'Report added to the case',
  'report-moved': 'Report moved to the other case',
  linked: 'Cases linked',
  merged: 'The other case was merged into this one',
}

function flashOf(request: FastifyRequest): string | undefined {
  const done = (request.query as Record<string, unknown> | undefined)?.done
  return typeof done === 'string' ? FLASHES[done] : undefined
}

/** The query's single text values, to fill a form in; anything else is left out. */
function queryValues(request: FastifyRequest): Values {
  const query = (request.query ?? {}) as Record<string, unknown>
  return Object.fromEntries(
    Object.entries(query).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].length <= 50,
    ),
  )
}
