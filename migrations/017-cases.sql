-- Cases: the advisor's workspace once a report meets the threshold. A case holds one or more
-- reports (a report is in at most one case at a time, and can be moved with a reason), has an
-- owner and a status, a contact log, versions of a safeguarding plan, tasks, a timeline, links
-- to other cases, and closure requests a supervisor decides. Everything staff type (notes, who
-- they spoke to, plan actions, reasons, summaries) can name people, so it is sealed like a
-- report's personal data: AES-256-GCM under a per-record data key wrapped by `key_id`'s key.

-- A number people can say on the phone ("case C-00042"); existing cases are numbered in turn.
ALTER TABLE cases ADD COLUMN number bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE cases ADD CONSTRAINT cases_number_unique UNIQUE (number);
-- Merging ends a case into another: it keeps its history, and its reports move.
ALTER TABLE cases ADD COLUMN merged_into uuid REFERENCES cases (id);
ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN (
  'open', 'contacting-reporter', 'planning', 'referred', 'monitoring', 'closed', 'merged'
));
ALTER TABLE cases ADD CONSTRAINT cases_merged_check
  CHECK ((status = 'merged') = (merged_into IS NOT NULL));
-- `cases.report_id` stays as the report the case was opened from; which reports a case holds
-- now is `case_reports`.
COMMENT ON COLUMN cases.report_id IS 'the report whose decision opened the case';

CREATE TABLE case_reports (
  report_id  uuid NOT NULL REFERENCES reports (id),
  case_id    uuid NOT NULL REFERENCES cases (id),
  added_at   timestamptz NOT NULL,
  added_by   text NOT NULL,
  CONSTRAINT case_reports_pkey PRIMARY KEY (report_id)
);
CREATE INDEX case_reports_case ON case_reports (case_id, added_at);

INSERT INTO case_reports (report_id, case_id, added_at, added_by)
  SELECT report_id, id, opened_at, opened_by FROM cases;

-- Every call, email, SMS, letter and visit, and every attempt; `sealed` holds who it was with
-- and the note.
CREATE TABLE case_contacts (
  id                uuid NOT NULL,
  case_id           uuid NOT NULL REFERENCES cases (id),
  happened_at       timestamptz NOT NULL,
  recorded_at       timestamptz NOT NULL,
  recorded_by       text NOT NULL,
  method            text NOT NULL,
  outcome           text NOT NULL,
  key_id            text NOT NULL,
  wrapped_data_key  bytea NOT NULL,
  sealed_ciphertext bytea NOT NULL,
  CONSTRAINT case_contacts_pkey PRIMARY KEY (id),
  CONSTRAINT case_contacts_method_check CHECK (method IN ('phone', 'email', 'sms', 'letter')),
  CONSTRAINT case_contacts_outcome_check
    CHECK (outcome IN ('spoke', 'no-answer', 'voicemail', 'wrong-number', 'declined'))
);
CREATE INDEX case_contacts_case ON case_contacts (case_id, happened_at);

-- Each save of the safeguarding plan is a new version; `sealed` holds the actions (what, who,
-- by when, status) and whether it was agreed with the reporter.
CREATE TABLE case_plan_versions (
  id                uuid NOT NULL,
  case_id           uuid NOT NULL REFERENCES cases (id),
  version           integer NOT NULL,
  saved_at          timestamptz NOT NULL,
  saved_by          text NOT NULL,
  review_on         date NOT NULL,
  key_id            text NOT NULL,
  wrapped_data_key  bytea NOT NULL,
  sealed_ciphertext bytea NOT NULL,
  CONSTRAINT case_plan_versions_pkey PRIMARY KEY (id),
  CONSTRAINT case_plan_versions_unique UNIQUE (case_id, version),
  CONSTRAINT case_plan_versions_version_check CHECK (version > 0)
);

