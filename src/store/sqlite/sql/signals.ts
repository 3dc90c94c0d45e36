import type { Database, Statement } from 'better-sqlite3';
import type { SignalEntry } from '../../store.js';

export interface SignalStatements {
  readonly seqOf: Statement<{ executionId: string; id: string }, { seq: number }>;
  readonly insert: Statement<{ executionId: string; id: string; name: string; payload: string; sentAt: number }, { seq: number }>;
  readonly after: Statement<{ executionId: string; afterSeq: number }, SignalEntry>;
  readonly wake: Statement<{ executionId: string }>;
}

/** The per-execution signal mailbox. */
export function prepareSignalStatements(db: Database): SignalStatements {
  return {
    seqOf: db.prepare<{ executionId: string; id: string }, { seq: number }>('SELECT seq FROM signals WHERE execution_id = @executionId AND id = @id'),
    /** The next seq of the execution's mailbox; run inside the transaction that checked the id. */
    insert: db.prepare<{ executionId: string; id: string; name: string; payload: string; sentAt: number }, { seq: number }>(
      `INSERT INTO signals (execution_id, seq, id, name, payload, sent_at)
       VALUES (@executionId, (SELECT coalesce(max(seq), 0) + 1 FROM signals WHERE execution_id = @executionId), @id, @name, @payload, @sentAt)
       RETURNING seq`,
    ),
    after: db.prepare<{ executionId: string; afterSeq: number }, SignalEntry>(
      `SELECT seq, id, name, payload, sent_at AS sentAt FROM signals
       WHERE execution_id = @executionId AND seq > @afterSeq ORDER BY seq`,
    ),
    /** A parked execution becomes due, as a delivered event makes a listener due. */
    wake: db.prepare<{ executionId: string }>('UPDATE executions SET wake_at = 0 WHERE id = @executionId AND is_parked = 1'),
  };
}
