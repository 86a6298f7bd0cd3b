-- Linked reports: every identifier a report carries (the other person's usernames, profile
-- links, phone numbers and emails; the child's name with a date of birth or age; the
-- reporter's phone and email), stored only as a keyed hash (HMAC-SHA-256 under the key named
-- in `key_id`), never as written. Equal identifiers give equal digests, so an index finds the
-- reports that share one.

CREATE TABLE report_identifiers (
  digest     bytea NOT NULL,
  report_id  uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  kind       text NOT NULL,
  key_id     text NOT NULL,
  -- the digest leads: intake looks identifiers up by it
  CONSTRAINT report_identifiers_pkey PRIMARY KEY (digest, report_id),
  CONSTRAINT report_identifiers_kind_check CHECK (kind IN (
    'username', 'profile-link', 'other-phone', 'other-email', 'child-name-birth-date',
    'child-name-age', 'reporter-phone', 'reporter-email')),
  CONSTRAINT report_identifiers_digest_check CHECK (length(digest) = 32)
);

CREATE INDEX report_identifiers_by_report ON report_identifiers (report_id);

-- The matches found at intake: `report_id` names an identifier of the same kind as the earlier
-- report `earlier_report_id`. Kept, not recomputed, so matches made under a key since retired
-- from look-ups stay known.
CREATE TABLE report_links (
  report_id          uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  earlier_report_id  uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  kind               text NOT NULL,
  CONSTRAINT report_links_pkey PRIMARY KEY (report_id, earlier_report_id, kind),
  CONSTRAINT report_links_not_itself CHECK (report_id <> earlier_report_id)
);

CREATE INDEX report_links_by_earlier ON report_links (earlier_report_id);
