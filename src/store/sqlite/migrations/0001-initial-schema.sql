-- 0001: the initial Itonami schema for the embedded SQLite store (src/store/sqlite/sqlite-store.ts).
-- Released migrations are never edited: change the schema in a new NNNN-<what>.sql file. The runner (migrate.ts)
-- applies each file in its own transaction and records it in schema_migrations; do not BEGIN/COMMIT here.
--
-- Times are epoch ms (INTEGER). JSON payloads are TEXT kept byte for byte as the history layer wrote them: jq's
-- keys_unsorted and tojson depend on the original key order, so the store never re-serialises them.

-- Workflow definitions by content hash; an execution pins the hash it started with. No foreign key from
-- executions: a definition may be stored after (or, for imported histories, without) its executions.
CREATE TABLE definitions (
  hash      TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  name      TEXT NOT NULL,
  version   TEXT NOT NULL,
  source    TEXT NOT NULL
);
CREATE INDEX definitions_by_name ON definitions (namespace, name);

-- One row per execution: the index over histories plus the scheduling state (park, claim, command).
--   seq             the head: seq of the last event (0 before any).
--   is_parked       1 while parked; then wake_at is the instant it becomes due, or NULL for "until an event or a
--                   command wakes it" (a wake sets wake_at = 0). 0 = not parked (wake_at is NULL).
--   claim_owner     the current claim's owner, NULL when free (released). claim_epoch is NOT reset on release: it
--                   only grows, so a stale token can never match a later claim (fencing).
--   command         the pending ExecutionCommand as JSON, NULL when none.
-- rowid is kept (no WITHOUT ROWID): it breaks created_at ties in insertion order for claimRunnable.
CREATE TABLE executions (
  id               TEXT PRIMARY KEY,
  namespace        TEXT NOT NULL,
  name             TEXT NOT NULL,
  version          TEXT NOT NULL,
  definition_hash  TEXT NOT NULL,
  status           TEXT NOT NULL
                   CHECK (status IN ('pending', 'running', 'waiting', 'suspended', 'cancelled', 'faulted', 'completed')),
  parent_id        TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  seq              INTEGER NOT NULL DEFAULT 0 CHECK (seq >= 0),
  is_parked        INTEGER NOT NULL DEFAULT 0 CHECK (is_parked IN (0, 1)),
  wake_at          INTEGER CHECK (is_parked = 1 OR wake_at IS NULL),
  claim_owner      TEXT,
  claim_epoch      INTEGER NOT NULL DEFAULT 0,
  claim_expires_at INTEGER CHECK ((claim_owner IS NULL) = (claim_expires_at IS NULL)),
  command          TEXT
);
-- claimRunnable reads live executions only, in two small sets: the unparked ones (ready, or running under a claim)
-- by age, and the parked ones by wake_at (also nextWakeAt). Finished and sleeping executions are never scanned. The
-- WHERE text must match the queries' in sql/claims.ts exactly for SQLite to use these partial indexes.
CREATE INDEX executions_ready ON executions (created_at)
  WHERE is_parked = 0 AND status NOT IN ('completed', 'faulted', 'cancelled');
CREATE INDEX executions_parked ON executions (wake_at)
  WHERE is_parked = 1 AND status NOT IN ('completed', 'faulted', 'cancelled');
-- listExecutions: newest first, filtered by one of these.
CREATE INDEX executions_by_created ON executions (created_at);
CREATE INDEX executions_by_status ON executions (status, created_at);
CREATE INDEX executions_by_name ON executions (namespace, name, created_at);
CREATE INDEX executions_by_parent ON executions (parent_id, created_at) WHERE parent_id IS NOT NULL;

-- Content-addressed payloads: putBlob/getBlob, and event payloads over blobThresholdBytes (keyed by the sha256 hex
-- of the payload text). A rowid table: rows are large, which WITHOUT ROWID handles badly.
CREATE TABLE blobs (
  hash    TEXT PRIMARY KEY,
  content TEXT NOT NULL
);

-- The history: append-only, gap-free seq per execution (the store checks it on every append). Exactly one of
-- data (inline payload) and blob_hash (payload in blobs) is set; readEvents joins them back transparently.
CREATE TABLE events (
  execution_id TEXT NOT NULL REFERENCES executions (id),
  seq          INTEGER NOT NULL CHECK (seq >= 1),
  type         TEXT NOT NULL,
  at           INTEGER NOT NULL,
  data         TEXT,
  blob_hash    TEXT REFERENCES blobs (hash),
  hash         TEXT NOT NULL,
  PRIMARY KEY (execution_id, seq),
  CHECK ((data IS NULL) <> (blob_hash IS NULL))
) WITHOUT ROWID;

-- Folded state at a seq; one per (execution, seq), replaced on a second put.
CREATE TABLE snapshots (
  execution_id TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  state        TEXT NOT NULL,
  PRIMARY KEY (execution_id, seq)
) WITHOUT ROWID;

-- Published CloudEvents, deduplicated on (source, id). seq is the rowid: acceptance order, gap-free because rows
-- are never deleted.
CREATE TABLE inbox (
  seq         INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  id          TEXT NOT NULL,
  type        TEXT NOT NULL,
  event       TEXT NOT NULL,
  accepted_at INTEGER NOT NULL,
  UNIQUE (source, id)
);

-- A subscription receives every event accepted after it was opened (fan-out happens at acceptance).
CREATE TABLE subscriptions (
  execution_id TEXT NOT NULL,
  key          TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (execution_id, key)
) WITHOUT ROWID;

-- Which inbox events each subscription received; dropped with the subscription.
CREATE TABLE deliveries (
  execution_id TEXT NOT NULL,
  key          TEXT NOT NULL,
  inbox_seq    INTEGER NOT NULL REFERENCES inbox (seq),
  PRIMARY KEY (execution_id, key, inbox_seq),
  FOREIGN KEY (execution_id, key) REFERENCES subscriptions (execution_id, key) ON DELETE CASCADE
) WITHOUT ROWID;
