/**
 * A registered activity's options at run time: `inputSchema`, `timeout`, `retry` and `heartbeatTimeout` on a manual
 * clock (time moves only when the run waits), what each attempt records, and a rebuild — which knows no activity
 * options — replaying all of it from history.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  EPOCH_MS,
  ManualClock,
  assertCompleted,
  assertFaulted,
  assertRebuildMatches,
  eventsOfType,
  openHarness,
} from '../../test/support/engine-harness.js';
import { type ActivityContext, type ActivityDefinition, type Json, ProblemError, defineActivity, problemTypes } from '../index.js';
import { tempDir } from '../../test/support/temp-dir.js';

interface Seen {
  readonly attempt: number;
  readonly key: string;
  readonly lastHeartbeat: Json | undefined;
}

/** An activity that notes every call and then does `behave` (fail, hang, answer) for that attempt. */
function observed(
  options: Omit<ActivityDefinition, 'name' | 'run'>,
  behave: (input: Json, ctx: ActivityContext) => Promise<Json> | Json,
): { activity: ActivityDefinition; seen: Seen[]; signals: AbortSignal[] } {
  const seen: Seen[] = [];
  const signals: AbortSignal[] = [];
  const activity = defineActivity({
    name: 'work',
    ...options,
    run: (input, ctx) => {
      seen.push({ attempt: ctx.attempt, key: ctx.idempotencyKey, lastHeartbeat: ctx.lastHeartbeat });
      signals.push(ctx.signal);
      return behave(input, ctx);
    },
  });
  return { activity, seen, signals };
}

