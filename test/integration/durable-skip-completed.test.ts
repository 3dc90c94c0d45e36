/**
 * Resuming by replay skips the tasks whose completion is recorded (ReplayFlag.skipCompletedTasks): the recorded
 * outcome is returned without running the task again, and what the rest of the run depends on is restored — the
 * visit numbers of revisited tasks, `$context`, a switch's `then`, the signals consumed, a fault caught by `try`.
 * Each test runs part of a workflow in one engine, closes it mid-wait, and lets a second engine finish by replay.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Engine, type Json, type RegisteredFunction, type Store, createEngine, openSqliteStore } from '../../src/index.js';
import { assertRebuildMatches, eventsOfType } from '../support/engine-harness.js';
import { assertKeysUnique, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

const signalWait = (name: string) => ({ listen: { to: { one: { with: { type: 'io.itonami.signal', subject: name } } } } });

/** Waits until the execution has started the timer whose key begins with `keyPrefix` (the wait it is closed during). */
async function untilTimerStarted(engine: Engine, executionId: string, keyPrefix: string): Promise<void> {
  const isStarted = async (): Promise<boolean> =>
    eventsOfType(await engine.history(executionId), 'TimerStarted').some((event) => event.data.key.startsWith(keyPrefix));
  await until(isStarted, `the timer ${keyPrefix}… of ${executionId} to start`);
}

/** Counts calls per idempotency key; `flaky` fails its first two attempts. */
function recordingFunctions(): { functions: Record<string, RegisteredFunction>; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const note = (key: string): number => {
    const count = (calls.get(key) ?? 0) + 1;
    calls.set(key, count);
    return count;
  };
  let flakyAttempts = 0;
  return {
    calls,
    functions: {
      count: (input, context) => {
        note(context.idempotencyKey);
        return input;
      },
      flaky: (_input, context) => {
        note(context.idempotencyKey);
        flakyAttempts += 1;
        if (flakyAttempts <= 2) throw Object.assign(new Error(`attempt ${flakyAttempts} fails`), { code: 'FLAKY' });
        return { attempts: flakyAttempts };
      },
    },
  };
}

