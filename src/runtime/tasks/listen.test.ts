import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import {
  type Harness,
  assertCompleted,
  assertRebuildMatches,
  eventsOfType,
  idle,
  openHarness,
  waitForRunningTask,
} from '../../../test/support/engine-harness.js';
import type { CloudEvent, ExecutionHandle, Json } from '../../index.js';

const SOURCE = 'https://sensors.example.com';

/** Starts a one-task workflow whose task `receive` is `listen`, and resolves once it listens. */
async function listening(t: TestContext, listen: object, input: Json = {}): Promise<{ h: Harness; handle: ExecutionHandle }> {
  const h = await openHarness(t);
  const handle = await h.engine.start(h.define([{ receive: listen }]), { input });
  await waitForRunningTask(h.engine, handle.executionId, 'receive');
  return { h, handle };
}

const publish = async (h: Harness, type: string, data: Json, extra: Record<string, Json> = {}): Promise<CloudEvent> =>
  (await h.engine.publish({ source: SOURCE, type, data, ...extra })).event;

test('listen: one consumes the first event that matches its filter and outputs its data in a list', async (t) => {
  const { h, handle } = await listening(t, { listen: { to: { one: { with: { type: 'com.example.temperature' } } } } });
  await publish(h, 'com.example.humidity', { value: 40 });
  await publish(h, 'com.example.temperature', { value: 21 });
  await publish(h, 'com.example.temperature', { value: 22 });
  const result = await handle.result();
  assert.deepEqual(assertCompleted(result), [{ value: 21 }]);
  assert.equal(eventsOfType(await h.history(result.executionId), 'EventConsumed').length, 1);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('listen: an event published before the listen started is not seen', async (t) => {
  const h = await openHarness(t);
  await publish(h, 'com.example.temperature', { value: 'early' });
  const handle = await h.engine.start(h.define([{ receive: { listen: { to: { one: { with: { type: 'com.example.temperature' } } } } } }]));
  await waitForRunningTask(h.engine, handle.executionId, 'receive');
  await publish(h, 'com.example.temperature', { value: 'late' });
  assert.deepEqual(assertCompleted(await handle.result()), [{ value: 'late' }]);
});

test('listen: a filter on data with an expression matches only events for which it holds', async (t) => {
  const { h, handle } = await listening(t, { listen: { to: { one: { with: { type: 'com.example.temperature', data: '${ .value > 38 }' } } } } });
  await publish(h, 'com.example.temperature', { value: 37 });
  await publish(h, 'com.example.temperature', { value: 39 });
  assert.deepEqual(assertCompleted(await handle.result()), [{ value: 39 }]);
});

test('listen: any with filters consumes the first event matching any of them', async (t) => {
  const { h, handle } = await listening(t, {
    listen: { to: { any: [{ with: { type: 'com.example.a' } }, { with: { type: 'com.example.b' } }] } },
  });
  await publish(h, 'com.example.c', { n: 0 });
  await publish(h, 'com.example.b', { n: 1 });
  assert.deepEqual(assertCompleted(await handle.result()), [{ n: 1 }]);
});

test('listen: any with an until expression keeps consuming until it holds on the events so far', async (t) => {
  const { h, handle } = await listening(t, { listen: { to: { any: [{ with: { type: 'com.example.tick' } }], until: '${ length >= 3 }' } } });
  for (const n of [1, 2, 3, 4]) await publish(h, 'com.example.tick', { n });
  assert.deepEqual(assertCompleted(await handle.result()), [{ n: 1 }, { n: 2 }, { n: 3 }]);
});

test('listen: any with an until strategy stops at the until event and leaves it out of the output', async (t) => {
  const { h, handle } = await listening(t, {
    listen: { to: { any: [{ with: { type: 'com.example.item' } }], until: { one: { with: { type: 'com.example.done' } } } } },
  });
  await publish(h, 'com.example.item', { n: 1 });
  await publish(h, 'com.example.item', { n: 2 });
  await publish(h, 'com.example.done', { final: true });
  assert.deepEqual(assertCompleted(await handle.result()), [{ n: 1 }, { n: 2 }]);
  await assertRebuildMatches(h.engine, handle.executionId);
});

test('listen: all waits for one event per filter, correlated on a shared key', async (t) => {
  const { h, handle } = await listening(t, {
    listen: {
      to: {
        all: [
          { with: { type: 'com.example.order.paid' }, correlate: { order: { from: '${ .data.orderId }' } } },
          { with: { type: 'com.example.order.shipped' }, correlate: { order: { from: '${ .data.orderId }' } } },
        ],
      },
    },
  });
  await publish(h, 'com.example.order.paid', { orderId: 'A', step: 'paid' });
  await publish(h, 'com.example.order.shipped', { orderId: 'B', step: 'shipped' });
  await publish(h, 'com.example.order.shipped', { orderId: 'A', step: 'shipped' });
  const result = await handle.result();
  assert.deepEqual(assertCompleted(result), [
    { orderId: 'A', step: 'paid' },
    { orderId: 'A', step: 'shipped' },
  ]);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('listen: a correlation expect evaluated on the task input selects the matching event', async (t) => {
  const { h, handle } = await listening(
    t,
    { listen: { to: { one: { with: { type: 'com.example.order.paid' }, correlate: { order: { from: '${ .data.orderId }', expect: '${ .orderId }' } } } } } },
    { orderId: 'wanted' },
  );
  await publish(h, 'com.example.order.paid', { orderId: 'other' });
  await publish(h, 'com.example.order.paid', { orderId: 'wanted' });
  assert.deepEqual(assertCompleted(await handle.result()), [{ orderId: 'wanted' }]);
});

const reads = [
  { read: 'envelope', check: (output: Json, sent: CloudEvent) => assert.deepEqual(output, [sent]) },
  { read: 'raw', check: (output: Json) => assert.deepEqual(output, [JSON.stringify({ value: 5 })]) },
  { read: 'data', check: (output: Json) => assert.deepEqual(output, [{ value: 5 }]) },
] as const;

for (const r of reads) {
  test(`listen: read ${r.read} outputs the event in that form`, async (t) => {
    const { h, handle } = await listening(t, { listen: { to: { one: { with: { type: 'com.example.x' } } }, read: r.read } });
    const sent = await publish(h, 'com.example.x', { value: 5 });
    r.check(assertCompleted(await handle.result()), sent);
  });
}

test('listen: foreach runs its do for each consumed event, binding item and index, and outputs the results', async (t) => {
  const { h, handle } = await listening(t, {
    listen: { to: { any: [{ with: { type: 'com.example.tick' } }], until: '${ length >= 2 }' } },
    foreach: { item: 'tick', at: 'i', do: [{ handle: { set: { seen: '${ $tick.n }', position: '${ $i }' } } }] },
  });
  await publish(h, 'com.example.tick', { n: 'a' });
  await publish(h, 'com.example.tick', { n: 'b' });
  const result = await handle.result();
  assert.deepEqual(assertCompleted(result), [
    { seen: 'a', position: 0 },
    { seen: 'b', position: 1 },
  ]);
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(state?.tasks.filter((task) => task.name === 'handle').map((task) => task.indexes), [[0], [1]]);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('listen: lifecycle events are never delivered to a listen, though lifecycle subscribers see them', async (t) => {
  const h = await openHarness(t);
  const lifecycle: CloudEvent[] = [];
  const unsubscribe = h.engine.onLifecycleEvent((event) => lifecycle.push(event));
  t.after(unsubscribe);
  const result = await h.run(
    h.define([
      {
        race: {
          fork: {
            compete: true,
            branches: [
              { hear: { listen: { to: { any: [{ with: { type: 'io.serverlessworkflow.task.completed.v1' } }] } } } },
              { work: { do: [{ pause: { wait: { seconds: 1 } } }, { finish: { set: { finished: true } } }] } },
            ],
          },
        },
      },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { finished: true });
  assert.equal(eventsOfType(await h.history(result.executionId), 'EventConsumed').length, 0);
  const completedTasks = lifecycle.filter((e) => e.type === 'io.serverlessworkflow.task.completed.v1').map((e) => (e.data as { task: string }).task);
  assert.ok(completedTasks.includes('/do/0/race/fork/branches/1/work/do/0/pause'), `lifecycle saw ${completedTasks.join(', ')}`);
});

test('listen: an emit in one fork branch is received by a listen in another', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        both: {
          fork: {
            branches: [
              { hear: { listen: { to: { one: { with: { type: 'com.example.ping' } } } } } },
              {
                speak: {
                  do: [
                    { pause: { wait: { seconds: 1 } } },
                    { ping: { emit: { event: { with: { source: SOURCE, type: 'com.example.ping', data: { hello: 'there' } } } } } },
                  ],
                },
              },
            ],
          },
        },
      },
    ]),
  );
  const output = assertCompleted(result) as Json[];
  assert.deepEqual(output[0], [{ hello: 'there' }]);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('listen: cancelling a waiting listen ends the execution cancelled', async (t) => {
  const { h, handle } = await listening(t, { listen: { to: { one: { with: { type: 'com.example.never' } } } } });
  await h.engine.cancel(handle.executionId, 'no longer needed');
  const result = await handle.result();
  assert.equal(result.status, 'cancelled');
  await idle();
  await publish(h, 'com.example.never', {});
  assert.equal(eventsOfType(await h.history(handle.executionId), 'EventConsumed').length, 0);
});

test('listen: a rebuild of a listen cancelled while waiting is cancelled too', async (t) => {
  const { h, handle } = await listening(t, { listen: { to: { one: { with: { type: 'com.example.never' } } } } });
  await h.engine.cancel(handle.executionId, 'no longer needed');
  assert.equal((await handle.result()).status, 'cancelled');
  await assertRebuildMatches(h.engine, handle.executionId);
});
