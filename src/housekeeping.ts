import type { FastifyBaseLogger } from 'fastify'
import { auditChainHead, sealAllAuditEvents } from './audit/sealing.js'
import type { Deps } from './deps.js'
import { holidayCoverageWarning } from './triage/calendar.js'

/** Says so, in the log, when the office's holiday list is about to run out. */
export function warnOfCalendarGaps(deps: Deps, log: FastifyBaseLogger): void {
  const warning = holidayCoverageWarning(deps.calendar, deps.now())
  if (warning) log.warn(warning)
}

/**
 * Background upkeep, in-process: sealing new audit events into the hash chain, deleting
 * drafts whose time is up and rate-limit windows that have ended, purging reports and cases
 * whose retention period has ended, and a daily look at whether the holiday list is running
 * out. All are safe with several instances running them at once (the sealer takes an advisory
 * lock; the deletes are idempotent; the purge locks what it purges without waiting; the look
 * only logs). Returns a function that stops them.
 */
export function startHousekeeping(deps: Deps, log: FastifyBaseLogger): () => void {
  const timers = [
    every(5_000, async () => {
      const sealed = await sealAllAuditEvents(deps.db, deps.secrets.encryptionKeys)
      // The head goes to the log, outside the database's reach: see auditChainHead.
      if (sealed > 0) {
        log.info({ sealed, auditChainHead: await auditChainHead(deps.db) }, 'audit events sealed')
      }
    }),
    // Expired answers are unreadable at once (every read checks the expiry); deleting them at
    // start-up and each minute after keeps their ciphertext from lingering on disk.
    every(
      60_000,
      async () => {
        const count = await deps.reports.purgeExpiredDrafts()
        if (count > 0) log.info({ count }, 'expired drafts deleted')
        await deps.rateLimits.purge()
      },
      { now: true },
    ),
    every(10 * 60_000, async () => {
      const count = await deps.staff.purge()
      log.debug({ count }, 'ended staff sessions deleted')
    }),
    // An Idempotency-Key answers retries for API_IDEMPOTENCY_KEY_HOURS, then is forgotten.
    every(10 * 60_000, async () => {
      const count = await deps.apiReports.purgeIdempotencyKeys(deps.config.api.idempotencyKeyHours)
      if (count > 0) log.info({ count }, 'old idempotency keys deleted')
    }),
    // The retention periods of the privacy notice (content/retention.json). Hourly is plenty
    // for periods counted in years, and keeps each run short.
    every(
      60 * 60_000,
      () =>
        deps.retention.purgeDue((batch) => {
          if (batch.failed.length > 0)
            log.error({ failed: batch.failed }, 'retention purge failed for some records')
          log.info(
            {
              period: batch.period,
              reports: batch.reports.length,
              cases: batch.cases.length,
              references: batch.reports,
              caseNumbers: batch.cases,
              held: batch.held,
            },
            'retention periods ended: records purged',
          )
        }),
      { now: true },
    ),
    every(24 * 60 * 60_000, () => {
      warnOfCalendarGaps(deps, log)
      return Promise.resolve()
    }),
  ]
  return () => {
    for (const timer of timers) clearInterval(timer)
  }

  /** Runs `task` every `ms` (and at once if asked), skipping a turn while one is still going. */
  function every(
    ms: number,
    task: () => Promise<void>,
    options: { now?: boolean } = {},
  ): NodeJS.Timeout {
    let running = false
    const run = () => {
      if (running) return
      running = true
      task()
        .catch((error: unknown) => {
          log.error({ err: error }, 'housekeeping task failed')
        })
        .finally(() => {
          running = false
        })
    }
    if (options.now) run()
    const timer = setInterval(run, ms)
    timer.unref()
    return timer
  }
}
