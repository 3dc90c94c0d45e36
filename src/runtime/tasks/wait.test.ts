import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EPOCH_MS,
  assertCompleted,
  assertFaulted,
  assertRebuildMatches,
  eventsOfType,
  idle,
  openHarness,
  waitForRunningTask,
} from '../../../test/support/engine-harness.js';

const durations = [
  { name: 'an inline duration adds its parts', wait: { minutes: 1, seconds: 30, milliseconds: 5 }, ms: 90_005 },
  { name: 'inline days and hours', wait: { days: 1, hours: 2 }, ms: 93_600_000 },
  { name: 'an ISO 8601 duration', wait: 'PT1M30S', ms: 90_000 },
  { name: 'an ISO 8601 duration with days', wait: 'P1DT1H', ms: 90_000_000 },
  { name: 'a fractional ISO 8601 second', wait: 'PT0.5S', ms: 500 },
] as const;

for (const d of durations) {
  test(`wait: ${d.name} fires ${d.ms} ms after the task started, not earlier`, async (t) => {
    const h = await openHarness(t);
    const handle = await h.engine.start(h.define([{ pause: { wait: d.wait } }]), { input: { kept: true } });
    await h.clock.waitForTimers(1);
    assert.equal(h.clock.nextAt, EPOCH_MS + d.ms);
    h.clock.advance(d.ms - 1);
    await idle();
    assert.equal((await h.engine.getExecution(handle.executionId))?.status, 'waiting');
    h.clock.advance(1);
    const result = await handle.result();
    assert.deepEqual(assertCompleted(result), { kept: true });
    const history = await h.history(result.executionId);
    const started = eventsOfType(history, 'TimerStarted');
    assert.deepEqual(started.map((e) => e.data.firesAt), [EPOCH_MS + d.ms]);
    assert.equal(eventsOfType(history, 'TimerFired').length, 1);
    const fired = eventsOfType(history, 'TimerFired')[0];
    assert.equal(fired?.at, EPOCH_MS + d.ms, 'TimerFired is recorded at the instant it fired');
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

test('wait: a ${ } duration is evaluated against the input', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ pause: { wait: '${ .delay }' } }]), { delay: 'PT2S' });
  assertCompleted(result);
  assert.deepEqual(eventsOfType(await h.history(result.executionId), 'TimerStarted').map((e) => e.data.firesAt), [EPOCH_MS + 2_000]);
});

test('wait: an expression yielding something that is not a duration faults at the task, naming the text', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ pause: { wait: '${ .delay }' } }]), { delay: 'soon' });
  const error = assertFaulted(result);
  assert.equal(error.instance, '/do/0/pause');
  assert.match(String(error.detail), /'soon' is not an ISO 8601 duration/);
});

test('wait: the folded state of a parked execution is waiting, and its task too', async (t) => {
  const h = await openHarness(t);
  const handle = await h.engine.start(h.define([{ pause: { wait: { hours: 1 } } }]));
  await h.clock.waitForTimers(1);
  const state = await h.engine.getExecution(handle.executionId);
  assert.equal(state?.status, 'waiting');
  assert.equal(state?.tasks[0]?.status, 'waiting');
  h.clock.advance(3_600_000);
  assertCompleted(await handle.result());
});

test('wait: cancelling an execution during a wait ends it cancelled, and history ends with WorkflowCancelled', async (t) => {
  const h = await openHarness(t);
  const handle = await h.engine.start(h.define([{ pause: { wait: { hours: 1 } } }, { after: { set: { reached: true } } }]));
  await h.clock.waitForTimers(1);
  await h.engine.cancel(handle.executionId, 'operator said stop');
  const result = await handle.result();
  assert.deepEqual(result, { executionId: handle.executionId, status: 'cancelled', reason: 'operator said stop' });
  const history = await h.history(handle.executionId);
  assert.deepEqual(history.slice(-3).map((e) => e.type), ['CancelRequested', 'TaskCancelled', 'WorkflowCancelled']);
  assert.equal(h.clock.pending, 0, 'the timer was released');
  const state = await h.engine.getExecution(handle.executionId);
  assert.equal(state?.status, 'cancelled');
  assert.equal(state?.cancelReason, 'operator said stop');
  assert.deepEqual(state?.tasks.map((task) => [task.name, task.status]), [['pause', 'cancelled']]);
  await assertRebuildMatches(h.engine, handle.executionId);
});

test('wait: cancelling an execution that already ended changes nothing', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ quick: { set: { done: true } } }]));
  await h.engine.cancel(result.executionId);
  const state = await h.engine.getExecution(result.executionId);
  assert.equal(state?.status, 'completed');
});

test('wait: cancelling an unknown execution is an ExecutionNotFoundError', async (t) => {
  const h = await openHarness(t);
  await assert.rejects(h.engine.cancel('no-such-execution'), { name: 'ExecutionNotFoundError' });
});

test('wait: after its timer fired, an execution busy with its next task folds as running, not waiting', async (t) => {
  const h = await openHarness(t);
  const handle = await h.engine.start(h.define([{ pause: { wait: { seconds: 1 } } }, { receive: { listen: { to: { one: { with: { type: 'com.example.go' } } } } } }]));
  await h.clock.waitForTimers(1);
  h.clock.advance(1_000);
  await waitForRunningTask(h.engine, handle.executionId, 'receive');
  const state = await h.engine.getExecution(handle.executionId);
  await h.engine.cancel(handle.executionId);
  assert.equal(state?.status, 'running');
});
