import { randomUUID } from 'node:crypto'
import type { Envelope, Sealed } from '../crypto/envelope.js'
import type { Channel, ClaimedMessage } from '../outbox/repository.js'
import { PermanentDeliveryError, type PurposeHandler } from '../outbox/worker.js'
import type { ReportAnswers } from '../reports/answers.js'
import { fill, type ReferralContent } from '../referrals/content.js'
import type { EmailSender } from './email.js'
import { nextSafeMoment, readSafeTimes } from './safe-times.js'
import type { SmsProvider } from './sms.js'

/**
 * Messages to the person who reported: only by a way they said is safe, only at a time they
 * said is safe, and never a word about the child. The recipient and the words are sealed in
 * the outbox row; the worker opens them to send.
 */
export interface ReporterPayload {
  to: string
  subject: string
  text: string
}

export interface ReporterRoute {
  channel: Extract<Channel, 'email' | 'sms'>
  to: string
}

/**
 * The safe way to write to them: email if they gave one and it is safe, else a text if that
 * is. A phone call only is for a person to make. Choosing no way at all means any way given.
 */
export function reporterRoute(answers: ReportAnswers): ReporterRoute | undefined {
  const contact = answers['contact-details']
  const chosen = answers['safe-ways-to-contact']?.contactWays ?? []
  const safe = (way: 'email' | 'text') => chosen.length === 0 || chosen.includes(way)
  if (contact?.email && safe('email')) return { channel: 'email', to: contact.email }
  if (contact?.phone && safe('text')) return { channel: 'sms', to: contact.phone }
  return undefined
}

export interface QueuedReporterMessage {
  id: string
  channel: ReporterRoute['channel']
  availableAt: Date
  /** Held for a person when the safe times could not be read. */
  status: 'pending' | 'held'
  payload: Sealed
}

export interface ReporterMessageSettings {
  envelope: Envelope
  content: ReferralContent
  serviceName: string
  timeZone: string
}

export const payloadContext = (messageId: string) => `outbox:${messageId}`

/** A message to the reporter ready for the outbox, or undefined when no way is safe. */
export function reporterMessage(
  settings: ReporterMessageSettings,
  answers: ReportAnswers,
  at: Date,
  words: (channel: ReporterRoute['channel']) => { subject: string; text: string },
): QueuedReporterMessage | undefined {
  const route = reporterRoute(answers)
  if (!route) return undefined
  const id = randomUUID()
  const windows = readSafeTimes(answers['safe-times']?.safeTimes)
  const payload: ReporterPayload = { to: route.to, ...words(route.channel) }
  return {
    id,
    channel: route.channel,
    availableAt: windows ? nextSafeMoment(windows, at, settings.timeZone) : at,
    status: windows ? 'pending' : 'held',
    payload: settings.envelope.seal(JSON.stringify(payload), payloadContext(id)),
  }
}

/** The acknowledgement a report gets when it is sent: the reference and what happens next. */
export function acknowledgementMessage(
  settings: ReporterMessageSettings,
  answers: ReportAnswers,
  reference: string,
  at: Date,
): QueuedReporterMessage | undefined {
  const ack = settings.content.reporter.acknowledgement
  const values = { reference, serviceName: settings.serviceName }
  return reporterMessage(settings, answers, at, (channel) => ({
    subject: fill(ack.subject, values),
    text: fill(channel === 'sms' ? ack.sms : ack.body, values),
  }))
}

/** The outbox's handler for messages to reporters. */
export function reporterMessageDelivery(deps: {
  envelope: Envelope
  email: EmailSender
  sms: SmsProvider
}): PurposeHandler {
  return {
    async send(message: ClaimedMessage) {
      if (!message.payload || !message.channel) throw new PermanentDeliveryError('NO_PAYLOAD')
      const payload = JSON.parse(
        deps.envelope.open(message.payload, payloadContext(message.id)),
      ) as ReporterPayload
      if (message.channel === 'email') {
        await deps.email.send({
          messageId: message.id,
          to: payload.to,
          subject: payload.subject,
          text: payload.text,
        })
        return { channel: 'email', acknowledged: false }
      }
      await deps.sms.send({ messageId: message.id, to: payload.to, text: payload.text })
      return { channel: 'sms', acknowledged: false }
    },
  }
}
