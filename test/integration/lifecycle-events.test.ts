/**
 * The spec's lifecycle CloudEvents as a subscriber (`engine.onLifecycleEvent`) sees them from a running engine: a
 * `listen` announces where its correlation starts and ends (with the keys it resolved), a suspension suspends and
 * resumes the tasks in flight, and an engine that takes an execution up after a restart announces only what it
 * records itself, never the replayed part.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CloudEvent, Engine, Json } from '../../src/index.js';
import { assertCompleted, assertRebuildMatches, eventsOfType, openHarness, waitForRunningTask } from '../support/engine-harness.js';
import { assertKeysUnique, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

const SOURCE = 'test/lifecycle-events';
const PAID = 'com.example.order.paid';
const SHIPPED = 'com.example.order.shipped';
const BY_ORDER = { order: { from: '${ .data.orderId }' } };
const PAID_AND_SHIPPED = { listen: { to: { all: [{ with: { type: PAID }, correlate: BY_ORDER }, { with: { type: SHIPPED }, correlate: BY_ORDER }] } } };

/** The lifecycle events of one execution, as `type` without its `io.serverlessworkflow.` prefix and `.v1` suffix. */
function recordLifecycle(engine: Engine, executionId: string): { events: CloudEvent[]; types: () => string[] } {
  const events: CloudEvent[] = [];
  engine.onLifecycleEvent((event) => {
    if (event.subject === executionId) events.push(event);
  });
  return { events, types: () => events.map((event) => event.type.replace(/^io\.serverlessworkflow\.(.*)\.v1$/, '$1')) };
}

const dataOf = (event: CloudEvent | undefined): Record<string, Json> => (event?.data ?? {}) as Record<string, Json>;

test('a listen correlating two events by a key announces correlation-started, then correlation-completed with the keys', async (t) => {
  const h = await openHarness(t);
  const lifecycle = recordLifecycle(h.engine, 'correlate-1');
  const handle = await h.engine.start(h.define([{ receive: PAID_AND_SHIPPED }]), { executionId: 'correlate-1' });
  await waitForRunningTask(h.engine, 'correlate-1', 'receive');
  await h.engine.publish({ source: SOURCE, type: PAID, data: { orderId: 'A' } });
  await h.engine.publish({ source: SOURCE, type: SHIPPED, data: { orderId: 'B' } });
  await h.engine.publish({ source: SOURCE, type: SHIPPED, data: { orderId: 'A' } });
  assert.deepEqual(assertCompleted(await handle.result()), [{ orderId: 'A' }, { orderId: 'A' }]);
  assert.deepEqual(lifecycle.types(), [
    'workflow.started',
    'task.created',
    'task.started',
    'workflow.correlation-started',
    'workflow.correlation-completed',
    'task.completed',
    'workflow.completed',
  ]);
  const [started, completed] = lifecycle.events.filter((event) => event.type.includes('correlation'));
  assert.deepEqual(dataOf(started), { name: 'test-1-correlate-1.test', startedAt: started?.time ?? '', task: '/do/0/receive' });
  assert.deepEqual(dataOf(completed), { name: 'test-1-correlate-1.test', completedAt: completed?.time ?? '', task: '/do/0/receive', correlationKeys: { order: 'A' } });

  const history = await h.history('correlate-1');
  assert.deepEqual(
    eventsOfType(history, 'EventConsumed').map((event) => event.data.correlationKeys),
    [{ order: 'A' }, undefined, { order: 'A' }],
    'the shipment of order B passed the attributes, not the correlation: recorded without keys',
  );
  await assertRebuildMatches(h.engine, 'correlate-1');
});