/** Settles only when `signal` aborts, rejecting with its reason: a slow remote that honours cancellation. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
}

const call = (input: Json = {}) => [{ step: { call: 'work', with: input as Record<string, Json> } }];

const amountSchema = { type: 'object', required: ['amount'], properties: { amount: { type: 'number', minimum: 1 } } };
const inputs: { name: string; input: Json; violation: RegExp | undefined }[] = [
  { name: 'matches', input: { amount: 5 }, violation: undefined },
  { name: 'lacks a required member', input: { currency: 'EUR' }, violation: /\/: must have required property 'amount'/ },
  { name: 'has a member of the wrong type', input: { amount: 'five' }, violation: /\/amount: must be number/ },
  { name: 'breaks a minimum', input: { amount: 0 }, violation: /\/amount: must be >= 1/ },
];
for (const c of inputs) {
  test(`inputSchema: an input that ${c.name} ${c.violation === undefined ? 'reaches run' : 'faults with a validation problem naming the path, run never called'}`, async (t) => {
    const { activity, seen } = observed({ inputSchema: amountSchema, retry: { limit: { attempt: { count: 3 } } } }, (input) => ({ got: input }));
    const h = await openHarness(t, { functions: { work: activity } });
    const result = await h.run(h.define(call(c.input)));
    if (c.violation === undefined) {
      assert.deepEqual(assertCompleted(result), { got: c.input });
      assert.equal(seen.length, 1);
    } else {
      const error = assertFaulted(result);
      assert.equal(error.type, problemTypes.validation.type);
      assert.equal(error.instance, '/do/0/step');
      assert.match(String(error.detail), /activity 'work' input does not match its inputSchema/);
      assert.match(String(error.detail), c.violation);
      assert.equal(seen.length, 0, 'run is not called, and a bad input is not retried');
      const history = await h.history(result.executionId);
      assert.deepEqual(eventsOfType(history, 'EffectFailed').map((e) => e.data.key), ['/do/0/step#0:call']);
    }
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

test('timeout: an attempt past its timeout has ctx.signal aborted and faults with the timeout problem', async (t) => {
  const { activity, signals } = observed({ timeout: { milliseconds: 500 } }, (_input, ctx) => untilAborted(ctx.signal));
  const h = await openHarness(t, { functions: { work: activity } });
  const result = await h.run(h.define(call()));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.timeout.type);
  assert.equal(error.status, 408);
  assert.equal(error.instance, '/do/0/step');
  assert.equal(error.detail, "activity 'work' (attempt 1) did not finish within 500 ms");
  assert.equal(signals[0]?.aborted, true);
  assert.ok(signals[0]?.reason instanceof ProblemError);
  assert.ok(h.clock.requested.includes(EPOCH_MS + 500), 'the deadline counts from the recorded start');
  const history = await h.history(result.executionId);
  const decided = eventsOfType(history, 'Decided').find((e) => e.data.key === '/do/0/step#0:call/deadline');
  assert.deepEqual((decided?.data.decision as { detail?: string }).detail, error.detail, 'the whole problem is recorded');
  await assertRebuildMatches(h.engine, result.executionId);
});

test('timeout: an activity that ignores its signal still times out; the step does not wait for it', async (t) => {
  const { activity } = observed({ timeout: 'PT1S' }, () => new Promise<Json>(() => undefined));
  const h = await openHarness(t, { functions: { work: activity } });
  const error = assertFaulted(await h.run(h.define(call())));
  assert.equal(error.type, problemTypes.timeout.type);
  assert.match(String(error.detail), /did not finish within 1000 ms/);
});

test('timeout: an activity that answers in time completes, and its deadline leaves no record', async (t) => {
  const { activity } = observed({ timeout: 'PT1S' }, () => ({ fine: true }));
  const h = await openHarness(t, { functions: { work: activity } });
  const result = await h.run(h.define(call()));
  assert.deepEqual(assertCompleted(result), { fine: true });
  assert.equal(eventsOfType(await h.history(result.executionId), 'Decided').length, 0);
});

test('retry: each attempt runs with ctx.attempt + 1 and a new idempotency key, after recorded durable delays', async (t) => {
  const { activity, seen } = observed({ retry: { delay: 'PT1S', backoff: { exponential: {} }, limit: { attempt: { count: 5 } } } }, (_input, ctx) => {
    if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
    return { attempt: ctx.attempt };
  });
  const h = await openHarness(t, { functions: { work: activity } });
  const result = await h.run(h.define(call()));
  assert.deepEqual(assertCompleted(result), { attempt: 3 });
  assert.deepEqual(seen.map((s) => s.attempt), [1, 2, 3]);
  const id = result.executionId;
  assert.deepEqual(seen.map((s) => s.key), [`${id}:/do/0/step#0`, `${id}:/do/0/step#0:attempt/2`, `${id}:/do/0/step#0:attempt/3`]);
  const history = await h.history(id);
  assert.deepEqual(eventsOfType(history, 'EffectFailed').map((e) => [e.data.key, e.data.error.detail]), [
    ['/do/0/step#0:call', 'attempt 1 failed'],
    ['/do/0/step#0:call/attempt/2', 'attempt 2 failed'],
  ]);
  assert.deepEqual(eventsOfType(history, 'EffectCompleted').map((e) => e.data.key), ['/do/0/step#0:call/attempt/3']);
  assert.deepEqual(eventsOfType(history, 'TaskRetrying').map((e) => [e.data.attempt, e.data.delayMs]), [[1, 1_000], [2, 2_000]]);
  assert.deepEqual(eventsOfType(history, 'TimerStarted').map((e) => e.data.firesAt), [EPOCH_MS + 1_000, EPOCH_MS + 3_000]);
  assert.equal(eventsOfType(history, 'TimerFired').length, 2);
  assert.equal((await h.engine.getExecution(id))?.tasks[0]?.retries, 2);
  await assertRebuildMatches(h.engine, id);
});

test('retry: past limit.attempt.count retries, the last attempt’s error faults the step', async (t) => {
  const { activity, seen } = observed({ retry: { delay: { milliseconds: 10 }, limit: { attempt: { count: 2 } } } }, (_input, ctx) => {
    throw Object.assign(new Error(`declined on attempt ${ctx.attempt}`), { code: 'DECLINED' });
  });
  const h = await openHarness(t, { functions: { work: activity } });
  const result = await h.run(h.define(call()));
  const error = assertFaulted(result);
  assert.equal(error.detail, 'declined on attempt 3');
  assert.equal(error['code'], 'DECLINED');
  assert.equal(seen.length, 3, 'the first attempt and two retries');
  await assertRebuildMatches(h.engine, result.executionId);
});

test('retry: when/exceptWhen are jq over $error; an error they exclude is not retried', async (t) => {
  const { activity, seen } = observed({ retry: { exceptWhen: '$error.code == "FATAL"', limit: { attempt: { count: 5 } } } }, (_input, ctx) => {
    throw Object.assign(new Error('no'), { code: ctx.attempt === 1 ? 'BUSY' : 'FATAL' });
  });
  const h = await openHarness(t, { functions: { work: activity } });
  const error = assertFaulted(await h.run(h.define(call())));
  assert.equal(error['code'], 'FATAL');
  assert.deepEqual(seen.map((s) => s.attempt), [1, 2]);
});

test('retry: a timed-out attempt is retried, and the next attempt gets its own deadline from its start', async (t) => {
  const { activity, seen } = observed({ timeout: { milliseconds: 300 }, retry: { delay: { milliseconds: 100 }, limit: { attempt: { count: 1 } } } }, (_input, ctx) =>
    ctx.attempt === 1 ? untilAborted(ctx.signal) : { second: true },
  );
  const h = await openHarness(t, { functions: { work: activity } });
  const result = await h.run(h.define(call()));
  assert.deepEqual(assertCompleted(result), { second: true });
  assert.equal(seen.length, 2);
  const history = await h.history(result.executionId);
  const [retrying] = eventsOfType(history, 'TaskRetrying');
  assert.equal(retrying?.data.error.type, problemTypes.timeout.type);
  assert.ok(h.clock.requested.includes(EPOCH_MS + 300 + 100 + 300), 'attempt 2’s deadline counts from its own start');
  await assertRebuildMatches(h.engine, result.executionId);
});

test('heartbeat: an activity that heartbeats within heartbeatTimeout runs long past it', async (t) => {
  let beats = 0;
  const clock = new ManualClock();
  const { activity } = observed({ heartbeatTimeout: { milliseconds: 250 } }, async (_input, ctx) => {
    for (let i = 1; i <= 10; i += 1) {
      await clock.sleepUntil(clock.now() + 100, ctx.signal);
      ctx.heartbeat({ done: i });
      beats += 1;
    }
    return { beats };
  });
  const h = await openHarness(t, { clock, functions: { work: activity } });
  const result = await h.run(h.define(call()));
  assert.deepEqual(assertCompleted(result), { beats: 10 });
  assert.equal(clock.now(), EPOCH_MS + 1_000, 'it ran four times its heartbeatTimeout');
});

test('heartbeat: a stuck activity (no heartbeat within heartbeatTimeout) is aborted and faults with a timeout naming heartbeat', async (t) => {
  const clock = new ManualClock();
  const { activity, signals } = observed({ heartbeatTimeout: { milliseconds: 250 } }, async (_input, ctx) => {
    await clock.sleepUntil(clock.now() + 100, ctx.signal);
    ctx.heartbeat();
    await clock.sleepUntil(clock.now() + 10_000, ctx.signal); // stuck
    return { unreachable: true };
  });
  const h = await openHarness(t, { clock, functions: { work: activity } });
  const result = await h.run(h.define(call()));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.timeout.type);
  assert.equal(error.detail, "activity 'work' (attempt 1) sent no heartbeat for 250 ms (its heartbeatTimeout)");
  assert.equal(signals[0]?.aborted, true);
  assert.equal(clock.now(), EPOCH_MS + 350, 'it failed 250 ms after its last heartbeat');
  await assertRebuildMatches(h.engine, result.executionId);
});

test('heartbeat: the next attempt gets the last details of the one before as ctx.lastHeartbeat, recorded with the retry', async (t) => {
  const { activity, seen } = observed({ retry: { limit: { attempt: { count: 2 } } } }, (_input, ctx) => {
    const from = (ctx.lastHeartbeat as { page?: number } | undefined)?.page ?? 0;
    if (ctx.attempt === 3) return { resumedFrom: from };
    ctx.heartbeat({ page: from + 1 });
    ctx.heartbeat({ page: from + 2 });
    throw new Error('connection reset');
  });
  const h = await openHarness(t, { functions: { work: activity } });
  const result = await h.run(h.define(call()));
  assert.deepEqual(assertCompleted(result), { resumedFrom: 4 });
  assert.deepEqual(seen.map((s) => s.lastHeartbeat), [undefined, { page: 2 }, { page: 4 }]);
  const decisions = eventsOfType(await h.history(result.executionId), 'Decided').filter((e) => e.data.key.includes(':call/retry/'));
  assert.deepEqual(decisions.map((e) => (e.data.decision as { lastHeartbeat?: Json }).lastHeartbeat), [{ page: 2 }, { page: 4 }]);
});

test('heartbeat: details that are not JSON make heartbeat throw, which faults the attempt', async (t) => {
  const { activity } = observed({}, (_input, ctx) => {
    ctx.heartbeat({ at: new Date(0) } as never);
    return null;
  });
  const h = await openHarness(t, { functions: { work: activity } });
  const error = assertFaulted(await h.run(h.define(call())));
  assert.equal(error['name'], 'TypeError');
  assert.match(String(error.detail), /heartbeat details must be JSON: at \/at is an instance of Date/);
});

test('an activity retry runs before an enclosing try retry, and ctx.attempt keeps counting across both', async (t) => {
  const { activity, seen } = observed({ retry: { limit: { attempt: { count: 1 } } } }, (_input, ctx) => {
    if (ctx.attempt < 4) throw new Error(`attempt ${ctx.attempt}`);
    return { attempt: ctx.attempt };
  });
  const h = await openHarness(t, { functions: { work: activity } });
  const result = await h.run(h.define([{ guarded: { try: call(), catch: { retry: { limit: { attempt: { count: 1 } } } } } }]));
  assert.deepEqual(assertCompleted(result), { attempt: 4 });
  assert.deepEqual(seen.map((s) => s.attempt), [1, 2, 3, 4]);
  assert.equal(new Set(seen.map((s) => s.key)).size, 4, 'every attempt has its own idempotency key');
  const history = await h.history(result.executionId);
  const visits = eventsOfType(history, 'Decided').filter((e) => e.data.key.endsWith(':carried/attempts'));
  assert.deepEqual(visits.map((e) => [e.data.key, e.data.decision]), [
    ['/do/0/guarded/try/0/step#0:carried/attempts', { lastAttempt: 2 }],
    ['/do/0/guarded/try/0/step#1:carried/attempts', { lastAttempt: 4 }],
  ]);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('a plain registered function records exactly what it did before activity options existed', async (t) => {
  const h = await openHarness(t, { functions: { work: () => ({ plain: true }) } });
  const result = await h.run(h.define(call()));
  assert.deepEqual(assertCompleted(result), { plain: true });
  const history = await h.history(result.executionId);
  assert.deepEqual(history.map((e) => e.type), ['WorkflowStarted', 'TaskStarted', 'EffectCompleted', 'TaskCompleted', 'WorkflowCompleted']);
  assert.equal(eventsOfType(history, 'EffectCompleted')[0]?.data.key, '/do/0/step#0:call');
});

test('a .kotoba activity compiles to the same call: its activity definition’s inputSchema and retry apply', async (t) => {
  const dir = await tempDir(t, 'activity-call-');
  const path = join(dir, 'charge.kotoba');
  const strategy = { op: 'activity', activity_ref: 'work', input_mapping: { orderId: '$.inputs.orderId' } };
  const workflow = { id: 'charge', name: 'Charge', version: '1.0.0', inputs: [{ name: 'orderId', type: 'string', required: true }], outputs: [{ name: 'charged', type: 'string', required: true }], strategy };
  await writeFile(path, JSON.stringify({ workflow }));
  const schema = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string', pattern: '^o-' } } };
  const { activity, seen } = observed({ inputSchema: schema, retry: { limit: { attempt: { count: 1 } } } }, (input, ctx) => {
    if (ctx.attempt === 1) throw new Error('busy');
    return { charged: (input as { orderId: string }).orderId };
  });
  const h = await openHarness(t, { functions: { work: activity } });
  const definition = await h.engine.loadFile(path);
  const good = await h.run(definition, { orderId: 'o-1' });
  assert.deepEqual(assertCompleted(good), { charged: 'o-1' });
  assert.deepEqual(seen.map((s) => s.attempt), [1, 2]);
  const bad = assertFaulted(await h.run(definition, { orderId: 'x-1' }));
  assert.equal(bad.type, problemTypes.validation.type);
  assert.match(String(bad.detail), /\/orderId: must match pattern/);
  assert.equal(seen.length, 2, 'the bad input never reached run');
  await assertRebuildMatches(h.engine, good.executionId);
});

test('a task timeout during the activity’s retries faults the step; a rebuild replays every recorded retry up to it', async (t) => {
  const { activity, seen } = observed({ retry: { delay: 'PT1S' } }, () => {
    throw new Error('still down');
  });
  const h = await openHarness(t, { functions: { work: activity } });
  const result = await h.run(h.define([{ step: { call: 'work', timeout: { after: 'PT4.5S' } } }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.timeout.type);
  assert.equal(seen.length, 5, 'attempts at 0, 1, 2, 3 and 4 s');
  const live = await h.engine.getExecution(result.executionId);
  const rebuilt = await h.engine.rebuild(result.executionId);
  assert.equal(live?.tasks[0]?.retries, 4);
  assert.equal(rebuilt.tasks[0]?.retries, 4, 'the rebuild followed the recorded retries under the aborted step');
  await assertRebuildMatches(h.engine, result.executionId);
});
