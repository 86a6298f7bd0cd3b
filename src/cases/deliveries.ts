import type { Sealed } from '../crypto/envelope.js'
import type { MessageSummary } from '../outbox/repository.js'
import type { Referral } from '../referrals/repository.js'
import type { EventDetails } from './repository.js'

/**
 * Referrals and messages to the reporter, and legal holds on the case's reports, as timeline
 * events. They are read from the referrals, the outbox and the reports' changes rather than
 * copied into `case_events`, so the timeline always agrees with what was done, and shows what
 * went before the case was opened (the reporter's acknowledgement, an urgent referral from
 * triage) and what a report brings when it joins. Details hold references and codes only; a
 * referral's reason stays sealed on the referral.
 */
export interface DerivedEvent {
  id: string
  at: Date
  actor: string
  kind: string
  details: EventDetails
}

/** The service itself, for what the outbox's workers and partners did. */
export const SERVICE_ACTOR = 'service'
export const PARTNER_ACTOR = 'partner'

export const REFERRAL_EVENTS = [
  'referral-recorded',
  'referral-approved',
  'referral-declined',
  'referral-reviewed',
  'referral-delivered',
  'referral-failed',
  'referral-acknowledged',
] as const

export const MESSAGE_EVENTS = ['message-delivered', 'message-failed', 'message-held'] as const

export const LEGAL_HOLD_EVENTS = ['legal-hold-placed', 'legal-hold-lifted'] as const

/**
 * A legal hold placed on or lifted from one of the case's reports, from the report's own
 * changes: a hold on one report keeps the whole case past its retention period. The reason
 * stays sealed here, under the report change's own context.
 */
export function legalHoldEvent(change: {
  id: string
  changedAt: Date
  changedBy: string
  kind: string
  reference: string
  reason: Sealed
}): DerivedEvent & { reason: Sealed } {
  return {
    id: change.id,
    at: change.changedAt,
    actor: change.changedBy,
    kind: change.kind === 'legal-hold' ? 'legal-hold-placed' : 'legal-hold-lifted',
    details: { reference: change.reference },
    reason: change.reason,
  }
}

export function deliveryEvents(
  referrals: readonly Referral[],
  messages: readonly MessageSummary[],
): DerivedEvent[] {
  const events: DerivedEvent[] = []
  const add = (id: string, at: Date | null, actor: string, kind: string, details: EventDetails) => {
    if (at) events.push({ id: `${id}:${kind}`, at, actor, kind, details })
  }
  for (const r of referrals) {
    const details = {
      referralId: r.id,
      agency: r.agencyName,
      urgency: r.urgency,
      reference: r.reference,
    }
    add(r.id, r.createdAt, r.createdBy, 'referral-recorded', details)
    if (r.status === 'declined')
      add(r.id, r.reviewedAt, r.reviewedBy ?? '', 'referral-declined', details)
    else if (r.urgency === 'standard' && r.approvedBy)
      add(r.id, r.approvedAt, r.approvedBy, 'referral-approved', details)
    if (r.urgency === 'urgent' && r.reviewedBy)
      add(r.id, r.reviewedAt, r.reviewedBy, 'referral-reviewed', details)
    add(r.id, r.acknowledgedAt, PARTNER_ACTOR, 'referral-acknowledged', details)
  }
  const agencyOf = new Map(referrals.map((r) => [r.id, r.agencyName]))
  for (const m of messages) {
    const details = {
      messageId: m.id,
      purpose: m.purpose,
      channel: m.channel,
      reference: m.reference,
      referralId: m.referralId,
      agency: m.referralId ? (agencyOf.get(m.referralId) ?? m.agencyName) : null,
      attempts: m.attempts,
      error: m.lastError,
    }
    const referral = m.purpose === 'referral'
    add(
      m.id,
      m.deliveredAt,
      SERVICE_ACTOR,
      referral ? 'referral-delivered' : 'message-delivered',
      details,
    )
    add(m.id, m.failedAt, SERVICE_ACTOR, referral ? 'referral-failed' : 'message-failed', details)
    if (m.status === 'held' && !referral)
      add(m.id, m.createdAt, SERVICE_ACTOR, 'message-held', details)
  }
  return events
}
