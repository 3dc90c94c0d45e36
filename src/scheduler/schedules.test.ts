import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { EPOCH_MS, ManualClock, eventually, sequenceRandom } from '../../test/support/engine-harness.js';
import { type Engine, type Json, type Store, createEngine, createMemoryStore, openSqliteStore } from '../index.js';

const MINUTE = 60_000;

async function worker(t: TestContext, store: Store, clock: ManualClock): Promise<{ engine: Engine; stop: () => Promise<void> }> {
  const engine = await createEngine({ store, clock, random: sequenceRandom(), parkAfterMs: Number.POSITIVE_INFINITY });
  const controller = new AbortController();
  const working = engine.work({ signal: controller.signal });
  let isStopped = false;
  const stop = async () => {
    if (isStopped) return;
    isStopped = true;
    controller.abort();
    await working;
  };
  t.after(async () => {
    await stop();
    await engine.close();
  });
  return { engine, stop };
}

function definition(schedule: object, name = 'ticker'): object {
  return {
    document: { dsl: '1.0.3', namespace: 'test', name, version: '1.0.0' },
    schedule,
    do: [{ record: { set: { input: '${ $workflow.input }', at: '${ now }' } } }],
  };
}

async function scheduled(engine: Engine, name = 'ticker'): Promise<string[]> {
  return (await engine.listExecutions({ name, limit: 1_000 })).map((record) => record.executionId).sort();
}

test('every: a worker starts one execution per period from its activation, each under its due instant', async (t) => {
  const clock = new ManualClock(EPOCH_MS);
  const { engine } = await worker(t, createMemoryStore(), clock);
  await engine.deploy(engine.load(definition({ every: { minutes: 1 } })));
  await eventually(() => clock.pending > 0, 'the worker waits for the first due start');
  for (let minute = 1; minute <= 3; minute += 1) clock.advanceTo(EPOCH_MS + minute * MINUTE);
  await eventually(() => clock.pending > 0, 'the worker is idle again');
  let ids: string[] = [];
  for (let i = 0; i < 100 && ids.length < 3; i += 1) {
    ids = await scheduled(engine);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(ids, [1, 2, 3].map((minute) => `schedule:test/ticker:${EPOCH_MS + minute * MINUTE}`));
});

test('a restart neither loses nor doubles a due start: two workers on one file share the cursor', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'itonami-schedules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'itonami.db');
  const clock = new ManualClock(EPOCH_MS);
  const first = await worker(t, openSqliteStore({ path }), clock);
  await first.engine.deploy(first.engine.load(definition({ every: { minutes: 1 } })));
  await eventually(() => clock.pending > 0, 'the first worker activated the schedule');
  clock.advanceTo(EPOCH_MS + MINUTE);
  await eventually(() => clock.pending > 0, 'the first worker fired once');
  await first.stop();
  // While no worker runs, two periods pass; two workers then race for the missed starts.
  clock.advanceTo(EPOCH_MS + 3 * MINUTE);
  const a = await worker(t, openSqliteStore({ path }), clock);
  const b = await worker(t, openSqliteStore({ path }), clock);
  let ids: string[] = [];
  for (let i = 0; i < 100 && ids.length < 3; i += 1) {
    ids = await scheduled(a.engine);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await a.stop();
  await b.stop();
  assert.deepEqual(await scheduled(b.engine), [1, 2, 3].map((minute) => `schedule:test/ticker:${EPOCH_MS + minute * MINUTE}`));
});

test('cron: starts at the expression next instants after activation (UTC)', async (t) => {
  const clock = new ManualClock(EPOCH_MS + 30_000);
  const { engine } = await worker(t, createMemoryStore(), clock);
  await engine.deploy(engine.load(definition({ cron: '*/2 * * * *' }, 'cron')));
  await eventually(() => clock.pending > 0, 'activated');
  clock.advanceTo(EPOCH_MS + 5 * MINUTE);
  let ids: string[] = [];
  for (let i = 0; i < 100 && ids.length < 2; i += 1) {
    ids = await scheduled(engine, 'cron');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(ids, [`schedule:test/cron:${EPOCH_MS + 2 * MINUTE}`, `schedule:test/cron:${EPOCH_MS + 4 * MINUTE}`]);
});

test('on: one execution per matching event, with the events as its input; duplicates and other types start none', async (t) => {
  const clock = new ManualClock(EPOCH_MS);
  const { engine } = await worker(t, createMemoryStore(), clock);
  await engine.deploy(engine.load(definition({ on: { one: { with: { type: 'com.example.ping' } } } }, 'pinged')));
  await eventually(() => clock.pending > 0, 'the schedule subscribed');
  // Wait one loop turn so the schedule's subscription exists before the events are accepted.
  clock.advance(1_000);
  await eventually(() => clock.pending > 0, 'idle again');
  await engine.publish({ source: 'test', id: 'e1', type: 'com.example.ping', data: { n: 1 } });
  await engine.publish({ source: 'test', id: 'e1', type: 'com.example.ping', data: { n: 1 } });
  await engine.publish({ source: 'test', id: 'e2', type: 'com.example.other', data: { n: 2 } });
  await engine.publish({ source: 'test', id: 'e3', type: 'com.example.ping', data: { n: 3 } });
  let ids: string[] = [];
  for (let i = 0; i < 100 && ids.length < 2; i += 1) {
    clock.advance(1_000);
    ids = await scheduled(engine, 'pinged');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(ids.length, 2);
  const inputs = await Promise.all(ids.map(async (id) => (await engine.getExecution(id))?.input));
  assert.deepEqual(inputs.map((input) => (input as { data: unknown }[])[0]?.data).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))), [{ n: 1 }, { n: 3 }]);
});

