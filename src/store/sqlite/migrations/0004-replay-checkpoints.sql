-- 0004: the latest replay checkpoint per execution (src/history/replay-checkpoint.ts): what a replay that skips
-- completed tasks needs from the history up to `seq`, so a resume reads it plus the events after it. One row per
-- execution, replaced as the execution grows; JSON text written by the engine.
CREATE TABLE replay_checkpoints (
  execution_id TEXT PRIMARY KEY REFERENCES executions (id),
  seq          INTEGER NOT NULL CHECK (seq >= 1),
  checkpoint   TEXT NOT NULL
);
