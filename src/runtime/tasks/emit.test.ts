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
import { type Json, problemTypes } from '../../index.js';

const orderPlaced = {
  emitOrder: {
    emit: { event: { with: { source: 'https://shop.example.com', type: 'com.example.order.placed.v1', data: { orderId: '${ .id }', total: '${ .total }' } } } },
  },
};

test('emit: the output is the published CloudEvent, with generated id, time and specversion filled in', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([orderPlaced]), { id: 'o-1', total: 12.5 });
  const output = assertCompleted(result) as Record<string, Json>;
  assert.equal(output['specversion'], '1.0');
  assert.equal(output['source'], 'https://shop.example.com');
  assert.equal(output['type'], 'com.example.order.placed.v1');
  assert.equal(output['time'], new Date(EPOCH_MS).toISOString());
  assert.equal(output['datacontenttype'], 'application/json');
  assert.deepEqual(output['data'], { orderId: 'o-1', total: 12.5 });
  assert.equal(typeof output['id'], 'string');
  const history = await h.history(result.executionId);
  const decided = eventsOfType(history, 'Decided').find((e) => e.data.key.endsWith(':id'));
  assert.equal(decided?.data.decision, output['id'], 'the generated id is recorded before it is used');
  assert.equal(eventsOfType(history, 'EffectCompleted').filter((e) => e.data.effect === 'emit').length, 1);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('emit: an id and time given in the event are kept', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ e: { emit: { event: { with: { id: 'fixed-id', time: '2024-02-03T04:05:06Z', source: 'https://test.example.com', type: 'com.example.t' } } } } }]),
  );
  const output = assertCompleted(result) as Record<string, Json>;
  assert.equal(output['id'], 'fixed-id');
  assert.equal(output['time'], '2024-02-03T04:05:06Z');
});

test('emit: a listening execution receives the emitted event', async (t) => {
  const h = await openHarness(t);
  const listener = await h.engine.start(h.define([{ receive: { listen: { to: { one: { with: { type: 'com.example.order.placed.v1' } } } } } }]));
  await waitForRunningTask(h.engine, listener.executionId, 'receive');
  const emitted = await h.run(h.define([orderPlaced]), { id: 'o-2', total: 3 });
  assertCompleted(emitted);
  assert.deepEqual(assertCompleted(await listener.result()), [{ orderId: 'o-2', total: 3 }]);
});

test('emit: a rebuild replays the emit from history and publishes nothing', async (t) => {
  const h = await openHarness(t);
  const emitted = await h.run(h.define([orderPlaced]), { id: 'o-3', total: 1 });
  const listener = await h.engine.start(h.define([{ receive: { listen: { to: { one: { with: { type: 'com.example.order.placed.v1' } } } } } }]));
  await waitForRunningTask(h.engine, listener.executionId, 'receive');
  await h.engine.rebuild(emitted.executionId);
  await idle();
  await h.engine.cancel(listener.executionId);
  assert.equal((await listener.result()).status, 'cancelled');
  assert.equal(eventsOfType(await h.history(listener.executionId), 'EventConsumed').length, 0);
});

const invalid = [
  { name: 'a source that evaluates to null', with: { source: '${ .missing }', type: 'com.example.t' }, pattern: /'source' must be a non-empty string/ },
  { name: 'an attribute name that is not lowercase alphanumeric', with: { source: 'https://x.example.com', type: 'com.example.t', Bad_Name: 1 }, pattern: /attribute name 'Bad_Name'/ },
] as const;

for (const c of invalid) {
  test(`emit: ${c.name} faults with a validation error naming the problem`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ e: { emit: { event: { with: c.with } } } }]));
    const error = assertFaulted(result);
    assert.equal(error.type, problemTypes.validation.type);
    assert.equal(error.instance, '/do/0/e');
    assert.match(String(error.detail), c.pattern);
  });
}

