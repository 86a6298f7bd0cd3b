-- Jurisdiction tables: where a child lives -> local authority, children's services authority,
-- police force. Loaded by `npm run jurisdictions:import` from an agency's own files, never
-- committed. Codes are opaque strings from those files. The tables have no foreign keys between
-- them on purpose: they come from different files and releases, may be imported in any order,
-- and lookups join them, falling back to the names each file carries itself.

CREATE TABLE police_forces (
  code         text NOT NULL,
  name         text NOT NULL,
  area_name    text,
  police_uk_id text,
  nation       text,
  kind         text,
  note         text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT police_forces_pkey PRIMARY KEY (code),
  CONSTRAINT police_forces_code_check CHECK (code <> ''),
  CONSTRAINT police_forces_name_check CHECK (name <> '')
);

CREATE TABLE local_authorities (
  code                   text NOT NULL,
  name                   text NOT NULL,
  authority_type         text,
  nation                 text,
  -- the upper-tier authority that runs children's social care (itself for a unitary)
  children_services_code text NOT NULL,
  children_services_name text NOT NULL,
  -- local authorities nest inside police force areas, so each has exactly one force
  police_force_code      text NOT NULL,
  note                   text,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT local_authorities_pkey PRIMARY KEY (code),
  CONSTRAINT local_authorities_code_check CHECK (code <> ''),
  CONSTRAINT local_authorities_name_check CHECK (name <> '')
);

-- Each postcode district's parts by local authority (and that authority's force), with the part's
-- share of the district's live postcodes. A district in several rows straddles a boundary.
CREATE TABLE postcode_district_authorities (
  district               text NOT NULL,
  local_authority_code   text NOT NULL,
  police_force_code      text NOT NULL,
  -- as the district file named them; local_authorities is preferred when it has the code
  local_authority_name   text,
  children_services_code text,
  children_services_name text,
  live_postcodes         integer NOT NULL,
  share                  double precision NOT NULL,
  CONSTRAINT postcode_district_authorities_pkey
    PRIMARY KEY (district, local_authority_code, police_force_code),
  CONSTRAINT postcode_district_authorities_live_postcodes_check CHECK (live_postcodes >= 0),
  CONSTRAINT postcode_district_authorities_share_check CHECK (share >= 0 AND share <= 1)
);

-- Each postcode district's parts by police force, for districts (or whole countries' tables)
-- known only by force.
CREATE TABLE postcode_district_police_forces (
  district          text NOT NULL,
  police_force_code text NOT NULL,
  live_postcodes    integer NOT NULL,
  share             double precision NOT NULL,
  CONSTRAINT postcode_district_police_forces_pkey PRIMARY KEY (district, police_force_code),
  CONSTRAINT postcode_district_police_forces_live_postcodes_check CHECK (live_postcodes >= 0),
  CONSTRAINT postcode_district_police_forces_share_check CHECK (share >= 0 AND share <= 1)
);

-- One row per file imported, so the service can tell data is loaded and staff can see when.
CREATE TABLE jurisdiction_imports (
  id          bigint GENERATED ALWAYS AS IDENTITY,
  file_name   text NOT NULL,
  kind        text NOT NULL,
  row_count   integer NOT NULL,
  skipped     integer NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT jurisdiction_imports_pkey PRIMARY KEY (id),
  CONSTRAINT jurisdiction_imports_kind_check CHECK (kind IN (
    'police-forces',
    'local-authorities',
    'postcode-district-authorities',
    'postcode-district-police-forces',
    'ons-postcode-lookup'
  )),
  CONSTRAINT jurisdiction_imports_counts_check CHECK (row_count >= 0 AND skipped >= 0)
);
