import type { AuditTrail } from '../audit/trail.js'
import type { Db } from '../db/db.js'
import { enqueue, messagesOfReport } from '../outbox/repository.js'
import { findReport } from '../queue/repository.js'
import type { QueueService, Viewer } from '../queue/service.js'
import type { ReportAnswers } from '../reports/answers.js'
import { fill } from '../referrals/content.js'
import { text } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'
import {
  reporterMessage,
  reporterRoute,
  type ReporterMessageSettings,
} from './reporter-messages.js'

export const MESSAGE_LIMITS = { email: 3000, sms: 320 }

/**
 * Messages staff write to the person who reported, starting from the templates in
 * content/messages/reporter.json. They go through the outbox, by a safe way, at a safe time.
 */
export function reporterMessageService(deps: {
  db: Db
  queue: QueueService
  settings: ReporterMessageSettings
  maxAttempts: number
  now: () => Date
}) {
  const { db, settings, now } = deps
  const templates = () => settings.content.reporter.templates

  async function answersOf(reportId: string): Promise<ReportAnswers | undefined> {
    const report = await findReport(db, reportId)
    if (!report) return undefined
    return JSON.parse(settings.envelope.open(report.sealed, `report:${report.id}`)) as ReportAnswers
  }

  return {
    templates,

    /** The words a template starts from, with the report's reference filled in. */
    startingWords(templateId: string | undefined, reference: string): string {
      const template = templates().find((t) => t.id === templateId)
      return template ? fill(template.body, { reference, serviceName: settings.serviceName }) : ''
    },

    async send(
      audit: AuditTrail,
      reportId: string,
      viewer: Viewer,
      body: FormBody,
    ): Promise<
      | { ok: true }
      | { ok: false; code: 'INVALID'; errors: FieldErrors }
      | { ok: false; code: 'REPORT_NOT_FOUND' }
    > {
      const report = await deps.queue.reportForAction(reportId, viewer)
      const answers = report && (await answersOf(reportId))
      if (!report || !answers) return { ok: false, code: 'REPORT_NOT_FOUND' }
      const route = reporterRoute(answers)
      const words = text(body, 'message')
      const errors: FieldErrors = {}
      if (!route)
        errors.message =
          'The reporter did not give a safe way to write to them: phone them at a safe time instead'
      else if (words === '') errors.message = 'Enter the message'
      else if (words.length > MESSAGE_LIMITS[route.channel])
        errors.message = `A ${route.channel === 'sms' ? 'text message' : 'message'} must be ${MESSAGE_LIMITS[route.channel].toLocaleString('en-GB')} characters or less`
      if (Object.keys(errors).length > 0) return { ok: false, code: 'INVALID', errors }
      const at = now()
      const message = reporterMessage(settings, answers, at, () => ({
        subject: `A message from ${settings.serviceName} about ${report.reference}`,
        text: words,
      }))
      if (!message) return { ok: false, code: 'INVALID', errors: { message: 'No safe way' } }
      await db.transaction(async (tx) => {
        await enqueue(tx, {
          id: message.id,
          purpose: 'reporter-message',
          reportId,
          channel: message.channel,
          status: message.status,
          maxAttempts: deps.maxAttempts,
          availableAt: message.availableAt,
          createdAt: at,
          createdBy: viewer.id,
          payload: message.payload,
        })
        await audit.record(
          tx,
          { type: 'report', id: reportId },
          {
            details: { reference: report.reference, message: message.id, channel: message.channel },
          },
        )
      })
      return { ok: true }
    },

    /** Every message to the reporter about a report, sent or not, for its timeline. */
    messagesOf: (reportId: string) =>
      messagesOfReport(db, reportId).then((all) => all.filter((m) => m.purpose !== 'referral')),
  }
}

export type ReporterMessageService = ReturnType<typeof reporterMessageService>
