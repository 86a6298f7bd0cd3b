import { randomUUID } from 'node:crypto'
import type { Envelope, Sealed } from '../crypto/envelope.js'
import type { Channel, ClaimedMessage } from '../outbox/repository.js'
import { PermanentDeliveryError, type Delivered, type PurposeHandler } from '../outbox/worker.js'
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

/** When and how a message to the reporter goes: the outbox row without its words. */
export interface ReporterSchedule {
  id: string
  channel: ReporterRoute['channel']
  availableAt: Date
  /** Held for a person when the safe times could not be read. */
  status: 'pending' | 'held'
}

export interface QueuedReporterMessage extends ReporterSchedule {
  payload: Sealed
}

export interface ReporterMessageSettings {
  envelope: Envelope
  content: ReferralContent
  serviceName: string
  timeZone: string
}

export const payloadContext = (messageId: string) => `outbox:${messageId}`

/** The way and the safe time to write to the reporter, or undefined when no way is safe. */
export function reporterSchedule(
  settings: Pick<ReporterMessageSettings, 'timeZone'>,
  answers: ReportAnswers,
  at: Date,
): ReporterSchedule | undefined {
  const route = reporterRoute(answers)
  return route && scheduleOn(route, settings, answers, at)
}

function scheduleOn(
  route: ReporterRoute,
  settings: Pick<ReporterMessageSettings, 'timeZone'>,
  answers: ReportAnswers,
  at: Date,
): ReporterSchedule {
  const windows = readSafeTimes(answers['safe-times']?.safeTimes)
  return {
    id: randomUUID(),
    channel: route.channel,
    availableAt: windows ? nextSafeMoment(windows, at, settings.timeZone) : at,
    status: windows ? 'pending' : 'held',
  }
}

/** A message to the reporter ready for the outbox, or undefined when no way is safe. */
export function reporterMessage(
  settings: ReporterMessageSettings,
  answers: ReportAnswers,
  at: Date,
  words: (channel: ReporterRoute['channel']) => { subject: string; text: string },
): QueuedReporterMessage | undefined {
  const route = reporterRoute(answers)
  if (!route) return undefined
  const schedule = scheduleOn(route, settings, answers, at)
  const payload: ReporterPayload = { to: route.to, ...words(route.channel) }
  return {
    ...schedule,
    payload: settings.envelope.seal(JSON.stringify(payload), payloadContext(schedule.id)),
  }
}

/** The acknowledgement's words: the reference and what happens next. */
export function acknowledgementWords(
  settings: Pick<ReporterMessageSettings, 'content' | 'serviceName'>,
  reference: string,
  channel: ReporterRoute['channel'],
): { subject: string; text: string } {
  const ack = settings.content.reporter.acknowledgement
  const values = { reference, serviceName: settings.serviceName }
  return {
    subject: fill(ack.subject, values),
    text: fill(channel === 'sms' ? ack.sms : ack.body, values),
  }
}

interface ReporterTransports {
  email: EmailSender
  sms: SmsProvider
}

async function sendToReporter(
  transports: ReporterTransports,
  messageId: string,
  channel: Channel,
  payload: ReporterPayload,
): Promise<Delivered> {
  if (channel === 'email') {
    await transports.email.send({
      messageId,
      to: payload.to,
      subject: payload.subject,
      text: payload.text,
    })
    return { channel: 'email', acknowledged: false }
  }
  if (channel !== 'sms') throw new PermanentDeliveryError('NOT_A_REPORTER_CHANNEL')
  await transports.sms.send({ messageId, to: payload.to, text: payload.text })
  return { channel: 'sms', acknowledged: false }
}

/** The outbox's handler for messages staff write to reporters: the words are sealed in the row. */
export function reporterMessageDelivery(
  deps: { envelope: Envelope } & ReporterTransports,
): PurposeHandler {
  return {
    async send(message: ClaimedMessage) {
      if (!message.payload || !message.channel) throw new PermanentDeliveryError('NO_PAYLOAD')
      const payload = JSON.parse(
        deps.envelope.open(message.payload, payloadContext(message.id)),
      ) as ReporterPayload
      return sendToReporter(deps, message.id, message.channel, payload)
    },
  }
}

/**
 * The outbox's handler for the acknowledgement intake queues with every report. The row holds
 * no copy of the reporter's address or the words: they are read from the report when it is
 * sent, so the contact details are sealed once, in the report, and intake seals nothing more.
 * A row sealed by an earlier version, words and all, is sent as it was written.
 */
export function acknowledgementDelivery(
  deps: {
    envelope: Envelope
    settings: Pick<ReporterMessageSettings, 'content' | 'serviceName'>
    reportAnswers: (
      reportId: string,
    ) => Promise<{ reference: string; answers: ReportAnswers } | undefined>
  } & ReporterTransports,
): PurposeHandler {
  const sealedWords = reporterMessageDelivery(deps)
  return {
    async send(message: ClaimedMessage) {
      if (message.payload) return sealedWords.send(message)
      const report = await deps.reportAnswers(message.reportId)
      if (!report) throw new PermanentDeliveryError('NO_REPORT')
      // A report's answers never change, so this is the way intake chose.
      const route = reporterRoute(report.answers)
      if (!route) throw new PermanentDeliveryError('NO_SAFE_WAY')
      const words = acknowledgementWords(deps.settings, report.reference, route.channel)
      return sendToReporter(deps, message.id, route.channel, { to: route.to, ...words })
    },
  }
}