test('correlationKeys hold every key resolved along the listen, those with an expect too', async (t) => {
  const h = await openHarness(t);
  const lifecycle = recordLifecycle(h.engine, 'correlate-3');
  const listen = {
    listen: {
      to: {
        all: [
          { with: { type: PAID }, correlate: { order: { from: '${ .data.orderId }', expect: '${ .orderId }' } } },
          { with: { type: SHIPPED }, correlate: { ...BY_ORDER, carrier: { from: '${ .data.carrier }' } } },
        ],
      },
    },
  };
  const handle = await h.engine.start(h.define([{ receive: listen }]), { executionId: 'correlate-3', input: { orderId: 'W' } });
  await waitForRunningTask(h.engine, 'correlate-3', 'receive');
  await h.engine.publish({ source: SOURCE, type: PAID, data: { orderId: 'V' } });
  await h.engine.publish({ source: SOURCE, type: PAID, data: { orderId: 'W' } });
  await h.engine.publish({ source: SOURCE, type: SHIPPED, data: { orderId: 'W', carrier: 'dhl' } });
  assertCompleted(await handle.result());
  const history = await h.history('correlate-3');
  assert.deepEqual(
    eventsOfType(history, 'EventConsumed').map((event) => event.data.correlationKeys),
    [undefined, { order: 'W' }, { order: 'W', carrier: 'dhl' }],
  );
  const completed = lifecycle.events.find((event) => event.type.includes('correlation-completed'));
  assert.deepEqual(dataOf(completed)['correlationKeys'], { order: 'W', carrier: 'dhl' });
  await assertRebuildMatches(h.engine, 'correlate-3');
});

test('a listen without correlate completes its correlation with no keys, before the next task starts', async (t) => {
  const h = await openHarness(t);
  const lifecycle = recordLifecycle(h.engine, 'correlate-2');
  const handle = await h.engine.start(h.define([{ receive: { listen: { to: { one: { with: { type: PAID } } } } } }, { after: { set: { done: true } } }]), {
    executionId: 'correlate-2',
  });
  await waitForRunningTask(h.engine, 'correlate-2', 'receive');
  await h.engine.publish({ source: SOURCE, type: PAID, data: { orderId: 'C' } });
  assert.deepEqual(assertCompleted(await handle.result()), { done: true });
  assert.deepEqual(lifecycle.types(), [
    'workflow.started',
    'task.created',
    'task.started',
    'workflow.correlation-started',
    'workflow.correlation-completed',
    'task.completed',
    'task.created',
    'task.started',
    'task.completed',
    'workflow.completed',
  ]);
  const completed = lifecycle.events.find((event) => event.type.includes('correlation-completed'));
  assert.deepEqual(dataOf(completed), { name: 'test-1-correlate-2.test', completedAt: completed?.time ?? '', task: '/do/0/receive' });
});

test('a signal wait, which subscribes to nothing, completes its correlation with its task, keyed by the signal', async (t) => {
  const h = await openHarness(t);
  const lifecycle = recordLifecycle(h.engine, 'signal-1');
  const approval = { with: { type: 'io.itonami.signal', subject: 'approve' }, correlate: { request: { from: '${ .data.request }' } } };
  const handle = await h.engine.start(h.define([{ approval: { listen: { to: { one: approval } } } }]), { executionId: 'signal-1' });
  await waitForRunningTask(h.engine, 'signal-1', 'approval');
  assert.equal(await h.engine.signal('signal-1', 'approve', { request: 'r-9' }), true);
  assert.deepEqual(assertCompleted(await handle.result()), [{ request: 'r-9' }]);
  assert.deepEqual(lifecycle.types().slice(3), ['workflow.correlation-started', 'workflow.correlation-completed', 'task.completed', 'workflow.completed']);
  assert.deepEqual(dataOf(lifecycle.events[4])['correlationKeys'], { request: 'r-9' });
});

const suspensions = [
  { label: 'held in memory', parkAfterMs: Number.POSITIVE_INFINITY },
  { label: 'parked', parkAfterMs: 0 },
];

