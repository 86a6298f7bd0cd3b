-- Partner agencies: who the service refers to and works with. Every police force and
-- children's services authority in the jurisdiction tables is one (kept in step by the
-- jurisdiction import), and administrators add others: a school trust, a health team, a
-- helpline. Administrators keep each one's contacts. An agency the tables no longer list is
-- withdrawn, not deleted, because referrals will name it.

CREATE TABLE partner_agencies (
  id                uuid NOT NULL,
  kind              text NOT NULL,
  name              text NOT NULL,
  -- the police force code or children's services authority code in the jurisdiction tables
  jurisdiction_code text,
  urgent_phone      text,
  email             text,
  opening_hours     text,
  notes             text,
  withdrawn_at      timestamptz,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  CONSTRAINT partner_agencies_pkey PRIMARY KEY (id),
  CONSTRAINT partner_agencies_kind_check CHECK (kind IN (
    'police-force', 'children-services', 'school-trust', 'health-team', 'helpline', 'other'
  )),
  CONSTRAINT partner_agencies_jurisdiction_check
    CHECK ((kind IN ('police-force', 'children-services')) = (jurisdiction_code IS NOT NULL)),
  CONSTRAINT partner_agencies_jurisdiction_unique UNIQUE (kind, jurisdiction_code),
  CONSTRAINT partner_agencies_name_check CHECK (name <> '')
);

CREATE INDEX partner_agencies_by_name ON partner_agencies (kind, name);
