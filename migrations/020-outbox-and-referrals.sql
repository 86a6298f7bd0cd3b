-- Delivering what the service promises to send, exactly once in effect: referrals to partner
-- agencies and messages to reporters. Every message is written to the outbox in the same
-- transaction as the change that causes it, and workers deliver it (ADR 11). A message's id is
-- the stable id receivers use to drop duplicates.

-- How a partner agency receives referrals: secure email (TLS required) and/or a signed webhook.
-- The webhook's secret is sealed like personal data: a database dump must not let anyone sign.
ALTER TABLE partner_agencies
  ADD COLUMN delivery_email          text,
  ADD COLUMN webhook_url             text,
  ADD COLUMN webhook_format          text,
  ADD COLUMN webhook_key_id          text,
  ADD COLUMN webhook_wrapped_key     bytea,
  ADD COLUMN webhook_secret_ciphertext bytea,
  ADD CONSTRAINT partner_agencies_webhook_check CHECK (
    (webhook_url IS NULL) = (webhook_format IS NULL)
    AND (webhook_url IS NULL) = (webhook_secret_ciphertext IS NULL)
  ),
  ADD CONSTRAINT partner_agencies_webhook_format_check
    CHECK (webhook_format IS NULL OR webhook_format IN ('safety-centre-referral-v1'));

-- Referrals gain what the referrals issue records: urgency, the reason (sealed free text), who
-- approved or reviewed them, and delivery and acknowledgement.
ALTER TABLE referrals DROP CONSTRAINT referrals_kind_check;
ALTER TABLE referrals DROP CONSTRAINT referrals_status_check;
ALTER TABLE referrals
  ADD COLUMN urgency              text NOT NULL DEFAULT 'urgent',
  ADD COLUMN reason_key_id        text,
  ADD COLUMN reason_wrapped_key   bytea,
  ADD COLUMN reason_ciphertext    bytea,
  ADD COLUMN approved_by          text,
  ADD COLUMN approved_at          timestamptz,
  ADD COLUMN reviewed_by          text,
  ADD COLUMN reviewed_at          timestamptz,
  ADD COLUMN sent_at              timestamptz,
  ADD COLUMN sent_by_channel      text,
  ADD COLUMN acknowledged_at      timestamptz,
  ADD COLUMN acknowledged_by      text;
ALTER TABLE referrals ALTER COLUMN urgency DROP DEFAULT;

CREATE INDEX referrals_unacknowledged ON referrals (urgency, sent_at)
  WHERE acknowledged_at IS NULL AND status IN ('sending', 'sent', 'failed');

-- The outbox. `available_at` holds a message back (a retry's backoff; a reporter's safe
-- times); `claimed_by`/`claimed_until` is a worker's lease while it sends, so two workers never
-- send one message at once, and a crashed worker's messages are taken up when its lease ends.
-- Reporter messages carry their recipient and words sealed; a referral's package is built from
-- the referral when it is sent, so a corrected address is used on a retry.
CREATE TABLE outbox_messages (
  id                  uuid NOT NULL,
  purpose             text NOT NULL,
  report_id           uuid NOT NULL REFERENCES reports (id),
  referral_id         uuid REFERENCES referrals (id),
  channel             text,
  status              text NOT NULL,
  attempts            integer NOT NULL DEFAULT 0,
  max_attempts        integer NOT NULL,
  available_at        timestamptz NOT NULL,
  claimed_by          text,
  claimed_until       timestamptz,
  created_at          timestamptz NOT NULL,
  created_by          text NOT NULL,
  delivered_at        timestamptz,
  failed_at           timestamptz,
  -- an error code and short words from the transport, never personal data
  last_error          text,
  key_id              text,
  wrapped_data_key    bytea,
  payload_ciphertext  bytea,
  CONSTRAINT outbox_messages_pkey PRIMARY KEY (id),
  CONSTRAINT outbox_messages_purpose_check CHECK (purpose IN (
    'referral', 'reporter-acknowledgement', 'reporter-message'
  )),
  CONSTRAINT outbox_messages_referral_check CHECK ((purpose = 'referral') = (referral_id IS NOT NULL)),
  CONSTRAINT outbox_messages_payload_check
    CHECK ((purpose = 'referral') = (payload_ciphertext IS NULL)),
  CONSTRAINT outbox_messages_channel_check
    CHECK (channel IS NULL OR channel IN ('email', 'webhook', 'sms')),
  CONSTRAINT outbox_messages_status_check CHECK (status IN (
    'pending', 'sending', 'delivered', 'failed', 'held'
  ))
);

CREATE INDEX outbox_messages_due ON outbox_messages (available_at)
  WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_messages_failed ON outbox_messages (failed_at) WHERE status = 'failed';
CREATE INDEX outbox_messages_report ON outbox_messages (report_id, created_at);

-- Urgent referrals recorded before delivery existed ("to send") go out now, through the outbox.
INSERT INTO outbox_messages (id, purpose, report_id, referral_id, status, max_attempts,
  available_at, created_at, created_by)
SELECT gen_random_uuid(), 'referral', report_id, id, 'pending', 8, now(), now(), created_by
  FROM referrals WHERE status = 'to-send';
UPDATE referrals SET status = 'sending', approved_by = created_by, approved_at = created_at
 WHERE status = 'to-send';

ALTER TABLE referrals
  ADD CONSTRAINT referrals_kind_check CHECK (kind IN ('urgent-police', 'referral')),
  ADD CONSTRAINT referrals_urgency_check CHECK (urgency IN ('urgent', 'standard')),
  ADD CONSTRAINT referrals_status_check CHECK (status IN (
    'awaiting-approval', 'declined', 'sending', 'sent', 'acknowledged', 'failed'
  )),
  -- a referral goes only once someone approved it: a supervisor, or (urgent) the sender
  ADD CONSTRAINT referrals_approved_check CHECK (
    status IN ('awaiting-approval', 'declined') OR approved_by IS NOT NULL
  );
