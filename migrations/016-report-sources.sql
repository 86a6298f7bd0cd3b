-- Report button sources: the websites and apps that place the report button on their pages.
-- Administrators register each one; its id goes in the button's link (?source=id), so reports
-- that arrive through it name it in reports.source_site. A source that stops using the button
-- is withdrawn, not deleted, because reports and statistics still name it.

CREATE TABLE report_sources (
  id            text NOT NULL,
  name          text NOT NULL,
  website       text NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  withdrawn_at  timestamptz,
  CONSTRAINT report_sources_pkey PRIMARY KEY (id),
  -- short and safe in a URL as it stands: lower-case letters, digits and single hyphens
  CONSTRAINT report_sources_id_check CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 40),
  CONSTRAINT report_sources_name_check CHECK (name <> '')
);

CREATE INDEX report_sources_by_name ON report_sources (name);
