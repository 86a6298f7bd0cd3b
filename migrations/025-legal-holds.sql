-- A legal hold keeps a report beyond its retention period, with everything the purge would
-- take with it (the case holding it, the cases merged into that case and their reports), for
-- as long as a court, the police or an inquiry needs it kept. A supervisor places and lifts it,
-- each time with a reason kept sealed in report_changes; `legal_hold_since` says whether it is
-- held now, for the purge and the report's page.

ALTER TABLE reports ADD COLUMN legal_hold_since timestamptz;

ALTER TABLE report_changes DROP CONSTRAINT report_changes_kind_check;
ALTER TABLE report_changes ADD CONSTRAINT report_changes_kind_check
  CHECK (kind IN ('priority', 'jurisdiction', 'reopened', 'legal-hold', 'legal-hold-lifted'));
