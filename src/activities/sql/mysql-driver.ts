import type { FieldPacket, Pool, PoolConnection, PoolOptions, QueryResult } from 'mysql2/promise';
import type { Json } from '../../model/json.js';
import { raceAbort } from './race-abort.js';
import type { SqlDriver, SqlResult, SqlStatement } from './sql-client.js';
import { sqlValueToJson } from './sql-json.js';

/**
 * MySQL and MariaDB through `mysql2`: one pooled connection per run, the statement run as a server-side prepared
 * statement (`execute`: text and values apart, one statement only), `?` as placeholders.
 *
 * Per-statement options keep the result independent of the process's time zone and exact: BIGINT is a number when
 * it fits a double, its decimal text otherwise (`supportBigNumbers`); DATE, DATETIME and TIMESTAMP keep the
 * server's text (`2025-01-01 12:00:00`, in the session's time zone for TIMESTAMP: `dateStrings`); DECIMAL stays
 * text (exact); JSON columns are parsed; BLOB/BINARY are base64.
 *
 * Abort: the activity stops waiting at once, asks the server to stop the statement with `KILL QUERY <thread id>`
 * (on a second connection of the same pool) and, once the statement has settled, destroys the connection instead
 * of returning it to the pool.
 */
export function createMysqlDriver(source: { readonly pool: Pool } | { readonly connection: string | PoolOptions }): SqlDriver {
  // mysql2 is imported on first use: an engine that runs no MySQL activity never loads it.
  let opened: Promise<Pool> | undefined;
  const open = () =>
    (opened ??= import('mysql2/promise').then((mysql) => {
      if ('pool' in source) return source.pool;
      return typeof source.connection === 'string' ? mysql.default.createPool(source.connection) : mysql.default.createPool(source.connection);
    }));
  return {
    async execute(statement) {
      statement.signal.throwIfAborted();
      const pool = await open();
      const connection = await raceAbort(pool.getConnection(), statement.signal, (late) => late.release());
      return runOnConnection(pool, connection, statement);
    },
    async close() {
      if (opened === undefined || 'pool' in source) return;
      await (await opened).end();
    },
  };
}

async function runOnConnection(pool: Pool, connection: PoolConnection, statement: SqlStatement): Promise<SqlResult> {
  const { text, values, mode, signal } = statement;
  const execution = connection.execute<QueryResult>({
    sql: text,
    values: [...values] as never,
    rowsAsArray: mode === 'arrays',
    supportBigNumbers: true,
    dateStrings: true,
  });
  let isAbandoned = false;
  const onAbort = () => {
    isAbandoned = true;
    void pool.query('KILL QUERY ?', [connection.threadId]).catch(() => undefined); // best effort: the connection is destroyed below either way
  };
  signal.addEventListener('abort', onAbort, { once: true });
  void execution
    .then(
      () => undefined,
      () => undefined,
    )
    .then(() => {
      signal.removeEventListener('abort', onAbort);
      if (isAbandoned || signal.aborted) connection.destroy();
      else connection.release();
    });
  const [result, fields] = await raceAbort(execution, signal);
  return toSqlResult(result, fields, mode);
}

function toSqlResult(result: QueryResult, fields: FieldPacket[] | undefined, mode: SqlStatement['mode']): SqlResult {
  // A statement without a result set (INSERT, UPDATE, DELETE) answers with a header counting the changed rows.
  if (!Array.isArray(result)) {
    const affectedRows = (result as { affectedRows?: unknown }).affectedRows;
    const rowCount = typeof affectedRows === 'number' ? affectedRows : 0;
    return mode === 'arrays' ? { rows: [], rowCount, columns: [] } : { rows: [], rowCount };
  }
  const rows: unknown[] = result;
  if (mode === 'arrays') {
    return { rows: rows.map((row) => (row as unknown[]).map((value) => sqlValueToJson(value))), rowCount: rows.length, columns: (fields ?? []).map((field) => field.name) };
  }
  return { rows: rows.map((row) => sqlValueToJson(row) as { [column: string]: Json }), rowCount: rows.length };
}
