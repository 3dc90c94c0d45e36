import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCompleted, openHarness } from '../../test/support/engine-harness.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import type { EventRow, Store } from '../store/store.js';
import { HistoryExhaustedError, HistoryWriteError, NondeterminismError } from './errors.js';
import type { AnyHistoryEvent, HistoryEvent } from './events.js';
import { GENESIS_HASH, eventHash } from './hash-chain.js';
import { Recorder, type HistorySink } from './recorder.js';

const EXECUTION = 'exec-1';

function started(): HistoryEvent<'WorkflowStarted'> {
  const data = {
    executionId: EXECUTION,
    definitionHash: 'h',
    namespace: 'test',
    name: 'recorder',
    version: '1.0.0',
    engineVersion: '0.0.0',
    replayFlags: [],
    input: {},
    secretNames: [],
  };
  return { seq: 1, type: 'WorkflowStarted', at: 0, data, hash: eventHash(GENESIS_HASH, { seq: 1, type: 'WorkflowStarted', at: 0, data: data }) };
}

/** A live recorder writing to an array; `fail` makes the sink reject. */
function live(history: AnyHistoryEvent[] = [started()], options: { fail?: () => boolean; now?: () => number } = {}) {
  const written: { events: readonly HistoryEvent[]; status: string | undefined }[] = [];
  const seen: [string, boolean][] = [];
  const sink: HistorySink = async (appended, status) => {
    if (options.fail?.() === true) throw new Error('disk full');
    written.push({ events: appended.map((chained) => chained.event), status });
  };
  let clock = 100;
  const recorder = new Recorder({
    executionId: EXECUTION,
    history,
    sink,
    sendLater: setImmediate,
    now: options.now ?? (() => (clock += 1)),
    onEvent: (event, isReplayed) => seen.push([event.type, isReplayed]),
  });
  return { recorder, written, seen };
}

test('recorder: derive appends events with consecutive seq, chained hashes and the phase they leave', async () => {
  const { recorder, written } = live();
  const a = await recorder.derive('TaskStarted', { key: '/do/0/a#0:started', reference: '/do/0/a', indexes: [], name: 'a', input: {} });
  const b = await recorder.derive('WorkflowCompleted', { key: 'workflow:completed', output: 1 });
  assert.deepEqual([a.seq, b.seq], [2, 3]);
  assert.equal(a.hash, eventHash(started().hash, { seq: 2, type: 'TaskStarted', at: a.at, data: a.data }));
  assert.equal(b.hash, eventHash(a.hash, { seq: 3, type: 'WorkflowCompleted', at: b.at, data: b.data }));
  await recorder.flush();
  // Steps taken between two waits for durability reach the sink as one append, with the phase the last one leaves.
  assert.deepEqual(written.map((w) => [w.events.map((e) => e.seq), w.status]), [[[2, 3], 'completed']]);
  assert.equal(recorder.headSeq, 3);
  assert.equal(recorder.headHash, b.hash);
});

test('recorder: concurrent appends get seq in call order and reach the sink in that order', async () => {
  const { recorder, written } = live();
  await Promise.all([0, 1, 2, 3].map((i) => recorder.derive('TaskSkipped', { key: `/do/${i}/t#0:skipped` })));
  await recorder.flush();
  assert.deepEqual(written.flatMap((w) => w.events.map((e) => [e.seq, (e.data as { key: string }).key])), [
    [2, '/do/0/t#0:skipped'],
    [3, '/do/1/t#0:skipped'],
    [4, '/do/2/t#0:skipped'],
    [5, '/do/3/t#0:skipped'],
  ]);
});

test('recorder: capture runs the effect once, appends its result before returning it, and replay returns the recording', async () => {
  const { recorder } = live();
  let runs = 0;
  const produce = async () => {
    runs += 1;
    return { key: 'k:call', effect: 'http', result: { n: runs } };
  };
  const first = await recorder.capture('EffectCompleted', 'k:call', produce);
  assert.deepEqual(first.data.result, { n: 1 });

  const replay = new Recorder({ executionId: EXECUTION, history: [started(), first], now: () => 0 });
  const again = await replay.capture('EffectCompleted', 'k:call', produce);
  assert.equal(runs, 1, 'replay did not run the effect');
  assert.deepEqual(again, first);
});

