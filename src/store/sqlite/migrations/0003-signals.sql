-- Signals sent to one execution by name (engine.signal, `itonami signal`), kept in send order per execution so a
-- signal sent before the workflow waits for it is not lost. `id` deduplicates a resend; `seq` is the position in the
-- execution's mailbox (1, 2, …), which a consuming wait records.
CREATE TABLE signals (
  execution_id TEXT NOT NULL REFERENCES executions (id),
  seq          INTEGER NOT NULL CHECK (seq >= 1),
  id           TEXT NOT NULL,
  name         TEXT NOT NULL,
  payload      TEXT NOT NULL,
  sent_at      INTEGER NOT NULL,
  PRIMARY KEY (execution_id, seq),
  UNIQUE (execution_id, id)
) WITHOUT ROWID;
