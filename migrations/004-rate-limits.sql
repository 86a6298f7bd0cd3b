-- Form posts per client in the current window, shared by every instance of the service. The
-- key is a keyed hash of the client's address, never the address itself. Each instance adds
-- what it counted about once a second; old windows are deleted by housekeeping.

CREATE TABLE rate_limit_counts (
  key          text NOT NULL,
  window_start timestamptz NOT NULL,
  count        integer NOT NULL,
  CONSTRAINT rate_limit_counts_pkey PRIMARY KEY (key, window_start)
);

CREATE INDEX rate_limit_counts_window ON rate_limit_counts (window_start);