test('recorder: capture does not run the effect when the signal is already aborted', async () => {
  const { recorder, written } = live();
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  let ran = false;
  await assert.rejects(
    recorder.capture('EffectCompleted', 'k:call', async () => {
      ran = true;
      return { key: 'k:call', effect: 'http', result: null };
    }, controller.signal),
    /stop/,
  );
  assert.equal(ran, false);
  assert.equal(written.length, 0);
});

test('recorder: replaying a derived event with the same payload returns it and appends nothing', async () => {
  const { recorder: first } = live();
  const completed = await first.derive('TaskCompleted', { key: '/do/0/a#0:completed', output: { x: 1 } });
  const { recorder, written, seen } = live([started(), completed]);
  const replayed = await recorder.derive('TaskCompleted', { key: '/do/0/a#0:completed', output: { x: 1 } });
  assert.deepEqual(replayed, completed);
  assert.equal(written.length, 0);
  assert.deepEqual(seen, [['TaskCompleted', true]], 'replayed events are announced as replayed');
});

test('recorder: payloads are compared canonically, so key order does not count as a difference', async () => {
  const { recorder: first } = live();
  const completed = await first.derive('TaskCompleted', { key: '/do/0/a#0:completed', output: { a: 1, b: 2 } });
  const { recorder } = live([started(), completed]);
  await recorder.derive('TaskCompleted', { key: '/do/0/a#0:completed', output: { b: 2, a: 1 } });
});

