/**
 * The SQL activity contract (src/activities/sql/): every database runs these cases against a real server (or file),
 * so PostgreSQL, MySQL/MariaDB and SQLite keep the same behaviour. A database's test file is one call:
 * `sqlActivityContract(backend)`. When the server is not reachable every case skips with the backend's notice.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  type Json,
  ProblemError,
  type SqlActivity,
  type SqlActivityOptions,
  type SqlClientOptions,
  createEngine,
  openSqliteStore,
  problemTypes,
  sqlActivity,
} from '../../src/index.js';
import { connect } from 'node:net';
import { type RunContext, runContext } from '../support/activity-context.js';
import { assertCompleted, assertFaulted, assertRebuildMatches, eventsOfType } from '../support/engine-harness.js';
import { tempDir } from '../support/temp-dir.js';

/** One isolated place in the database: a fresh table `(id integer primary key, name unique not null, total integer)`. */
export interface SqlFixture {
  readonly table: string;
  /** A pool (or database) the fixture owns and ends: activities borrow it. */
  readonly pool: SqlClientOptions;
  /** The same database as a connection the activity opens itself and ends on `close()`. */
  readonly connection: SqlClientOptions;
  /** Placeholder number `n` (1-based) in this dialect: `$1` or `?`. */
  placeholder(n: number): string;
  /** Runs setup SQL outside the activity (the fixture's own connection). */
  exec(sql: string): Promise<void>;
  /** The rows in `table`, by id, read outside the activity. */
  readRows(): Promise<Json[]>;
}

export interface SqlBackend {
  /** Shown in test names: `PostgreSQL`, `MariaDB`, `SQLite`. */
  readonly name: string;
  /** Why the cases cannot run here (the server is not reachable), or false. */
  readonly skip: string | false;
  open(t: TestContext): Promise<SqlFixture>;
  /** What a duplicate `name` raises: the driver's code (and SQLSTATE where it has one). */
  readonly uniqueViolation: { readonly code: string; readonly sqlState?: string };
  /** A statement the server can be asked to stop, made findable by `marker`, and how to see that it still runs. */
  readonly interruptible?: {
    readonly query: (marker: string) => string;
    readonly isRunning: (fixture: SqlFixture, marker: string) => Promise<boolean>;
  };
  /** A SELECT of the values the JSON rules cover (no placeholders), and the row it must return. */
  readonly conversion: { readonly query: string; readonly expected: Json };
  /** A client that cannot connect, and the problem kind that makes. */
  readonly unreachable: { readonly client: SqlClientOptions; readonly kind: keyof typeof problemTypes; readonly code: string };
}


/** Runs an activity as the engine does: a synchronous throw becomes a rejection. */
function call(activity: SqlActivity, input: Json, ctx: RunContext = runContext()): Promise<Json> {
  return Promise.resolve().then(() => activity.run(input, ctx));
}

export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}

