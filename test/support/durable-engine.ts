/**
 * What the durability and crash tests share: a SQLite file in a temp dir (removed with the test), engines opened on
 * it on the wall clock and closed with the test, bounded polling on conditions the store shows, and the history
 * invariants every durable run must keep (no key twice, every side effect accounted for).
 *
 * Nothing here asserts on time: a test waits for a condition (up to a bound) and then asserts on what it sees.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { type AnyHistoryEvent, type Engine, type EngineOptions, type Json, type Store, createEngine, openSqliteStore } from '../../src/index.js';
import { ManualClock, documentHeader } from './engine-harness.js';

export interface DurableEngine {
  readonly engine: Engine;
  /** The store under the engine (closed by `engine.close()`): lets a test read claims, parks and snapshots. */
  readonly store: Store;
  /** How many times the engine (or the test) called each store method: a busy loop shows up here. */
  readonly calls: ReadonlyMap<string, number>;
}

/** One SQLite file in a fresh temp dir, and the engines a test opened on it. */
export interface DurableFile {
  readonly path: string;
  /**
   * Opens an engine on the file with the system clock; closed at the end of the test unless closed before (close is
   * idempotent). `synchronous: 'NORMAL'` keeps tests fast: what they prove (process crashes, several processes on one
   * file) does not depend on fsync; power loss is not simulated.
   */
  open(options?: Omit<EngineOptions, 'store'>): Promise<DurableEngine>;
}

/** A database file for `t`: when `t` ends its engines close (newest first), then the directory goes. */
export async function useDurableFile(t: TestContext, prefix = 'itonami-durable-'): Promise<DurableFile> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const engines: Engine[] = [];
  // node:test runs `after` hooks in registration order: one hook, so the engines close before the directory goes.
  t.after(async () => {
    try {
      for (const engine of engines.reverse()) await engine.close().catch(() => undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  const path = join(dir, 'itonami.sqlite');
  return {
    path,
    async open(options = {}) {
      const { store, calls } = countingStore(openSqliteStore({ path, synchronous: 'NORMAL', busyTimeoutMs: 10_000 }));
      const engine = await createEngine({ ...options, store });
      engines.push(engine);
      return { engine, store, calls };
    },
  };
}

/** The same store, counting calls per method. */
export function countingStore(inner: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

/**
 * Polls `condition` (async allowed) every `everyMs` until it returns a value other than `false`/`undefined`, and
 * returns that value. Fails naming `what` after `timeoutMs`: a bound on a hang, never an assertion on speed.
 */
export async function until<T>(condition: () => Promise<T | false | undefined> | T | false | undefined, what: string, timeoutMs = 10_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== false && value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A definition document (an object for `engine.load`) whose `do` is `tasks`. */
export function workflowDocument(name: string, tasks: readonly object[], extra: Record<string, unknown> = {}): object {
  return { document: documentHeader(name), ...extra, do: tasks };
}

/** Every keyed event of a history carries a distinct `data.key`: nothing was recorded twice, even across crashes. */
export function assertKeysUnique(history: readonly AnyHistoryEvent[], executionId = ''): void {
  const seen = new Map<string, number>();
  for (const event of history) {
    const key = (event.data as { key?: unknown }).key;
    if (typeof key !== 'string') continue;
    const earlier = seen.get(key);
    if (earlier !== undefined) assert.fail(`execution ${executionId}: key ${key} recorded twice (seq ${earlier} and ${event.seq}, ${event.type})`);
    seen.set(key, event.seq);
  }
  const seqs = history.map((event) => event.seq);
  assert.deepEqual(seqs, seqs.map((_, index) => index + 1), `execution ${executionId}: seqs are not 1..n`);
}

/**
 * The idempotency keys of the side effects a history recorded (`call`: functions, http, openapi): an effect's key
 * is `<visit>:<slot>` and its idempotency key `<executionId>:<visit>` (src/runtime/task-context.ts).
 */
export function recordedEffectKeys(executionId: string, history: readonly AnyHistoryEvent[]): string[] {
  const keys: string[] = [];
  for (const event of history) {
    if (event.type !== 'EffectCompleted' && event.type !== 'EffectFailed') continue;
    if (!['function', 'http', 'openapi'].includes(event.data.effect)) continue;
    const key = event.data.key;
    keys.push(`${executionId}:${key.slice(0, key.lastIndexOf(':'))}`);
  }
  return keys;
}

/** Runs `change` on the raw SQLite file (another connection, as a tamperer or an operator would). */
export function withRawDatabase<T>(path: string, change: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 10000');
    return change(db);
  } finally {
    db.close();
  }
}

/**
 * Creates executions of `document` on the file without running any of their side effects here, so that only the
 * workers a test starts run them: `document` must begin with a `wait`. The launching engine's clock stands still,
 * so every execution parks on that first timer (due `wait` after now on the wall clock); then it closes. A launcher
 * that ran a registered function would be a test bug, reported as such.
 */
export async function launchParked(file: DurableFile, document: object, starts: readonly { executionId: string; input: Json }[], functions: readonly string[] = []): Promise<void> {
  const refuse = () => Promise.reject(new Error('test bug: the launcher engine ran a side effect (the document must begin with a wait)'));
  const { engine, store } = await file.open({
    clock: new ManualClock(Date.now()),
    parkAfterMs: 0,
    functions: Object.fromEntries(functions.map((name) => [name, refuse])),
  });
  const definition = engine.load(document);
  for (const start of starts) await engine.start(definition, start);
  await until(async () => {
    for (const start of starts) {
      const record = await store.getExecution(start.executionId);
      if (typeof record?.wakeAt !== 'number' || record.claim !== undefined) return false;
    }
    return true;
  }, `${starts.length} launched execution(s) to park on their first wait`);
  await engine.close();
}
