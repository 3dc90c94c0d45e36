/**
 * Suspend, resume and cancel on a real SQLite file, through the store's commands: a suspended execution stays put
 * while workers run (even past its timer), resumes and completes; a parked execution nobody runs is cancelled from
 * another engine and its history ends with `WorkflowCancelled`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCompleted, eventsOfType } from '../support/engine-harness.js';
import { assertKeysUnique, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

const WAIT_THEN_SET = workflowDocument('commands', [{ pause: { wait: { milliseconds: 400 } } }, { done: { set: { finished: true } } }]);

test('a suspended execution does not run while workers run, even past its timer; resumed, it completes', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: Number.POSITIVE_INFINITY });
  const lifecycle: string[] = [];
  a.engine.onLifecycleEvent((event) => {
    if (event.type.startsWith('io.serverlessworkflow.workflow.')) lifecycle.push(event.type.split('.')[3] ?? '');
  });
  const handle = await a.engine.start(a.engine.load(WAIT_THEN_SET), { executionId: 'suspend-1' });
  await until(async () => eventsOfType(await a.engine.history('suspend-1'), 'TimerStarted').length === 1, 'the wait to begin');
  assert.equal(await a.engine.suspend('suspend-1', 'maintenance'), true);
  assert.equal((await a.engine.getExecution('suspend-1'))?.status, 'suspended');
  const record = await a.store.getExecution('suspend-1');
  assert.equal(record?.wakeAt, null, 'parked until a command wakes it');
  assert.equal(record.claim, undefined);
  const [timer] = eventsOfType(await a.engine.history('suspend-1'), 'TimerStarted');
  assert.ok(timer !== undefined);

  // A worker on the same file runs until well past the timer; the suspended execution must stay put.
  const worker = await file.open();
  await until(async () => {
    await worker.engine.work({ untilIdle: true, maxWaitMs: 100 });
    return Date.now() > timer.data.firesAt + 200;
  }, 'the timer to be long due');
  assert.equal((await worker.engine.getExecution('suspend-1'))?.status, 'suspended');
  const suspended = await worker.engine.history('suspend-1');
  assert.equal(suspended.at(-1)?.type, 'Suspended');
  assert.deepEqual(eventsOfType(suspended, 'Suspended').map((event) => event.data.reason), ['maintenance']);

  // Resumed from the worker engine; the engine that started it tracks it and finishes the run.
  assert.equal(await worker.engine.resume('suspend-1'), true);
  assert.deepEqual(assertCompleted(await handle.result()), { finished: true });
  const history = await a.engine.history('suspend-1');
  assertKeysUnique(history, 'suspend-1');
  assert.equal(eventsOfType(history, 'Resumed').length, 1);
  assert.equal(eventsOfType(history, 'TimerFired').length, 1);
  assert.deepEqual(await a.engine.verify(), { executions: 1, failures: [] });
  assert.equal(await a.engine.resume('suspend-1'), false, 'an ended execution cannot be resumed');
  // Each lifecycle event comes from the engine that recorded it: here all of them (this engine takes the resume up).
  assert.deepEqual(lifecycle, ['started', 'suspended', 'resumed', 'completed']);
});

test('resume from an engine that does not track the execution: a worker picks it up', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: Number.POSITIVE_INFINITY });
  await a.engine.start(a.engine.load(WAIT_THEN_SET), { executionId: 'suspend-2' });
  await until(async () => eventsOfType(await a.engine.history('suspend-2'), 'TimerStarted').length === 1, 'the wait to begin');
  await a.engine.suspend('suspend-2');
  await a.engine.close();

  const operator = await file.open();
  assert.equal(await operator.engine.resume('suspend-2'), true);
  await operator.engine.close();
  const worker = await file.open();
  await worker.engine.work({ untilIdle: true, maxWaitMs: 2_000 });
  const state = await worker.engine.getExecution('suspend-2');
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, { finished: true });
  assertKeysUnique(await worker.engine.history('suspend-2'), 'suspend-2');
});

test('a parked execution is cancelled from another engine while no worker runs', async (t) => {
  const file = await useDurableFile(t);
  const long = workflowDocument('cancel-me', [{ pause: { wait: { seconds: 30 } } }, { never: { set: { reached: true } } }]);
  const a = await file.open({ parkAfterMs: 0 });
  await a.engine.start(a.engine.load(long), { executionId: 'cancel-1' });
  await until(async () => typeof (await a.store.getExecution('cancel-1'))?.wakeAt === 'number', 'the execution to park');
  await a.engine.close();

  const operator = await file.open();
  assert.equal(await operator.engine.cancel('cancel-1', 'no longer needed'), true);
  const state = await operator.engine.getExecution('cancel-1');
  assert.equal(state?.status, 'cancelled');
  assert.equal(state?.cancelReason, 'no longer needed');
  const history = await operator.engine.history('cancel-1');
  assert.equal(history.at(-1)?.type, 'WorkflowCancelled');
  assert.equal(eventsOfType(history, 'CancelRequested').length, 1);
  assert.ok(!history.some((event) => event.type === 'TaskStarted' && event.data.name === 'never'), 'nothing after the wait ran');
  assertKeysUnique(history, 'cancel-1');
  const record = await operator.store.getExecution('cancel-1');
  assert.equal(record?.status, 'cancelled');
  assert.equal(record.claim, undefined);
  assert.equal(await operator.engine.cancel('cancel-1'), false, 'an ended execution cannot be cancelled again');
  assert.deepEqual(await operator.engine.verify(), { executions: 1, failures: [] });
});

test('a cancel requested while another engine runs the execution reaches it at its next renewal', async (t) => {
  const file = await useDurableFile(t);
  const long = workflowDocument('cancel-remote', [{ pause: { wait: { seconds: 30 } } }]);
  const a = await file.open({ parkAfterMs: Number.POSITIVE_INFINITY, leaseMs: 300 });
  const handle = await a.engine.start(a.engine.load(long), { executionId: 'cancel-2' });
  await until(async () => eventsOfType(await a.engine.history('cancel-2'), 'TimerStarted').length === 1, 'the wait to begin');
  const operator = await file.open();
  assert.equal(await operator.engine.cancel('cancel-2', 'stop it'), true);
  const result = await handle.result();
  assert.deepEqual(result, { executionId: 'cancel-2', status: 'cancelled', reason: 'stop it' });
  const history = await a.engine.history('cancel-2');
  assert.equal(history.at(-1)?.type, 'WorkflowCancelled');
  assertKeysUnique(history, 'cancel-2');
});