export function sqlActivityContract(backend: SqlBackend): void {
  const { skip } = backend;
  const activity = <TInput extends Json>(t: TestContext, options: SqlActivityOptions<TInput>): SqlActivity => {
    const created = sqlActivity(options);
    t.after(() => created.close());
    return created;
  };
  const inserter = (t: TestContext, f: SqlFixture, client: SqlClientOptions = f.pool) =>
    activity(t, {
      name: 'add_order',
      client,
      query: `INSERT INTO ${f.table} (id, name, total) VALUES (${f.placeholder(1)}, ${f.placeholder(2)}, ${f.placeholder(3)})`,
      params: (input: { id: number; name: string; total: number }) => [input.id, input.name, input.total],
    });

  test(`${backend.name} sqlActivity: a select binds its params from the input and returns { rows, rowCount }`, { skip }, async (t) => {
    const f = await backend.open(t);
    await f.exec(`INSERT INTO ${f.table} (id, name, total) VALUES (1, 'ann', 10), (2, 'bob', 25), (3, 'cy', 40)`);
    const select = activity(t, {
      name: 'find_orders',
      client: f.pool,
      query: `SELECT id, name, total FROM ${f.table} WHERE total >= ${f.placeholder(1)} AND name <> ${f.placeholder(2)} ORDER BY id`,
      params: (input: { minTotal: number; except: string }) => [input.minTotal, input.except],
    });
    assert.deepEqual(await call(select, { minTotal: 20, except: 'cy' }, runContext()), { rows: [{ id: 2, name: 'bob', total: 25 }], rowCount: 1 });
    assert.deepEqual(await call(select, { minTotal: 100, except: '' }, runContext()), { rows: [], rowCount: 0 });
  });

  test(`${backend.name} sqlActivity: an insert reports the rows it changed; arrays mode gives columns in order`, { skip }, async (t) => {
    const f = await backend.open(t);
    const insertTwo = activity(t, {
      name: 'add_two',
      client: f.pool,
      query: `INSERT INTO ${f.table} (id, name, total) VALUES (${f.placeholder(1)}, ${f.placeholder(2)}, 5), (${f.placeholder(3)}, ${f.placeholder(4)}, 7)`,
      params: (input: { names: [string, string] }) => [1, input.names[0], 2, input.names[1]],
    });
    assert.deepEqual(await call(insertTwo, { names: ['ann', 'bob'] }, runContext()), { rows: [], rowCount: 2 });
    const raise = activity(t, { name: 'raise_all', client: f.pool, query: `UPDATE ${f.table} SET total = total + 1` });
    assert.deepEqual(await call(raise, {}, runContext()), { rows: [], rowCount: 2 });
    const asArrays = activity(t, { name: 'as_arrays', client: f.pool, query: `SELECT name, total, id FROM ${f.table} ORDER BY id`, mode: 'arrays' });
    assert.deepEqual(await call(asArrays, null, runContext()), { rows: [['ann', 6, 1], ['bob', 8, 2]], rowCount: 2, columns: ['name', 'total', 'id'] });
  });

  test(`${backend.name} sqlActivity: a constraint violation is a runtime problem keeping the driver's code`, { skip }, async (t) => {
    const f = await backend.open(t);
    const add = inserter(t, f);
    await call(add, { id: 1, name: 'ann', total: 1 }, runContext());
    const error = await call(add, { id: 2, name: 'ann', total: 2 }, runContext(undefined, '/do/3/add')).then(
      () => assert.fail('a duplicate name was accepted'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ProblemError, `expected a ProblemError, got ${String(error)}`);
    const { problem } = error;
    assert.equal(problem.type, problemTypes.runtime.type);
    assert.equal(problem.code, backend.uniqueViolation.code);
    assert.equal(problem.sqlState, backend.uniqueViolation.sqlState);
    assert.equal(problem.instance, '/do/3/add');
    assert.match(problem.detail ?? '', /unique|duplicate/i);
    assert.deepEqual(await f.readRows(), [{ id: 1, name: 'ann', total: 1 }]);
  });

  test(`${backend.name} sqlActivity: an injection attempt in the input stays a value`, { skip }, async (t) => {
    const f = await backend.open(t);
    const hostile = `x'); DROP TABLE ${f.table}; --`;
    await call(inserter(t, f), { id: 1, name: hostile, total: 0 }, runContext());
    const byName = activity(t, {
      name: 'by_name',
      client: f.pool,
      query: `SELECT id, name FROM ${f.table} WHERE name = ${f.placeholder(1)}`,
      params: (input: { name: string }) => [input.name],
    });
    assert.deepEqual(await call(byName, { name: hostile }, runContext()), { rows: [{ id: 1, name: hostile }], rowCount: 1 });
    assert.deepEqual(await call(byName, { name: `' OR '1'='1` }, runContext()), { rows: [], rowCount: 0 });
    assert.deepEqual(await f.readRows(), [{ id: 1, name: hostile, total: 0 }], 'the table is still there, with the text as written');
  });

  test(`${backend.name} sqlActivity: values become JSON by the documented rules`, { skip }, async (t) => {
    const f = await backend.open(t);
    const values = activity(t, { name: 'values', client: f.pool, query: backend.conversion.query });
    assert.deepEqual(await call(values, {}, runContext()), { rows: [backend.conversion.expected], rowCount: 1 });
  });

  test(`${backend.name} sqlActivity: an abort rejects with its reason and the statement does not complete`, { skip, timeout: 20_000 }, async (t) => {
    const f = await backend.open(t);
    const reason = new Error('cancelled by the test');
    const interruptible = backend.interruptible;
    if (interruptible === undefined) {
      // The driver runs synchronously: an abort that comes first keeps the statement from running at all.
      const controller = new AbortController();
      controller.abort(reason);
      await assert.rejects(call(inserter(t, f), { id: 1, name: 'ann', total: 1 }, runContext(controller.signal)), (e) => e === reason);
      assert.deepEqual(await f.readRows(), []);
      return;
    }
    const marker = `itonami_abort_${randomSuffix()}`;
    const slow = activity(t, { name: 'slow', client: f.pool, query: interruptible.query(marker) });
    const controller = new AbortController();
    const running = call(slow, {}, runContext(controller.signal));
    await waitFor(() => interruptible.isRunning(f, marker), `the statement ${marker} to run on the server`);
    controller.abort(reason);
    await assert.rejects(running, (e) => e === reason);
    await waitFor(async () => !(await interruptible.isRunning(f, marker)), `the server to stop ${marker}`);
    const count = activity(t, { name: 'count', client: f.pool, query: `SELECT COUNT(*) AS n FROM ${f.table}` });
    assert.deepEqual(await call(count, {}, runContext()), { rows: [{ n: 0 }], rowCount: 1 }, 'the pool still serves runs');
  });

  test(`${backend.name} sqlActivity: a bad mapping is a validation problem; an unreachable database keeps its code`, { skip }, async (t) => {
    const f = await backend.open(t);
    const add = inserter(t, f);
    await assert.rejects(call(add, { id: 1, total: 1 }, runContext()), (e: unknown) => {
      assert.ok(e instanceof ProblemError);
      assert.equal(e.problem.type, problemTypes.validation.type);
      assert.match(e.problem.detail ?? '', /params\[1\] is undefined/);
      return true;
    });
    const lost = activity(t, { name: 'lost', client: backend.unreachable.client, query: 'SELECT 1' });
    await assert.rejects(call(lost, {}, runContext()), (e: unknown) => {
      assert.ok(e instanceof ProblemError, `expected a ProblemError, got ${String(e)}`);
      assert.equal(e.problem.type, problemTypes[backend.unreachable.kind].type);
      assert.equal(e.problem.code, backend.unreachable.code);
      return true;
    });
  });

  test(`${backend.name} sqlActivity: close() ends a connection it opened, never a pool it was given`, { skip }, async (t) => {
    const f = await backend.open(t);
    const own = sqlActivity({ name: 'own', client: f.connection, query: `SELECT COUNT(*) AS n FROM ${f.table}` });
    t.after(() => own.close());
    assert.deepEqual(await call(own, {}, runContext()), { rows: [{ n: 0 }], rowCount: 1 });
    await own.close();
    await own.close();
    await assert.rejects(call(own, {}, runContext()), (e: unknown) => e instanceof ProblemError && /is closed/.test(e.problem.detail ?? ''));
    const borrowed = sqlActivity({ name: 'borrowed', client: f.pool, query: 'SELECT 1 AS one' });
    await call(borrowed, {}, runContext());
    await borrowed.close();
    await f.exec(`INSERT INTO ${f.table} (id, name, total) VALUES (1, 'ann', 1)`);
    assert.equal((await f.readRows()).length, 1, "the fixture's pool still works after the activity closed");
  });

  test(`${backend.name} sqlActivity: runs as call: <name> in a workflow, recorded, replayed, its error caught by code`, { skip }, async (t) => {
    const f = await backend.open(t);
    const add = inserter(t, f);
    const list = activity(t, { name: 'list_orders', client: f.pool, query: `SELECT id, name, total FROM ${f.table} ORDER BY id` });
    const dir = await tempDir(t, 'itonami-sqlact-');
    const engine = await createEngine({ store: openSqliteStore({ path: join(dir, 'engine.db') }), functions: { [add.name]: add, [list.name]: list } });
    t.after(() => engine.close());
    const definition = engine.load(`
document: { dsl: '1.0.3', namespace: test, name: sql-orders, version: '1.0.0' }
do:
  - add:
      try:
        - insert:
            call: add_order
            with:
              id: \${ .id }
              name: \${ .name }
              total: \${ .total }
        - inserted:
            set: { duplicate: false }
      catch:
        when: \${ $error.code == "${backend.uniqueViolation.code}" }
        do:
          - skipped:
              set: { duplicate: true }
  - list:
      call: list_orders
      export:
        as: '\${ $context + { orders: .rows } }'
  - answer:
      set:
        orders: \${ $context.orders }
`);
    const first = await engine.run(definition, { input: { id: 1, name: 'ann', total: 3 } });
    assert.deepEqual(assertCompleted(first), { orders: [{ id: 1, name: 'ann', total: 3 }] });
    const effects = eventsOfType(await engine.history(first.executionId), 'EffectCompleted');
    assert.deepEqual(effects.map((e) => e.data.result), [{ rows: [], rowCount: 1 }, { rows: [{ id: 1, name: 'ann', total: 3 }], rowCount: 1 }]);
    await assertRebuildMatches(engine, first.executionId);

    const again = await engine.run(definition, { input: { id: 2, name: 'ann', total: 4 } });
    assert.deepEqual(assertCompleted(again), { orders: [{ id: 1, name: 'ann', total: 3 }] }, 'the duplicate was caught by its code');
    const uncaught = engine.load(`
document: { dsl: '1.0.3', namespace: test, name: sql-orders-strict, version: '1.0.0' }
do:
  - insert:
      call: add_order
      with:
        id: \${ .id }
        name: \${ .name }
        total: \${ .total }
`);
    const error = assertFaulted(await engine.run(uncaught, { input: { id: 3, name: 'ann', total: 5 } }));
    assert.equal(error.type, problemTypes.runtime.type);
    assert.equal(error.code, backend.uniqueViolation.code);
    assert.equal(error.instance, '/do/0/insert');
  });
}

/** The skip notice for a server that does not accept connections on loopback `port`, or false when it does. */
export async function skipUnlessListening(port: number, what: string): Promise<string | false> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (skip: string | false) => {
      socket.destroy();
      resolve(skip);
    };
    socket.setTimeout(2_000, () => done(`${what} is not reachable on 127.0.0.1:${port} (timed out)`));
    socket.once('connect', () => done(false));
    socket.once('error', (error: NodeJS.ErrnoException) => done(`${what} is not reachable on 127.0.0.1:${port} (${error.code ?? error.message})`));
  });
}

/** Polls an async condition (a server-side check) until it holds; fails after 10 s. */
async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
