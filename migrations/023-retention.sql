-- Retention: what is left of a report or a case once its period in content/retention.json has
-- passed and the purge has deleted everything personal about it (src/retention/). A tombstone
-- holds only the reference, dates and categories, so statistics still count the report and an
-- audit event naming it still leads somewhere; never a name, a contact, an identifier's digest
-- or anything typed.

CREATE TABLE purged_reports (
  id               uuid NOT NULL,
  reference        text NOT NULL,
  received_at      timestamptz NOT NULL,
  source           text NOT NULL,
  audience         text NOT NULL,
  concerns         text[] NOT NULL,
  priority         text NOT NULL,
  deadline_at      timestamptz NOT NULL,
  -- the report's status when purged, and the last decision staff recorded, if any
  status           text NOT NULL,
  decision         text,
  decided_at       timestamptz,
  -- the case it was in, by number, if any
  case_number      bigint,
  -- which period of content/retention.json it was kept for, and when that ran out
  period           text NOT NULL,
  due_at           timestamptz NOT NULL,
  purged_at        timestamptz NOT NULL,
  CONSTRAINT purged_reports_pkey PRIMARY KEY (id),
  CONSTRAINT purged_reports_reference_unique UNIQUE (reference)
);
CREATE INDEX purged_reports_received ON purged_reports (received_at);

CREATE TABLE purged_cases (
  id            uuid NOT NULL,
  number        bigint NOT NULL,
  opened_at     timestamptz NOT NULL,
  -- 'closed', or 'merged' for a case merged into the one purged with it
  status        text NOT NULL,
  -- when the case ended (its last approved closure), and the outcome the closure gave
  ended_at      timestamptz,
  outcome       text,
  merged_into   uuid,
  reports       integer NOT NULL,
  period        text NOT NULL,
  due_at        timestamptz NOT NULL,
  purged_at     timestamptz NOT NULL,
  CONSTRAINT purged_cases_pkey PRIMARY KEY (id),
  CONSTRAINT purged_cases_number_unique UNIQUE (number)
);

-- The purge finds closed cases by when their closure was approved.
CREATE INDEX case_closures_approved ON case_closures (case_id, decided_at)
  WHERE decision = 'approved';
-- ... and reports in no case by when they arrived.
CREATE INDEX reports_received ON reports (received_at);