test('after: the next execution starts the given delay after the previous one ended, never while it runs', async (t) => {
  const clock = new ManualClock(EPOCH_MS);
  const { engine } = await worker(t, createMemoryStore(), clock);
  await engine.deploy(engine.load(definition({ after: { minutes: 1 } }, 'after')));
  await eventually(() => clock.pending > 0, 'activated');
  let ids: string[] = [];
  for (let minute = 1; minute <= 2; minute += 1) {
    clock.advanceTo(EPOCH_MS + minute * MINUTE);
    for (let i = 0; i < 100 && ids.length < minute; i += 1) {
      ids = await scheduled(engine, 'after');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const last = ids.at(-1);
    for (let i = 0; i < 100 && last !== undefined && (await engine.getExecution(last))?.status !== 'completed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  // The first run starts a minute after activation, the second a minute after the first ended (at once, here).
  assert.deepEqual(ids, [`schedule:test/after:${EPOCH_MS + MINUTE}`, `schedule:test/after:${EPOCH_MS + 2 * MINUTE}`]);
});

test('on all with correlation: one execution per correlated set, whatever the arrival order; unmatched events wait', async (t) => {
  const clock = new ManualClock(EPOCH_MS);
  const { engine } = await worker(t, createMemoryStore(), clock);
  const on = {
    all: [
      { with: { type: 'com.example.order.placed' }, correlate: { orderId: { from: '${ .data.id }' } } },
      { with: { type: 'com.example.payment.received' }, correlate: { orderId: { from: '${ .data.orderId }' } } },
    ],
  };
  await engine.deploy(engine.load(definition({ on }, 'fulfil')));
  await eventually(() => clock.pending > 0, 'the schedule subscribed');
  clock.advance(1_000);
  await eventually(() => clock.pending > 0, 'idle again');
  const placed = (id: string) => ({ source: 'shop', id: `placed-${id}`, type: 'com.example.order.placed', data: { id } });
  const paid = (id: string) => ({ source: 'bank', id: `paid-${id}`, type: 'com.example.payment.received', data: { orderId: id } });
  for (const event of [placed('A'), placed('B'), paid('B'), placed('C'), paid('A')]) await engine.publish(event);
  let ids: string[] = [];
  for (let i = 0; i < 100 && ids.length < 2; i += 1) {
    clock.advance(1_000);
    ids = await scheduled(engine, 'fulfil');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const sets = await Promise.all(ids.map(async (id) => ((await engine.getExecution(id))?.input as { data: Json }[]).map((event) => event.data)));
  assert.deepEqual(
    sets.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    [
      [{ id: 'A' }, { orderId: 'A' }],
      [{ id: 'B' }, { orderId: 'B' }],
    ],
  );
  // Order C waits for its payment: it arrives later and completes the third set.
  await engine.publish(paid('C'));
  for (let i = 0; i < 100 && ids.length < 3; i += 1) {
    clock.advance(1_000);
    ids = await scheduled(engine, 'fulfil');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(ids.length, 3);
  const inputs = await Promise.all(ids.map(async (id) => JSON.stringify((await engine.getExecution(id))?.input)));
  assert.ok(inputs.some((input) => input.includes('"id":"C"') && input.includes('"orderId":"C"')), inputs.join('\n'));
});
