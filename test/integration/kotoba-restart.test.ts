/**
 * `.kotoba` waits on a real SQLite file, across a restart: engine A runs the steps before a signal or event wait
 * and parks the execution (claim released, no wake-up time: it waits on a delivery), then closes; a fresh engine
 * sends the signal (`engine.signal`) or publishes the event (`engine.publish`) while nobody runs it; engine B works
 * until idle and completes it. The side effects recorded before the restart are replayed, never run again.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Json, RegisteredFunction, Store } from '../../src/index.js';
import { assertRebuildMatches, eventsOfType } from '../support/engine-harness.js';
import { type DurableFile, assertKeysUnique, recordedEffectKeys, until, useDurableFile } from '../support/durable-engine.js';
import { tempDir } from '../support/temp-dir.js';

const SETTLED = 'com.example.payment.settled';

/** `reserve` and `ship`, counting their runs per idempotency key; `ship` echoes its input. */
function countingActivities(): { functions: Record<string, RegisteredFunction>; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const counted = (answer: (input: Json) => Json): RegisteredFunction => (input, context) => {
    counts.set(context.idempotencyKey, (counts.get(context.idempotencyKey) ?? 0) + 1);
    return answer(input);
  };
  return {
    counts,
    functions: {
      reserve: counted(() => ({ reservationId: 'r-1' })),
      ship: counted((input) => ({ shipped: input })),
    },
  };
}

/** A `.kotoba` file: reserve, then `wait`, then ship with `shipMapping`. */
async function kotobaFile(t: TestContext, id: string, condition: object, shipMapping: Record<string, string>): Promise<string> {
  const dir = await tempDir(t, 'kotoba-restart-');
  const path = join(dir, `${id}.kotoba`);
  const workflow = {
    id,
    name: id,
    version: '1.0.0',
    inputs: [{ name: 'orderId', type: 'string', required: true }],
    outputs: [{ name: 'reservationId', type: 'string' }, { name: 'shipped', type: 'object' }],
    strategy: {
      op: 'seq',
      strategies: [
        { op: 'activity', activity_ref: 'reserve', input_mapping: { order: '$.inputs.orderId' } },
        { op: 'wait', condition },
        { op: 'activity', activity_ref: 'ship', input_mapping: shipMapping },
      ],
    },
  };
  // Jsonnet with a local and a comment, as authors write it; JSON inside is Jsonnet too.
  await writeFile(path, `// waits across a restart\nlocal workflow = ${JSON.stringify(workflow, null, 2)};\n{ workflow: workflow }\n`);
  return path;
}

/** Out of memory, waiting on a delivery: no claim, and no wake-up time (a timer would set one). */
async function parkedOnDelivery(store: Store, executionId: string): Promise<void> {
  await until(async () => {
    const record = await store.getExecution(executionId);
    return record !== undefined && record.claim === undefined && record.wakeAt === null;
  }, `${executionId} to park on its wait`);
}

/** Engine A: loads the file, starts each execution, waits until all are parked, closes. */
async function startAndPark(file: DurableFile, path: string, functions: Record<string, RegisteredFunction>, starts: readonly { executionId: string; input: Json }[]): Promise<void> {
  const a = await file.open({ functions, parkAfterMs: 50 });
  const definition = await a.engine.loadFile(path);
  for (const start of starts) await a.engine.start(definition, start);
  for (const start of starts) await parkedOnDelivery(a.store, start.executionId);
  await a.engine.close();
}

/** Every recorded effect of the execution ran exactly once, across both engines. */
async function assertEffectsRanOnce(store: Store, history: Parameters<typeof recordedEffectKeys>[1], executionId: string, counts: Map<string, number>): Promise<void> {
  assertKeysUnique(history, executionId);
  const keys = recordedEffectKeys(executionId, history);
  assert.equal(keys.length, 2, 'reserve and ship were recorded');
  for (const key of keys) assert.equal(counts.get(key), 1, `side effect ${key} ran once`);
  assert.equal((await store.getExecution(executionId))?.status, 'completed');
}