-- Tasks: a person's, or (raised by the system) any supervisor's. The title is sealed.
CREATE TABLE case_tasks (
  id                uuid NOT NULL,
  case_id           uuid NOT NULL REFERENCES cases (id),
  kind              text NOT NULL,
  owner             text,
  for_role          text,
  due_on            date NOT NULL,
  created_at        timestamptz NOT NULL,
  created_by        text NOT NULL,
  done_at           timestamptz,
  done_by           text,
  key_id            text NOT NULL,
  wrapped_data_key  bytea NOT NULL,
  title_ciphertext  bytea NOT NULL,
  CONSTRAINT case_tasks_pkey PRIMARY KEY (id),
  CONSTRAINT case_tasks_kind_check CHECK (kind IN ('task', 'failed-contacts')),
  CONSTRAINT case_tasks_for_check CHECK ((owner IS NULL) <> (for_role IS NULL)),
  CONSTRAINT case_tasks_for_role_check CHECK (for_role IN ('supervisor')),
  CONSTRAINT case_tasks_done_check CHECK ((done_at IS NULL) = (done_by IS NULL))
);
CREATE INDEX case_tasks_case ON case_tasks (case_id, due_on);
CREATE INDEX case_tasks_open_owner ON case_tasks (owner, due_on) WHERE done_at IS NULL;
CREATE INDEX case_tasks_open_role ON case_tasks (for_role, due_on) WHERE done_at IS NULL;

-- Closing needs a supervisor: the owner asks with an outcome and a summary; a supervisor
-- approves it, or returns it with a reason. One request at a time waits for a decision.
CREATE TABLE case_closures (
  id                 uuid NOT NULL,
  case_id            uuid NOT NULL REFERENCES cases (id),
  requested_at       timestamptz NOT NULL,
  requested_by       text NOT NULL,
  outcome            text NOT NULL,
  key_id             text NOT NULL,
  wrapped_data_key   bytea NOT NULL,
  summary_ciphertext bytea NOT NULL,
  decision           text,
  decided_at         timestamptz,
  decided_by         text,
  CONSTRAINT case_closures_pkey PRIMARY KEY (id),
  CONSTRAINT case_closures_outcome_check CHECK (outcome IN (
    'safer', 'referred', 'not-reachable', 'no-further-action'
  )),
  CONSTRAINT case_closures_decision_check CHECK (decision IN ('approved', 'returned')),
  CONSTRAINT case_closures_decided_check
    CHECK ((decision IS NULL) = (decided_at IS NULL) AND (decision IS NULL) = (decided_by IS NULL))
);
CREATE UNIQUE INDEX case_closures_one_waiting ON case_closures (case_id) WHERE decision IS NULL;

-- Two cases about the same people, linked (both stay open) with a reason in the events.
CREATE TABLE case_links (
  case_id        uuid NOT NULL REFERENCES cases (id),
  linked_case_id uuid NOT NULL REFERENCES cases (id),
  linked_at      timestamptz NOT NULL,
  linked_by      text NOT NULL,
  CONSTRAINT case_links_pkey PRIMARY KEY (case_id, linked_case_id),
  CONSTRAINT case_links_order_check CHECK (case_id < linked_case_id)
);
CREATE INDEX case_links_linked ON case_links (linked_case_id);

-- The timeline: one row for everything that happens on a case. `details` holds only
-- references, codes and dates; anything typed (a note, a reason) is in the sealed text.
CREATE TABLE case_events (
  id                uuid NOT NULL,
  -- the order things were recorded in, for events at the same instant
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  case_id           uuid NOT NULL REFERENCES cases (id),
  at                timestamptz NOT NULL,
  actor             text NOT NULL,
  kind              text NOT NULL,
  details           jsonb NOT NULL,
  key_id            text,
  wrapped_data_key  bytea,
  text_ciphertext   bytea,
  CONSTRAINT case_events_pkey PRIMARY KEY (id),
  CONSTRAINT case_events_sealed_check
    CHECK ((key_id IS NULL) = (text_ciphertext IS NULL) AND (key_id IS NULL) = (wrapped_data_key IS NULL))
);
CREATE INDEX case_events_case ON case_events (case_id, at DESC, seq DESC);

INSERT INTO case_events (id, case_id, at, actor, kind, details)
  SELECT gen_random_uuid(), id, opened_at, opened_by, 'opened', jsonb_build_object('reportId', report_id)
    FROM cases;

-- The case list's filters and "my cases".
CREATE INDEX cases_status_opened ON cases (status, opened_at DESC);
