import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../../../test/fixtures/loopback-server.js';
import {
  assertCompleted,
  assertFaulted,
  assertRebuildMatches,
  eventsOfType,
  openHarness,
  sequenceRandom,
} from '../../../test/support/engine-harness.js';
import { problemTypes } from '../../index.js';

const LEGACY_COMMUNICATION = 'https://serverlessworkflow.io/dsl/errors/types/communication';

/** Answers 404 to `/missing`, and to `/flaky` fails (503) the first `failures` requests, then answers 200. */
async function server(t: TestContext, failures = 0): Promise<LoopbackServer> {
  let flaky = 0;
  const started = await startLoopbackServer((request, response) => {
    if (request.path.startsWith('/flaky')) {
      flaky += 1;
      if (flaky <= failures) sendJson(response, 503, { attempt: flaky });
      else sendJson(response, 200, { attempt: flaky });
      return;
    }
    sendJson(response, 404, { message: 'no such pet' });
  });
  t.after(() => started.close());
  return started;
}

const getMissing = (url: string) => ({ getPet: { call: 'http', with: { method: 'get', endpoint: `${url}/missing` } } });
const raiseError = (type: string, status: number, extra: Record<string, unknown> = {}) => ({
  fail: { raise: { error: { type, status, title: 'Raised', ...extra } } },
});

test('try: catches a 404 by the legacy type alias and status, and catch.do supplies the output', async (t) => {
  const h = await openHarness(t);
  const pets = await server(t);
  const result = await h.run(
    h.define([
      {
        guarded: {
          try: [getMissing(pets.url)],
          catch: {
            errors: { with: { type: LEGACY_COMMUNICATION, status: 404 } },
            do: [{ recover: { set: { recovered: true, status: '${ $error.status }', type: '${ $error.type }' } } }],
          },
        },
      },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { recovered: true, status: 404, type: problemTypes.communication.type });
  await assertRebuildMatches(h.engine, result.executionId);
});

test('try: an error that does not pass the status filter propagates unchanged, with its instance', async (t) => {
  const h = await openHarness(t);
  const pets = await server(t);
  const result = await h.run(
    h.define([{ guarded: { try: [getMissing(pets.url)], catch: { errors: { with: { type: LEGACY_COMMUNICATION, status: 503 } } } } }]),
  );
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.communication.type);
  assert.equal(error.status, 404);
  assert.equal(error.instance, '/do/0/guarded/try/0/getPet');
});

const filters = [
  { name: 'a type filter in the spec form', with: { type: 'https://example.com/a' }, caught: true },
  { name: 'a different type', with: { type: 'https://example.com/b' }, caught: false },
  { name: 'a matching instance', with: { instance: '/do/0/guarded/try/0/fail' }, caught: true },
  { name: 'another instance', with: { instance: '/do/0/elsewhere' }, caught: false },
  { name: 'a matching title', with: { title: 'Raised' }, caught: true },
  { name: 'another title', with: { title: 'Other' }, caught: false },
  { name: 'a matching details', with: { details: 'the detail' }, caught: true },
  { name: 'all fields together', with: { type: 'https://example.com/a', status: 418, title: 'Raised' }, caught: true },
] as const;

for (const f of filters) {
  test(`try: an error filter on ${f.name} ${f.caught ? 'catches' : 'does not catch'} the raised error`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(
      h.define([{ guarded: { try: [raiseError('https://example.com/a', 418, { detail: 'the detail' })], catch: { errors: { with: f.with } } } }]),
      { kept: 1 },
    );
    if (f.caught) assert.deepEqual(assertCompleted(result), { kept: 1 });
    else assert.equal(assertFaulted(result).type, 'https://example.com/a');
  });
}

const conditions = [
  { name: 'when holding catches', catch: { when: '${ $error.status == 418 }' }, caught: true },
  { name: 'when not holding lets the error through', catch: { when: '${ $error.status == 500 }' }, caught: false },
  { name: 'exceptWhen holding lets the error through', catch: { exceptWhen: '${ $error.status == 418 }' }, caught: false },
  { name: 'exceptWhen not holding catches', catch: { exceptWhen: '${ $error.status == 500 }' }, caught: true },
  { name: 'when sees the task input', catch: { when: '${ .tolerate }' }, caught: true },
] as const;

