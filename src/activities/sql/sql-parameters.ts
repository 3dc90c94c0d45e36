import type { Json } from '../../model/json.js';
import { ProblemError, problem } from '../../model/problems.js';
import type { SqlDialect } from './sql-client.js';

/**
 * The values a `params` mapping returned, checked and shaped for the driver. They are always sent as bound
 * parameters, never spliced into the SQL text, so a value can never become SQL.
 * - `null` is SQL NULL; strings and finite numbers go as they are.
 * - booleans go as they are, except to SQLite, which has no boolean type: `1`/`0`.
 * - arrays: PostgreSQL arrays for PostgreSQL (`WHERE id = ANY($1)`); their JSON text for MySQL/MariaDB and SQLite.
 * - objects: their JSON text (what json/jsonb/JSON columns take).
 *
 * A value that is not JSON is the `validation` problem (400), naming its position: `undefined` (usually an input
 * field that is missing; pass `null` for SQL NULL), a non-finite number, a function. So is a mapping that does not
 * return an array.
 */
export function bindParameters(values: unknown, dialect: SqlDialect, instance: string): unknown[] {
  if (!Array.isArray(values)) {
    throw invalid(`params must return an array of values for the query's placeholders, found ${describe(values)}`, instance);
  }
  return values.map((value: unknown, index) => bindOne(value, dialect, `params[${index}]`, instance));
}

function bindOne(value: unknown, dialect: SqlDialect, where: string, instance: string): unknown {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(`${where} is ${String(value)}, which no SQL parameter can hold`, instance);
      return value;
    case 'boolean':
      return dialect === 'sqlite' ? Number(value) : value;
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value) && dialect === 'postgres') return value.map((item: unknown, index) => bindOne(item, dialect, `${where}[${index}]`, instance));
      return JSON.stringify(value);
    default:
      throw invalid(
        `${where} is ${describe(value)}${value === undefined ? ' (a missing input field? use null for SQL NULL)' : ''}; a parameter must be JSON`,
        instance,
      );
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function invalid(detail: string, instance: string): ProblemError {
  return new ProblemError(problem('validation', { detail, instance }));
}

/** What `params` maps the activity's input to; see {@link bindParameters} for how each value is sent. */
export type SqlParameters<TInput extends Json> = (input: TInput) => readonly Json[];
