import { assessmentService } from './assessments/service.js'
import { triageAgreementService } from './assessments/agreement-service.js'
import { auditReader } from './audit/service.js'
import { caseService } from './cases/service.js'
import type { Config } from './config.js'
import { loadAssessmentContent } from './content/assessment.js'
import { loadContent } from './content/content.js'
import { createEnvelope } from './crypto/envelope.js'
import type { Db } from './db/db.js'
import { jurisdictionDirectory } from './jurisdictions/directory.js'
import { linkService } from './links/service.js'
import { partnerAgencyService } from './partner-agencies/service.js'
import { queueService } from './queue/service.js'
import { draftRepository } from './reports/drafts.js'
import { buildReportJourney } from './reports/journey.js'
import { placeFinder } from './reports/places.js'
import { reportService, type Triage } from './reports/service.js'
import { reportSourceService } from './report-button/service.js'
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
  })
  return {
    config,
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
