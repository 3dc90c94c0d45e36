/**
 * Idempotent starts and snapshots on a real SQLite file: starting an id again with the same definition and input
 * returns the same execution (from this engine or another one on the file), anything else is
 * `ExecutionExistsError`; and with `snapshotEvery` the state at every version — read through the nearest kept
 * snapshot — equals the fold of the history from zero.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecutionExistsError, ExecutionNotFoundError } from '../../src/index.js';
import { foldHistory } from '../../src/history/fold.js';
import { assertCompleted } from '../support/engine-harness.js';
import { assertKeysUnique, until, useDurableFile, withRawDatabase, workflowDocument } from '../support/durable-engine.js';

const WAIT_THEN_SET = workflowDocument('idempotent', [{ pause: { wait: { milliseconds: 200 } } }, { done: { set: { sum: '${ .a + .b }' } } }]);

test('starting the same id, definition and input again returns the same execution; anything else is refused', async (t) => {
  const file = await useDurableFile(t);
  const { engine } = await file.open();
  const definition = engine.load(WAIT_THEN_SET);
  const first = await engine.start(definition, { executionId: 'same', input: { a: 1, b: 2 } });
  const again = await engine.start(definition, { executionId: 'same', input: { b: 2, a: 1 } });
  assert.equal(again.executionId, 'same');

  const otherInput = engine.start(definition, { executionId: 'same', input: { a: 1, b: 3 } });
  await assert.rejects(otherInput, (error: unknown) => error instanceof ExecutionExistsError && error.executionId === 'same');
  const otherDefinition = engine.load(workflowDocument('idempotent-other', [{ done: { set: { sum: 0 } } }]));
  await assert.rejects(engine.start(otherDefinition, { executionId: 'same', input: { a: 1, b: 2 } }), ExecutionExistsError);

  const [r1, r2] = await Promise.all([first.result(), again.result()]);
  assert.deepEqual(assertCompleted(r1), { sum: 3 });
  assert.deepEqual(r2, r1);

  // After the end, the same start (here from another engine on the file) returns the ended execution; nothing new
  // is recorded.
  const head = (await engine.history('same')).length;
  const other = await file.open();
  const late = await other.engine.start(other.engine.load(WAIT_THEN_SET), { executionId: 'same', input: { a: 1, b: 2 } });
  assert.deepEqual(await late.result(), r1);
  await assert.rejects(other.engine.start(other.engine.load(WAIT_THEN_SET), { executionId: 'same', input: {} }), ExecutionExistsError);
  const history = await engine.history('same');
  assert.equal(history.length, head);
  assert.equal(history.filter((event) => event.type === 'WorkflowStarted').length, 1);
  assertKeysUnique(history, 'same');
  assert.equal((await engine.listExecutions()).length, 1);
});

test('starting the same id on another engine while nobody runs it joins and runs it', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: 0 });
  await a.engine.start(a.engine.load(WAIT_THEN_SET), { executionId: 'parked-join', input: { a: 2, b: 2 } });
  await until(async () => typeof (await a.store.getExecution('parked-join'))?.wakeAt === 'number', 'the execution to park');
  await a.engine.close();

  const b = await file.open();
  const joined = await b.engine.start(b.engine.load(WAIT_THEN_SET), { executionId: 'parked-join', input: { a: 2, b: 2 } });
  assert.deepEqual(assertCompleted(await joined.result()), { sum: 4 });
  assertKeysUnique(await b.engine.history('parked-join'), 'parked-join');
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
});

test(
  'joining an execution another engine is running waits for it without spinning',
  async (t) => {
    const file = await useDurableFile(t);
    // A short lease: if the joining engine starves the event loop, a's claim lapses and the test still ends.
    const a = await file.open({ leaseMs: 1_000 });
    const first = await a.engine.start(a.engine.load(WAIT_THEN_SET), { executionId: 'busy-join', input: { a: 1, b: 1 } });
    const b = await file.open({ leaseMs: 1_000 });
    const joined = await b.engine.start(b.engine.load(WAIT_THEN_SET), { executionId: 'busy-join', input: { a: 1, b: 1 } });
    assert.deepEqual(assertCompleted(await joined.result()), { sum: 2 });
    // The run takes about 200 ms; polling the store every 250 ms (POLL_MS) would read it a handful of times.
    const reads = b.calls.get('getExecution') ?? 0;
    assert.ok(reads < 50, `the joining engine read the execution ${reads} times while another engine ran it`);
    assert.deepEqual(await Promise.race([first.result(), new Promise((resolve) => setTimeout(resolve, 2_000, 'unsettled'))]), await joined.result());
  },
);

test('with snapshotEvery 5, every version read through a snapshot equals the fold from zero', async (t) => {
  const file = await useDurableFile(t);
  const { engine, store } = await file.open({ snapshotEvery: 5 });
  const tasks = Array.from({ length: 30 }, (_, index) => ({ [`step${index}`]: { set: { n: index, total: `\${ .total + ${index} }` } } }));
  const definition = engine.load(workflowDocument('snapshots', tasks));
  const result = await engine.run(definition, { executionId: 'snap', input: { total: 0 } });
  assert.deepEqual(assertCompleted(result), { n: 29, total: 435 });

  const history = await engine.history('snap');
  assert.ok(history.length >= 60, `a long history (${history.length} events)`);
  const snapshot = await store.getSnapshot('snap');
  assert.ok(snapshot !== undefined, 'a snapshot is stored');
  assert.equal(snapshot.seq % 5, 0);
  const seqs = withRawDatabase(file.path, (db) => db.prepare("SELECT seq FROM snapshots WHERE execution_id = 'snap' ORDER BY seq").all() as { seq: number }[]).map((row) => row.seq);
  assert.ok(seqs.every((seq) => seq % 5 === 0) && seqs.at(-1) === snapshot.seq, `snapshots at ${seqs.join(', ')}`);
  // Older snapshots thin out by powers of two (src/scheduler/snapshot-retention.ts): storage stays n log n.
  assert.ok(seqs.length >= 2 && seqs.length <= Math.log2(history.length / 5) + 2, `${seqs.length} snapshots kept for ${history.length} events: ${seqs.join(', ')}`);
  for (let seq = 1; seq <= history.length; seq += 1) {
    const read = await engine.getExecution('snap', { atSeq: seq });
    assert.deepEqual(read, foldHistory(history.slice(0, seq)), `version ${seq}`);
  }
  // A stored snapshot is the fold at its own seq, too.
  assert.deepEqual(JSON.parse(snapshot.state), JSON.parse(JSON.stringify(foldHistory(history.slice(0, snapshot.seq)))));
  await assert.rejects(engine.getExecution('snap', { atSeq: history.length + 1 }), RangeError);
  await assert.rejects(engine.getExecution('snap', { atSeq: 0 }), RangeError);
});

test('waitForCompletion from another engine: takes a parked execution up, returns an ended one at once, 404 for an unknown id', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: 0 });
  const pausing = workflowDocument('waiting', [{ pause: { wait: { milliseconds: 300 } } }, { done: { set: { finished: true } } }]);
  await a.engine.start(a.engine.load(pausing), { executionId: 'wait-1' });
  await until(async () => typeof (await a.store.getExecution('wait-1'))?.wakeAt === 'number', 'the execution to park');
  await a.engine.close();

  const b = await file.open();
  const result = await b.engine.waitForCompletion('wait-1');
  assert.deepEqual(assertCompleted(result), { finished: true });
  assert.deepEqual(await b.engine.waitForCompletion('wait-1'), result, 'an ended execution answers at once');
  await assert.rejects(b.engine.waitForCompletion('nobody'), ExecutionNotFoundError);
});
