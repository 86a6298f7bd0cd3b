-- Staff accounts, their credentials, set-up links, sessions and sign-in throttling. No account
-- exists until `npm run staff -- create-admin` makes the first administrator.

CREATE TABLE staff (
  id              uuid NOT NULL,
  -- stored lower-cased, so one person cannot hold two accounts by changing case
  email           text NOT NULL,
  name            text NOT NULL,
  roles           text[] NOT NULL,
  status          text NOT NULL DEFAULT 'active',
  created_at      timestamptz NOT NULL,
  -- argon2id (PHC string); null until the person has used their set-up link
  password_hash   text,
  password_set_at timestamptz,
  CONSTRAINT staff_pkey PRIMARY KEY (id),
  CONSTRAINT staff_email_unique UNIQUE (email),
  CONSTRAINT staff_email_check CHECK (email = lower(email) AND email <> ''),
  CONSTRAINT staff_name_check CHECK (name <> ''),
  CONSTRAINT staff_roles_check CHECK (
    cardinality(roles) > 0
    AND roles <@ ARRAY['advisor', 'operator', 'supervisor', 'administrator', 'auditor']::text[]
  ),
  CONSTRAINT staff_status_check CHECK (status IN ('active', 'disabled'))
);

-- An authenticator app's shared secret, sealed with the envelope keys like reports are.
CREATE TABLE staff_totp (
  staff_id          uuid NOT NULL,
  key_id            text NOT NULL,
  wrapped_data_key  bytea NOT NULL,
  secret_ciphertext bytea NOT NULL,
  created_at        timestamptz NOT NULL,
  -- the 30-second step of the last code accepted: a code is never accepted twice
  last_used_step    bigint NOT NULL DEFAULT 0,
  CONSTRAINT staff_totp_pkey PRIMARY KEY (staff_id),
  CONSTRAINT staff_totp_staff_fkey FOREIGN KEY (staff_id) REFERENCES staff (id) ON DELETE CASCADE
);

-- Passkeys and security keys (WebAuthn); a person may have several.
CREATE TABLE staff_passkeys (
  credential_id text NOT NULL,
  staff_id      uuid NOT NULL,
  public_key    bytea NOT NULL,
  sign_count    bigint NOT NULL,
  transports    text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL,
  last_used_at  timestamptz,
  CONSTRAINT staff_passkeys_pkey PRIMARY KEY (credential_id),
  CONSTRAINT staff_passkeys_staff_fkey
    FOREIGN KEY (staff_id) REFERENCES staff (id) ON DELETE CASCADE
);

CREATE INDEX staff_passkeys_staff ON staff_passkeys (staff_id);

-- One-time set-up links, stored as the SHA-256 of the token so a dump cannot be used to sign in.
CREATE TABLE staff_setup_links (
  token_hash text NOT NULL,
  staff_id   uuid NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  CONSTRAINT staff_setup_links_pkey PRIMARY KEY (token_hash),
  CONSTRAINT staff_setup_links_staff_fkey
    FOREIGN KEY (staff_id) REFERENCES staff (id) ON DELETE CASCADE
);

CREATE INDEX staff_setup_links_staff ON staff_setup_links (staff_id);

-- Server-side sessions, keyed by the SHA-256 of the cookie value. `stage` is how far the person
-- has come: password given (second factor next), set-up (enrol a factor next), or signed in.
CREATE TABLE staff_sessions (
  id_hash            text NOT NULL,
  staff_id           uuid NOT NULL,
  stage              text NOT NULL,
  created_at         timestamptz NOT NULL,
  last_seen_at       timestamptz NOT NULL,
  -- when the person last proved a second factor: administration needs it within 5 minutes
  factor_verified_at timestamptz,
  -- a WebAuthn challenge or a sealed authenticator-app secret awaiting its first code
  challenge          text,
  pending_totp       jsonb,
  CONSTRAINT staff_sessions_pkey PRIMARY KEY (id_hash),
  CONSTRAINT staff_sessions_staff_fkey
    FOREIGN KEY (staff_id) REFERENCES staff (id) ON DELETE CASCADE,
  CONSTRAINT staff_sessions_stage_check CHECK (stage IN ('second-factor', 'enrol', 'signed-in'))
);

CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
CREATE INDEX staff_sessions_last_seen ON staff_sessions (last_seen_at);

-- Failed sign-ins per account (by a hash of the email, known or not) and per address.
CREATE TABLE staff_sign_in_throttle (
  key             text NOT NULL,
  failures        integer NOT NULL,
  last_failure_at timestamptz NOT NULL,
  CONSTRAINT staff_sign_in_throttle_pkey PRIMARY KEY (key),
  CONSTRAINT staff_sign_in_throttle_failures_check CHECK (failures > 0)
);

CREATE INDEX audit_events_actor ON audit_events (actor, occurred_at);
CREATE INDEX audit_events_occurred ON audit_events (occurred_at);
