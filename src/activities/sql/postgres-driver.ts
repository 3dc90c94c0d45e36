import type { CustomTypesConfig, FieldDef, Pool, PoolClient, PoolConfig, QueryResult } from 'pg';
import type { Json } from '../../model/json.js';
import { raceAbort } from './race-abort.js';
import type { SqlDriver, SqlResult, SqlStatement } from './sql-client.js';
import { sqlValueToJson } from './sql-json.js';

type PgModule = typeof import('pg');

/** Type OIDs (`pg_type.oid`) whose parsing the activity decides. */
const OID = { int8: 20, int8Array: 1016, textArray: 1009, date: 1082, dateArray: 1182, timestamp: 1114, timestampArray: 1115, interval: 1186, intervalArray: 1187 } as const;

/**
 * PostgreSQL through `pg`: one pooled client per run, the statement sent with the extended protocol (text and
 * values apart, so one statement only and values never parsed as SQL), `$1`, `$2`… as placeholders.
 *
 * Values are parsed per query, never through pg's global type registry, so another user of `pg` in the process is
 * unaffected and the result does not depend on the process's time zone: `int8` becomes a `bigint` (then a number or
 * a decimal string, see `sqlValueToJson`); `date`, `timestamp` (without time zone) and `interval` keep PostgreSQL's
 * text (`2025-01-01`, `2025-01-01 12:00:00`); `timestamptz` is an instant (ISO 8601 UTC, millisecond precision);
 * `numeric` and `money` stay text (exact); json/jsonb are parsed; `bytea` is base64.
 *
 * Abort: the activity stops waiting at once, asks the server to cancel the statement with `pg_cancel_backend`
 * (on a second connection of the same pool, so a pool of one cancels only once the statement ends) and, when the
 * statement has settled, closes the client instead of returning it to the pool.
 */
export function createPostgresDriver(source: { readonly pool: Pool } | { readonly connection: string | PoolConfig }): SqlDriver {
  // pg is imported on first use: an engine that runs no PostgreSQL activity never loads it.
  let opened: Promise<{ pool: Pool; types: CustomTypesConfig }> | undefined;
  const open = () =>
    (opened ??= import('pg').then((pg) => {
      const types = typesFor(pg);
      if ('pool' in source) return { pool: source.pool, types };
      const config = typeof source.connection === 'string' ? { connectionString: source.connection } : source.connection;
      const pool = new pg.Pool(config);
      // An idle client that loses its server emits 'error' on the pool, which would crash the process unheard; the
      // pool drops that client, and the next run connects afresh (or fails with the reason as its problem).
      pool.on('error', () => undefined);
      return { pool, types };
    }));
  return {
    async execute(statement) {
      statement.signal.throwIfAborted();
      const { pool, types } = await open();
      const client = await raceAbort(pool.connect(), statement.signal, (late) => late.release());
      return runOnClient(pool, client, statement, types);
    },
    async close() {
      if (opened === undefined || 'pool' in source) return;
      const { pool } = await opened;
      await pool.end();
    },
  };
}

async function runOnClient(pool: Pool, client: PoolClient, statement: SqlStatement, types: CustomTypesConfig): Promise<SqlResult> {
  const { text, values, mode, signal } = statement;
  const query: Promise<QueryResult<Record<string, unknown> | unknown[]>> =
    mode === 'arrays' ? client.query({ text, values: [...values], rowMode: 'array', types }) : client.query({ text, values: [...values], types });
  let isAbandoned = false;
  const onAbort = () => {
    isAbandoned = true;
    // pg's processID is the server process that runs this client's statements (BackendKeyData).
    const backend = (client as { processID?: unknown }).processID;
    if (typeof backend === 'number') void pool.query('SELECT pg_cancel_backend($1)', [backend]).catch(() => undefined); // best effort: the client is closed below either way
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const settled = query.then(
    () => undefined,
    () => undefined,
  );
  void settled.then(() => {
    signal.removeEventListener('abort', onAbort);
    // A client whose statement was cancelled under it is closed rather than reused: its state is not ours to vouch for.
    client.release(isAbandoned || signal.aborted);
  });
  const result = await raceAbort(query, signal);
  return toSqlResult(result, mode);
}

function toSqlResult(result: QueryResult<Record<string, unknown> | unknown[]>, mode: SqlStatement['mode']): SqlResult {
  // rowCount is null for commands that report no count (LISTEN, SET): no rows returned or changed.
  const rowCount = result.rowCount ?? result.rows.length;
  if (mode === 'arrays') {
    return { rows: result.rows.map((row) => (row as unknown[]).map((value) => sqlValueToJson(value))), rowCount, columns: result.fields.map((field: FieldDef) => field.name) };
  }
  return { rows: result.rows.map((row) => sqlValueToJson(row) as { [column: string]: Json }), rowCount };
}

/** Per-query parsers (see {@link createPostgresDriver}); every other type gets pg's default parser. */
function typesFor(pg: PgModule): CustomTypesConfig {
  const defaults = (oid: number, format: 'text' | 'binary'): unknown => pg.types.getTypeParser(oid, format);
  // pg's own text[] and int8[] parsers split arrays (nested, quoted, NULL) into strings; only the elements change.
  const textArray = defaults(OID.textArray, 'text') as (value: string) => unknown;
  const int8Array = defaults(OID.int8Array, 'text') as (value: string) => unknown;
  const overrides = new Map<number, (value: string) => unknown>([
    [OID.int8, (value) => BigInt(value)],
    [OID.int8Array, (value) => mapStrings(int8Array(value), (item) => BigInt(item))],
    [OID.date, (value) => value],
    [OID.dateArray, textArray],
    [OID.timestamp, (value) => value],
    [OID.timestampArray, textArray],
    [OID.interval, (value) => value],
    [OID.intervalArray, textArray],
  ]);
  const getTypeParser = ((oid: number, format: 'text' | 'binary' = 'text') =>
    (format === 'text' ? overrides.get(oid) : undefined) ?? defaults(oid, format)) as CustomTypesConfig['getTypeParser'];
  return { getTypeParser };
}

function mapStrings(value: unknown, map: (item: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, map));
  return typeof value === 'string' ? map(value) : value;
}
