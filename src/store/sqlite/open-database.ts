import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { ResolvedSqliteStoreOptions } from './sqlite-store-options.js';

/**
 * Opens the file with the pragmas every connection needs. The busy timeout comes first: switching to WAL takes a
 * lock, and another process may be opening the same file at that moment.
 */
export function openDatabase(options: Pick<ResolvedSqliteStoreOptions, 'path' | 'synchronous' | 'busyTimeoutMs'>): Database {
  const cannotOpen = (error: unknown): Error =>
    new Error(`cannot open the SQLite store file ${options.path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  let db: Database;
  try {
    db = new BetterSqlite3(options.path, { timeout: options.busyTimeoutMs });
  } catch (error) {
    throw cannotOpen(error);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    // WAL: readers never block the writer, and a commit is one sequential write (plus one fsync with FULL).
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && !(options.path === ':memory:' && mode === 'memory')) {
      throw new Error(`expected journal_mode wal after setting it, found ${String(mode)}`);
    }
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw cannotOpen(error);
  }
}
