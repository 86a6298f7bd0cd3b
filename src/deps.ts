import { apiClientService, apiReportService } from './api/service.js'
import { assessmentService } from './assessments/service.js'
import { triageAgreementService } from './assessments/agreement-service.js'
import { auditReader } from './audit/service.js'
import { caseService } from './cases/service.js'
import { markCaseReferred } from './cases/referrals.js'
import type { Config } from './config.js'
import { loadAssessmentContent } from './content/assessment.js'
import { loadContent } from './content/content.js'
import { createEnvelope } from './crypto/envelope.js'
import type { Db } from './db/db.js'
import { jurisdictionDirectory } from './jurisdictions/directory.js'
import { emailSender } from './notifications/email.js'
import {
  acknowledgementDelivery,
  reporterMessage,
  reporterMessageDelivery,
  reporterSchedule,
} from './notifications/reporter-messages.js'
import { enqueue as enqueueMessage } from './outbox/repository.js'
import type { ReportAnswers } from './reports/answers.js'
import { reporterMessageService } from './notifications/service.js'
import { httpSmsProvider, loggingSmsProvider } from './notifications/sms.js'
import { outboxWorker, type WorkerLog } from './outbox/worker.js'
import { deliveryChannelService } from './partner-agencies/delivery-service.js'
import { linkService } from './links/service.js'
import { partnerAgencyService } from './partner-agencies/service.js'
import { acknowledgementKey, acknowledgementToken } from './referrals/acknowledgement.js'
import { loadReferralContent } from './referrals/content.js'
import { referralDelivery, referralPackages } from './referrals/delivery.js'
import { referralService } from './referrals/service.js'
import { paths } from './web/paths.js'
import { queueService } from './queue/service.js'
import { draftRepository } from './reports/drafts.js'
import { buildReportJourney } from './reports/journey.js'
import { placeFinder } from './reports/places.js'
import { reportService, type Triage } from './reports/service.js'
import { reportSourceService } from './report-button/service.js'
import { retentionService } from './retention/service.js'
import type { Secrets } from './secrets.js'
import { sharedRateLimitCounter } from './web/rate-limit.js'
import { staffService } from './staff/service.js'
import { loadOfficeCalendar } from './triage/calendar-settings.js'
import { defaultRuleSet, loadRuleSet } from './triage/rule-set.js'
import { buildTriage } from './triage/service.js'

export interface DepsOptions {
  config: Config
  db: Db
  secrets: Secrets
  now?: () => Date
  /** Replaces the configured triage (tests that need a failing or fixed outcome). */
  triage?: Triage
}

