/**
 * The baseline durable-step rates are compared with: what a hand-written loop gets from the same SQLite file
 * settings when every record is its own transaction (one INSERT of a ~250-byte row into a WITHOUT ROWID table per
 * commit), with better-sqlite3, the driver the store uses. An engine that commits each step on its own can at best
 * match it; group commit is what lets it do better.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import type { Synchronous } from './workload.js';

export const BASELINE_ROW_BYTES = 250;

export interface SingleRowTable {
  /** Commits `rows` rows, one transaction each; returns how many it committed. */
  commit(rows: number): number;
  close(): void;
}

/** A fresh file in a temp dir with the store's pragmas (WAL, the given synchronous mode) and one WITHOUT ROWID table. */
export function openSingleRowTable(synchronous: Synchronous): SingleRowTable {
  const dir = mkdtempSync(join(tmpdir(), 'itonami-baseline-'));
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(join(dir, 'baseline.db'));
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`baseline: expected journal_mode wal, found ${String(mode)}`);
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('CREATE TABLE records (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID');
  } catch (error) {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const open = db;
  const insert: Statement<[string, string]> = open.prepare('INSERT INTO records (id, body) VALUES (?, ?)');
  // A uuid key (36 bytes) plus the body makes the ~250-byte row; the body varies so no page compresses away.
  const bodyBytes = BASELINE_ROW_BYTES - 36;
  return {
    commit(rows) {
      for (let i = 0; i < rows; i += 1) {
        // Outside an explicit transaction every INSERT is its own commit (and, with FULL, its own fsync).
        insert.run(randomUUID(), `${i}:`.padEnd(bodyBytes, 'x'));
      }
      return rows;
    },
    close() {
      open.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
