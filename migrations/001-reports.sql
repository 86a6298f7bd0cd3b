-- Reports, their drafts and the audit trail. Personal fields live only inside
-- `personal_ciphertext` (AES-256-GCM under a per-record data key wrapped by a
-- key-encryption key named in `key_id`), so a dump alone reveals no one.

CREATE TABLE reports (
  id                  uuid PRIMARY KEY,
  reference           text NOT NULL,
  submission_key      text NOT NULL,
  received_at         timestamptz NOT NULL,
  source              text NOT NULL,
  source_site         text,
  audience            text NOT NULL,
  status              text NOT NULL DEFAULT 'new',
  -- structured, non-identifying answers kept in clear for triage queues and statistics
  immediate_danger    text NOT NULL,
  concerns            text[] NOT NULL,
  still_happening     text NOT NULL,
  other_person_age    text NOT NULL,
  child_age           smallint,
  -- triage, decided by the rules inside the intake transaction
  priority            text NOT NULL,
  priority_reasons    jsonb NOT NULL,
  rules_version       text NOT NULL,
  deadline_at         timestamptz NOT NULL,
  queues              text[] NOT NULL,
  jurisdiction        jsonb NOT NULL,
  -- personal data, encrypted
  key_id              text NOT NULL,
  wrapped_data_key    bytea NOT NULL,
  personal_ciphertext bytea NOT NULL,
  CONSTRAINT reports_reference_unique UNIQUE (reference),
  CONSTRAINT reports_submission_key_unique UNIQUE (submission_key),
  CONSTRAINT reports_source_check CHECK (source IN ('form', 'button', 'api')),
  CONSTRAINT reports_audience_check
    CHECK (audience IN ('young-person', 'parent-carer', 'professional', 'concerned-adult')),
  CONSTRAINT reports_priority_check CHECK (priority IN ('P1', 'P2', 'P3', 'out-of-scope'))
);

CREATE INDEX reports_queue_order ON reports (priority, received_at) WHERE status = 'new';

-- A reporter's answers in progress, keyed by the SHA-256 of an opaque cookie value.
CREATE TABLE report_drafts (
  id_hash             text PRIMARY KEY,
  key_id              text NOT NULL,
  wrapped_data_key    bytea NOT NULL,
  answers_ciphertext  bytea NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  expires_at          timestamptz NOT NULL,
  report_id           uuid REFERENCES reports (id)
);

CREATE INDEX report_drafts_expiry ON report_drafts (expires_at);

-- Append-only trail of who did what to which record. Details never hold personal data.
CREATE TABLE audit_events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at  timestamptz NOT NULL,
  actor        text NOT NULL,
  event        text NOT NULL,
  subject_type text NOT NULL,
  subject_id   text NOT NULL,
  details      jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id);