/** Everything the app needs, built once: the composition root's list of parts. */
export async function buildDeps(options: DepsOptions) {
  const { config, db, secrets, now = () => new Date() } = options
  const jurisdictions = jurisdictionDirectory(db)
  const calendar = await loadOfficeCalendar(config.office)
  const triage = options.triage ?? buildTriage(config, jurisdictions, calendar)
  const envelope = createEnvelope(secrets.encryptionKeys)
  const content = await loadContent(config.contentDir)
  const referralContent = await loadReferralContent(config.contentDir)
  const { delivery } = config
  const reporterMessages = {
    envelope,
    content: referralContent,
    serviceName: content.agency.serviceName,
    timeZone: config.office.timeZone,
  }
  const journey = buildReportJourney(now, placeFinder(jurisdictions))
  const links = linkService({
    db,
    identifierKeys: secrets.identifierKeys,
    phoneDefaultCountry: config.phoneDefaultCountry,
  })
  const reports = reportService({
    db,
    envelope,
    drafts: draftRepository(envelope),
    journey,
    now,
    draftTtlMinutes: config.draftTtlMinutes,
    triage,
    hashIdentifiers: links.hashIdentifiers,
    unsafeAckBeforeCommit: config.unsafeTestAckBeforeCommit,
    acknowledgement: (answers, at) => {
      const schedule = reporterSchedule(reporterMessages, answers, at)
      return schedule && { ...schedule, maxAttempts: delivery.maxAttempts }
    },
  })
  const staff = staffService({
    db,
    envelope,
    now,
    factors: { serviceName: content.agency.serviceName, serviceUrl: config.serviceUrl },
    sessions: {
      idleMinutes: config.staff.sessionIdleMinutes,
      maxHours: config.staff.sessionMaxHours,
    },
    allowTotp: config.staff.allowTotp,
  })
  const assessmentContent = await loadAssessmentContent(config.contentDir, content.partners)
  const partnerAgencies = partnerAgencyService({ db, now })
  const reportSources = reportSourceService({ db, now })
  const queue = queueService({
    db,
    envelope,
    calendar,
    deadlines: config.deadlines,
    jurisdictions,
    now,
  })
  const assessments = assessmentService({
    db,
    envelope,
    content: assessmentContent,
    queue,
    partnerAgencies,
    policeForces: async () =>
      (await partnerAgencies.list({ kinds: ['police-force'] })).map((agency) => ({
        code: agency.jurisdictionCode ?? '',
        name: agency.name,
      })),
    now,
    referralAttempts: delivery.maxAttempts,
    async messageReporter(tx, report, words, by, at) {
      const answers = JSON.parse(
        envelope.open(report.sealed, `report:${report.id}`),
      ) as ReportAnswers
      const message = reporterMessage(reporterMessages, answers, at, () => words)
      if (!message) return
      await enqueueMessage(tx, {
        ...message,
        purpose: 'reporter-message',
        reportId: report.id,
        maxAttempts: delivery.maxAttempts,
        createdAt: at,
        createdBy: by,
      })
    },
  })
  const deliveryChannels = deliveryChannelService({ db, envelope, now })
  const ackKey = acknowledgementKey(secrets.cookieSecret)
  const acknowledgeUrl = (referralId: string) =>
    `${config.serviceUrl}${paths.acknowledgeReferral(acknowledgementToken(ackKey, referralId))}`
  const staffName = async (id: string) =>
    (await staff.people()).find((p) => p.id === id)?.name ?? 'A member of staff'
  const referrals = referralService({
    db,
    envelope,
    content: referralContent,
    queue,
    partnerAgencies,
    acknowledgementKey: ackKey,
    maxAttempts: delivery.maxAttempts,
    urgentAcknowledgeMinutes: delivery.urgentAcknowledgeMinutes,
    now,
    unsafeEnqueueAfterCommit: delivery.unsafeEnqueueAfterCommit,
    caseReferred: markCaseReferred,
  })
  const packageOf = referralPackages({
    db,
    envelope,
    journey,
    content: referralContent,
    agency: content.agency,
    staffName,
    acknowledgeUrl,
    timeZone: config.office.timeZone,
  })

  /** The outbox worker with its transports; the service starts one, `npm run worker` others. */
  function buildOutboxWorker(log: WorkerLog, options: { id?: string; pollMs?: number } = {}) {
    const email = emailSender(
      {
        smtpUrl: delivery.smtpUrl,
        from: delivery.smtpFrom,
        rejectUnauthorized: delivery.smtpRejectUnauthorized,
      },
      log,
    )
    const sms =
      delivery.sms.provider === 'http' ? httpSmsProvider(delivery.sms) : loggingSmsProvider(log)
    const reporter = reporterMessageDelivery({ envelope, email, sms })
    const acknowledgement = acknowledgementDelivery({
      envelope,
      email,
      sms,
      settings: reporterMessages,
      reportAnswers: (id) => reports.answersOf(id),
    })
    const worker = outboxWorker({
      db,
      now,
      log,
      ...options,
      backoff: { baseMs: delivery.retryBaseMs, maxMs: 60 * 60_000 },
      leaseMs: delivery.leaseMs,
      handlers: {
        referral: referralDelivery({
          db,
          envelope,
          journey,
          content: referralContent,
          agency: content.agency,
          channelsOf: (id) => deliveryChannels.channelsOf(id),
          email,
          staffName,
          acknowledgeUrl,
          timeZone: config.office.timeZone,
          now,
        }),
        'reporter-acknowledgement': acknowledgement,
        'reporter-message': reporter,
      },
    })
    return {
      ...worker,
      async stop() {
        await worker.stop()
        email.close()
      },
    }
  }

  const apiReports = apiReportService({
    db,
    envelope,
    journey,
    triage,
    hashIdentifiers: links.hashIdentifiers,
    now,
    unsafeAckBeforeCommit: config.unsafeTestAckBeforeCommit,
  })
  const apiClients = apiClientService({
    db,
    now,
    rotationGraceHours: config.api.keyGraceHours,
  })
  return {
    config,
    reporterMessageService: reporterMessageService({
      db,
      queue,
      settings: reporterMessages,
      maxAttempts: delivery.maxAttempts,
      now,
    }),
    referralContent,
    reporterMessages,
    deliveryChannels,
    referrals,
    packageOf,
    buildOutboxWorker,
    rateLimits: sharedRateLimitCounter(db, now),
    db,
    secrets,
    envelope,
    content,
    journey,
    reports,
    links,
    jurisdictions,
    calendar,
    staff,
    assessmentContent,
    partnerAgencies,
    reportSources,
    queue,
    assessments,
    cases: caseService({
      db,
      envelope,
      now,
      failedContactsBeforeTask: config.caseFailedContactsBeforeTask,
      timeZone: calendar.timeZone,
    }),
    audit: auditReader(db),
    retention: retentionService({ db, now, retention: content.retention }),
    apiReports,
    apiClients,
    triageAgreement: triageAgreementService({
      db,
      now,
      // The rules as configured, to name each reason and the priority it gives.
      ruleSet: config.triageRulesFile ? loadRuleSet(config.triageRulesFile) : defaultRuleSet,
    }),
    now,
  }
}

export type Deps = Awaited<ReturnType<typeof buildDeps>>
