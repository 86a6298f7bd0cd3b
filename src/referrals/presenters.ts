import { describeMinutes, REFERRAL_STATUS_LABELS, type People } from '../queue/presenters.js'
import type { MessageSummary } from '../outbox/repository.js'
import { list } from '../web/form-fields.js'
import type { FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { LawfulBasis } from './content.js'
import { REFERRAL_SHARES, SHARE_TITLES } from './package.js'
import type { Referral } from './repository.js'
import { URGENCIES } from './validation.js'

/** How referrals and deliveries read on staff pages. Pure. */
export const nameOf = (people: People, id: string | null): string | null =>
  id === null ? null : (people.get(id) ?? 'A former member of staff')

const CHANNELS: Record<string, string> = {
  email: 'Secure email',
  webhook: 'Webhook',
  sms: 'Text message',
}
const PURPOSES: Record<string, string> = {
  referral: 'Referral',
  'reporter-acknowledgement': 'Acknowledgement to the reporter',
  'reporter-message': 'Message to the reporter',
}
const MESSAGE_STATUS: Record<string, string> = {
  pending: 'Waiting to send',
  sending: 'Sending',
  delivered: 'Delivered',
  failed: 'Not delivered',
  held: 'Held: the safe times need a person to read them',
}

export function referralRow(r: Referral, people: People) {
  return {
    id: r.id,
    href: staffPaths.referral(r.id),
    reference: r.reference,
    agencyName: r.agencyName,
    urgent: r.urgency === 'urgent',
    status: REFERRAL_STATUS_LABELS[r.status] ?? r.status,
    createdAt: r.createdAt,
    by: nameOf(people, r.createdBy),
  }
}

export function messageRow(m: MessageSummary) {
  return {
    id: m.id,
    purpose: PURPOSES[m.purpose] ?? m.purpose,
    reference: m.reference,
    reportHref: staffPaths.report(m.reportId),
    referralHref: m.referralId ? staffPaths.referral(m.referralId) : null,
    agencyName: m.agencyName,
    channel: m.channel ? (CHANNELS[m.channel] ?? m.channel) : 'Not chosen yet',
    status: MESSAGE_STATUS[m.status] ?? m.status,
    attempts: `${String(m.attempts)} of ${String(m.maxAttempts)}`,
    lastError: m.lastError,
    createdAt: m.createdAt,
    availableAt: m.availableAt,
    deliveredAt: m.deliveredAt,
    failedAt: m.failedAt,
    retryUrl: staffPaths.retryDelivery(m.id),
    canRetry: m.status === 'failed' || m.status === 'held',
  }
}

/**
 * What a referral form asks whether it refers a report or a case: how urgent, what is shared
 * (nothing personal unless the person ticks it) and the lawful basis, with the person's answers.
 */
export function referralChoices(values: FormBody, bases: readonly LawfulBasis[]) {
  return {
    urgencies: URGENCIES.map((u) => ({
      value: u,
      text:
        u === 'urgent'
          ? 'Urgent: send now, a supervisor reviews it afterwards'
          : 'Not urgent: a supervisor approves it before it is sent',
      checked: values.urgency === u,
    })),
    shares: shareItems(list(values, 'shared')),
    bases: basisItems(
      bases,
      typeof values.lawfulBasis === 'string' ? values.lawfulBasis : undefined,
    ),
  }
}

export function shareItems(checked: readonly string[]) {
  return REFERRAL_SHARES.map((s) => ({
    value: s,
    text: SHARE_TITLES[s],
    checked: checked.includes(s),
  }))
}

export function basisItems(bases: readonly LawfulBasis[], chosen: string | undefined) {
  return bases.map((b) => ({
    value: b.id,
    text: b.label,
    hint: { text: b.text },
    checked: b.id === chosen,
  }))
}

/** The Control Centre's alert: urgent referrals the partner has not acknowledged in time. */
export function unacknowledgedAlertView(referrals: readonly Referral[], at: Date) {
  return referrals.map((r) => ({
    reference: r.reference,
    agencyName: r.agencyName,
    href: staffPaths.referral(r.id),
    waiting: describeMinutes(
      Math.floor((at.getTime() - (r.approvedAt ?? r.createdAt).getTime()) / 60_000),
    ),
  }))
}
