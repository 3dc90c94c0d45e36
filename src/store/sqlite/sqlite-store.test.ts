import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { newExecution, row, storeContract } from '../../../test/contracts/store-contract.js';
import { ExecutionExistsError, LeaseLostError, StoreConflictError, StoreLimitError } from '../errors.js';
import type { Store } from '../store.js';
import { SchemaVersionError } from './migration-errors.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'itonami-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
/** A fresh file per call, in this test file's temp folder (deleted after). */
const newPath = (): string => join(dir, `store-${++files}.db`);

storeContract('sqlite', async () => openSqliteStore({ path: newPath() }), {
  openWithLimits: async (limits) => openSqliteStore({ path: newPath(), ...limits }),
});

function open(t: TestContext, options: Partial<SqliteStoreOptions> & { path: string }): Store {
  const store = openSqliteStore(options);
  t.after(() => store.close());
  return store;
}

/** A second, read-only connection to look at what is on disk. */
function inspect<T>(path: string, look: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return look(db);
  } finally {
    db.close();
  }
}

const count = (path: string, from: string): number =>
  inspect(path, (db) => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${from}`).get()?.n ?? -1);

test('sqlite store: a reopened file holds everything written before close', async (t) => {
  const path = newPath();
  const first = openSqliteStore({ path });
  await first.putDefinition({ hash: 'h1', namespace: 'ns', name: 'wf', version: '1.0.0', source: '{"z":1,"a":2}' });
  await first.createExecution(newExecution('e1', { parentExecutionId: 'p' }), [row(1, 'WorkflowStarted')]);
  await first.append({ executionId: 'e1', expectedSeq: 1, events: [row(2), row(3)], status: 'waiting' });
  const claim = await first.claimExecution({ executionId: 'e1', owner: 'w1', leaseMs: 1_000, now: 5 });
  assert.ok(claim);
  await first.releaseClaim(claim, { wakeAt: 9_000 });
  await first.requestCommand('e1', { kind: 'suspend', reason: 'night' });
  await first.putSnapshot({ executionId: 'e1', seq: 3, state: '{"s":3}' });
  await first.putBlob('b1', 'blob text');
  await first.subscribe({ executionId: 'e1', key: 'k', createdAt: 1 });
  await first.publishEvent({ source: 's', id: '1', type: 't', event: '{"id":"1"}', acceptedAt: 7 });
  await first.close();

  const second = open(t, { path });
  assert.deepEqual(await second.getDefinition('h1'), { hash: 'h1', namespace: 'ns', name: 'wf', version: '1.0.0', source: '{"z":1,"a":2}' });
  assert.deepEqual(await second.readEvents({ executionId: 'e1' }), [row(1, 'WorkflowStarted'), row(2), row(3)]);
  assert.deepEqual(await second.getExecution('e1'), {
    ...newExecution('e1', { parentExecutionId: 'p' }),
    status: 'waiting',
    updatedAt: 1_003,
    seq: 3,
    wakeAt: 0,
  });
  assert.deepEqual((await second.claimExecution({ executionId: 'e1', owner: 'w2', leaseMs: 1_000, now: 6 }))?.command, {
    kind: 'suspend',
    reason: 'night',
  });
  assert.deepEqual(await second.getSnapshot('e1'), { executionId: 'e1', seq: 3, state: '{"s":3}' });
  assert.equal(await second.getBlob('b1'), 'blob text');
  assert.deepEqual(await second.deliveries({ executionId: 'e1', key: 'k', afterSeq: 0 }), [
    { seq: 1, source: 's', id: '1', type: 't', event: '{"id":"1"}', acceptedAt: 7 },
  ]);
  assert.deepEqual(await second.publishEvent({ source: 's', id: '1', type: 't', event: '{}', acceptedAt: 8 }), { isAccepted: false, seq: 1 });
});

test('sqlite store: the file is in WAL mode and reopening applies no migration twice', async (t) => {
  const path = newPath();
  for (let i = 0; i < 3; i += 1) await openSqliteStore({ path }).close();
  const store = open(t, { path });
  await store.putBlob('h', 'x');
  assert.equal(inspect(path, (db) => db.pragma('journal_mode', { simple: true })), 'wal');
  assert.deepEqual(
    inspect(path, (db) => db.prepare('SELECT version, name FROM schema_migrations').all()),
    [
      { version: 1, name: 'initial-schema' },
      { version: 2, name: 'schedule-cursors' },
      { version: 3, name: 'signals' },
      { version: 4, name: 'replay-checkpoints' },
    ],
  );
});

test('sqlite store: a file migrated by a newer Itonami is refused with SchemaVersionError and left as it was', async () => {
  const path = newPath();
  await openSqliteStore({ path }).close();
  const db = new BetterSqlite3(path);
  db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from-the-future', 0)").run();
  db.close();
  assert.throws(() => openSqliteStore({ path }), (error: unknown) => {
    assert.ok(error instanceof SchemaVersionError);
    assert.equal(error.details.databaseVersion, 99);
    assert.match(error.message, /is at schema version 99, but this Itonami knows versions up to 4; upgrade Itonami/);
    return true;
  });
  assert.equal(count(path, 'schema_migrations'), 5);
});

test('sqlite store: two stores on one file (two processes) never both hold a claim, and the loser cannot write', async (t) => {
  const path = newPath();
  const a = open(t, { path });
  const b = open(t, { path });
  for (const id of ['e1', 'e2', 'e3']) await a.createExecution(newExecution(id), [row(1, 'WorkflowStarted')]);

  const [byA, byB] = await Promise.all([
    a.claimExecution({ executionId: 'e1', owner: 'A', leaseMs: 1_000, now: 10 }),
    b.claimExecution({ executionId: 'e1', owner: 'B', leaseMs: 1_000, now: 10 }),
  ]);
  assert.equal([byA, byB].filter((claim) => claim !== undefined).length, 1, 'exactly one claim wins');
  const [runA, runB] = await Promise.all([
    a.claimRunnable({ owner: 'A', leaseMs: 1_000, now: 10, limit: 10 }),
    b.claimRunnable({ owner: 'B', leaseMs: 1_000, now: 10, limit: 10 }),
  ]);
  assert.deepEqual([...runA, ...runB].map((c) => c.executionId).sort(), ['e2', 'e3'], 'each execution claimed once');

  // A pauses past its lease; B takes e1 over; A's fenced append must fail and write nothing.
  const paused = await a.claimExecution({ executionId: 'e1', owner: 'A', leaseMs: 1_000, now: 5_000 });
  assert.ok(paused);
  const taken = await b.claimExecution({ executionId: 'e1', owner: 'B', leaseMs: 1_000, now: 6_000 });
  assert.equal(taken?.epoch, paused.epoch + 1);
  await assert.rejects(a.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)], claim: paused }), LeaseLostError);
  assert.deepEqual(await b.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)], claim: taken }), { seq: 2 });
  assert.deepEqual((await a.readEvents({ executionId: 'e1' })).map((e) => e.seq), [1, 2]);
});

test('sqlite store: a payload over blobThresholdBytes is stored once as a blob and read back as written', async (t) => {
  const path = newPath();
  const store = open(t, { path, blobThresholdBytes: 100 });
  const big = JSON.stringify({ zeta: 'é'.repeat(200), alpha: [3, 2, 1] });
  const small = '{"b":1,"a":2}';
  await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted', big), row(2, 'TaskCompleted', small)]);
  await store.createExecution(newExecution('e2'), [row(1, 'WorkflowStarted', small)]);
  await store.append({ executionId: 'e2', expectedSeq: 1, events: [row(2, 'TaskCompleted', big)] });
  assert.deepEqual((await store.readEvents({ executionId: 'e1' })).map((e) => e.data), [big, small]);
  assert.deepEqual(await store.readEvents({ executionId: 'e2', fromSeq: 2 }), [row(2, 'TaskCompleted', big)]);

  const hash = createHash('sha256').update(big, 'utf8').digest('hex');
  assert.equal(count(path, 'blobs'), 1, 'two identical payloads, one blob');
  assert.equal(await store.getBlob(hash), big);
  const stored = inspect(path, (db) =>
    db.prepare('SELECT execution_id AS id, seq, data IS NULL AS isOffloaded, blob_hash AS blobHash FROM events ORDER BY id, seq').all(),
  );
  assert.deepEqual(stored, [
    { id: 'e1', seq: 1, isOffloaded: 1, blobHash: hash },
    { id: 'e1', seq: 2, isOffloaded: 0, blobHash: null },
    { id: 'e2', seq: 1, isOffloaded: 0, blobHash: null },
    { id: 'e2', seq: 2, isOffloaded: 1, blobHash: hash },
  ]);
});

test('sqlite store: a payload over maxPayloadBytes leaves no row on disk and says which limit to raise', async (t) => {
  const path = newPath();
  const store = open(t, { path, maxPayloadBytes: 50 });
  const tooBig = JSON.stringify({ text: 'x'.repeat(60) });
  await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted', '{}')]);
  await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2, 'TaskCompleted', tooBig)] }), (error: unknown) => {
    assert.ok(error instanceof StoreLimitError);
    assert.match(error.message, /an event payload of 71 bytes exceeds the limit of 50; raise the limit/);
    return true;
  });
  assert.equal(count(path, 'events'), 1);
  assert.equal(count(path, 'blobs'), 0);
});

test('sqlite store: appends of one tick share one transaction; a stale or over-limit one fails alone', async (t) => {
  const path = newPath();
  const commits: number[] = [];
  const store = open(t, { path, maxPayloadBytes: 100, onCommit: ({ appends, starts }) => commits.push(appends + starts) });
  const ids = Array.from({ length: 10 }, (_, i) => `e${i}`);
  await Promise.all(ids.map((id) => store.createExecution(newExecution(id), [row(1, 'WorkflowStarted')])));
  assert.deepEqual(commits.splice(0), [10], 'executions created in one tick share one transaction too');
  const outcomes = await Promise.allSettled([
    ...ids.map((executionId) => store.append({ executionId, expectedSeq: 1, events: [row(2)] })),
    store.append({ executionId: 'e0', expectedSeq: 1, events: [row(2, 'TaskFaulted')] }),
    store.append({ executionId: 'e1', expectedSeq: 2, events: [row(3, 'TaskCompleted', `"${'x'.repeat(200)}"`)] }),
    store.append({ executionId: 'e2', expectedSeq: 2, events: [row(3)] }),
  ]);
  assert.deepEqual(commits, [13], 'one transaction for the whole tick');
  assert.deepEqual(outcomes.map((o) => o.status), [...ids.map(() => 'fulfilled'), 'rejected', 'rejected', 'fulfilled']);
  assert.ok(outcomes[10]?.status === 'rejected' && outcomes[10].reason instanceof StoreConflictError);
  assert.ok(outcomes[11]?.status === 'rejected' && outcomes[11].reason instanceof StoreLimitError);
  assert.deepEqual((await store.readEvents({ executionId: 'e0' })).map((e) => e.type), ['WorkflowStarted', 'TaskCompleted']);
  assert.equal((await store.getExecution('e1'))?.seq, 2);
  assert.equal((await store.getExecution('e2'))?.seq, 3);
});

test('sqlite store: a start whose id is taken fails alone in its batch; the claim comes with the creation', async (t) => {
  const store = open(t, { path: newPath() });
  const claim = { owner: 'w1', leaseMs: 30_000, now: 1_000 };
  const outcomes = await Promise.allSettled([
    store.createExecution(newExecution('a'), [row(1, 'WorkflowStarted')], claim),
    store.createExecution(newExecution('a'), [row(1, 'WorkflowStarted')], claim),
    store.createExecution(newExecution('b'), [row(1, 'WorkflowStarted')]),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.ok(outcomes[1]?.status === 'rejected' && outcomes[1].reason instanceof ExecutionExistsError);
  assert.equal(outcomes[0]?.status === 'fulfilled' ? outcomes[0].value?.owner : undefined, 'w1');
  assert.equal((await store.getExecution('a'))?.claim?.epoch, 1);
  assert.equal((await store.getExecution('b'))?.claim, undefined);
});

test('sqlite store: an append resolves once its events are committed and visible to another connection', async (t) => {
  const path = newPath();
  const store = open(t, { path });
  await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
  const pending = store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)] });
  assert.equal(count(path, 'events'), 1, 'not yet committed while queued');
  await pending;
  assert.equal(count(path, 'events'), 2);
});

test('sqlite store: close commits queued appends first, then refuses every operation', async () => {
  const path = newPath();
  const store = openSqliteStore({ path });
  await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
  const queued = store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)] });
  await Promise.all([store.close(), store.close()]);
  assert.deepEqual(await queued, { seq: 2 });
  assert.equal(count(path, 'events'), 2);
  await assert.rejects(store.getExecution('e1'), /the SQLite store on .*store-\d+\.db is closed; open a new one/);
  await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 2, events: [row(3)] }), /is closed/);
  await store.close();
});

const badOptions = [
  { options: { path: '' }, error: /option path: expected a file path \(non-empty string\), found ""/ },
  { options: { path: 'x.db', synchronous: 'OFF' }, error: /option synchronous: expected 'FULL' or 'NORMAL', found "OFF"/ },
  { options: { path: 'x.db', maxPayloadBytes: '16' }, error: /option maxPayloadBytes: expected an integer ≥ 1, found "16"/ },
  { options: { path: 'x.db', maxPayloadBytes: 0 }, error: /option maxPayloadBytes: expected an integer ≥ 1, found 0/ },
  { options: { path: 'x.db', maxHistoryEvents: 1.5 }, error: /option maxHistoryEvents: expected an integer ≥ 1, found 1\.5/ },
  { options: { path: 'x.db', blobThresholdBytes: -1 }, error: /option blobThresholdBytes: expected an integer ≥ 1, found -1/ },
  { options: { path: 'x.db', busyTimeoutMs: Number.NaN }, error: /option busyTimeoutMs: expected an integer ≥ 0, found NaN/ },
] as const;

for (const bad of badOptions) {
  test(`sqlite store: options ${JSON.stringify(bad.options)} are refused before any file is touched`, () => {
    assert.throws(() => openSqliteStore(bad.options as unknown as SqliteStoreOptions), bad.error);
  });
}
