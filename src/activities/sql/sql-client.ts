import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Pool as MysqlPool, PoolOptions as MysqlPoolOptions } from 'mysql2/promise';
import type { Pool as PgPool, PoolConfig as PgPoolConfig } from 'pg';
import type { Json } from '../../model/json.js';

/** The databases a SQL activity talks to: PostgreSQL (`pg`), MySQL/MariaDB (`mysql2`), SQLite (`better-sqlite3`). */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

/**
 * Where a SQL activity runs its statement. Give an existing pool (or SQLite database) and it stays yours: the
 * activity borrows a connection per run and never ends the pool. Give a connection (a URL or the driver's pool
 * options) or a SQLite file `path`, and the activity opens the pool on its first run and ends it on `close()`.
 */
export type SqlClientOptions =
  | { readonly kind: 'postgres'; readonly pool: PgPool }
  | { readonly kind: 'postgres'; readonly connection: string | PgPoolConfig }
  | { readonly kind: 'mysql'; readonly pool: MysqlPool }
  | { readonly kind: 'mysql'; readonly connection: string | MysqlPoolOptions }
  | { readonly kind: 'sqlite'; readonly database: SqliteDatabase }
  | { readonly kind: 'sqlite'; readonly path: string; readonly readonly?: boolean };

/**
 * `objects` (the default): each row is an object keyed by column name (a later column wins over an earlier one of
 * the same name). `arrays`: each row is an array in column order, and the output adds `columns`, the names in
 * that order, so a join's two `id` columns both survive.
 */
export type SqlRowMode = 'objects' | 'arrays';

/**
 * What a SQL activity returns (JSON, see `sqlValueToJson`): `rowCount` is the number of rows returned by a query, or
 * changed by an INSERT/UPDATE/DELETE without RETURNING; `columns` (in `arrays` mode only) names the columns in order.
 */
export type SqlResult =
  | { rows: { [column: string]: Json }[]; rowCount: number }
  | { rows: Json[][]; rowCount: number; columns: string[] };

/** One statement for a driver: fixed text, bound values, and the run's signal. */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly mode: SqlRowMode;
  readonly signal: AbortSignal;
}

/** One dialect's way to run a statement on a pooled connection; `close` ends only what the driver opened. */
export interface SqlDriver {
  execute(statement: SqlStatement): Promise<SqlResult>;
  close(): Promise<void>;
}
