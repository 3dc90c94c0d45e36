/**
 * An activity's retries on a real SQLite file across engines: an attempt recorded before a close is replayed, never
 * run again; a retry delay is a durable timer the next engine honours; the last heartbeat details reach the next
 * attempt through history; an attempt interrupted by a close runs again under the same idempotency key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ActivityDefinition, type Json, defineActivity } from '../../src/index.js';
import { assertRebuildMatches, eventsOfType } from '../support/engine-harness.js';
import { assertKeysUnique, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

interface Call {
  readonly engine: string;
  readonly attempt: number;
  readonly key: string;
  readonly lastHeartbeat: Json | undefined;
}

/** The `sync` activity as engine `engine` runs it: attempt 1 reports progress and fails, later ones do `later`. */
function syncActivity(engine: string, calls: Call[], later: (signal: AbortSignal) => Promise<Json> | Json): ActivityDefinition {
  return defineActivity({
    name: 'sync',
    retry: { delay: { milliseconds: 300 }, limit: { attempt: { count: 3 } } },
    run: (_input, ctx) => {
      calls.push({ engine, attempt: ctx.attempt, key: ctx.idempotencyKey, lastHeartbeat: ctx.lastHeartbeat });
      if (ctx.attempt > 1) return later(ctx.signal);
      ctx.heartbeat({ synced: 40 });
      throw new Error('connection reset');
    },
  });
}

const document = workflowDocument('sync', [{ sync: { call: 'sync', with: { table: 'orders' } } }]);

test('a retry delay survives a close: the next engine runs attempt 2 only, with attempt 1’s heartbeat details', async (t) => {
  const file = await useDurableFile(t);
  const calls: Call[] = [];
  const a = await file.open({ functions: { sync: syncActivity('a', calls, () => ({ unreachable: true })) }, parkAfterMs: Number.POSITIVE_INFINITY });
  await a.engine.start(a.engine.load(document), { executionId: 'sync-1' });
  await until(async () => eventsOfType(await a.engine.history('sync-1'), 'TimerStarted').length === 1, 'the retry delay to begin');
  await a.engine.close();

  const b = await file.open({ functions: { sync: syncActivity('b', calls, () => ({ synced: 100 })) } });
  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  const state = await b.engine.getExecution('sync-1');
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, { synced: 100 });
  assert.deepEqual(calls, [
    { engine: 'a', attempt: 1, key: 'sync-1:/do/0/sync#0', lastHeartbeat: undefined },
    { engine: 'b', attempt: 2, key: 'sync-1:/do/0/sync#0:attempt/2', lastHeartbeat: { synced: 40 } },
  ]);
  const history = await b.engine.history('sync-1');
  assertKeysUnique(history, 'sync-1');
  const [timer] = eventsOfType(history, 'TimerStarted');
  const [failed] = eventsOfType(history, 'EffectFailed');
  assert.ok(timer !== undefined && failed !== undefined);
  assert.ok(timer.data.firesAt >= failed.at + 300, 'the recorded delay was waited out, not restarted');
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
  await assertRebuildMatches(b.engine, 'sync-1');
});

test('an attempt interrupted by a close runs again in the next engine with the same attempt and idempotency key', async (t) => {
  const file = await useDurableFile(t);
  const calls: Call[] = [];
  const hang = (signal: AbortSignal) =>
    new Promise<Json>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  const a = await file.open({ functions: { sync: syncActivity('a', calls, hang) } });
  await a.engine.start(a.engine.load(document), { executionId: 'sync-2' });
  await until(() => calls.length === 2, 'attempt 2 to start');
  await a.engine.close();

  const b = await file.open({ functions: { sync: syncActivity('b', calls, () => ({ synced: 100 })) } });
  const left = await b.engine.history('sync-2');
  assert.deepEqual(eventsOfType(left, 'EffectFailed').map((e) => e.data.key), ['/do/0/sync#0:call'], 'attempt 1’s failure is recorded');
  assert.equal(eventsOfType(left, 'EffectCompleted').length, 0, 'the interrupted attempt left no result');
  await b.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  assert.deepEqual((await b.engine.getExecution('sync-2'))?.output, { synced: 100 });
  assert.deepEqual(
    calls.map(({ engine, attempt, key }) => ({ engine, attempt, key })),
    [
      { engine: 'a', attempt: 1, key: 'sync-2:/do/0/sync#0' },
      { engine: 'a', attempt: 2, key: 'sync-2:/do/0/sync#0:attempt/2' },
      { engine: 'b', attempt: 2, key: 'sync-2:/do/0/sync#0:attempt/2' },
    ],
  );
  assertKeysUnique(await b.engine.history('sync-2'), 'sync-2');
  assert.deepEqual(await b.engine.verify(), { executions: 1, failures: [] });
  await assertRebuildMatches(b.engine, 'sync-2');
});
