-- What staff decide about a report: risk assessments and their decisions, the records a
-- decision creates at once (an urgent referral "to send", a case "open"), and the changes
-- made to a report by hand (corrections to its priority or jurisdiction, reopening). Free text
-- typed by staff (a rationale, a reason) can name people, so it is sealed like the report's
-- personal data: AES-256-GCM under a per-record data key wrapped by the key named in `key_id`.

CREATE TABLE risk_assessments (
  id                   uuid NOT NULL,
  report_id            uuid NOT NULL REFERENCES reports (id),
  recorded_at          timestamptz NOT NULL,
  recorded_by          text NOT NULL,
  risk_level           text NOT NULL,
  risk_factors         text[] NOT NULL,
  decision             text NOT NULL,
  -- the advice or signposting template chosen for a closing decision
  template             text,
  -- triage's own priority and reason codes, before any correction: the triage agreement
  -- page compares them with the decision
  automatic_priority   text NOT NULL,
  automatic_reasons    text[] NOT NULL,
  key_id               text NOT NULL,
  wrapped_data_key     bytea NOT NULL,
  rationale_ciphertext bytea NOT NULL,
  CONSTRAINT risk_assessments_pkey PRIMARY KEY (id),
  CONSTRAINT risk_assessments_level_check CHECK (risk_level IN ('high', 'medium', 'low')),
  CONSTRAINT risk_assessments_decision_check CHECK (decision IN (
    'urgent-referral', 'open-case', 'close-with-advice', 'close-with-signposting'
  )),
  CONSTRAINT risk_assessments_template_check CHECK (
    (decision IN ('close-with-advice', 'close-with-signposting')) = (template IS NOT NULL)
  ),
  CONSTRAINT risk_assessments_automatic_priority_check
    CHECK (automatic_priority IN ('P1', 'P2', 'P3', 'out-of-scope'))
);

CREATE INDEX risk_assessments_report ON risk_assessments (report_id, recorded_at);
CREATE INDEX risk_assessments_recorded ON risk_assessments (recorded_at);

-- A referral to a partner agency. Delivery arrives with the referrals issue; until then an
-- urgent referral waits as "to send", and the person may also phone the force.
CREATE TABLE referrals (
  id                 uuid NOT NULL,
  report_id          uuid NOT NULL REFERENCES reports (id),
  partner_agency_id  uuid NOT NULL REFERENCES partner_agencies (id),
  assessment_id      uuid REFERENCES risk_assessments (id),
  kind               text NOT NULL,
  status             text NOT NULL,
  -- which parts of the report are shared (names of sections, never their content)
  shared             text[] NOT NULL,
  lawful_basis       text NOT NULL,
  created_at         timestamptz NOT NULL,
  created_by         text NOT NULL,
  CONSTRAINT referrals_pkey PRIMARY KEY (id),
  CONSTRAINT referrals_kind_check CHECK (kind IN ('urgent-police')),
  CONSTRAINT referrals_status_check CHECK (status IN ('to-send'))
);

CREATE INDEX referrals_report ON referrals (report_id);
CREATE INDEX referrals_status ON referrals (status, created_at);

-- A case opened from a report that meets the threshold. The case pages arrive with the cases
-- issue; a report opens at most one case.
CREATE TABLE cases (
  id          uuid NOT NULL,
  report_id   uuid NOT NULL REFERENCES reports (id),
  owner       text NOT NULL,
  status      text NOT NULL,
  opened_at   timestamptz NOT NULL,
  opened_by   text NOT NULL,
  CONSTRAINT cases_pkey PRIMARY KEY (id),
  CONSTRAINT cases_report_unique UNIQUE (report_id),
  CONSTRAINT cases_status_check CHECK (status IN (
    'open', 'contacting-reporter', 'planning', 'referred', 'monitoring', 'closed'
  ))
);

CREATE INDEX cases_owner ON cases (owner, status);

-- Changes made to a report by hand, each with its reason, shown on the report.
CREATE TABLE report_changes (
  id                uuid NOT NULL,
  report_id         uuid NOT NULL REFERENCES reports (id),
  changed_at        timestamptz NOT NULL,
  changed_by        text NOT NULL,
  kind              text NOT NULL,
  from_value        jsonb NOT NULL,
  to_value          jsonb NOT NULL,
  key_id            text NOT NULL,
  wrapped_data_key  bytea NOT NULL,
  reason_ciphertext bytea NOT NULL,
  CONSTRAINT report_changes_pkey PRIMARY KEY (id),
  CONSTRAINT report_changes_kind_check CHECK (kind IN ('priority', 'jurisdiction', 'reopened'))
);

CREATE INDEX report_changes_report ON report_changes (report_id, changed_at);
