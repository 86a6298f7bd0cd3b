import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { MessageSummary } from '../outbox/repository.js'
import type { Referral } from '../referrals/repository.js'
import { deliveryEvents } from './deliveries.js'

const at = (minute: number) => new Date(Date.UTC(2027, 0, 12, 10, minute))

const referral = (over: Partial<Referral>): Referral => ({
  id: 'r1',
  reportId: 'p1',
  caseId: 'c1',
  caseNumber: 1,
  reference: 'SC-1',
  partnerAgencyId: 'a1',
  agencyName: 'The force',
  agencyKind: 'police-force',
  urgentPhone: null,
  kind: 'referral',
  urgency: 'standard',
  status: 'awaiting-approval',
  shared: [],
  lawfulBasis: 'public-task',
  reason: null,
  createdAt: at(0),
  createdBy: 'advisor',
  approvedBy: null,
  approvedAt: null,
  reviewedBy: null,
  reviewedAt: null,
  sentAt: null,
  sentByChannel: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  ...over,
})

const message = (over: Partial<MessageSummary>): MessageSummary => ({
  id: 'm1',
  purpose: 'reporter-acknowledgement',
  reportId: 'p1',
  reference: 'SC-1',
  referralId: null,
  agencyName: null,
  channel: 'email',
  status: 'pending',
  attempts: 0,
  maxAttempts: 8,
  createdAt: at(0),
  availableAt: at(0),
  deliveredAt: null,
  failedAt: null,
  lastError: null,
  ...over,
})

const kinds = (...args: Parameters<typeof deliveryEvents>) =>
  deliveryEvents(...args).map((e) => `${e.kind}@${String(e.at.getUTCMinutes())}`)

describe('referrals and messages as timeline events', () => {
  it('follows a referral from recording through approval, delivery and acknowledgement', () => {
    const approved = referral({
      status: 'acknowledged',
      approvedBy: 'supervisor',
      approvedAt: at(5),
      reviewedBy: 'supervisor',
      reviewedAt: at(5),
      acknowledgedAt: at(30),
    })
    const sent = message({
      purpose: 'referral',
      referralId: 'r1',
      status: 'delivered',
      deliveredAt: at(6),
    })
    assert.deepEqual(kinds([approved], [sent]), [
      'referral-recorded@0',
      'referral-approved@5',
      'referral-acknowledged@30',
      'referral-delivered@6',
    ])
  })

  it('says a declined referral was declined, and an urgent one reviewed, never "approved"', () => {
    const declined = referral({ status: 'declined', reviewedBy: 'supervisor', reviewedAt: at(3) })
    const urgent = referral({
      id: 'r2',
      urgency: 'urgent',
      status: 'sent',
      approvedBy: 'advisor',
      approvedAt: at(0),
      reviewedBy: 'supervisor',
      reviewedAt: at(9),
    })
    assert.deepEqual(kinds([declined, urgent], []), [
      'referral-recorded@0',
      'referral-declined@3',
      'referral-recorded@0',
      'referral-reviewed@9',
    ])
  })

  it('shows messages to the reporter delivered, failed or held, and nothing still waiting', () => {
    const events = deliveryEvents(
      [],
      [
        message({ id: 'a', status: 'delivered', deliveredAt: at(1) }),
        message({ id: 'b', status: 'failed', failedAt: at(2), lastError: 'EAUTH' }),
        message({ id: 'c', status: 'held' }),
        message({ id: 'd', status: 'pending' }),
      ],
    )
    assert.deepEqual(
      events.map((e) => e.kind),
      ['message-delivered', 'message-failed', 'message-held'],
    )
    assert.equal(events[1]?.details.error, 'EAUTH')
    assert.equal(new Set(events.map((e) => e.id)).size, 3, 'each event has its own id')
  })
})