test('recorder: a derived payload that differs from history is a NondeterminismError naming the key, seq and both payloads', async () => {
  const { recorder: first } = live();
  const completed = await first.derive('TaskCompleted', { key: '/do/0/a#0:completed', output: 1 });
  const { recorder } = live([started(), completed]);
  await assert.rejects(recorder.derive('TaskCompleted', { key: '/do/0/a#0:completed', output: 2 }), (error: unknown) => {
    assert.ok(error instanceof NondeterminismError);
    assert.equal(error.details.key, '/do/0/a#0:completed');
    assert.equal(error.details.seq, 2);
    assert.match(error.details.expected, /"output":1/);
    assert.match(error.details.found, /"output":2/);
    assert.match(error.message, /replay diverged at \/do\/0\/a#0:completed \(seq 2\)/);
    return true;
  });
});

test('recorder: history holding another event type at a key is a NondeterminismError', async () => {
  const { recorder: first } = live();
  const faulted = await first.derive('TaskFaulted', { key: '/do/0/a#0:end', error: { type: 'x', status: 500 } });
  const { recorder } = live([started(), faulted]);
  await assert.rejects(recorder.derive('TaskCompleted', { key: '/do/0/a#0:end', output: 1 }), (error: unknown) => {
    assert.ok(error instanceof NondeterminismError);
    assert.equal(error.details.expected, 'TaskFaulted');
    assert.equal(error.details.found, 'TaskCompleted');
    return true;
  });
});

test('recorder: a replay-only recorder (no sink) stops with HistoryExhaustedError at the first new step', async () => {
  const recorder = new Recorder({ executionId: EXECUTION, history: [started()], now: () => 0 });
  await assert.rejects(recorder.derive('TaskSkipped', { key: '/do/0/a#0:skipped' }), HistoryExhaustedError);
  await assert.rejects(recorder.capture('EffectCompleted', 'k', async () => ({ key: 'k', effect: 'x', result: null })), HistoryExhaustedError);
  await assert.rejects(recorder.appendUnkeyed('CancelRequested', { reason: 'r' }), HistoryExhaustedError);
});

test('recorder: a failed write is a HistoryWriteError, and every later append fails with it too', async () => {
  let failing = true;
  const { recorder, written } = live([started()], { fail: () => failing });
  // A derived step goes on without waiting for the disk; its failure surfaces at the next wait for durability.
  await recorder.derive('TaskSkipped', { key: 'a#0:skipped' });
  await assert.rejects(recorder.flush(), (error: unknown) => {
    assert.ok(error instanceof HistoryWriteError);
    assert.equal(error.details.seq, 2);
    assert.match(error.message, /could not append seq 2: disk full/);
    return true;
  });
  failing = false;
  await assert.rejects(recorder.derive('TaskSkipped', { key: 'b#0:skipped' }), HistoryWriteError);
  await assert.rejects(recorder.capture('Decided', 'c#0:x', async () => ({ key: 'c#0:x', decision: 1 })), HistoryWriteError);
  await assert.rejects(recorder.flush(), HistoryWriteError);
  assert.equal(written.length, 0);
});

test('recorder: an outside result is durable, with every step before it, before anything waiting on resultsDurable goes on', async () => {
  const { recorder, written } = live([started()]);
  await recorder.derive('TaskSkipped', { key: 'a#0:skipped' });
  const decided = await recorder.capture('Decided', 'b#0:x', async () => ({ key: 'b#0:x', decision: 1 }));
  assert.equal(decided.seq, 3);
  assert.equal(recorder.isIdle, false, 'unsent events keep the recorder busy (a run must not park over them)');
  await recorder.resultsDurable();
  assert.deepEqual(written.map((write) => write.events.map((event) => event.seq)), [[2, 3]]);
  assert.equal(recorder.isIdle, true);
});

test('recorder: steps nobody waits for still reach the sink, after the current turn of the event loop', async () => {
  const { recorder, written } = live([started()]);
  await recorder.derive('TaskSkipped', { key: 'a#0:skipped' });
  await recorder.derive('TaskSkipped', { key: 'b#0:skipped' });
  assert.equal(written.length, 0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(written.map((write) => write.events.map((event) => event.seq)), [[2, 3]]);
});

test('recorder: appendUnkeyed writes administrative events; produced lists replayed and new events', async () => {
  const { recorder } = live();
  const cancel = await recorder.appendUnkeyed('CancelRequested', { reason: 'by test' });
  await recorder.flush();
  assert.equal(cancel.seq, 2);
  assert.deepEqual(recorder.produced.map((e) => e.type), ['WorkflowStarted', 'CancelRequested']);
});

/** A memory store whose readEvents can be made to return a tampered copy of one row. */
function tamperableStore(): Store & { tamper(mutate: (row: EventRow) => EventRow | undefined): void } {
  const store = createMemoryStore();
  let mutate: ((row: EventRow) => EventRow | undefined) | undefined;
  return {
    ...store,
    readEvents: async (input) => (await store.readEvents(input)).map((row) => mutate?.(row) ?? row),
    tamper: (m) => {
      mutate = m;
    },
  };
}

const tamperings = [
  {
    name: "a task's recorded output",
    mutate: (row: EventRow) => (row.type === 'TaskCompleted' && row.data.includes('/do/0/a#0') ? { ...row, data: row.data.replace('"x":1', '"x":99') } : undefined),
  },
  {
    name: "a task's recorded name",
    mutate: (row: EventRow) => (row.type === 'TaskStarted' && row.data.includes('/do/1/b#0') ? { ...row, data: row.data.replace('"name":"b"', '"name":"renamed"') } : undefined),
  },
  {
    name: "the workflow's recorded output",
    mutate: (row: EventRow) => (row.type === 'WorkflowCompleted' ? { ...row, data: row.data.replace('"y":2', '"y":3') } : undefined),
  },
] as const;

for (const c of tamperings) {
  test(`recorder: rebuilding a history with ${c.name} altered throws NondeterminismError`, async (t) => {
    const store = tamperableStore();
    const h = await openHarness(t, { store });
    const result = await h.run(h.define([{ a: { set: { x: 1 } } }, { b: { set: { y: 2 } } }]));
    assertCompleted(result);
    await h.engine.rebuild(result.executionId);
    store.tamper(c.mutate);
    await assert.rejects(h.engine.rebuild(result.executionId), NondeterminismError);
  });
}
