/**
 * Durability on a real SQLite file: a run that waits leaves memory (parks) and resumes by replay when due, and an
 * execution whose engine closed mid-run is finished by another engine on the same file — each recorded side effect
 * ran once, the interrupted one again under the same idempotency key, and no history key appears twice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json, RegisteredFunction } from '../../src/index.js';
import { ManualClock, assertCompleted, assertRebuildMatches, eventsOfType } from '../support/engine-harness.js';
import { assertKeysUnique, recordedEffectKeys, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

/** A registered function that counts its calls per idempotency key and echoes its input. */
function countingFunction(): { fn: RegisteredFunction; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const fn: RegisteredFunction = (input, context) => {
    counts.set(context.idempotencyKey, (counts.get(context.idempotencyKey) ?? 0) + 1);
    return { echoed: input };
  };
  return { fn, counts };
}

test('a wait parks the run (claim released, wakeAt stored), then it resumes by replay and completes', async (t) => {
  const file = await useDurableFile(t);
  const { engine, store } = await file.open({ parkAfterMs: 0 });
  const definition = engine.load(workflowDocument('park', [{ pause: { wait: { milliseconds: 400 } } }, { after: { set: { done: true } } }]));
  const handle = await engine.start(definition, { input: { n: 1 } });

  const parked = await until(async () => {
    const record = await store.getExecution(handle.executionId);
    return typeof record?.wakeAt === 'number' && record.claim === undefined ? record : undefined;
  }, 'the execution to park');
  const history = await engine.history(handle.executionId);
  const [timer] = eventsOfType(history, 'TimerStarted');
  assert.ok(timer !== undefined, 'TimerStarted recorded before parking');
  assert.equal(parked.wakeAt, timer.data.firesAt, 'the store wakes it when its timer is due');
  assert.equal(history.at(-1)?.type, 'TimerStarted', 'nothing after the timer while parked');
  const waiting = await engine.getExecution(handle.executionId);
  assert.equal(waiting?.status, 'waiting');
  assert.deepEqual(waiting?.openTimers, ['/do/0/pause#0:timer']);

  const result = await handle.result();
  assert.deepEqual(assertCompleted(result), { done: true });
  const final = await engine.history(handle.executionId);
  assertKeysUnique(final, handle.executionId);
  assert.equal(eventsOfType(final, 'TimerFired').length, 1);
  assert.equal((await store.getExecution(handle.executionId))?.status, 'completed');
  await assertRebuildMatches(engine, handle.executionId);
  assert.deepEqual(await engine.verify({ executionId: handle.executionId }), { executions: 1, failures: [] });
});

test('an execution whose engine closed mid-wait is completed by another engine; recorded effects never re-run', async (t) => {
  const file = await useDurableFile(t);
  const { fn, counts } = countingFunction();
  const tasks = [
    { one: { call: 'count', with: { step: 'one' } } },
    { pause: { wait: { milliseconds: 300 } } },
    { two: { call: 'count', with: { step: 'two' } } },
  ];
  const a = await file.open({ functions: { count: fn }, parkAfterMs: Number.POSITIVE_INFINITY });
  await a.engine.start(a.engine.load(workflowDocument('recover', tasks)), { executionId: 'recover-1' });
  await until(async () => eventsOfType(await a.engine.history('recover-1'), 'TimerStarted').length === 1, 'the wait to begin');
  await a.engine.close();

  // The closed engine wrote nothing half-done and gave its claim up.
  const b = await file.open({ functions: { count: fn } });
  const left = await b.engine.history('recover-1');
  assert.equal(left.at(-1)?.type, 'TimerStarted');
  const record = await b.store.getExecution('recover-1');
  assert.equal(record?.claim, undefined, 'the claim was released on close');
  assert.ok(record?.status !== 'completed');

  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const state = await b.engine.getExecution('recover-1');
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, { echoed: { step: 'two' } });
  const history = await b.engine.history('recover-1');
  assertKeysUnique(history, 'recover-1');
  const keys = recordedEffectKeys('recover-1', history);
  assert.deepEqual(keys, ['recover-1:/do/0/one#0', 'recover-1:/do/2/two#0']);
  for (const key of keys) assert.ok((counts.get(key) ?? 0) >= 1, `side effect ${key} ran`);
  assert.equal(counts.get('recover-1:/do/0/one#0'), 1, 'an effect recorded before the close is replayed, not re-run');
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
  await assertRebuildMatches(b.engine, 'recover-1');
});

