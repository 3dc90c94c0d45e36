import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemTypes } from '../../model/problems.js';
import type { SqlDialect } from './sql-client.js';
import { sqlProblem } from './sql-problems.js';

/** Errors shaped as each driver throws them (fields as pg, mysql2 and better-sqlite3 set them). */
function driverError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

const cases: { name: string; dialect: SqlDialect; error: Error; kind: keyof typeof problemTypes; extensions: Record<string, unknown> }[] = [
  {
    name: 'a PostgreSQL unique violation keeps its SQLSTATE and constraint',
    dialect: 'postgres',
    error: driverError('duplicate key value violates unique constraint "orders_name_key"', { code: '23505', detail: 'Key (name)=(ann) already exists.', constraint: 'orders_name_key' }),
    kind: 'runtime',
    extensions: { code: '23505', sqlState: '23505', constraint: 'orders_name_key' },
  },
  { name: 'a PostgreSQL shutdown (57P01) is communication', dialect: 'postgres', error: driverError('terminating connection', { code: '57P01' }), kind: 'communication', extensions: { code: '57P01', sqlState: '57P01' } },
  { name: 'a PostgreSQL password refusal (28P01) is authentication', dialect: 'postgres', error: driverError('password authentication failed', { code: '28P01' }), kind: 'authentication', extensions: { code: '28P01', sqlState: '28P01' } },
  { name: 'a refused socket is communication', dialect: 'postgres', error: driverError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), kind: 'communication', extensions: { code: 'ECONNREFUSED' } },
  {
    name: 'a MySQL duplicate keeps its code, SQLSTATE and errno',
    dialect: 'mysql',
    error: driverError("Duplicate entry 'ann' for key 'name'", { code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' }),
    kind: 'runtime',
    extensions: { code: 'ER_DUP_ENTRY', sqlState: '23000', errno: 1062 },
  },
  { name: 'a lost MySQL connection is communication', dialect: 'mysql', error: driverError('Connection lost', { code: 'PROTOCOL_CONNECTION_LOST' }), kind: 'communication', extensions: { code: 'PROTOCOL_CONNECTION_LOST' } },
  { name: 'a MySQL access denial is authentication', dialect: 'mysql', error: driverError('Access denied', { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, sqlState: '28000' }), kind: 'authentication', extensions: { code: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000', errno: 1045 } },
  { name: 'a SQLite constraint keeps its code', dialect: 'sqlite', error: driverError('UNIQUE constraint failed: orders.name', { code: 'SQLITE_CONSTRAINT_UNIQUE' }), kind: 'runtime', extensions: { code: 'SQLITE_CONSTRAINT_UNIQUE' } },
  { name: 'an error without a code is a plain runtime problem', dialect: 'sqlite', error: new Error('something odd'), kind: 'runtime', extensions: {} },
];

for (const c of cases) {
  test(`sqlProblem: ${c.name}`, () => {
    const { problem } = sqlProblem(c.error, c.dialect, '/do/1/save');
    const { type, status, title, detail, instance, ...extensions } = problem;
    assert.deepEqual({ type, status, title }, problemTypes[c.kind]);
    assert.equal(instance, '/do/1/save');
    assert.ok(detail?.includes(c.error.message), detail);
    assert.deepEqual(extensions, c.extensions);
  });
}

test('sqlProblem: PostgreSQL detail lines join the message; the cause is kept, the stack is not in the problem', () => {
  const error = driverError('duplicate key value violates unique constraint "k"', { code: '23505', detail: 'Key (id)=(1) already exists.' });
  const problemError = sqlProblem(error, 'postgres', '/do/0/x');
  assert.equal(problemError.problem.detail, 'PostgreSQL: duplicate key value violates unique constraint "k" (Key (id)=(1) already exists.)');
  assert.equal(problemError.cause, error);
  assert.doesNotMatch(JSON.stringify(problemError.problem), /\\n\s+at /, 'no stack frames');
});
