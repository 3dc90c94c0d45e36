import type { Database, Statement } from 'better-sqlite3';
import type { EventRow } from '../../store.js';

export interface EventInsert {
  readonly executionId: string;
  readonly seq: number;
  readonly type: string;
  readonly at: number;
  /** The payload inline, or null when it lives in `blobs` under `blobHash`. */
  readonly data: string | null;
  readonly blobHash: string | null;
  readonly hash: string;
}

export interface EventStatements {
  readonly insert: Statement<EventInsert>;
  readonly range: Statement<{ executionId: string; fromSeq: number; toSeq: number }, EventRow>;
}

/** History rows: insert and read a seq range, with offloaded payloads joined back from `blobs`. */
export function prepareEventStatements(db: Database): EventStatements {
  return {
    insert: db.prepare<EventInsert>(
      `INSERT INTO events (execution_id, seq, type, at, data, blob_hash, hash)
       VALUES (@executionId, @seq, @type, @at, @data, @blobHash, @hash)`,
    ),
    range: db.prepare<{ executionId: string; fromSeq: number; toSeq: number }, EventRow>(
      `SELECT e.seq, e.type, e.at, coalesce(e.data, b.content) AS data, e.hash
       FROM events e LEFT JOIN blobs b ON b.hash = e.blob_hash
       WHERE e.execution_id = @executionId AND e.seq BETWEEN @fromSeq AND @toSeq
       ORDER BY e.seq`,
    ),
  };
}
