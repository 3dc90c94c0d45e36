/**
 * Parents and sub-workflows on a real SQLite file: a parent waiting on a child leaves memory like any wait, the
 * child's end makes it due, and cancelling a parked parent reaches its parked child.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCompleted, documentHeader, eventsOfType } from '../support/engine-harness.js';
import { assertKeysUnique, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

const CHILD = { document: documentHeader('child'), do: [{ pause: { wait: { milliseconds: 600 } } }, { done: { set: { doubled: '${ .n * 2 }' } } }] };
const PARENT = workflowDocument('parent', [{ sub: { run: { workflow: { namespace: 'test', name: 'child', version: '1.0.0', input: { n: '${ .value }' } } } } }]);

test('a parent waiting on its child parks; the child ending wakes it and it completes with the child output', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: 50 });
  a.engine.load(CHILD);
  const handle = await a.engine.start(a.engine.load(PARENT), { executionId: 'parent-1', input: { value: 21 } });
  const parked = await until(async () => {
    const record = await a.store.getExecution('parent-1');
    return record?.claim === undefined && record?.wakeAt === null ? record : undefined;
  }, 'the parent to park on its child');
  assert.equal(parked.status, 'running');
  const childId = eventsOfType(await a.engine.history('parent-1'), 'ChildStarted')[0]?.data.childExecutionId ?? '';
  assert.notEqual(childId, '');

  assert.deepEqual(assertCompleted(await handle.result()), { doubled: 42 });
  const history = await a.engine.history('parent-1');
  assertKeysUnique(history, 'parent-1');
  assert.equal(eventsOfType(history, 'ChildStarted').length, 1, 'the child started once, though the parent replayed');
  assert.equal(eventsOfType(history, 'ChildCompleted')[0]?.data.childExecutionId, childId);
  assert.equal((await a.store.listExecutions({ parentExecutionId: 'parent-1' })).length, 1);
  assert.deepEqual(await a.engine.verify(), { executions: 2, failures: [] });
});

test('a worker finishes a parked parent and its child started by an engine that closed', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: 0 });
  a.engine.load(CHILD);
  await a.engine.start(a.engine.load(PARENT), { executionId: 'parent-2', input: { value: 5 } });
  await until(async () => (await a.store.listExecutions({ parentExecutionId: 'parent-2' })).length === 1, 'the child to start');
  await a.engine.close();

  const worker = await file.open();
  await worker.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const state = await worker.engine.getExecution('parent-2');
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, { doubled: 10 });
  assertKeysUnique(await worker.engine.history('parent-2'), 'parent-2');
});

test('cancelling a parked parent from another engine cancels its parked child', async (t) => {
  const file = await useDurableFile(t);
  const slowChild = { document: documentHeader('child'), do: [{ pause: { wait: { seconds: 60 } } }] };
  const a = await file.open({ parkAfterMs: 0 });
  a.engine.load(slowChild);
  await a.engine.start(a.engine.load(PARENT), { executionId: 'parent-3', input: { value: 1 } });
  const childId = await until(async () => (await a.store.listExecutions({ parentExecutionId: 'parent-3' }))[0]?.executionId, 'the child to start');
  await until(async () => {
    const [parent, child] = await Promise.all([a.store.getExecution('parent-3'), a.store.getExecution(childId)]);
    return parent?.claim === undefined && parent?.wakeAt === null && typeof child?.wakeAt === 'number';
  }, 'both to park');
  await a.engine.close();

  const operator = await file.open();
  assert.equal(await operator.engine.cancel('parent-3', 'no longer needed'), true);
  const child = await until(async () => {
    const state = await operator.engine.getExecution(childId);
    return state?.status === 'cancelled' ? state : undefined;
  }, 'the child to be cancelled');
  assert.equal(child.cancelReason, 'no longer needed');
  const parent = await operator.engine.getExecution('parent-3');
  assert.equal(parent?.status, 'cancelled');
  assert.equal(eventsOfType(await operator.engine.history('parent-3'), 'ChildCompleted').length, 0, 'nothing recorded for the child');
});
