-- Referrals made from a case. The package is still built from one report (the case's first,
-- held in `report_id`), but the referral belongs to the case: it shows on the case's timeline
-- even if that report later moves, and approving it marks the case "referred".
ALTER TABLE referrals ADD COLUMN case_id uuid REFERENCES cases (id);
CREATE INDEX referrals_case ON referrals (case_id, created_at) WHERE case_id IS NOT NULL;
