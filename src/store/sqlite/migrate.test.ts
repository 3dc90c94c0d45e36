import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { loadMigrations, migrate, type Migration } from './migrate.js';
import { MigrationFailedError, MigrationFilesError, SchemaVersionError } from './migration-errors.js';
import { tempDir } from '../../../test/support/temp-dir.js';

async function migrationsDir(t: TestContext, files: Record<string, string>): Promise<URL> {
  const dir = await tempDir(t, 'itonami-migrations-');
  await mkdir(dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return pathToFileURL(`${dir}/`);
}

function memoryDb(t: TestContext): BetterSqlite3.Database {
  const db = new BetterSqlite3(':memory:');
  t.after(() => db.close());
  return db;
}

const steps: Migration[] = [
  { version: 1, name: 'first', sql: 'CREATE TABLE a (x INTEGER);' },
  { version: 2, name: 'second', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);' },
];

const versions = (db: BetterSqlite3.Database) =>
  db.prepare<[], { version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version').all();

test('the shipped migrations load in order and apply to an empty database', (t) => {
  const migrations = loadMigrations(new URL('./migrations/', import.meta.url));
  assert.equal(migrations[0]?.version, 1);
  assert.equal(migrations[0]?.name, 'initial-schema');
  const db = memoryDb(t);
  const result = migrate(db, migrations);
  assert.deepEqual(result, { fromVersion: 0, toVersion: migrations.length, applied: migrations.map((m) => m.version) });
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((r) => r.name);
  for (const table of ['blobs', 'definitions', 'deliveries', 'events', 'executions', 'inbox', 'schema_migrations', 'snapshots', 'subscriptions']) {
    assert.ok(tables.includes(table), `missing table ${table}; found ${tables.join(', ')}`);
  }
});

test('migrate applies pending steps in order, records each, and is a no-op once current', (t) => {
  const db = memoryDb(t);
  assert.deepEqual(migrate(db, steps.slice(0, 1)), { fromVersion: 0, toVersion: 1, applied: [1] });
  assert.deepEqual(migrate(db, steps), { fromVersion: 1, toVersion: 2, applied: [2] });
  assert.deepEqual(migrate(db, steps), { fromVersion: 2, toVersion: 2, applied: [] });
  assert.deepEqual(versions(db), [{ version: 1, name: 'first' }, { version: 2, name: 'second' }]);
});

test('a failing step rolls back alone: earlier steps stay applied and recorded', (t) => {
  const db = memoryDb(t);
  const broken = [...steps, { version: 3, name: 'broken', sql: 'CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);' }];
  assert.throws(() => migrate(db, broken), (error: unknown) => {
    assert.ok(error instanceof MigrationFailedError);
    assert.deepEqual(error.details, { path: ':memory:', version: 3, migration: 'broken', databaseVersion: 2 });
    assert.match(error.message, /migration 0003-broken failed \(no such table: nowhere\); it stays at schema version 2/);
    return true;
  });
  assert.deepEqual(versions(db).map((v) => v.version), [1, 2]);
  assert.equal(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'c'").pluck().get(), 0);
});

test('a database at a newer schema version than the code knows is refused with SchemaVersionError', (t) => {
  const db = memoryDb(t);
  migrate(db, steps);
  db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (7, 'future', 0)").run();
  assert.throws(() => migrate(db, steps), (error: unknown) => {
    assert.ok(error instanceof SchemaVersionError);
    assert.deepEqual(error.details, { path: ':memory:', databaseVersion: 7, knownVersion: 2 });
    assert.match(error.message, /schema version 7, but this Itonami knows versions up to 2; upgrade Itonami/);
    return true;
  });
});

const badFolders = [
  { name: 'a file name without a four-digit version', files: { '0001-a.sql': '', '2-b.sql': '' }, error: /expected names like 0001-initial-schema\.sql, found 2-b\.sql/ },
  { name: 'a gap in the versions', files: { '0001-a.sql': '', '0003-c.sql': '' }, error: /expected version 2 next, found 0003-c\.sql/ },
  { name: 'a repeated version', files: { '0001-a.sql': '', '0001-b.sql': '' }, error: /expected version 2 next, found 0001-/ },
  { name: 'no migration at all', files: { 'README.md': '' }, error: /expected at least one \.sql file, found none/ },
] as const;

for (const bad of badFolders) {
  test(`loadMigrations rejects ${bad.name} with MigrationFilesError`, async (t) => {
    const dir = await migrationsDir(t, bad.files);
    assert.throws(() => loadMigrations(dir), (error: unknown) => error instanceof MigrationFilesError && bad.error.test(error.message));
  });
}

test('loadMigrations of a missing folder says the folder may not have been copied to dist/', () => {
  assert.throws(() => loadMigrations(new URL('./no-such-migrations/', import.meta.url)), /cannot list the folder .*copied to dist/);
});

test('loadMigrations reads the SQL text of each file', async (t) => {
  const dir = await migrationsDir(t, { '0002-add-b.sql': 'CREATE TABLE b (y);', '0001-add-a.sql': 'CREATE TABLE a (x);' });
  assert.deepEqual(loadMigrations(dir), [
    { version: 1, name: 'add-a', sql: 'CREATE TABLE a (x);' },
    { version: 2, name: 'add-b', sql: 'CREATE TABLE b (y);' },
  ]);
});
