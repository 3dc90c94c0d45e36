/**
 * The durable inbox on a real SQLite file: a `listen` opens its subscription when it starts, parks, and receives an
 * event published by another engine while no worker runs; a repeat of a (source, id) is consumed once, an event
 * accepted before the subscription is never seen, and one event fans out to every execution listening.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CloudEventInput, Store } from '../../src/index.js';
import { eventsOfType } from '../support/engine-harness.js';
import { assertKeysUnique, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

const PING = 'com.example.ping';

function ping(id: string, data: Record<string, number>): CloudEventInput {
  return { source: 'test/durable-listen', id, type: PING, data };
}

const LISTEN_ONE = workflowDocument('listen-one', [{ hear: { listen: { to: { one: { with: { type: PING } } } } } }]);

/** Parked until an event or a command (wakeAt null) with its claim released: out of memory. */
async function parkedOnEvent(store: Store, executionId: string): Promise<void> {
  await until(async () => {
    const record = await store.getExecution(executionId);
    return record?.wakeAt === null && record.claim === undefined;
  }, `${executionId} to park on its listen`);
}

test('a parked listen receives an event published by another engine while no worker runs', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: 50 });
  await a.engine.start(a.engine.load(LISTEN_ONE), { executionId: 'listener-1' });
  await parkedOnEvent(a.store, 'listener-1');
  await a.engine.close();

  const publisher = await file.open();
  const { isAccepted } = await publisher.engine.publish(ping('p-1', { n: 1 }));
  assert.equal(isAccepted, true);
  assert.equal((await publisher.store.getExecution('listener-1'))?.wakeAt, 0, 'the delivery makes the parked execution due');
  assert.equal((await publisher.engine.getExecution('listener-1'))?.status, 'running', 'nobody ran it yet');
  await publisher.engine.close();

  const worker = await file.open();
  await worker.engine.work({ untilIdle: true, maxWaitMs: 1_000 });
  const state = await worker.engine.getExecution('listener-1');
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, [{ n: 1 }]);
  const history = await worker.engine.history('listener-1');
  assertKeysUnique(history, 'listener-1');
  assert.equal(eventsOfType(history, 'EventConsumed').length, 1);
  assert.deepEqual(await worker.engine.verify(), { executions: 1, failures: [] });
});

test('a listen in memory sees an event another engine published (the inbox is polled)', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: Number.POSITIVE_INFINITY });
  const handle = await a.engine.start(a.engine.load(LISTEN_ONE), { executionId: 'listener-mem' });
  await until(async () => (await a.engine.history('listener-mem')).some((event) => event.type === 'EffectCompleted' && event.data.key.endsWith(':subscribe')), 'the subscription to open');
  const publisher = await file.open();
  await publisher.engine.publish(ping('m-1', { n: 5 }));
  const result = await handle.result();
  assert.deepEqual(result, { executionId: 'listener-mem', status: 'completed', output: [{ n: 5 }] });
});

test('a repeated (source, id) is consumed once and an event published before the listen began is never seen', async (t) => {
  const file = await useDurableFile(t);
  const document = workflowDocument('listen-two', [{ hear: { listen: { to: { any: [{ with: { type: PING } }], until: '${ length >= 2 }' } } } }]);
  const a = await file.open({ parkAfterMs: 50 });
  assert.equal((await a.engine.publish(ping('early', { n: 0 }))).isAccepted, true);
  await a.engine.start(a.engine.load(document), { executionId: 'listener-2' });
  await parkedOnEvent(a.store, 'listener-2');
  await a.engine.close();

  const publisher = await file.open();
  assert.equal((await publisher.engine.publish(ping('first', { n: 1 }))).isAccepted, true);
  assert.equal((await publisher.engine.publish(ping('first', { n: 1 }))).isAccepted, false, 'a repeat of (source, id) is ignored');
  assert.equal((await publisher.engine.publish(ping('early', { n: 0 }))).isAccepted, false, 'so is a repeat of the early one');
  assert.equal((await publisher.engine.publish(ping('second', { n: 2 }))).isAccepted, true);
  await publisher.engine.close();

  const worker = await file.open();
  await worker.engine.work({ untilIdle: true, maxWaitMs: 1_000 });
  const state = await worker.engine.getExecution('listener-2');
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, [{ n: 1 }, { n: 2 }]);
  const history = await worker.engine.history('listener-2');
  assertKeysUnique(history, 'listener-2');
  assert.deepEqual(eventsOfType(history, 'EventConsumed').map((event) => (event.data.event as { id: string }).id), ['first', 'second']);
  assert.deepEqual(await worker.engine.verify(), { executions: 1, failures: [] });
});

test('one published event fans out to every execution listening', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: 50 });
  const definition = a.engine.load(LISTEN_ONE);
  await a.engine.start(definition, { executionId: 'fan-1' });
  await a.engine.start(definition, { executionId: 'fan-2' });
  await parkedOnEvent(a.store, 'fan-1');
  await parkedOnEvent(a.store, 'fan-2');
  await a.engine.close();

  const worker = await file.open();
  assert.equal((await worker.engine.publish(ping('shared', { n: 42 }))).isAccepted, true);
  await worker.engine.work({ untilIdle: true, maxWaitMs: 1_000 });
  for (const executionId of ['fan-1', 'fan-2']) {
    const state = await worker.engine.getExecution(executionId);
    assert.equal(state?.status, 'completed', executionId);
    assert.deepEqual(state?.output, [{ n: 42 }], executionId);
    assertKeysUnique(await worker.engine.history(executionId), executionId);
  }
  assert.deepEqual(await worker.engine.verify(), { executions: 2, failures: [] });
});