test('an effect interrupted by close re-runs in the next engine under the same idempotency key', async (t) => {
  const file = await useDurableFile(t);
  const calls: { key: string; engine: string; signal: AbortSignal }[] = [];
  const slow = (engine: string): RegisteredFunction => (input, context) => {
    calls.push({ key: context.idempotencyKey, engine, signal: context.signal });
    // Engine a's call hangs until aborted (as a slow remote would); engine b's answers.
    if (engine === 'b') return { answered: input };
    return new Promise<Json>((_resolve, reject) => {
      context.signal.addEventListener('abort', () => reject(context.signal.reason as Error), { once: true });
    });
  };
  const tasks = [{ slow: { call: 'slow', with: { n: 7 } } }];
  const a = await file.open({ functions: { slow: slow('a') } });
  await a.engine.start(a.engine.load(workflowDocument('interrupted', tasks)), { executionId: 'interrupted-1' });
  await until(() => calls.length === 1, 'the effect to start');
  await a.engine.close();
  assert.equal(calls[0]?.signal.aborted, true, 'close aborts the effect in flight');

  const b = await file.open({ functions: { slow: slow('b') } });
  const history = await b.engine.history('interrupted-1');
  assert.equal(eventsOfType(history, 'EffectCompleted').length + eventsOfType(history, 'EffectFailed').length, 0, 'the aborted effect left no result');
  assert.equal(eventsOfType(history, 'TaskFaulted').length, 0, 'the stop is not recorded as a fault');
  await b.engine.work({ untilIdle: true, maxWaitMs: 1_000 });
  assert.deepEqual((await b.engine.getExecution('interrupted-1'))?.output, { answered: { n: 7 } });
  assert.deepEqual(
    calls.map(({ key, engine }) => ({ key, engine })),
    [
      { key: 'interrupted-1:/do/0/slow#0', engine: 'a' },
      { key: 'interrupted-1:/do/0/slow#0', engine: 'b' },
    ],
  );
  assertKeysUnique(await b.engine.history('interrupted-1'), 'interrupted-1');
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
});

test(
  'the engine that parked an execution waits quietly while a worker runs it',
  async (t) => {
    const file = await useDurableFile(t);
    const tasks = [{ first: { wait: { milliseconds: 100 } } }, { second: { wait: { milliseconds: 500 } } }];
    // Short leases: if the parked engine starves the event loop, the worker's claim lapses and the test still ends.
    const a = await file.open({ parkAfterMs: 0, leaseMs: 1_000 });
    const worker = await file.open({ parkAfterMs: Number.POSITIVE_INFINITY, leaseMs: 1_000 });
    const handle = await a.engine.start(a.engine.load(workflowDocument('quiet', tasks)), { executionId: 'quiet-1' });
    await until(async () => typeof (await a.store.getExecution('quiet-1'))?.wakeAt === 'number', 'the execution to park');
    const stop = new AbortController();
    const working = worker.engine.work({ signal: stop.signal });
    try {
      assertCompleted(await handle.result());
    } finally {
      stop.abort();
      await working;
    }
    // About 600 ms of waits; polling every 250 ms (POLL_MS) reads the record a handful of times.
    const reads = a.calls.get('getExecution') ?? 0;
    assert.ok(reads < 50, `the parked engine read the execution ${reads} times while the worker ran it`);
  },
);

test(
  'result() settles when another engine finishes an execution whose claim this engine lost',
  async (t) => {
    const file = await useDurableFile(t);
    const hang: RegisteredFunction = (_input, context) =>
      new Promise<Json>((_resolve, reject) => {
        context.signal.addEventListener('abort', () => reject(context.signal.reason as Error), { once: true });
      });
    const a = await file.open({ functions: { slow: hang }, leaseMs: 300 });
    const handle = await a.engine.start(a.engine.load(workflowDocument('lost', [{ slow: { call: 'slow', with: { n: 1 } } }])), { executionId: 'lost-1' });
    let settled: unknown;
    void handle.result().then((result) => {
      settled = result;
    });
    // b's clock is a minute ahead: a's live claim looks expired to it, as a frozen process's would.
    const b = await file.open({ functions: { slow: (input) => ({ answered: input }) }, clock: new ManualClock(Date.now() + 60_000) });
    await b.engine.work({ untilIdle: true, maxWaitMs: 0 });
    assert.equal((await b.engine.getExecution('lost-1'))?.status, 'completed');
    await until(() => settled, 'the result of the engine that lost the claim', 3_000);
    assert.deepEqual(settled, { executionId: 'lost-1', status: 'completed', output: { answered: { n: 1 } } });
  },
);
