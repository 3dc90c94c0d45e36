import type { Database, Statement } from 'better-sqlite3';
import type { StoredReplayCheckpoint } from '../../store.js';

export interface ReplayCheckpointStatements {
  /** Inserts or replaces the execution's checkpoint unless the stored one is newer; no row changed = a newer one. */
  readonly put: Statement<StoredReplayCheckpoint>;
  readonly get: Statement<[string], StoredReplayCheckpoint>;
}

/** One replay checkpoint per execution, only ever moved forward. */
export function prepareReplayCheckpointStatements(db: Database): ReplayCheckpointStatements {
  return {
    put: db.prepare<StoredReplayCheckpoint>(
      `INSERT INTO replay_checkpoints (execution_id, seq, checkpoint) VALUES (@executionId, @seq, @checkpoint)
       ON CONFLICT (execution_id) DO UPDATE SET seq = excluded.seq, checkpoint = excluded.checkpoint
       WHERE excluded.seq >= replay_checkpoints.seq`,
    ),
    get: db.prepare<[string], StoredReplayCheckpoint>(
      'SELECT execution_id AS executionId, seq, checkpoint FROM replay_checkpoints WHERE execution_id = ?',
    ),
  };
}
