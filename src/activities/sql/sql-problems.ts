import { type Problem, type ProblemKind, ProblemError, problem, toError } from '../../model/problems.js';
import type { SqlDialect } from './sql-client.js';

/** Node's socket errors: the database was not reached, or the connection broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);
/** mysql2's own codes for a connection that broke or never came up. */
const MYSQL_CONNECTION_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'PROTOCOL_SEQUENCE_TIMEOUT']);
/** SQLSTATE classes: 08 connection exception, 28 invalid authorization, 57P0x operator intervention (shutdown). */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * A driver's failure as the problem the workflow sees, classified by code, never by message text (STYLE.md §4):
 * - the database unreachable or the connection lost (ECONNREFUSED, SQLSTATE class 08, 57P01–57P03,
 *   PROTOCOL_CONNECTION_LOST): `communication` (500);
 * - credentials refused (SQLSTATE class 28, MySQL's ER_ACCESS_DENIED_ERROR): `authentication` (401);
 * - anything else the database refused — a constraint (`23505`, `ER_DUP_ENTRY`, `SQLITE_CONSTRAINT_UNIQUE`), a
 *   syntax error (`42601`), a missing table: `runtime` (500).
 *
 * The problem keeps the driver's `code` (PostgreSQL: the SQLSTATE; MySQL/MariaDB: `ER_…`; SQLite: `SQLITE_…`),
 * `sqlState` where the driver reports one, MySQL's numeric `errno`, and PostgreSQL's `constraint`, so a `catch` can
 * filter on them (`when: ${ .code == "23505" }`). The detail is the driver's message (plus PostgreSQL's own detail
 * line), never the stack.
 */
export function sqlProblem(error: unknown, dialect: SqlDialect, instance: string): ProblemError {
  const cause = toError(error);
  const fields = cause as { code?: unknown; sqlState?: unknown; errno?: unknown; detail?: unknown; constraint?: unknown };
  const code = typeof fields.code === 'string' || typeof fields.code === 'number' ? String(fields.code) : undefined;
  const sqlState = dialect === 'postgres' ? (code !== undefined && SQLSTATE.test(code) ? code : undefined) : stringField(fields.sqlState);
  const extensions: Partial<Problem> = {
    ...(code === undefined ? {} : { code }),
    ...(sqlState === undefined ? {} : { sqlState }),
    ...(dialect === 'mysql' && typeof fields.errno === 'number' ? { errno: fields.errno } : {}),
    ...(dialect === 'postgres' && typeof fields.constraint === 'string' ? { constraint: fields.constraint } : {}),
  };
  const pgDetail = dialect === 'postgres' ? stringField(fields.detail) : undefined;
  const detail = `${dialectName[dialect]}: ${cause.message}${pgDetail === undefined ? '' : ` (${pgDetail})`}`;
  return new ProblemError(problem(kindOf(code, sqlState, dialect), { detail, instance, ...extensions }), { cause });
}

const dialectName: Record<SqlDialect, string> = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB', sqlite: 'SQLite' };

function kindOf(code: string | undefined, sqlState: string | undefined, dialect: SqlDialect): ProblemKind {
  if (code !== undefined && NETWORK_CODES.has(code)) return 'communication';
  if (dialect === 'mysql' && code !== undefined && MYSQL_CONNECTION_CODES.has(code)) return 'communication';
  if (dialect === 'mysql' && code === 'ER_ACCESS_DENIED_ERROR') return 'authentication';
  if (sqlState?.startsWith('08') === true || (sqlState !== undefined && /^57P0[1-3]$/.test(sqlState))) return 'communication';
  if (sqlState?.startsWith('28') === true) return 'authentication';
  return 'runtime';
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
