import nodemailer from 'nodemailer'
import { DeliveryError } from '../outbox/worker.js'

export interface EmailSettings {
  /** `smtp://host:port` (STARTTLS, required) or `smtps://host:465`; undefined: not sent, logged. */
  smtpUrl: string | undefined
  from: string
  /** Tests only: trust the test server's own certificate. */
  rejectUnauthorized: boolean
}

export interface OutgoingEmail {
  /** The outbox message's id: the Message-ID receivers use to drop a repeat. */
  messageId: string
  to: string
  subject: string
  text: string
  html?: string
  attachments?: { filename: string; content: Buffer; contentType: string }[]
}

export interface EmailSender {
  send(email: OutgoingEmail): Promise<void>
  close(): void
}

export const messageIdHeader = (id: string) => `<${id}@safety-centre.outbox>`

/**
 * Email through nodemailer. TLS is required on every connection: a server that does not offer
 * it is not sent to. With no SMTP server configured (trying the service out) messages are built
 * and dropped, and only their ids logged.
 */
export function emailSender(
  settings: EmailSettings,
  log: { info(details: object, message: string): void },
): EmailSender {
  const transport = settings.smtpUrl
    ? nodemailer.createTransport({
        url: settings.smtpUrl,
        requireTLS: true,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 30_000,
        tls: { rejectUnauthorized: settings.rejectUnauthorized, minVersion: 'TLSv1.2' },
      })
    : nodemailer.createTransport({ jsonTransport: true })
  return {
    async send(email) {
      try {
        await transport.sendMail({
          from: settings.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          ...(email.html ? { html: email.html } : {}),
          messageId: messageIdHeader(email.messageId),
          headers: { 'X-Safety-Centre-Message-Id': email.messageId },
          attachments: email.attachments ?? [],
        })
      } catch (error) {
        const code = (error as { responseCode?: number; code?: string }).responseCode
        throw new DeliveryError(`EMAIL_NOT_SENT${code ? ` (server answered ${String(code)})` : ''}`)
      }
      if (!settings.smtpUrl) log.info({ message: email.messageId }, 'email built; no SMTP_URL set')
    },
    close: () => {
      transport.close()
    },
  }
}