for (const c of conditions) {
  test(`try: ${c.name}`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ guarded: { try: [raiseError('https://example.com/a', 418)], catch: c.catch } }]), { tolerate: true });
    if (c.caught) assert.deepEqual(assertCompleted(result), { tolerate: true });
    else assert.equal(assertFaulted(result).status, 418);
  });
}

test('try: catch.as names the variable the caught error is bound to', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        guarded: {
          try: [raiseError('https://example.com/a', 418)],
          catch: { as: 'oops', when: '${ $oops.status == 418 }', do: [{ report: { set: { caught: '${ $oops.title }', at: '${ $oops.instance }' } } }] },
        },
      },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { caught: 'Raised', at: '/do/0/guarded/try/0/fail' });
});

test('try: without catch.do a caught error makes the try task output its input', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ prepare: { set: { step: 'prepared' } } }, { guarded: { try: [{ change: { set: { step: 'changed' } } }, raiseError('https://example.com/a', 400)], catch: {} } }]),
  );
  assert.deepEqual(assertCompleted(result), { step: 'prepared' });
});

test('try: a block that succeeds supplies the output and catch.do never runs', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ guarded: { try: [{ ok: { set: { ok: true } } }], catch: { do: [{ recover: { set: { recovered: true } } }] } } }]));
  assert.deepEqual(assertCompleted(result), { ok: true });
  const state = await h.engine.getExecution(result.executionId);
  assert.equal(state?.tasks.some((task) => task.name === 'recover'), false);
});

const backoffs = [
  { backoff: 'constant', expected: [1_000, 1_000, 1_000] },
  { backoff: 'linear', expected: [1_000, 2_000, 3_000] },
  { backoff: 'exponential', expected: [1_000, 2_000, 4_000] },
] as const;

for (const b of backoffs) {
  test(`try: ${b.backoff === 'exponential' ? 'an' : 'a'} ${b.backoff} retry waits ${b.expected.join(', ')} ms before retries 1-3, on durable timers`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(
      h.define([
        {
          guarded: {
            try: [raiseError('https://example.com/flaky', 503)],
            catch: { retry: { delay: { seconds: 1 }, backoff: { [b.backoff]: {} }, limit: { attempt: { count: 3 } } }, do: [{ giveUp: { set: { gaveUpAfter: '${ $error.status }' } } }] },
          },
        },
      ]),
    );
    assert.deepEqual(assertCompleted(result), { gaveUpAfter: 503 });
    const history = await h.history(result.executionId);
    const retries = eventsOfType(history, 'TaskRetrying');
    assert.deepEqual(retries.map((e) => e.data.delayMs), b.expected);
    assert.deepEqual(retries.map((e) => e.data.attempt), [1, 2, 3]);
    // Each retry's timer fires exactly its delay after the decision; the manual clock moved by that much.
    const decisions = eventsOfType(history, 'Decided').filter((e) => e.data.key.includes(':retry/'));
    const timers = eventsOfType(history, 'TimerStarted');
    assert.deepEqual(
      timers.map((timer, i) => timer.data.firesAt - (decisions[i]?.data.decision as { at: number }).at),
      b.expected,
    );
    const state = await h.engine.getExecution(result.executionId);
    assert.equal(state?.tasks.filter((task) => task.name === 'fail').length, 4, 'one first attempt and three retries');
    assert.equal(state?.tasks.find((task) => task.name === 'guarded')?.retries, 3);
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

test('try: limit.attempt.count 0 never retries', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ guarded: { try: [raiseError('https://example.com/a', 500)], catch: { retry: { delay: { seconds: 1 }, limit: { attempt: { count: 0 } } } } } }]),
  );
  assertCompleted(result);
  assert.equal(eventsOfType(await h.history(result.executionId), 'TaskRetrying').length, 0);
});

