import { after, before } from 'node:test';
import pg from 'pg';
import { type SqlFixture, randomSuffix, skipUnlessListening, sqlActivityContract } from '../../../test/contracts/sql-activity-contract.js';
import type { Json } from '../../model/json.js';

/** The test server: PostgreSQL on loopback, user postgres (trust), database `test`; this file's own schema in it. */
const server = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;
const schema = `itonami_sqlact_${randomSuffix()}`;
const skip = await skipUnlessListening(server.port, 'PostgreSQL');
const poolConfig = { ...server, max: 4, options: `-c search_path=${schema}` };

let admin: pg.Pool | undefined;
before(async () => {
  if (skip !== false) return;
  admin = new pg.Pool(poolConfig);
  await admin.query(`CREATE SCHEMA ${schema}`);
});
after(async () => {
  if (admin === undefined) return;
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

sqlActivityContract({
  name: 'PostgreSQL',
  skip,
  async open(t) {
    const pool = new pg.Pool(poolConfig);
    t.after(() => pool.end());
    const table = `orders_${randomSuffix()}`;
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, name varchar(200) NOT NULL UNIQUE, total integer NOT NULL)`);
    const fixture: SqlFixture = {
      table,
      pool: { kind: 'postgres', pool },
      connection: { kind: 'postgres', connection: poolConfig },
      placeholder: (n) => `$${n}`,
      exec: async (sql) => void (await pool.query(sql)),
      readRows: async () => (await pool.query(`SELECT id, name, total FROM ${table} ORDER BY id`)).rows as Json[],
    };
    return fixture;
  },
  uniqueViolation: { code: '23505', sqlState: '23505' },
  interruptible: {
    query: (marker) => `SELECT pg_sleep(30) AS ${marker}`,
    async isRunning(_fixture, marker) {
      const found = await admin?.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE $1",
        [`%AS ${marker}`],
      );
      return (found?.rows[0] as { n: number } | undefined)?.n === 1;
    },
  },
  conversion: {
    query: `SELECT 9007199254740993::int8 AS big, (-42)::int8 AS small, ARRAY[1, 9007199254740993]::int8[] AS bigs, 12.50::numeric(10,2) AS price,
      'NaN'::float8 AS nan, DATE '2025-01-02' AS day, TIMESTAMP '2025-01-02 03:04:05' AS local, TIMESTAMPTZ '2025-01-01 12:00:00+02' AS at,
      '\\x6869'::bytea AS bytes, '{"a": [1, true]}'::jsonb AS doc, NULL::text AS missing`,
    expected: {
      big: '9007199254740993',
      small: -42,
      bigs: [1, '9007199254740993'],
      price: '12.50',
      nan: 'NaN',
      day: '2025-01-02',
      local: '2025-01-02 03:04:05',
      at: '2025-01-01T10:00:00.000Z',
      bytes: 'aGk=',
      doc: { a: [1, true] },
      missing: null,
    },
  },
  unreachable: { client: { kind: 'postgres', connection: { ...server, port: 1 } }, kind: 'communication', code: 'ECONNREFUSED' },
});
