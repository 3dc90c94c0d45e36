import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Json, ProblemError, problemTypes } from '../index.js';
import { type ResolvedRetryPolicy, asRetryDecision, resolveRetryPolicy, retryDelayMs } from './retry.js';
import type { TaskContext } from './task-context.js';

const cases = [
  { backoff: 'constant', retry: 1, expectedMs: 1_000 },
  { backoff: 'constant', retry: 3, expectedMs: 1_000 },
  { backoff: 'linear', retry: 1, expectedMs: 1_000 },
  { backoff: 'linear', retry: 3, expectedMs: 3_000 },
  { backoff: 'exponential', retry: 1, expectedMs: 1_000 },
  { backoff: 'exponential', retry: 3, expectedMs: 4_000 },
  { backoff: 'exponential', retry: 5, expectedMs: 16_000 },
] as const;

for (const c of cases) {
  test(`retryDelayMs: ${c.backoff} backoff waits ${c.expectedMs} ms before retry ${c.retry}`, () => {
    assert.equal(retryDelayMs({ backoff: c.backoff, delayMs: 1_000 }, c.retry), c.expectedMs);
  });
}

const jitters = [
  { random: 0, expectedMs: 1_200 },
  { random: 0.5, expectedMs: 1_350 },
  { random: 0.999_999, expectedMs: 1_500 },
] as const;

for (const j of jitters) {
  test(`retryDelayMs: jitter [200, 500] with random ${j.random} adds ${j.expectedMs - 1_000} ms`, () => {
    const delay = retryDelayMs({ backoff: 'constant', delayMs: 1_000, jitter: { fromMs: 200, toMs: 500 } }, 1, j.random);
    assert.equal(delay, j.expectedMs);
    assert.ok(delay >= 1_200 && delay <= 1_500);
  });
}

test("retryDelayMs: the Itonami factor and maxDelay give kotoba-workflow's formula (interval × coefficient, capped)", () => {
  const policy = { backoff: 'exponential' as const, delayMs: 1_000, factor: 1.5, maxDelayMs: 3_000 };
  assert.deepEqual([1, 2, 3, 4, 5].map((retry) => retryDelayMs(policy, retry)), [1_000, 1_500, 2_250, 3_000, 3_000]);
  assert.deepEqual([1, 4].map((retry) => retryDelayMs({ backoff: 'linear', delayMs: 1_000, maxDelayMs: 2_500 }, retry)), [1_000, 2_500]);
});

test('retryDelayMs: a zero delay with no jitter retries at once', () => {
  assert.equal(retryDelayMs({ backoff: 'exponential', delayMs: 0 }, 4), 0);
});

/** Just enough of a task context for resolving a policy: the document's `use.retries` and the task pointer. */
function contextWith(retries: Record<string, unknown> = {}): TaskContext {
  return { run: { document: { use: { retries } } }, pointer: '/do/0/guarded' } as unknown as TaskContext;
}

const policies: { name: string; policy: object; expected: ResolvedRetryPolicy }[] = [
  { name: 'an empty policy retries at once, constant, without limit', policy: {}, expected: { delayMs: 0, backoff: 'constant' } },
  {
    name: 'every field resolved to milliseconds',
    policy: {
      when: '${ true }',
      exceptWhen: '${ false }',
      delay: { seconds: 2 },
      backoff: { exponential: {} },
      limit: { attempt: { count: 4, duration: 'PT30S' }, duration: { minutes: 5 } },
      jitter: { from: { milliseconds: 10 }, to: { milliseconds: 90 } },
    },
    expected: {
      when: '${ true }',
      exceptWhen: '${ false }',
      delayMs: 2_000,
      backoff: 'exponential',
      maxRetries: 4,
      attemptTimeoutMs: 30_000,
      totalMs: 300_000,
      jitter: { fromMs: 10, toMs: 90 },
    },
  },
  { name: 'a linear backoff', policy: { delay: 'PT1S', backoff: { linear: {} } }, expected: { delayMs: 1_000, backoff: 'linear' } },
  {
    name: 'the Itonami extension members of an exponential backoff',
    policy: { delay: 'PT1S', backoff: { exponential: { factor: 1.5, maxDelay: { minutes: 5 } } } },
    expected: { delayMs: 1_000, backoff: 'exponential', factor: 1.5, maxDelayMs: 300_000 },
  },
];

for (const p of policies) {
  test(`resolveRetryPolicy: ${p.name}`, () => {
    assert.deepEqual(resolveRetryPolicy(contextWith(), p.policy as never), p.expected);
  });
}

test('resolveRetryPolicy: a name is looked up in use.retries', () => {
  assert.deepEqual(resolveRetryPolicy(contextWith({ quick: { delay: { milliseconds: 5 } } }), 'quick'), { delayMs: 5, backoff: 'constant' });
});

test('resolveRetryPolicy: an unknown name is a configuration error at the task', () => {
  assert.throws(
    () => resolveRetryPolicy(contextWith({ quick: {} }), 'slow'),
    (error: unknown) =>
      error instanceof ProblemError &&
      error.problem.type === problemTypes.configuration.type &&
      error.problem.instance === '/do/0/guarded' &&
      /'slow' is not defined in use\.retries/.test(String(error.problem.detail)),
  );
});

test('resolveRetryPolicy: a factor below 1, or on a backoff that is not exponential, is a configuration error', () => {
  for (const backoff of [{ exponential: { factor: 0.5 } }, { exponential: { factor: '2' } }, { linear: { factor: 2 } }]) {
    assert.throws(
      () => resolveRetryPolicy(contextWith(), { delay: 'PT1S', backoff }),
      (error: unknown) => error instanceof ProblemError && error.problem.type === problemTypes.configuration.type && /factor/.test(String(error.problem.detail)),
    );
  }
});

test('asRetryDecision: reads { at, delayMs } back and rejects anything else, naming what it found', () => {
  assert.deepEqual(asRetryDecision({ at: 1, delayMs: 2 }), { at: 1, delayMs: 2 });
  const bad: Json[] = [{ at: 1 }, 'fired', null, { at: '1', delayMs: 2 }];
  for (const value of bad) {
    assert.throws(() => asRetryDecision(value), /retry decision must be \{ at, delayMs \}, found/);
  }
});