test('a .kotoba signal wait, parked by one engine, is signalled by another and completed by a third', async (t) => {
  const file = await useDurableFile(t, 'kotoba-restart-');
  const { functions, counts } = countingActivities();
  const path = await kotobaFile(t, 'approval', { type: 'signal', signal_name: 'approve' }, { order: '$.inputs.orderId', by: '$.signals.approve.by' });
  await startAndPark(file, path, functions, [{ executionId: 'k-sig-1', input: { orderId: 'o-1' } }]);
  assert.deepEqual([...counts.values()], [1], 'engine A ran reserve, and nothing after the wait');

  const operator = await file.open();
  assert.equal(await operator.engine.signal('k-sig-1', 'approve', { by: 'ann' }), true);
  assert.equal((await operator.store.getExecution('k-sig-1'))?.wakeAt, 0, 'the signal makes the parked execution due');
  assert.equal((await operator.engine.getExecution('k-sig-1'))?.status, 'running', 'nobody ran it yet');
  await operator.engine.close();

  const b = await file.open({ functions });
  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const state = await b.engine.getExecution('k-sig-1');
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, { reservationId: 'r-1', shipped: { order: 'o-1', by: 'ann' } });
  const history = await b.engine.history('k-sig-1');
  const consumed = eventsOfType(history, 'EventConsumed');
  assert.equal(consumed.length, 1);
  assert.equal(consumed[0]?.data.isSignal, true);
  await assertEffectsRanOnce(b.store, history, 'k-sig-1', counts);
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
  await assertRebuildMatches(b.engine, 'k-sig-1');
});

test('a .kotoba event wait, parked by one engine, takes the published event its filter matches and is completed by another', async (t) => {
  const file = await useDurableFile(t, 'kotoba-restart-');
  const { functions, counts } = countingActivities();
  // The filter's value is a state path: each execution waits for its own order's settlement.
  const condition = { type: 'event', event_type: SETTLED, filter: { orderId: '$.inputs.orderId' } };
  const path = await kotobaFile(t, 'settlement', condition, { order: '$.inputs.orderId' });
  await startAndPark(file, path, functions, [
    { executionId: 'k-evt-1', input: { orderId: 'o-1' } },
    { executionId: 'k-evt-2', input: { orderId: 'o-2' } },
  ]);
  assert.equal(counts.size, 2, 'engine A ran reserve for each, and nothing after the wait');

  const publisher = await file.open();
  const other = await publisher.engine.publish({ source: 'test/kotoba-restart', id: 'e-0', type: 'com.example.payment.refused', data: { orderId: 'o-1' } });
  const settled = await publisher.engine.publish({ source: 'test/kotoba-restart', id: 'e-1', type: SETTLED, data: { orderId: 'o-1', amount: 5 } });
  assert.equal(other.isAccepted && settled.isAccepted, true);
  assert.equal((await publisher.store.getExecution('k-evt-1'))?.wakeAt, 0, 'the matching delivery makes k-evt-1 due');
  await publisher.engine.close();

  const b = await file.open({ functions });
  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const done = await b.engine.getExecution('k-evt-1');
  assert.equal(done?.status, 'completed');
  assert.deepEqual(done?.output, { reservationId: 'r-1', shipped: { order: 'o-1' } });
  const history = await b.engine.history('k-evt-1');
  assert.deepEqual(eventsOfType(history, 'EventConsumed').map((event) => (event.data.event as { id?: string }).id), ['e-1'], 'only the settled event of its order');
  await assertEffectsRanOnce(b.store, history, 'k-evt-1', counts);
  await assertRebuildMatches(b.engine, 'k-evt-1');

  // The other order's execution saw no event its filter matches: still parked, its wait open, ship never called.
  await parkedOnDelivery(b.store, 'k-evt-2');
  const waiting = await b.engine.getExecution('k-evt-2');
  assert.equal(waiting?.status, 'running', 'not ended');
  assert.ok(waiting?.tasks.some((task) => task.name.startsWith(`wait-${SETTLED}`) && task.status === 'running'), 'its event wait is open');
  // The listen records every event of its type before correlating (src/runtime/tasks/listen.ts), so replay decides
  // alike: o-1's settlement is in k-evt-2's history too, looked at and passed over.
  assert.deepEqual(eventsOfType(await b.engine.history('k-evt-2'), 'EventConsumed').map((event) => (event.data.event as { id?: string }).id), ['e-1']);
  assert.equal(counts.size, 3, 'ship ran for k-evt-1 only');
  assert.deepEqual(await b.engine.verify(), { executions: 2, failures: [] });
});
