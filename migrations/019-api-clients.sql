-- The platform API (v1): the services that send reports from their own systems, their keys,
-- and the idempotency keys that make a retried request answer as the first one did.

-- A client is an organisation registered by an administrator. Revoking it stops every key
-- at once; it is kept, because the reports it sent name it (reports.source_site).
CREATE TABLE api_clients (
  id          uuid NOT NULL,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  CONSTRAINT api_clients_pkey PRIMARY KEY (id),
  CONSTRAINT api_clients_name_check CHECK (name <> '' AND length(name) <= 200)
);

-- Only the SHA-256 of a key is kept: a key is 256 random bits, shown once when it is made.
-- Rotating gives the old keys an end (expires_at) a grace period away, so both work meanwhile.
CREATE TABLE api_client_keys (
  id          uuid NOT NULL,
  client_id   uuid NOT NULL REFERENCES api_clients (id),
  key_hash    text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz,
  CONSTRAINT api_client_keys_pkey PRIMARY KEY (id),
  CONSTRAINT api_client_keys_hash_unique UNIQUE (key_hash)
);

CREATE INDEX api_client_keys_by_client ON api_client_keys (client_id, created_at);

-- One row per (client, Idempotency-Key): the hash of the body first sent with it and the
-- response given, written by the statement that stores the report, so a key either has both
-- a report and its response or neither. report_id is checked at the end of that statement.
CREATE TABLE api_idempotency_keys (
  client_id        uuid NOT NULL REFERENCES api_clients (id),
  idempotency_key  text NOT NULL,
  body_hash        text NOT NULL,
  report_id        uuid NOT NULL REFERENCES reports (id) DEFERRABLE INITIALLY DEFERRED,
  response_status  smallint NOT NULL,
  response_body    jsonb NOT NULL,
  created_at       timestamptz NOT NULL,
  CONSTRAINT api_idempotency_keys_pkey PRIMARY KEY (client_id, idempotency_key)
);

CREATE INDEX api_idempotency_keys_created ON api_idempotency_keys (created_at);
