/**
 * Claims across processes on one SQLite file: while a worker process holds an execution (its claim renewed), another
 * engine's `work()` leaves it alone; once that process is gone (SIGKILL) or frozen (SIGSTOP) past its lease, the
 * other engine takes it over, re-runs the interrupted side effect under the same idempotency key and completes it.
 * A frozen worker that wakes up after losing its claim writes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine } from '../../src/index.js';
import { assertKeysUnique, launchParked, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';
import { effectFunction, startEffectServer } from '../support/effect-server.js';
import { spawnWorker } from '../support/worker-processes.js';

const LEASE_MS = 300;

const DOCUMENT = workflowDocument('claimed', [
  { settle: { wait: { milliseconds: 50 } } },
  { long: { call: 'sideEffect', with: { value: '${ .value }', add: 1 } } },
]);

/** Runs `engine.work({ untilIdle })` again and again until `done()` holds (a claim expiring makes work runnable). */
async function workUntil(engine: Engine, done: () => Promise<boolean>, what: string): Promise<void> {
  await until(async () => {
    await engine.work({ untilIdle: true, maxWaitMs: 1_000 });
    return done();
  }, what, 15_000);
}

test('a live claim keeps other engines off; after the holder is killed another engine takes over', async (t) => {
  const file = await useDurableFile(t, 'itonami-claims-');
  let holder = '';
  const server = await startEffectServer((request) => (request.pid === holder ? 'hold' : 'answer'));
  t.after(() => server.close());
  await launchParked(file, DOCUMENT, [{ executionId: 'claimed-1', input: { value: 1 } }], ['sideEffect']);

  const a = await spawnWorker(t, file.path, ['--server', server.url, '--lease-ms', String(LEASE_MS), '--owner', 'worker-a']);
  holder = a.pid;
  await until(() => server.received.length === 1, 'worker a to call the side effect', 15_000);
  assert.equal(server.received[0]?.pid, a.pid);

  const b = await file.open({ functions: { sideEffect: effectFunction(server.url, 'engine-b') }, leaseMs: LEASE_MS, owner: 'engine-b' });
  const before = await b.store.getExecution('claimed-1');
  assert.equal(before?.claim?.owner, 'worker-a');
  const headBefore = before?.seq;
  // Several leases long: a claim that is not renewed would expire in this span, so b would get the execution.
  const expiries = new Set<number>();
  const watchUntil = Date.now() + 4 * LEASE_MS;
  while (Date.now() < watchUntil) {
    await b.engine.work({ untilIdle: true, maxWaitMs: 50 });
    const record = await b.store.getExecution('claimed-1');
    assert.equal(record?.claim?.owner, 'worker-a', 'b must not take a live claim');
    if (record?.claim !== undefined) expiries.add(record.claim.expiresAt);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(expiries.size > 1, 'worker a renews its claim while its effect runs');
  assert.ok(server.received.every((request) => request.pid === a.pid), 'b ran nothing while a held the claim');
  assert.equal((await b.store.getExecution('claimed-1'))?.seq, headBefore, 'b wrote nothing');

  await a.kill();
  await workUntil(b.engine, async () => (await b.store.getExecution('claimed-1'))?.status === 'completed', 'b to take over and complete');

  const state = await b.engine.getExecution('claimed-1');
  assert.deepEqual(state?.output, { value: 2 });
  assert.deepEqual(
    server.received.map(({ key, pid }) => ({ key, pid })),
    [
      { key: 'claimed-1:/do/1/long#0', pid: a.pid },
      { key: 'claimed-1:/do/1/long#0', pid: 'engine-b' },
    ],
    'the interrupted effect re-ran once, under the same idempotency key',
  );
  assertKeysUnique(await b.engine.history('claimed-1'), 'claimed-1');
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
});

test('a frozen worker loses its claim to another engine and, thawed, writes nothing', async (t) => {
  const file = await useDurableFile(t, 'itonami-claims-');
  let holder = '';
  const server = await startEffectServer((request) => (request.pid === holder ? 'hold' : 'answer'));
  t.after(() => server.close());
  await launchParked(file, DOCUMENT, [{ executionId: 'frozen-1', input: { value: 10 } }], ['sideEffect']);

  const a = await spawnWorker(t, file.path, ['--server', server.url, '--lease-ms', String(LEASE_MS), '--owner', 'worker-a']);
  holder = a.pid;
  await until(() => server.received.length === 1, 'worker a to call the side effect', 15_000);
  a.child.kill('SIGSTOP');
  t.after(() => {
    a.child.kill('SIGCONT');
  });

  const b = await file.open({ functions: { sideEffect: effectFunction(server.url, 'engine-b') }, leaseMs: LEASE_MS, owner: 'engine-b' });
  await workUntil(b.engine, async () => (await b.store.getExecution('frozen-1'))?.status === 'completed', 'b to take over the frozen worker');
  const completed = await b.engine.history('frozen-1');

  a.child.kill('SIGCONT');
  // Nothing outside the thawed worker shows when it noticed (its next renewal fails: the claim moved on), so it gets
  // a few renewal periods to misbehave in; the assertion is on what it wrote, not on how fast it was.
  await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_MS));
  const after = await b.engine.history('frozen-1');
  assert.deepEqual(after, completed, 'the thawed worker appended nothing');
  assert.deepEqual((await b.engine.getExecution('frozen-1'))?.output, { value: 11 });
  assert.equal(a.child.exitCode, null, 'the thawed worker keeps running (it only lost one claim)');
  assertKeysUnique(after, 'frozen-1');
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
  await a.kill();
});
