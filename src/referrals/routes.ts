import type { FastifyRequest } from 'fastify'
import type { People } from '../queue/presenters.js'
import { viewerOf } from '../queue/routes.js'
import type { QueueService } from '../queue/service.js'
import { allows } from '../staff/permissions.js'
import { errorList, readFormBody } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import type { referralPackages } from './delivery.js'
import { packagePdf } from './pdf.js'
import { messageRow, nameOf, referralRow, referralChoices } from './presenters.js'
import type { ReferralService } from './service.js'
import { caseTitle } from '../cases/presenters.js'

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: { done?: string } }>

export interface ReferralRouteDeps {
  service: ReferralService
  queue: QueueService
  packageOf: ReturnType<typeof referralPackages>
  people(): Promise<People>
}

const DONE: Record<string, string> = {
  sent: 'Referral recorded and being sent now',
  waiting: 'Referral recorded. It goes when a supervisor approves it',
  approved: 'Referral approved and being sent',
  declined: 'Referral declined: it will not be sent',
  reviewed: 'Review recorded',
}

/**
 * Referrals from a report: the form, one referral with its package, a supervisor's approval or
 * review, and the package as a PDF. What a person may see follows the report: someone who may
 * not open the report may not open its referrals.
 */
export function referralRoutes(router: StaffRouter, deps: ReferralRouteDeps): void {
  const notFound = (ctx: StaffContext) =>
    ctx.view('staff-error.njk', { title: 'Page not found' }, 404)

  async function showForm(
    ctx: StaffContext,
    reportId: string,
    values: FormBody = {},
    errors: FieldErrors = {},
  ) {
    const report = await deps.queue.reportForAction(reportId, viewerOf(ctx))
    if (!report) return notFound(ctx)
    const agencies = await deps.service.agencies()
    const chosenAgency = typeof values.partnerAgencyId === 'string' ? values.partnerAgencyId : ''
    return ctx.view(
      'referral-new.njk',
      {
        report,
        backLink: staffPaths.report(report.id),
        action: staffPaths.newReferral(report.id),
        agencies: [
          { value: '', text: 'Choose an agency' },
          ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === chosenAgency })),
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
    url: staffPaths.newReferral(':id'),
    access: { permission: 'referral.create' },
    audit: { notAudited: "a blank form with the report's reference and the agencies" },
    handler: (request: IdRequest, reply, ctx) => showForm(ctx, request.params.id),
  })

  router.add({
    method: 'POST',
    url: staffPaths.newReferral(':id'),
    access: { permission: 'referral.create' },
    audit: 'referral.created',
    handler: async (request: IdRequest, reply, ctx) => {
      const body = readFormBody(request.body) ?? {}
      const outcome = await deps.service.create(ctx.audit, request.params.id, viewerOf(ctx), body)
      if (outcome.ok)
        return reply.redirect(
          `${staffPaths.referral(outcome.id)}?done=${outcome.urgent ? 'sent' : 'waiting'}`,
          303,
        )
      if (outcome.code === 'INVALID') return showForm(ctx, request.params.id, body, outcome.errors)
      return notFound(ctx)
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.referral(':id'),
    access: { permission: 'referral.view' },
    audit: 'referral.viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const viewer = viewerOf(ctx)
      const found = await deps.service.view(ctx.audit, request.params.id, viewer)
      if (!found) return notFound(ctx)
      const { referral, reason, messages } = found
      const people = await deps.people()
      const built = await deps.packageOf(referral.id, messages[0]?.id ?? 'not-yet-sent', {
        withAcknowledgeLink: false,
      })
      const mine = referral.createdBy === viewer.id
      return ctx.view('referral.njk', {
        backLink: referral.caseId
          ? staffPaths.case(referral.caseId)
          : staffPaths.report(referral.reportId),
        flash: DONE[request.query.done ?? ''],
        referral: referralRow(referral, people),
        caseTitle: referral.caseNumber === null ? null : caseTitle({ number: referral.caseNumber }),
        reason,
        basis:
          deps.service.lawfulBases().find((b) => b.id === referral.lawfulBasis)?.label ??
          referral.lawfulBasis,
        approvedBy: nameOf(people, referral.approvedBy),
        approvedAt: referral.approvedAt,
        reviewedBy: nameOf(people, referral.reviewedBy),
        reviewedAt: referral.reviewedAt,
        sentAt: referral.sentAt,
        acknowledgedAt: referral.acknowledgedAt,
        urgentPhone: referral.urgentPhone,
        pkg: built?.pkg,
        pdfUrl: staffPaths.referralPdf(referral.id),
        messages: messages.map(messageRow),
        can: {
          decide:
            referral.status === 'awaiting-approval' &&
            !mine &&
            allows(viewer.roles, 'referral.approve'),
          review:
            referral.urgency === 'urgent' &&
            referral.reviewedAt === null &&
            allows(viewer.roles, 'referral.review'),
        },
        actions: {
          approve: staffPaths.referralAction(referral.id, 'approve'),
          decline: staffPaths.referralAction(referral.id, 'decline'),
          review: staffPaths.referralAction(referral.id, 'review'),
        },
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.referralPdf(':id'),
    access: { permission: 'referral.view' },
    audit: 'referral-package.viewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const found = await deps.service.view(ctx.audit, request.params.id, viewerOf(ctx))
      if (!found) return notFound(ctx)
      const built = await deps.packageOf(
        found.referral.id,
        found.messages[0]?.id ?? 'not-yet-sent',
        {
          withAcknowledgeLink: false,
        },
      )
      if (!built) return notFound(ctx)
      const pdf = await packagePdf(built.pkg, built.referral.createdAt)
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `inline; filename="referral-${built.referral.reference}.pdf"`,
        )
        .send(pdf)
    },
  })

  for (const [action, approved] of [
    ['approve', true],
    ['decline', false],
  ] as const) {
    router.add({
      method: 'POST',
      url: staffPaths.referralAction(':id', action),
      access: { permission: 'referral.approve' },
      audit: approved ? 'referral.approved' : 'referral.declined',
      handler: async (request: IdRequest, reply, ctx) => {
        const outcome = await deps.service.decide(
          ctx.audit,
          request.params.id,
          viewerOf(ctx),
          approved,
        )
        if (outcome.ok)
          return reply.redirect(
            `${staffPaths.referral(request.params.id)}?done=${approved ? 'approved' : 'declined'}`,
            303,
          )
        return refused(ctx, outcome.code)
      },
    })
  }

  router.add({
    method: 'POST',
    url: staffPaths.referralAction(':id', 'review'),
    access: { permission: 'referral.review' },
    audit: 'referral.reviewed',
    handler: async (request: IdRequest, reply, ctx) => {
      const outcome = await deps.service.review(ctx.audit, request.params.id, viewerOf(ctx))
      if (outcome.ok)
        return reply.redirect(`${staffPaths.referral(request.params.id)}?done=reviewed`, 303)
      return refused(ctx, outcome.code)
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.referrals,
    access: { permission: 'referral.approve' },
    audit: 'referrals.listed',
    handler: async (request, reply, ctx) => {
      const people = await deps.people()
      const referrals = await deps.service.forSupervisors(ctx.audit)
      return ctx.view('referrals.njk', { rows: referrals.map((r) => referralRow(r, people)) })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.failedDeliveries,
    access: { permission: 'deliveries.view' },
    audit: 'deliveries.listed',
    handler: async (request: FastifyRequest<{ Querystring: { done?: string } }>, reply, ctx) => {
      const messages = await deps.service.failedDeliveries(ctx.audit)
      return ctx.view('deliveries-failed.njk', {
        rows: messages.map(messageRow),
        // Administrators see the reference, not the report: they may not open reports.
        canOpenReports: allows(viewerOf(ctx).roles, 'report.view'),
        flash: request.query.done === 'retried' ? 'Sending again' : undefined,
      })
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.retryDelivery(':id'),
    access: { permission: 'deliveries.retry' },
    audit: 'delivery.retried',
    handler: async (request: IdRequest, reply, ctx) => {
      const outcome = await deps.service.retryDelivery(ctx.audit, request.params.id)
      if (outcome.ok) return reply.redirect(`${staffPaths.failedDeliveries}?done=retried`, 303)
      return refused(ctx, outcome.code)
    },
  })

  function refused(ctx: StaffContext, code: string) {
    if (code === 'REFERRAL_NOT_FOUND') return notFound(ctx)
    return ctx.view(
      'staff-error.njk',
      {
        title:
          code === 'NOT_ALLOWED' ? 'Another supervisor must decide' : 'This has already been done',
        message:
          code === 'NOT_ALLOWED'
            ? 'You asked for this referral, so another supervisor approves or declines it.'
            : 'Someone else has already dealt with it. Nothing was changed.',
      },
      409,
    )
  }
}
