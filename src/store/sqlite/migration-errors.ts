/**
 * The database was migrated by a newer Itonami than this one (its schema_migrations holds a version this code does
 * not know). Triggered by opening a file with an older release after an upgrade. Writing to it could corrupt what the
 * newer schema expects, so nothing is done.
 */
export class SchemaVersionError extends Error {
  override readonly name = 'SchemaVersionError';
  constructor(readonly details: { path: string; databaseVersion: number; knownVersion: number }) {
    super(
      `the database ${details.path} is at schema version ${details.databaseVersion}, but this Itonami knows versions ` +
        `up to ${details.knownVersion}; upgrade Itonami (or open a copy made before the upgrade)`,
    );
  }
}

/** A migrations folder that breaks the naming rules; a packaging or development mistake, found at open. */
export class MigrationFilesError extends Error {
  override readonly name = 'MigrationFilesError';
  constructor(readonly details: { directory: string; problem: string }) {
    super(`migrations in ${details.directory}: ${details.problem}`);
  }
}

/** A migration's SQL failed; its transaction rolled back, so the database stays at the version before it. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  constructor(readonly details: { path: string; version: number; migration: string; databaseVersion: number }, options?: ErrorOptions) {
    super(
      `the database ${details.path}: migration ${String(details.version).padStart(4, '0')}-${details.migration} failed ` +
        `(${options?.cause instanceof Error ? options.cause.message : String(options?.cause)}); it stays at schema version ` +
        `${details.databaseVersion}. Fix the migration or restore the file from a backup`,
      options,
    );
  }
}