for (const s of suspensions) {
  test(`suspending a running workflow (${s.label}) suspends the task in flight, and resuming resumes it`, async (t) => {
    const file = await useDurableFile(t);
    const a = await file.open({ parkAfterMs: s.parkAfterMs });
    const id = `suspend-${s.parkAfterMs}`;
    const lifecycle = recordLifecycle(a.engine, id);
    const document = workflowDocument('suspend-tasks', [{ pause: { wait: { milliseconds: 400 } } }, { done: { set: { finished: true } } }]);
    const handle = await a.engine.start(a.engine.load(document), { executionId: id });
    await until(async () => eventsOfType(await a.engine.history(id), 'TimerStarted').length === 1, 'the wait to begin');
    assert.equal(await a.engine.suspend(id, 'maintenance'), true);
    assert.equal(await a.engine.resume(id), true);
    assert.deepEqual(assertCompleted(await handle.result()), { finished: true });
    assert.deepEqual(lifecycle.types(), [
      'workflow.started',
      'task.created',
      'task.started',
      'workflow.suspended',
      'task.suspended',
      'workflow.resumed',
      'task.resumed',
      'task.completed',
      'task.created',
      'task.started',
      'task.completed',
      'workflow.completed',
    ]);
    const byType = (type: string) => lifecycle.events.find((event) => event.type === `io.serverlessworkflow.${type}.v1`);
    const suspended = byType('task.suspended');
    assert.deepEqual(dataOf(suspended), { workflow: `suspend-tasks-${id}.test`, task: '/do/0/pause', suspendedAt: suspended?.time ?? '' });
    assert.equal(suspended?.time, byType('workflow.suspended')?.time);
    const resumed = byType('task.resumed');
    assert.deepEqual(dataOf(resumed), { workflow: `suspend-tasks-${id}.test`, task: '/do/0/pause', resumedAt: resumed?.time ?? '' });
    assertKeysUnique(await a.engine.history(id), id);
  });
}

test('after a restart, the engine that takes a listen up announces only what it records: nothing replayed', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: 50 });
  await a.engine.start(a.engine.load(workflowDocument('orders', [{ receive: PAID_AND_SHIPPED }])), { executionId: 'restart-1' });
  await until(async () => (await a.engine.history('restart-1')).some((event) => event.type === 'EffectCompleted' && event.data.effect === 'subscribe'), 'the subscription');
  await a.engine.publish({ source: SOURCE, type: PAID, data: { orderId: 'K' } });
  await until(async () => {
    const record = await a.store.getExecution('restart-1');
    return record?.wakeAt === null && record.claim === undefined && eventsOfType(await a.engine.history('restart-1'), 'EventConsumed').length === 1;
  }, 'the first event consumed and the listen parked');
  await a.engine.close();

  const b = await file.open();
  const lifecycle = recordLifecycle(b.engine, 'restart-1');
  assert.equal(await b.engine.suspend('restart-1', 'maintenance'), true);
  assert.equal(await b.engine.resume('restart-1'), true);
  await b.engine.publish({ source: SOURCE, type: SHIPPED, data: { orderId: 'K' } });
  await b.engine.work({ untilIdle: true, maxWaitMs: 1_000 });
  assert.equal((await b.engine.getExecution('restart-1'))?.status, 'completed');
  assert.deepEqual(lifecycle.types(), [
    'workflow.suspended',
    'task.suspended',
    'workflow.resumed',
    'task.resumed',
    'workflow.correlation-completed',
    'task.completed',
    'workflow.completed',
  ]);
  for (const event of lifecycle.events.filter((e) => e.type.startsWith('io.serverlessworkflow.task.'))) assert.equal(dataOf(event)['task'], '/do/0/receive');
  const completed = lifecycle.events.find((event) => event.type.includes('correlation-completed'));
  assert.deepEqual(dataOf(completed)['correlationKeys'], { order: 'K' });
  assertKeysUnique(await b.engine.history('restart-1'), 'restart-1');
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
});