/** Jumps back, retries, signals, exports: every piece of run state a skip must restore. */
function restorationTasks(): object[] {
  return [
    {
      guarded: {
        try: [{ flakyCall: { call: 'flaky' } }],
        catch: { errors: { with: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime' } }, retry: { delay: { milliseconds: 1 }, limit: { attempt: { count: 5 } } } },
      },
    },
    { firstSignal: signalWait('go') },
    { start: { set: { n: 0 }, export: { as: '${ {n: 0} }' } } },
    {
      loop: {
        do: [
          { bump: { set: '${ {n: ($context.n + 1)} }', export: { as: '${ {n: ($context.n + 1)} }' } } },
          { inner: { call: 'count', with: { n: '${ $context.n }' } } },
        ],
      },
    },
    {
      check: {
        switch: [{ again: { when: '${ $context.n < 3 }', then: 'loop' } }, { finish: { when: '${ $context.n >= 4 }', then: 'last' } }, { done: { then: 'continue' } }],
      },
    },
    { pause: { wait: { milliseconds: 300 } } },
    { secondSignal: signalWait('go') },
    { back: { switch: [{ again: { when: '${ $context.n < 4 }', then: 'loop' } }, { on: { then: 'continue' } }] } },
    { last: { call: 'count', with: { n: '${ $context.n }' } } },
  ];
}

test('a resumed run skips completed tasks and restores visits, $context, switch jumps, consumed signals and caught faults', async (t) => {
  const file = await useDurableFile(t);
  const tasks = restorationTasks();
  const first = recordingFunctions();
  const a = await file.open({ functions: first.functions, parkAfterMs: Number.POSITIVE_INFINITY });
  await a.engine.start(a.engine.load(workflowDocument('skip', tasks)), { executionId: 'skip-1' });
  assert.equal(await a.engine.signal('skip-1', 'go', { nth: 1 }), true);
  assert.equal(await a.engine.signal('skip-1', 'go', { nth: 2 }), true);
  await untilTimerStarted(a.engine, 'skip-1', '/do/5/pause#0:');
  await a.engine.close();

  const second = recordingFunctions();
  const b = await file.open({ functions: second.functions });
  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const state = await b.engine.getExecution('skip-1');
  assert.equal(state?.status, 'completed', JSON.stringify(state?.error));
  // The jump back from `back` revisits `loop` once more (n goes 3 -> 4), then `check` jumps to `last`.
  assert.deepEqual(state?.output, { n: 4 });

  const history = await b.engine.history('skip-1');
  assertKeysUnique(history, 'skip-1');
  // Visits of the revisited loop's inner tasks go on from #3 after the resume (#0-#2 ran before it).
  const innerKeys = eventsOfType(history, 'EffectCompleted')
    .map((event) => event.data.key)
    .filter((key) => key.startsWith('/do/3/loop/do/1/inner'));
  assert.deepEqual(innerKeys, [0, 1, 2, 3].map((visit) => `/do/3/loop/do/1/inner#${visit}:call`));
  // Nothing recorded before the close ran again; only the new steps ran in b.
  assert.deepEqual([...second.calls.keys()].sort(), ['skip-1:/do/3/loop/do/1/inner#3', 'skip-1:/do/8/last#0']);
  assert.equal([...first.calls.keys()].filter((key) => key.includes('flakyCall')).length, 3, 'three attempts, each its own key');
  // The second wait took the second signal: the first one's consumption was restored from the skipped task.
  const consumed = eventsOfType(history, 'EventConsumed').map((event) => (event.data.event as { data?: Json }).data);
  assert.deepEqual(consumed, [{ nth: 1 }, { nth: 2 }]);
  // A rebuild re-runs every task (no skipping) and agrees with the resumed history.
  await assertRebuildMatches(b.engine, 'skip-1');
  assert.deepEqual(await b.engine.verify({ executionId: 'skip-1' }), { executions: 1, failures: [] });
});

test('a completed task is not run again on resume, so an input it read that is not recorded may have changed', async (t) => {
  const file = await useDurableFile(t);
  // `$secrets` are not recorded (histories keep secret names only): re-running `read` under b's value would derive
  // a different TaskCompleted and fail the replay as nondeterministic. Skipped, it keeps a's recorded output.
  const document = workflowDocument(
    'secret-drift',
    [{ read: { set: { token: '${ $secrets.token | length }' } } }, { pause: { wait: { milliseconds: 200 } } }, { after: { set: '${ . + {done: true} }' } }],
    { use: { secrets: ['token'] } },
  );
  const a = await file.open({ secrets: { token: 'abc' }, parkAfterMs: Number.POSITIVE_INFINITY });
  await a.engine.start(a.engine.load(document), { executionId: 'drift-1' });
  await untilTimerStarted(a.engine, 'drift-1', '/do/1/pause#0:');
  await a.engine.close();

  const b = await file.open({ secrets: { token: 'abcdef' } });
  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const state = await b.engine.getExecution('drift-1');
  assert.equal(state?.status, 'completed', JSON.stringify(state?.error));
  assert.deepEqual(state?.output, { token: 3, done: true });
});

test('a skipped task restores $context as its own tasks and fork joins left it, not as a fork branch wrote its copy', async (t) => {
  const file = await useDurableFile(t);
  const branch = (name: string, value: number) => ({ [name]: { set: { [name]: value }, export: { as: `\${ $context + {${name}: ${value}} }` } } });
  const tasks = [
    {
      prepare: {
        do: [
          { base: { set: { base: true }, export: { as: '${ {base: true} }' } } },
          // Both branches export into their own copies; the join merges them into the outer $context.
          { both: { fork: { branches: [branch('left', 1), branch('right', 2)] } } },
          {
            guarded: {
              // The branch writes its copy, then the other branch faults the fork: no join, so the write is lost.
              try: [{ broken: { fork: { branches: [branch('lost', 3), { fail: { raise: { error: { type: 'https://example.com/boom', status: 500 } } } }] } } }],
              catch: { do: [{ recovered: { set: { recovered: true } } }] },
            },
          },
        ],
      },
    },
    { pause: { wait: { milliseconds: 200 } } },
    { report: { set: '${ $context }' } },
  ];
  const a = await file.open({ parkAfterMs: Number.POSITIVE_INFINITY });
  await a.engine.start(a.engine.load(workflowDocument('context-skip', tasks)), { executionId: 'context-1' });
  await untilTimerStarted(a.engine, 'context-1', '/do/1/pause#0:');
  await a.engine.close();

  const b = await file.open();
  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const state = await b.engine.getExecution('context-1');
  assert.equal(state?.status, 'completed', JSON.stringify(state?.error));
  assert.deepEqual(state?.output, { base: true, left: 1, right: 2 });
  await assertRebuildMatches(b.engine, 'context-1');
});

test('a resume from a replay checkpoint reads only the events after it and ends as a replay of the whole history would', async (t) => {
  const file = await useDurableFile(t);
  // A checkpoint every 4 events: the run writes several before the pause, the last one a few events before it.
  const first = recordingFunctions();
  const a = await file.open({ functions: first.functions, parkAfterMs: Number.POSITIVE_INFINITY, snapshotEvery: 4 });
  await a.engine.start(a.engine.load(workflowDocument('checkpointed', restorationTasks())), { executionId: 'cp-1' });
  assert.equal(await a.engine.signal('cp-1', 'go', { nth: 1 }), true);
  assert.equal(await a.engine.signal('cp-1', 'go', { nth: 2 }), true);
  await untilTimerStarted(a.engine, 'cp-1', '/do/5/pause#0:');
  await a.engine.close();

  const reads: { executionId: string; fromSeq: number }[] = [];
  const inner = openSqliteStore({ path: file.path, synchronous: 'NORMAL' });
  const store: Store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'readEvents' || typeof value !== 'function') return value;
      return (input: { executionId: string; fromSeq?: number }) => {
        reads.push({ executionId: input.executionId, fromSeq: input.fromSeq ?? 1 });
        return (value as (i: unknown) => unknown).call(target, input);
      };
    },
  });
  const checkpoint = await store.getReplayCheckpoint('cp-1');
  assert.ok(checkpoint !== undefined && checkpoint.seq > 20, `a checkpoint was kept (at ${checkpoint?.seq})`);
  const second = recordingFunctions();
  const b = await createEngine({ store, functions: second.functions });
  t.after(() => b.close());
  await b.work({ untilIdle: true, maxWaitMs: 5_000 });
  assert.deepEqual(reads[0], { executionId: 'cp-1', fromSeq: checkpoint.seq + 1 }, 'the resume read the tail after the checkpoint, nothing before it');

  const state = await b.getExecution('cp-1');
  assert.equal(state?.status, 'completed', JSON.stringify(state?.error));
  assert.deepEqual(state?.output, { n: 4 });
  const history = await b.history('cp-1');
  assertKeysUnique(history, 'cp-1');
  const innerKeys = eventsOfType(history, 'EffectCompleted')
    .map((event) => event.data.key)
    .filter((key) => key.startsWith('/do/3/loop/do/1/inner'));
  assert.deepEqual(innerKeys, [0, 1, 2, 3].map((visit) => `/do/3/loop/do/1/inner#${visit}:call`), 'visit numbers went on from the dropped subtrees');
  assert.deepEqual([...second.calls.keys()].sort(), ['cp-1:/do/3/loop/do/1/inner#3', 'cp-1:/do/8/last#0']);
  const consumed = eventsOfType(history, 'EventConsumed').map((event) => (event.data.event as { data?: Json }).data);
  assert.deepEqual(consumed, [{ nth: 1 }, { nth: 2 }], 'the signal consumed inside a dropped subtree stayed consumed');
  await assertRebuildMatches(b, 'cp-1');
  assert.deepEqual(await b.verify({ executionId: 'cp-1' }), { executions: 1, failures: [] });
});

