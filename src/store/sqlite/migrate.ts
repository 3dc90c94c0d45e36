import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { MigrationFailedError, MigrationFilesError, SchemaVersionError } from './migration-errors.js';

/** One schema step: `migrations/NNNN-<what>.sql`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrateResult {
  /** The schema version before and after. */
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Versions this call applied (empty when the schema was current, or another process applied them first). */
  readonly applied: readonly number[];
}

const FILE_NAME = /^(\d{4})-([a-z0-9]+(?:-[a-z0-9]+)*)\.sql$/;

/**
 * Reads `NNNN-<what>.sql` files in version order. Versions must run 1, 2, 3 … without gaps or repeats: a missing file
 * (say, one the build did not copy to dist/) must fail loudly, not leave a half-made schema.
 */
export function loadMigrations(directory: URL): Migration[] {
  const where = directory.pathname;
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    throw new MigrationFilesError({ directory: where, problem: `cannot list the folder (${String(error)}); was it copied to dist/?` });
  }
  const migrations = names
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (match === null) {
        throw new MigrationFilesError({ directory: where, problem: `expected names like 0001-initial-schema.sql, found ${file}` });
      }
      return { version: Number(match[1]), name: match[2] ?? '', sql: readFileSync(new URL(file, directory), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationFilesError({
        directory: where,
        problem: `expected version ${index + 1} next, found ${String(migration.version).padStart(4, '0')}-${migration.name}.sql`,
      });
    }
  });
  if (migrations.length === 0) throw new MigrationFilesError({ directory: where, problem: 'expected at least one .sql file, found none' });
  return migrations;
}

/**
 * Brings the schema up to the last of `migrations`, each in its own IMMEDIATE transaction, recorded in
 * schema_migrations. Safe when two processes open a fresh file at once: each step re-checks its version under the
 * write lock, so the second process skips what the first applied.
 */
export function migrate(db: Database, migrations: readonly Migration[]): MigrateResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const currentVersion = db.prepare<[], { version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  const isApplied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  const record = db.prepare<[number, string]>(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
  );
  const knownVersion = migrations.at(-1)?.version ?? 0;
  const readVersion = (): number => currentVersion.get()?.version ?? 0;
  const check = (version: number): void => {
    if (version > knownVersion) throw new SchemaVersionError({ path: db.name, databaseVersion: version, knownVersion });
  };

  const fromVersion = readVersion();
  check(fromVersion);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= fromVersion) continue;
    const apply = db.transaction(() => {
      check(readVersion());
      if (isApplied.get(migration.version) !== undefined) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
      return true;
    });
    try {
      if (apply.immediate()) applied.push(migration.version);
    } catch (error) {
      if (error instanceof SchemaVersionError) throw error;
      const details = { path: db.name, version: migration.version, migration: migration.name, databaseVersion: readVersion() };
      throw new MigrationFailedError(details, { cause: error });
    }
  }
  return { fromVersion, toVersion: readVersion(), applied };
}
