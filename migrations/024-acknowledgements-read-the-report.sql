-- The reporter's acknowledgement is composed from the report when the outbox worker sends it
-- (ADR 0015): intake writes when and how, and no second sealed copy of the reporter's address.
-- A message staff write to a reporter still carries its sealed words; a referral never does.
-- Acknowledgements written before this keep their payload and are sent as written.
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_payload_check;
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_payload_check CHECK (
  CASE purpose
    WHEN 'referral' THEN payload_ciphertext IS NULL
    WHEN 'reporter-message' THEN payload_ciphertext IS NOT NULL
    ELSE true
  END
);
