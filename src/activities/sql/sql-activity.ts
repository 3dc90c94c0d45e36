import type { Json } from '../../model/json.js';
import { ProblemError, problem } from '../../model/problems.js';
import { type ActivityDefinition, defineActivity } from '../activity-definition.js';
import type { ActivityOptions } from '../activity-options.js';
import { activityOptionsOf } from '../activity-options-of.js';
import type { RegisteredFunction } from '../effects.js';
import { createMysqlDriver } from './mysql-driver.js';
import { createPostgresDriver } from './postgres-driver.js';
import type { SqlClientOptions, SqlDialect, SqlDriver, SqlRowMode } from './sql-client.js';
import { type SqlParameters, bindParameters } from './sql-parameters.js';
import { sqlProblem } from './sql-problems.js';
import { createSqliteDriver } from './sqlite-driver.js';

/** Besides its own options, a SQL activity may declare `inputSchema`, `timeout`, `retry`, `heartbeatTimeout`. */
export interface SqlActivityOptions<TInput extends Json = Json> extends ActivityOptions {
  /** What workflows call: `call: <name>`. */
  readonly name: string;
  /** The database: an existing pool (kept open) or a connection the activity opens and `close()` ends. */
  readonly client: SqlClientOptions;
  /**
   * One SQL statement, fixed here and never built from input. Placeholders are the driver's own: `$1`, `$2`… for
   * PostgreSQL, `?` for MySQL/MariaDB and SQLite.
   */
  readonly query: string;
  /**
   * Maps the activity's input (the task's `with`) to the placeholders' values, in order. Omitted: the statement
   * takes no values. Values are always bound, never spliced into the text (see `bindParameters`).
   */
  readonly params?: SqlParameters<TInput>;
  /** `objects` (default): rows keyed by column name; `arrays`: rows in column order, plus `columns`. */
  readonly mode?: SqlRowMode;
}

/** A SQL activity; `close()` ends the pool (or SQLite file) it opened itself, never one it was given. Idempotent. */
export interface SqlActivity extends ActivityDefinition {
  close(): Promise<void>;
}

const DIALECTS: readonly SqlDialect[] = ['postgres', 'mysql', 'sqlite'];

/**
 * A built-in activity that runs one parameterised SQL statement on PostgreSQL, MySQL/MariaDB or SQLite and returns
 * `{ rows, rowCount }` (plus `columns` in `arrays` mode), every value converted to JSON the same way on every machine:
 * 64-bit integers are numbers when exact and decimal strings otherwise, instants ISO 8601 UTC, dates and zone-less
 * timestamps the database's text, DECIMAL/NUMERIC text, bytes base64 (details per driver in `postgres-driver.ts`,
 * `mysql-driver.ts`, `sqlite-driver.ts`).
 *
 * Each run borrows a pooled connection and honours the run's signal (cancellation, timeouts): it stops waiting at
 * once, asks the server to cancel the statement, and returns no result. A database error is a problem that keeps the
 * driver's `code` (SQLSTATE `23505`, `ER_DUP_ENTRY`, `SQLITE_CONSTRAINT_UNIQUE`): see `sqlProblem`. Like every
 * activity it runs at least once; make writes idempotent (`ON CONFLICT DO NOTHING`, or key them on
 * `ctx.idempotencyKey` through `params`).
 *
 * @example
 * import { createEngine, sqlActivity } from 'itonami';
 * const findOrders = sqlActivity({
 *   name: 'find_orders',
 *   client: { kind: 'postgres', connection: 'postgres://app@127.0.0.1/shop' },
 *   query: 'SELECT id, total FROM orders WHERE customer = $1 AND total >= $2 ORDER BY id',
 *   params: (input: { customer: string; minTotal: number }) => [input.customer, input.minTotal],
 * });
 * const engine = await createEngine({ functions: { [findOrders.name]: findOrders } });
 * // … `call: find_orders` with `{ customer, minTotal }` outputs { rows: [{ id: 1, total: '12.50' }], rowCount: 1 }
 * await engine.close();
 * await findOrders.close();
 */
export function sqlActivity<TInput extends Json = Json>(options: SqlActivityOptions<TInput>): SqlActivity {
  const { name, client, query, params, mode = 'objects' } = options;
  if (typeof query !== 'string' || query.trim() === '') throw new TypeError(`sqlActivity ${name}: query must be a non-empty SQL string`);
  if (params !== undefined && typeof params !== 'function') throw new TypeError(`sqlActivity ${name}: params must be a function (input) => [values]`);
  if (mode !== 'objects' && mode !== 'arrays') throw new TypeError(`sqlActivity ${name}: mode must be 'objects' or 'arrays', found ${String(mode)}`);
  const dialect = (client as { kind?: unknown } | undefined)?.kind;
  if (!DIALECTS.includes(dialect as SqlDialect)) {
    throw new TypeError(`sqlActivity ${name}: client.kind must be one of ${DIALECTS.join(', ')}, found ${String(dialect)}`);
  }
  const driver = createDriver(client);
  let isClosed = false;
  const run: RegisteredFunction = async (input, ctx) => {
    if (isClosed) throw new ProblemError(problem('runtime', { detail: `sql activity '${name}' is closed`, instance: ctx.taskReference }));
    const values = bindParameters(params === undefined ? [] : params(input as TInput), client.kind, ctx.taskReference);
    try {
      return await driver.execute({ text: query, values, mode, signal: ctx.signal });
    } catch (error) {
      // After an abort only its reason comes out, untouched: the runtime recognises cancellations and timeouts by it.
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
      if (error instanceof ProblemError) throw error;
      throw sqlProblem(error, client.kind, ctx.taskReference);
    }
  };
  return defineActivity<SqlActivity>({
    ...activityOptionsOf(options),
    name,
    run,
    async close() {
      if (isClosed) return;
      isClosed = true;
      await driver.close();
    },
  });
}

function createDriver(client: SqlClientOptions): SqlDriver {
  switch (client.kind) {
    case 'postgres':
      return createPostgresDriver(client);
    case 'mysql':
      return createMysqlDriver(client);
    case 'sqlite':
      return createSqliteDriver(client);
  }
}
