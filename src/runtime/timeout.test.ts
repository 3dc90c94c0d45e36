import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EPOCH_MS,
  assertCompleted,
  assertFaulted,
  assertRebuildMatches,
  eventsOfType,
  openHarness,
} from '../../test/support/engine-harness.js';
import { problemTypes } from '../index.js';

test('timeout: a task timeout aborts a longer wait and faults with timeout 408 at the task', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ pause: { wait: { hours: 1 }, timeout: { after: { seconds: 5 } } } }, { after: { set: { reached: true } } }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.timeout.type);
  assert.equal(error.status, 408);
  assert.equal(error.instance, '/do/0/pause');
  assert.equal(h.clock.now(), EPOCH_MS + 5_000, 'the clock only had to reach the deadline');
  const history = await h.history(result.executionId);
  assert.deepEqual(eventsOfType(history, 'Decided').map((e) => e.data.decision), ['fired']);
  assert.equal(eventsOfType(history, 'TimerFired').length, 0, 'the wait never fired');
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(state?.tasks.map((task) => [task.name, task.status]), [['pause', 'faulted']]);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('timeout: a task that finishes before its timeout is unaffected', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ pause: { wait: { seconds: 1 }, timeout: { after: { seconds: 5 } } } }]), { kept: true });
  assert.deepEqual(assertCompleted(result), { kept: true });
  assert.equal(eventsOfType(await h.history(result.executionId), 'Decided').length, 0);
});

test('timeout: a task timeout is catchable by try with the timeout error type', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        guarded: {
          try: [{ slow: { wait: { hours: 1 }, timeout: { after: 'PT10S' } } }],
          catch: { errors: { with: { type: problemTypes.timeout.type, status: 408 } }, do: [{ fallback: { set: { timedOut: '${ $error.instance }' } } }] },
        },
      },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { timedOut: '/do/0/guarded/try/0/slow' });
  await assertRebuildMatches(h.engine, result.executionId);
});

test('timeout: a timeout named from use.timeouts applies', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ pause: { wait: { hours: 1 }, timeout: 'short' } }], { use: { timeouts: { short: { after: { seconds: 3 } } } } }),
  );
  assert.equal(assertFaulted(result).status, 408);
  assert.equal(h.clock.now(), EPOCH_MS + 3_000);
});

test('timeout: a timeout on a do aborts the task running inside it', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ block: { timeout: { after: { seconds: 2 } }, do: [{ first: { set: { a: 1 } } }, { pause: { wait: { minutes: 1 } } }, { never: { set: { b: 1 } } }] } }]),
  );
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.timeout.type);
  assert.equal(error.instance, '/do/0/block');
  const state = await h.engine.getExecution(result.executionId);
  const statuses = new Map(state?.tasks.map((task) => [task.name, task.status]));
  assert.equal(statuses.get('first'), 'completed');
  assert.ok(['faulted', 'cancelled'].includes(String(statuses.get('pause'))), `the inner wait was stopped, not ${statuses.get('pause')}`);
  assert.equal(statuses.has('never'), false);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('timeout: a workflow timeout faults the execution with timeout 408 at /', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ pause: { wait: { hours: 1 } } }], { timeout: { after: { minutes: 1 } } }));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.timeout.type);
  assert.equal(error.status, 408);
  assert.equal(error.instance, '/');
  assert.equal(h.clock.now(), EPOCH_MS + 60_000);
  const history = await h.history(result.executionId);
  assert.equal(history.at(-1)?.type, 'WorkflowFaulted');
  await assertRebuildMatches(h.engine, result.executionId);
});

test('timeout: a retry attempt limit (limit.attempt.duration) times out a slow attempt', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        guarded: {
          try: [{ slow: { wait: { minutes: 10 } } }],
          catch: { errors: { with: { type: problemTypes.timeout.type } }, retry: { delay: { seconds: 1 }, limit: { attempt: { count: 1, duration: { seconds: 30 } } } } },
        },
      },
    ]),
  );
  assertCompleted(result);
  const retries = eventsOfType(await h.history(result.executionId), 'TaskRetrying');
  assert.equal(retries.length, 1);
  assert.equal(retries[0]?.data.error.type, problemTypes.timeout.type);
});
