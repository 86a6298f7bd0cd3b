-- The triage queue: what a report's status can be, who has it open, and columns and indexes
-- that let the queue list, filter and page through a million reports by priority then
-- deadline. The derived columns are generated from the stored triage, so a correction to the
-- priority or jurisdiction moves them too; nothing else writes them.

ALTER TABLE reports
  ADD CONSTRAINT reports_status_check
    CHECK (status IN ('new', 'referred', 'case-opened', 'closed'));

ALTER TABLE reports
  ADD COLUMN claimed_by text,
  ADD COLUMN claimed_at timestamptz,
  -- the queue's order: text order would put 'out-of-scope' before 'P1' under most collations
  ADD COLUMN priority_rank smallint GENERATED ALWAYS AS (
    CASE priority WHEN 'P1' THEN 1 WHEN 'P2' THEN 2 WHEN 'P3' THEN 3 ELSE 4 END
  ) STORED,
  -- the leading candidate of the jurisdiction (largest share), for the queue's filters
  ADD COLUMN police_force_code text GENERATED ALWAYS AS (
    jurisdiction #>> '{candidates,0,policeForce,code}'
  ) STORED,
  ADD COLUMN local_authority_code text GENERATED ALWAYS AS (
    jurisdiction #>> '{candidates,0,localAuthority,code}'
  ) STORED,
  -- arrived out of hours and not urgent: the Control Centre's until the office next opens
  ADD COLUMN arrived_out_of_hours boolean GENERATED ALWAYS AS (
    NOT ('advisors' = ANY (queues))
  ) STORED;

ALTER TABLE reports
  ADD CONSTRAINT reports_claim_check CHECK ((claimed_by IS NULL) = (claimed_at IS NULL));

-- Each index ends in the queue's order (priority, deadline, id) so a page is read in order and
-- the scan stops after one page; the leading columns are the filters that narrow it most.
DROP INDEX reports_queue_order;
-- The columns the queue conditions read ride along, so counting a queue reads the index alone.
CREATE INDEX reports_queue_order ON reports (status, priority_rank, deadline_at, id)
  INCLUDE (arrived_out_of_hours, received_at, claimed_by);
CREATE INDEX reports_queue_unclaimed ON reports (status, priority_rank, deadline_at, id)
  WHERE claimed_by IS NULL;
CREATE INDEX reports_queue_police_force
  ON reports (police_force_code, status, priority_rank, deadline_at, id);
CREATE INDEX reports_queue_local_authority
  ON reports (local_authority_code, status, priority_rank, deadline_at, id);
-- the Control Centre's queue at night: every P1, and what arrived since the office last opened
CREATE INDEX reports_queue_out_of_hours ON reports (status, received_at)
  WHERE arrived_out_of_hours;
CREATE INDEX reports_queue_overdue ON reports (status, deadline_at);
-- several statuses at once: read in the queue's order, skipping the others
CREATE INDEX reports_queue_order_any_status ON reports (priority_rank, deadline_at, id);

-- When someone first opened the report: a P1 nobody has opened by its deadline is shown at the
-- top of every staff page of the roles that can act on it.
ALTER TABLE reports ADD COLUMN first_opened_at timestamptz;
CREATE INDEX reports_unopened_p1 ON reports (deadline_at)
  WHERE priority_rank = 1 AND first_opened_at IS NULL AND status = 'new';
