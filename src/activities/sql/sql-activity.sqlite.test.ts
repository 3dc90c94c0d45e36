import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type SqlFixture, randomSuffix, sqlActivityContract } from '../../../test/contracts/sql-activity-contract.js';
import type { Json } from '../../model/json.js';

sqlActivityContract({
  name: 'SQLite',
  skip: false,
  async open(t) {
    const dir = await mkdtemp(join(tmpdir(), 'itonami-sqlact-'));
    const path = join(dir, 'app.db');
    const db = new Database(path);
    t.after(async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    });
    const table = `orders_${randomSuffix()}`;
    db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, total INTEGER NOT NULL)`);
    const fixture: SqlFixture = {
      table,
      pool: { kind: 'sqlite', database: db },
      connection: { kind: 'sqlite', path },
      placeholder: () => '?',
      exec: async (sql) => void db.exec(sql),
      readRows: async () => db.prepare(`SELECT id, name, total FROM ${table} ORDER BY id`).all() as Json[],
    };
    return fixture;
  },
  uniqueViolation: { code: 'SQLITE_CONSTRAINT_UNIQUE' },
  conversion: {
    query: "SELECT 9007199254740993 AS big, -42 AS small, 1.5 AS real, '2025-01-02' AS day, X'6869' AS bytes, NULL AS missing",
    expected: { big: '9007199254740993', small: -42, real: 1.5, day: '2025-01-02', bytes: 'aGk=', missing: null },
  },
  unreachable: { client: { kind: 'sqlite', path: join(tmpdir(), `itonami-missing-${randomSuffix()}.db`), readonly: true }, kind: 'runtime', code: 'SQLITE_CANTOPEN' },
});