test('an execution resumed from a replay checkpoint takes commands: suspended while parked, resumed, then cancelled', async (t) => {
  const file = await useDurableFile(t);
  const steps = Array.from({ length: 6 }, (_, index) => ({ [`step${index}`]: { call: 'count', with: { index } } }));
  const tasks = [...steps, { pause: { wait: { seconds: 30 } } }, { never: { call: 'count', with: { never: true } } }];
  const functions = recordingFunctions();
  const a = await file.open({ functions: functions.functions, parkAfterMs: 0, snapshotEvery: 4 });
  await a.engine.start(a.engine.load(workflowDocument('commands', tasks)), { executionId: 'cmd-1' });
  await until(async () => typeof (await a.store.getExecution('cmd-1'))?.wakeAt === 'number', 'the execution to park on its wait');
  assert.ok(((await a.store.getReplayCheckpoint('cmd-1'))?.seq ?? 0) > 10, 'a checkpoint was kept before it parked');

  // Each command makes the parked execution due; a worker takes it up from the checkpoint and applies the command.
  assert.equal(await a.engine.suspend('cmd-1', 'maintenance'), true);
  assert.equal((await a.engine.getExecution('cmd-1'))?.status, 'suspended');
  assert.equal(await a.engine.resume('cmd-1'), true);
  await until(async () => typeof (await a.store.getExecution('cmd-1'))?.wakeAt === 'number', 'the resumed execution to park again');
  assert.equal(await a.engine.cancel('cmd-1', 'not needed'), true);
  const state = await a.engine.getExecution('cmd-1');
  assert.equal(state?.status, 'cancelled');
  const history = await a.engine.history('cmd-1');
  assertKeysUnique(history, 'cmd-1');
  assert.deepEqual(
    history.filter((event) => ['Suspended', 'Resumed', 'CancelRequested', 'WorkflowCancelled'].includes(event.type)).map((event) => event.type),
    ['Suspended', 'Resumed', 'CancelRequested', 'WorkflowCancelled'],
  );
  assert.equal(functions.calls.size, 6, 'each step ran once; nothing after the wait ran');
  assert.deepEqual(await a.engine.verify({ executionId: 'cmd-1' }), { executions: 1, failures: [] });
  await assertRebuildMatches(a.engine, 'cmd-1');
});

