-- With every batch it seals, the sealer records the chain's head (the last seal number and
-- its hash) with an HMAC under a key derived from an encryption key, which the database never
-- holds. Someone who can rewrite audit_events cannot make a matching checkpoint, so events
-- sealed after the last checkpoint, and sealed events missing before it, both show
-- (docs/adr/0007).

CREATE TABLE audit_checkpoints (
  seal_seq    bigint PRIMARY KEY,
  hash        text NOT NULL,
  recorded_at timestamptz NOT NULL,
  key_id      text NOT NULL,
  mac         text NOT NULL
);

CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoints is append-only: rows cannot be changed or deleted';
END
$$;

CREATE TRIGGER audit_checkpoints_append_only
  BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();

-- Row triggers do not see TRUNCATE; these stop the owner emptying either table by mistake.
CREATE FUNCTION audit_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: it cannot be truncated', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();

CREATE TRIGGER audit_checkpoints_no_truncate
  BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
