import { createMemoryStore } from './store/memory/memory-store.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';
import type { SqliteStoreOptions } from './store/sqlite/sqlite-store-options.js';
import type { Store } from './store/store.js';

/**
 * A store for `createEngine` to open, by kind: `{ kind: 'memory' }` (nothing survives the process) or
 * `{ kind: 'sqlite', path, … }` (one database file, with the options of `openSqliteStore`).
 */
export type StoreDescriptor = { readonly kind: 'memory' } | ({ readonly kind: 'sqlite' } & SqliteStoreOptions);

const SQLITE_FIELDS: ReadonlySet<string> = new Set<keyof SqliteStoreOptions | 'kind'>([
  'kind',
  'path',
  'synchronous',
  'maxPayloadBytes',
  'maxHistoryEvents',
  'blobThresholdBytes',
  'busyTimeoutMs',
  'onCommit',
]);

/** The methods that make an object a {@link Store} for this check: a descriptor has none of them. */
const STORE_METHODS = ['createExecution', 'append', 'readEvents', 'getExecution', 'close'] as const;

const EXPECTED = "{ kind: 'memory' }, { kind: 'sqlite', path } or a Store";

/**
 * The store `createEngine` runs on: a Store object as given, or the one a descriptor names, opened here (the engine
 * closes it). A value that is neither throws a `TypeError` naming the field, before anything is opened.
 *
 * @example
 * openEngineStore({ kind: 'sqlite', path: 'itonami.db', synchronous: 'NORMAL' }); // a SQLite store on that file
 */
export function openEngineStore(value: Store | StoreDescriptor | undefined): Store {
  if (value === undefined) return createMemoryStore();
  if (typeof value !== 'object' || value === null) throw storeError('store', EXPECTED, value);
  const descriptor = value as unknown as Readonly<Record<string, unknown>>;
  // A Store is recognised by its methods first, so a back end that happens to have a `kind` field stays a Store.
  const missing = STORE_METHODS.filter((method) => typeof descriptor[method] !== 'function');
  if (missing.length === 0) return value as Store;
  if (!('kind' in descriptor)) throw storeError('store', `${EXPECTED} (a Store has ${missing.join(', ')} methods)`, value);
  const kind = descriptor['kind'];
  if (kind === 'memory') {
    rejectUnknownFields(descriptor, new Set(['kind']));
    return createMemoryStore();
  }
  if (kind === 'sqlite') {
    rejectUnknownFields(descriptor, SQLITE_FIELDS);
    const path = descriptor['path'];
    if (typeof path !== 'string' || path.trim() === '') throw storeError('store.path', 'a database file path (a non-empty string)', path);
    const { kind: _kind, ...options } = value as { kind: 'sqlite' } & SqliteStoreOptions;
    return openSqliteStore(options);
  }
  throw storeError('store.kind', "'memory' or 'sqlite'", kind);
}

function rejectUnknownFields(descriptor: Readonly<Record<string, unknown>>, known: ReadonlySet<string>): void {
  const unknown = Object.keys(descriptor).filter((field) => !known.has(field));
  if (unknown.length === 0) return;
  const kind = String(descriptor['kind']);
  throw new TypeError(
    `createEngine option store.${unknown[0] ?? ''}: not an option of a ${kind} store (it takes ${[...known].join(', ')})`,
  );
}

function storeError(field: string, expected: string, found: unknown): TypeError {
  return new TypeError(`createEngine option ${field}: expected ${expected}, found ${describe(found)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return Object.prototype.toString.call(value); // a cyclic object: its tag is all a message can show
  }
}