test('a loop closed mid-way resumes from a replay checkpoint at the open iteration; finished iterations never run again', async (t) => {
  const file = await useDurableFile(t);
  const tasks = [
    {
      loop: {
        for: { each: 'item', in: '${ [range(0; 8)] }' },
        do: [
          { record: { call: 'count', with: { item: '${ $item }' } } },
          { nap: { if: '${ $item == 5 }', wait: { milliseconds: 300 } } },
        ],
        output: { as: '${ $context }' },
      },
    },
    { done: { set: { finished: true } } },
  ];
  const first = recordingFunctions();
  const a = await file.open({ functions: first.functions, parkAfterMs: Number.POSITIVE_INFINITY, snapshotEvery: 4 });
  await a.engine.start(a.engine.load(workflowDocument('loop-checkpoint', tasks)), { executionId: 'loop-1' });
  await untilTimerStarted(a.engine, 'loop-1', '/do/0/loop/do/1/nap[5]#0:');
  await a.engine.close();

  const second = recordingFunctions();
  const b = await file.open({ functions: second.functions, snapshotEvery: 4 });
  assert.ok(((await b.store.getReplayCheckpoint('loop-1'))?.seq ?? 0) >= 20, 'a checkpoint was kept inside the loop');
  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const state = await b.engine.getExecution('loop-1');
  assert.equal(state?.status, 'completed', JSON.stringify(state?.error));
  assert.deepEqual(state?.output, { finished: true });
  assert.deepEqual([...first.calls.keys()].map((key) => key.replace('loop-1:', '')), [0, 1, 2, 3, 4, 5].map((i) => `/do/0/loop/do/0/record[${i}]#0`));
  assert.deepEqual([...second.calls.keys()].map((key) => key.replace('loop-1:', '')), [6, 7].map((i) => `/do/0/loop/do/0/record[${i}]#0`));
  assertKeysUnique(await b.engine.history('loop-1'), 'loop-1');
  await assertRebuildMatches(b.engine, 'loop-1');
});
