import type { Config } from '../../src/config.js'
import { testConfig } from '../../test/app.js'
import { startSmtpServer } from '../../test/delivery.js'
import { startApp, type StartedApp } from './browser.js'

export type SmtpServer = Awaited<ReturnType<typeof startSmtpServer>>

/** A log for the outbox worker the specs run by hand: what it says is not what they test. */
const ignore = (): void => undefined
export const silentLog = { info: ignore, warn: ignore, error: ignore }

/**
 * The app at `at`, its email going to a real SMTP server on this machine (STARTTLS with a
 * self-signed certificate), and staff sessions that outlast a long journey.
 */
export async function startAppWithMail(options: {
  at: Date
  sessionIdleMinutes: number
  delivery?: Partial<Config['delivery']>
}): Promise<{ app: StartedApp; smtp: SmtpServer }> {
  const smtp = await startSmtpServer()
  const base = testConfig()
  const app = await startApp({
    at: options.at,
    config: {
      staff: { ...base.staff, sessionIdleMinutes: options.sessionIdleMinutes },
      delivery: {
        ...base.delivery,
        smtpUrl: smtp.url,
        smtpRejectUnauthorized: false,
        ...options.delivery,
      },
    },
  })
  return { app, smtp }
}
