import type { Database, Statement } from 'better-sqlite3';
import type { Snapshot } from '../../store.js';

export interface SnapshotStatements {
  readonly upsert: Statement<Snapshot>;
  readonly latestAtOrBefore: Statement<{ executionId: string; atSeq: number }, Snapshot>;
  readonly delete: Statement<{ executionId: string; seq: number }>;
}

/** Folded state per (execution, seq); a second put at the same seq replaces the state. */
export function prepareSnapshotStatements(db: Database): SnapshotStatements {
  return {
    upsert: db.prepare<Snapshot>(
      `INSERT INTO snapshots (execution_id, seq, state) VALUES (@executionId, @seq, @state)
       ON CONFLICT (execution_id, seq) DO UPDATE SET state = excluded.state`,
    ),
    latestAtOrBefore: db.prepare<{ executionId: string; atSeq: number }, Snapshot>(
      `SELECT execution_id AS executionId, seq, state FROM snapshots
       WHERE execution_id = @executionId AND seq <= @atSeq ORDER BY seq DESC LIMIT 1`,
    ),
    delete: db.prepare<{ executionId: string; seq: number }>('DELETE FROM snapshots WHERE execution_id = @executionId AND seq = @seq'),
  };
}
