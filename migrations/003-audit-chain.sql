-- The audit trail is append-only and hash-chained. Rows are written by intake and staff
-- actions without any lock between them; a sealer then chains them in the order it seals
-- them (seal_seq), each hash covering the row and the hash before it, so a changed, removed or
-- reordered row breaks the chain from that point on.

ALTER TABLE audit_events
  ADD COLUMN seal_seq  bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN hash      text;

ALTER TABLE audit_events ADD CONSTRAINT audit_events_seal_seq_unique UNIQUE (seal_seq);
ALTER TABLE audit_events ADD CONSTRAINT audit_events_seal_complete
  CHECK ((seal_seq IS NULL) = (hash IS NULL) AND (seal_seq IS NULL) = (prev_hash IS NULL));

CREATE INDEX audit_events_unsealed ON audit_events (id) WHERE seal_seq IS NULL;

CREATE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit_events is append-only: rows cannot be deleted';
  END IF;
  -- The only change ever allowed is adding the seal, once.
  IF OLD.seal_seq IS NOT NULL
     OR NEW.id IS DISTINCT FROM OLD.id
     OR NEW.occurred_at IS DISTINCT FROM OLD.occurred_at
     OR NEW.actor IS DISTINCT FROM OLD.actor
     OR NEW.event IS DISTINCT FROM OLD.event
     OR NEW.subject_type IS DISTINCT FROM OLD.subject_type
     OR NEW.subject_id IS DISTINCT FROM OLD.subject_id
     OR NEW.details IS DISTINCT FROM OLD.details THEN
    RAISE EXCEPTION 'audit_events is append-only: rows cannot be changed';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