test('try: a retried call that recovers supplies its response, and the far side saw one request per attempt', async (t) => {
  const h = await openHarness(t);
  const flaky = await server(t, 2);
  const result = await h.run(
    h.define([
      {
        guarded: {
          try: [{ getFlaky: { call: 'http', with: { method: 'get', endpoint: `${flaky.url}/flaky` } } }],
          catch: { errors: { with: { status: 503 } }, retry: { delay: { milliseconds: 100 }, limit: { attempt: { count: 5 } } } },
        },
      },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { attempt: 3 });
  assert.equal(flaky.requests.length, 3);
  const keys = flaky.requests.map((r) => r.headers['idempotency-key']);
  assert.equal(new Set(keys).size, 3, 'each deliberate retry is a new attempt with a new idempotency key');
  await assertRebuildMatches(h.engine, result.executionId);
});

test('try: a retry policy named from use.retries applies', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define(
      [{ guarded: { try: [raiseError('https://example.com/a', 500)], catch: { retry: 'twice' } } }],
      { use: { retries: { twice: { delay: { seconds: 2 }, backoff: { linear: {} }, limit: { attempt: { count: 2 } } } } } },
    ),
  );
  assertCompleted(result);
  assert.deepEqual(eventsOfType(await h.history(result.executionId), 'TaskRetrying').map((e) => e.data.delayMs), [2_000, 4_000]);
});

test('try: jitter adds an extra delay within [from, to], fixed in history', async (t) => {
  const floats = [0, 0.999, 0.5];
  const h = await openHarness(t, { random: sequenceRandom(floats) });
  const result = await h.run(
    h.define([
      {
        guarded: {
          try: [raiseError('https://example.com/a', 500)],
          catch: { retry: { delay: { seconds: 1 }, jitter: { from: { milliseconds: 100 }, to: { milliseconds: 500 } }, limit: { attempt: { count: 3 } } } },
        },
      },
    ]),
  );
  assertCompleted(result);
  const delays = eventsOfType(await h.history(result.executionId), 'TaskRetrying').map((e) => e.data.delayMs);
  for (const delay of delays) assert.ok(delay >= 1_100 && delay <= 1_500, `${delay} ms is within 1100-1500 ms`);
  assert.deepEqual(delays, floats.map((f) => Math.round(1_000 + 100 + f * 400)));
  await assertRebuildMatches(h.engine, result.executionId);
});

const retryGates = [
  { name: 'retry.when not holding skips the retry', retry: { when: '${ $error.status == 503 }' }, retries: 0 },
  { name: 'retry.when holding retries', retry: { when: '${ $error.status == 500 }' }, retries: 2 },
  { name: 'retry.exceptWhen holding skips the retry', retry: { exceptWhen: '${ $error.status == 500 }' }, retries: 0 },
] as const;

for (const g of retryGates) {
  test(`try: ${g.name}`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(
      h.define([
        {
          guarded: {
            try: [raiseError('https://example.com/a', 500)],
            catch: { retry: { delay: { milliseconds: 10 }, limit: { attempt: { count: 2 } }, ...g.retry } },
          },
        },
      ]),
    );
    assertCompleted(result);
    assert.equal(eventsOfType(await h.history(result.executionId), 'TaskRetrying').length, g.retries);
  });
}

test('try: limit.duration stops retrying once the next retry would start past it', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        guarded: {
          try: [raiseError('https://example.com/a', 500)],
          catch: { retry: { delay: { seconds: 1 }, backoff: { exponential: {} }, limit: { duration: { seconds: 4 } } } },
        },
      },
    ]),
  );
  assertCompleted(result);
  // Retries start at +1 s and +3 s; the third would start at +7 s, past the 4 s limit.
  assert.deepEqual(eventsOfType(await h.history(result.executionId), 'TaskRetrying').map((e) => e.data.delayMs), [1_000, 2_000]);
});

test('try: an error raised inside catch.do propagates', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ guarded: { try: [raiseError('https://example.com/a', 400)], catch: { do: [{ again: { raise: { error: { type: 'https://example.com/b', status: 409 } } } }] } } }]),
  );
  const error = assertFaulted(result);
  assert.equal(error.type, 'https://example.com/b');
  assert.equal(error.instance, '/do/0/guarded/catch/do/0/again');
});
