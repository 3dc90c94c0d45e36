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
  /** Inserts rows of one execution with as few statements as possible (multi-row INSERTs of up to 16 rows). */
  insertAll(executionId: string, rows: readonly Omit<EventInsert, 'executionId'>[]): void;
  readonly range: Statement<{ executionId: string; fromSeq: number; toSeq: number }, EventRow>;
}

/** Rows per multi-row INSERT: one statement per step's few events, well under SQLite's 32,766 bound parameters. */
const ROWS_PER_INSERT = 16;

/** History rows: insert and read a seq range, with offloaded payloads joined back from `blobs`. */
export function prepareEventStatements(db: Database): EventStatements {
  // A statement per row count, prepared on first use: a step usually appends 1 to 5 events at once.
  const inserts: Statement<unknown[]>[] = [];
  const insertOf = (count: number): Statement<unknown[]> =>
    (inserts[count] ??= db.prepare<unknown[]>(
      `INSERT INTO events (execution_id, seq, type, at, data, blob_hash, hash) VALUES ${Array(count).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    ));
  return {
    insertAll(executionId, rows) {
      for (let from = 0; from < rows.length; from += ROWS_PER_INSERT) {
        const chunk = rows.slice(from, from + ROWS_PER_INSERT);
        insertOf(chunk.length).run(chunk.flatMap((row) => [executionId, row.seq, row.type, row.at, row.data, row.blobHash, row.hash]));
      }
    },
    range: db.prepare<{ executionId: string; fromSeq: number; toSeq: number }, EventRow>(
      `SELECT e.seq, e.type, e.at, coalesce(e.data, b.content) AS data, e.hash
       FROM events e LEFT JOIN blobs b ON b.hash = e.blob_hash
       WHERE e.execution_id = @executionId AND e.seq BETWEEN @fromSeq AND @toSeq
       ORDER BY e.seq`,
    ),
  };
}
