import type { FastifyRequest } from 'fastify'
import { caseAreaCodes, lockCaseForReferral } from '../cases/referrals.js'
import { caseTitle, STATUS_LABELS } from '../cases/presenters.js'
import * as cases from '../cases/repository.js'
import type { Db } from '../db/db.js'
import type { PartnerAgency } from '../partner-agencies/repository.js'
import { viewerOf } from '../queue/routes.js'
import type { QueueService } from '../queue/service.js'
import { errorList, readFormBody } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import { referralChoices } from './presenters.js'
import type { ReferralService } from './service.js'

export interface CaseReferralRouteDeps {
  db: Db
  service: ReferralService
  queue: QueueService
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>

/** The child's police force and children's social care, by the case's reports' places. */
export function suggestedAgencies(
  agencies: readonly PartnerAgency[],
  areas: { policeForces: readonly string[]; childrenServices: readonly string[] },
): PartnerAgency[] {
  const inArea = (a: PartnerAgency) =>
    a.jurisdictionCode !== null &&
    ((a.kind === 'police-force' && areas.policeForces.includes(a.jurisdictionCode)) ||
      (a.kind === 'children-services' && areas.childrenServices.includes(a.jurisdictionCode)))
  // The police first: a child at risk of harm is theirs to act on at once.
  const order = (a: PartnerAgency) => (a.kind === 'police-force' ? 0 : 1)
  return agencies.filter(inArea).sort((a, b) => order(a) - order(b))
}

/**
 * Referring a case: the report form's rules (src/referrals/routes.ts), with the child's police
 * force and children's social care suggested first. The referral's package is built from the
 * case's first report; the referral belongs to the case and shows on its timeline.
 */
export function caseReferralRoutes(router: StaffRouter, deps: CaseReferralRouteDeps): void {
  const notFound = (ctx: StaffContext) =>
    ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
  const ended = (ctx: StaffContext, caseId: string, status: cases.StoredCase['status']) =>
    ctx.view(
      'case-refused.njk',
      {
        title: 'This case has ended',
        message: `The case is ${STATUS_LABELS[status].toLowerCase()}: it cannot be referred unless a supervisor reopens it.`,
        caseHref: staffPaths.case(caseId),
      },
      409,
    )

  /** The case, its first report (which the viewer must be able to act on), or a page saying no. */
  async function caseAndReport(ctx: StaffContext, caseId: string) {
    const found = await cases.findCase(deps.db, caseId)
    if (!found) return { page: await notFound(ctx) }
    if (found.status === 'closed' || found.status === 'merged')
      return { page: await ended(ctx, caseId, found.status) }
    const [first] = await cases.reportsOf(deps.db, caseId)
    const report = first && (await deps.queue.reportForAction(first.id, viewerOf(ctx)))
    if (!report) return { page: await notFound(ctx) }
    return { found, report }
  }

  async function showForm(
    ctx: StaffContext,
    caseId: string,
    values: FormBody = {},
    errors: FieldErrors = {},
  ) {
    const opened = await caseAndReport(ctx, caseId)
    if ('page' in opened) return opened.page
    const { found, report } = opened
    const agencies = await deps.service.agencies()
    const suggested = suggestedAgencies(agencies, await caseAreaCodes(deps.db, caseId))
    const already = new Set(
      (await deps.service.referralsOfCase(caseId))
        .filter((r) => r.status !== 'declined')
        .map((r) => r.partnerAgencyId),
    )
    // The first suggested agency not yet referred to, unless the person chose one.
    const chosen =
      typeof values.partnerAgencyId === 'string'
        ? values.partnerAgencyId
        : (suggested.find((a) => !already.has(a.id))?.id ?? '')
    const suggestedIds = new Set(suggested.map((a) => a.id))
    const ordered = [...suggested, ...agencies.filter((a) => !suggestedIds.has(a.id))]
    return ctx.view(
      'referral-new.njk',
      {
        report,
        caption: caseTitle(found),
        backLink: staffPaths.case(caseId),
        action: staffPaths.caseAction(caseId, 'referrals/new'),
        suggested: suggested.map((a) => ({ name: a.name, referred: already.has(a.id) })),
        agencies: [
          { value: '', text: 'Choose an agency' },
          ...ordered.map((a) => ({
            value: a.id,
            text: suggestedIds.has(a.id) ? `${a.name} (where the child lives)` : a.name,
            selected: a.id === chosen,
          })),
        ],
        ...referralChoices(values, deps.service.lawfulBases()),
        values,
        errors,
        errorList: errorList(errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  router.add({
    method: 'GET',
    url: staffPaths.caseAction(':id', 'referrals/new'),
    access: { permission: 'case.refer' },
    audit: {
      notAudited:
        "a blank form with the case's number, its first report's reference and the agencies",
    },
    handler: (request: IdRequest, reply, ctx) => showForm(ctx, request.params.id),
  })

  router.add({
    method: 'POST',
    url: staffPaths.caseAction(':id', 'referrals/new'),
    access: { permission: 'case.refer' },
    audit: 'referral.created',
    handler: async (request: IdRequest, reply, ctx) => {
      const caseId = request.params.id
      const body = readFormBody(request.body) ?? {}
      const opened = await caseAndReport(ctx, caseId)
      if ('page' in opened) return opened.page
      const outcome = await deps.service.createForCase(
        ctx.audit,
        opened.report,
        viewerOf(ctx),
        body,
        { caseId, lock: (tx) => lockCaseForReferral(tx, caseId) },
      )
      if (outcome.ok)
        return reply.redirect(
          `${staffPaths.referral(outcome.id)}?done=${outcome.urgent ? 'sent' : 'waiting'}`,
          303,
        )
      if (outcome.code === 'INVALID') return showForm(ctx, caseId, body, outcome.errors)
      if (outcome.code === 'CASE_ENDED') return ended(ctx, caseId, outcome.status)
      return notFound(ctx)
    },
  })
}
