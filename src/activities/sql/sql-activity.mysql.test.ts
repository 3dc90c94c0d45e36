import mysql from 'mysql2/promise';
import { type SqlFixture, randomSuffix, skipUnlessListening, sqlActivityContract } from '../../../test/contracts/sql-activity-contract.js';
import type { Json } from '../../model/json.js';

/** The test server: MariaDB (or MySQL) on loopback, root with an empty password, database `test`; own tables in it. */
const server = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' } as const;
const skip = await skipUnlessListening(server.port, 'MariaDB');

sqlActivityContract({
  name: 'MariaDB',
  skip,
  async open(t) {
    const pool = mysql.createPool({ ...server, connectionLimit: 4 });
    const table = `itonami_sqlact_${randomSuffix()}`;
    t.after(async () => {
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
      await pool.end();
    });
    await pool.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL UNIQUE, total INT NOT NULL)`);
    const fixture: SqlFixture = {
      table,
      pool: { kind: 'mysql', pool },
      connection: { kind: 'mysql', connection: `mysql://${server.user}@${server.host}:${server.port}/${server.database}` },
      placeholder: () => '?',
      exec: async (sql) => void (await pool.query(sql)),
      readRows: async () => (await pool.query(`SELECT id, name, total FROM ${table} ORDER BY id`))[0] as Json[],
    };
    return fixture;
  },
  uniqueViolation: { code: 'ER_DUP_ENTRY', sqlState: '23000' },
  interruptible: {
    query: (marker) => `SELECT SLEEP(30) AS ${marker}`,
    async isRunning(fixture, marker) {
      if (fixture.pool.kind !== 'mysql' || !('pool' in fixture.pool)) throw new Error('the MariaDB fixture lends a pool');
      const [rows] = await fixture.pool.pool.query(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND = 'Execute' AND INFO LIKE ?",
        [`%AS ${marker}`],
      );
      return Number((rows as { n: unknown }[])[0]?.n) === 1;
    },
  },
  conversion: {
    query: `SELECT CAST(9007199254740993 AS SIGNED) AS big, CAST(-42 AS SIGNED) AS small, CAST(12.5 AS DECIMAL(10,2)) AS price,
      DATE '2025-01-02' AS day, TIMESTAMP '2025-01-02 03:04:05' AS local, X'6869' AS bytes, NULL AS missing`,
    expected: { big: '9007199254740993', small: -42, price: '12.50', day: '2025-01-02', local: '2025-01-02 03:04:05', bytes: 'aGk=', missing: null },
  },
  unreachable: { client: { kind: 'mysql', connection: { ...server, port: 1 } }, kind: 'communication', code: 'ECONNREFUSED' },
});
