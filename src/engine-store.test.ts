import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { openEngineStore } from './engine-store.js';
import { createMemoryStore } from './store/memory/memory-store.js';
import { tempDir } from '../test/support/temp-dir.js';

async function workspace(t: TestContext): Promise<string> {
  return tempDir(t, 'engine-store-');
}

test('a Store object is used as given', async () => {
  const store = createMemoryStore();
  assert.equal(openEngineStore(store), store);
  await store.close();
});

test('no store and { kind: memory } open an empty memory store', async () => {
  for (const store of [openEngineStore(undefined), openEngineStore({ kind: 'memory' })]) {
    assert.deepEqual(await store.listExecutions(), []);
    await store.close();
  }
});

test('{ kind: sqlite, path } opens (and creates) that database file, with the SQLite options', async (t) => {
  const path = join(await workspace(t), 'engine.db');
  const store = openEngineStore({ kind: 'sqlite', path, synchronous: 'NORMAL', busyTimeoutMs: 100 });
  t.after(() => store.close());
  assert.equal(existsSync(path), true);
  assert.deepEqual(await store.listExecutions(), []);
});

test('bad descriptors throw a TypeError naming the field, and open nothing', async (t) => {
  const dir = await workspace(t);
  const cases: [unknown, RegExp][] = [
    ['memory', /^createEngine option store: expected \{ kind: 'memory' \}, \{ kind: 'sqlite', path \} or a Store, found "memory"$/],
    [null, /option store: expected .* found null$/],
    [{ close: async () => undefined }, /option store: expected .*a Store has createExecution, append, readEvents, getExecution methods.*found \{\}$/],
    [{ kind: 'postgres', url: 'postgres://x' }, /^createEngine option store\.kind: expected 'memory' or 'sqlite', found "postgres"$/],
    [{ kind: undefined }, /option store\.kind: expected 'memory' or 'sqlite', found undefined$/],
    [{ kind: 'sqlite' }, /^createEngine option store\.path: expected a database file path \(a non-empty string\), found undefined$/],
    [{ kind: 'sqlite', path: ' ' }, /option store\.path: .* found " "$/],
    [{ kind: 'sqlite', path: 42 }, /option store\.path: .* found 42$/],
    [{ kind: 'sqlite', path: join(dir, 'a.db'), synchronus: 'NORMAL' }, /^createEngine option store\.synchronus: not an option of a sqlite store \(it takes kind, path, synchronous,/],
    [{ kind: 'memory', path: join(dir, 'b.db') }, /^createEngine option store\.path: not an option of a memory store \(it takes kind\)$/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => openEngineStore(value as never), (error: unknown) => error instanceof TypeError && message.test(error.message), JSON.stringify(value));
  }
  assert.equal(existsSync(join(dir, 'a.db')), false);
  assert.equal(existsSync(join(dir, 'b.db')), false);
});

test('a SQLite option out of range is refused by the SQLite store, naming the option', () => {
  assert.throws(() => openEngineStore({ kind: 'sqlite', path: ':memory:', synchronous: 'OFF' as never }), /synchronous: expected 'FULL' or 'NORMAL', found "OFF"/);
  assert.throws(() => openEngineStore({ kind: 'sqlite', path: ':memory:', maxPayloadBytes: 0 }), RangeError);
});
