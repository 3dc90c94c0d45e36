import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { GroupCommit, settle, type Settled } from './group-commit.js';

/** A flush that records its batches and doubles each number, failing on negative ones. */
function doubling() {
  const batches: number[][] = [];
  const flush = (batch: readonly number[]): Settled<number>[] => {
    batches.push([...batch]);
    return batch.map((n) => settle(() => {
      if (n < 0) throw new RangeError(`negative: ${n}`);
      return n * 2;
    }));
  };
  return { batches, flush };
}

test('items enqueued in one tick are flushed as one batch, in order, each getting its own result', async () => {
  const { batches, flush } = doubling();
  const commits = new GroupCommit<number, number>({ flush });
  const results = await Promise.all([1, 2, 3, 4, 5].map((n) => commits.enqueue(n)));
  assert.deepEqual(results, [2, 4, 6, 8, 10]);
  assert.deepEqual(batches, [[1, 2, 3, 4, 5]]);
  await commits.close();
});

test('a failing item fails only its own caller; the rest of its batch succeeds', async () => {
  const { batches, flush } = doubling();
  const commits = new GroupCommit<number, number>({ flush });
  const outcomes = await Promise.allSettled([1, -2, 3].map((n) => commits.enqueue(n)));
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.ok(outcomes[1]?.status === 'rejected' && outcomes[1].reason instanceof RangeError);
  assert.equal(batches.length, 1);
  await commits.close();
});

test('callers settle only once the flush (the commit) has finished', async () => {
  let commit: () => void = () => assert.fail('the flush did not start');
  let isCommitted = false;
  const commits = new GroupCommit<string, string>({
    flush: (batch) =>
      new Promise((resolve) => {
        commit = () => {
          isCommitted = true;
          resolve(batch.map((value) => ({ ok: true, value })));
        };
      }),
  });
  const seen: boolean[] = [];
  const pending = ['a', 'b'].map((item) => commits.enqueue(item).then(() => seen.push(isCommitted)));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen, [], 'nobody resolved before the commit');
  commit();
  await Promise.all(pending);
  assert.deepEqual(seen, [true, true]);
  await commits.close();
});

test('a flush that throws fails every item of its batch, and the next batch runs normally', async () => {
  let calls = 0;
  const commits = new GroupCommit<number, number>({
    flush: (batch) => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
      return batch.map((value) => ({ ok: true, value }));
    },
  });
  const first = await Promise.allSettled([commits.enqueue(1), commits.enqueue(2)]);
  assert.deepEqual(first.map((o) => o.status === 'rejected' && (o.reason as Error).message), ['disk full', 'disk full']);
  assert.equal(await commits.enqueue(3), 3);
  await commits.close();
});

test('items enqueued while a batch is being committed go into the next batch', async () => {
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  const commits = new GroupCommit<number, number>({
    flush: async (batch) => {
      batches.push([...batch]);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return batch.map((value) => ({ ok: true, value }));
    },
  });
  const first = commits.enqueue(1);
  await new Promise((resolve) => setImmediate(resolve));
  const later = [commits.enqueue(2), commits.enqueue(3)];
  release();
  assert.deepEqual(await Promise.all([first, ...later]), [1, 2, 3]);
  assert.deepEqual(batches, [[1], [2, 3]]);
  await commits.close();
});

test('maxBatchSize splits a large burst into several transactions', async () => {
  const { batches, flush } = doubling();
  const sizes: number[] = [];
  const commits = new GroupCommit<number, number>({ flush, maxBatchSize: 2, onFlushed: (batch) => sizes.push(batch.length) });
  await Promise.all([1, 2, 3, 4, 5].map((n) => commits.enqueue(n)));
  assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.throws(() => new GroupCommit({ flush, maxBatchSize: 0 }), /maxBatchSize: expected an integer ≥ 1, found 0/);
});

test('close flushes what is queued without waiting for the next tick, then refuses new items; it is idempotent', async () => {
  const { batches, flush } = doubling();
  const commits = new GroupCommit<number, number>({ flush });
  const queued = commits.enqueue(21);
  await commits.close();
  assert.deepEqual(batches, [[21]]);
  assert.equal(await queued, 42);
  await assert.rejects(commits.enqueue(1), /group commit is closed/);
  await commits.close();
});

test('a throwing onFlushed observer does not fail committed items', async () => {
  const { flush } = doubling();
  const commits = new GroupCommit<number, number>({ flush, onFlushed: () => { throw new Error('observer broke'); } });
  assert.equal(await commits.enqueue(2), 4);
  await commits.close();
});

test('with SQLite, one batch is one transaction and a failing item rolls back only its savepoint', async (t) => {
  const db = new BetterSqlite3(':memory:');
  t.after(() => db.close());
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, note TEXT NOT NULL)');
  const insert = db.prepare<[number, string]>('INSERT INTO items (id, note) VALUES (?, ?)');
  // Two rows per item: the second insert of item 2 breaks the primary key after its first succeeded.
  const insertItem = db.transaction((id: number) => {
    insert.run(id * 10, 'first');
    insert.run(id === 2 ? 10 : id * 10 + 1, 'second');
    return id;
  });
  let transactions = 0;
  const commits = new GroupCommit<number, number>({
    flush: (batch) => {
      transactions += 1;
      return db.transaction(() => batch.map((id) => settle(() => insertItem(id)))).immediate();
    },
  });
  const outcomes = await Promise.allSettled([1, 2, 3].map((id) => commits.enqueue(id)));
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(transactions, 1);
  const ids = db.prepare<[], { id: number }>('SELECT id FROM items ORDER BY id').all().map((r) => r.id);
  assert.deepEqual(ids, [10, 11, 30, 31], 'item 2 left nothing behind, items 1 and 3 committed');
  await commits.close();
});
