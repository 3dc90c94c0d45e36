import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { sqlActivity } from './sql-activity.js';
import type { SqlActivityOptions } from './sql-activity.js';

const db = new Database(':memory:');
test.after(() => db.close());
const valid: SqlActivityOptions = { name: 'q', client: { kind: 'sqlite', database: db }, query: 'SELECT 1' };

const invalid: { name: string; options: Record<string, unknown>; message: RegExp }[] = [
  { name: 'an empty query', options: { query: '  ' }, message: /query must be a non-empty SQL string/ },
  { name: 'a query that is not a string', options: { query: ['SELECT 1'] }, message: /query must be a non-empty SQL string/ },
  { name: 'params that are not a function', options: { params: ['x'] }, message: /params must be a function/ },
  { name: 'an unknown mode', options: { mode: 'rows' }, message: /mode must be 'objects' or 'arrays', found rows/ },
  { name: 'an unknown client kind', options: { client: { kind: 'oracle' } }, message: /client.kind must be one of postgres, mysql, sqlite, found oracle/ },
  { name: 'no client', options: { client: undefined }, message: /client.kind must be one of/ },
  { name: 'an empty name', options: { name: '' }, message: /non-empty string name/ },
  { name: 'an option that cannot be used', options: { retry: { limit: { attempt: { count: -1 } } } }, message: /\/retry\/limit\/attempt\/count/ },
];
for (const c of invalid) {
  test(`sqlActivity throws a TypeError at definition on ${c.name}`, () => {
    assert.throws(() => sqlActivity({ ...valid, ...c.options }), (error: unknown) => error instanceof TypeError && c.message.test(error.message));
  });
}

test('sqlActivity: the definition carries its activity options and nothing of its connection', async () => {
  const activity = sqlActivity({ ...valid, timeout: { seconds: 5 }, heartbeatTimeout: 'PT1S' });
  assert.deepEqual(Object.keys(activity).sort(), ['close', 'heartbeatTimeout', 'name', 'run', 'timeout']);
  await activity.close();
});
