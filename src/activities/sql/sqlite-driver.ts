import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { Json } from '../../model/json.js';
import type { SqlDriver, SqlResult } from './sql-client.js';
import { sqlValueToJson } from './sql-json.js';

/**
 * SQLite through `better-sqlite3`: the statement is prepared once (its text is fixed) and run with its values bound,
 * `?` (or `?NNN`) as placeholders; preparing rejects a second statement in the text.
 *
 * Integers are read as `bigint` (`safeIntegers`), then become numbers when they fit a double and decimal text
 * otherwise, so a large INTEGER is never rounded; REAL is a number, TEXT a string, BLOB base64. SQLite has no date
 * type: dates are whatever the column holds.
 *
 * better-sqlite3 runs a statement synchronously on the calling thread and cannot interrupt it: an abort before the
 * run stops it, one during the run is honoured once it returns (no result is given back).
 */
export function createSqliteDriver(source: { readonly database: SqliteDatabase } | { readonly path: string; readonly readonly?: boolean }): SqlDriver {
  let database: SqliteDatabase | undefined;
  let statement: Statement | undefined;
  const open = (): SqliteDatabase => {
    if (database !== undefined) return database;
    if ('database' in source) return (database = source.database);
    // better-sqlite3 waits up to 5 s (its default `timeout`) for another connection's write lock.
    return (database = new Database(source.path, { readonly: source.readonly === true }));
  };
  return {
    async execute({ text, values, mode, signal }) {
      signal.throwIfAborted();
      const db = open();
      // One activity has one fixed text, so one prepared statement serves every run.
      statement ??= db.prepare(text).safeIntegers(true);
      const result = run(statement, values, mode);
      signal.throwIfAborted();
      return result;
    },
    async close() {
      statement = undefined;
      if (database === undefined || 'database' in source) return;
      database.close();
    },
  };
}

function run(statement: Statement, values: readonly unknown[], mode: 'objects' | 'arrays'): SqlResult {
  if (!statement.reader) {
    const { changes } = statement.run(...values);
    return mode === 'arrays' ? { rows: [], rowCount: changes, columns: [] } : { rows: [], rowCount: changes };
  }
  if (mode === 'arrays') {
    const rows = (statement.raw(true).all(...values) as unknown[][]).map((row) => row.map((value) => sqlValueToJson(value)));
    return { rows, rowCount: rows.length, columns: statement.columns().map((column) => column.name) };
  }
  const rows = (statement.raw(false).all(...values) as object[]).map((row) => sqlValueToJson(row) as { [column: string]: Json });
  return { rows, rowCount: rows.length };
}
