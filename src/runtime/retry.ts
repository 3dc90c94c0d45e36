import { type Json, isJsonObject, jsonText } from '../model/json.js';
import { ProblemError, problem } from '../model/problems.js';
import type { RetryPolicy } from '../model/workflow.js';
import { durationMs } from './durations.js';
import type { TaskContext } from './task-context.js';

export type Backoff = 'constant' | 'linear' | 'exponential';

/** A retry policy with its durations in ms and defaults applied. */
export interface ResolvedRetryPolicy {
  readonly when?: string;
  readonly exceptWhen?: string;
  readonly delayMs: number;
  readonly backoff: Backoff;
  /** Maximum number of retries (attempts after the first). Unbounded when absent. */
  readonly maxRetries?: number;
  /** Each attempt's own time limit. */
  readonly attemptTimeoutMs?: number;
  /** Limit on the time from the first attempt's start to the start of a retry. */
  readonly totalMs?: number;
  readonly jitter?: { readonly fromMs: number; readonly toMs: number };
}

/**
 * The delay before retry number `retry` (1 = the first retry), before jitter. The spec names the backoffs but
 * gives no formula; Itonami's (documented in README):
 * - constant: `delay`
 * - linear: `delay × retry`
 * - exponential: `delay × 2^(retry − 1)`
 * Jitter adds a uniform extra delay in `[from, to]` (`random` ∈ [0, 1) is recorded, so replay waits the same).
 */
export function retryDelayMs(policy: Pick<ResolvedRetryPolicy, 'delayMs' | 'backoff' | 'jitter'>, retry: number, random = 0): number {
  const base =
    policy.backoff === 'linear'
      ? policy.delayMs * retry
      : policy.backoff === 'exponential'
        ? policy.delayMs * 2 ** (retry - 1)
        : policy.delayMs;
  const jitter = policy.jitter === undefined ? 0 : policy.jitter.fromMs + random * (policy.jitter.toMs - policy.jitter.fromMs);
  return Math.round(base + jitter);
}

/** An inline policy or the name of a `use.retries` entry, resolved. */
export function resolveRetryPolicy(ctx: TaskContext, policy: RetryPolicy | string): ResolvedRetryPolicy {
  const declared = typeof policy === 'string' ? ctx.run.document.use?.retries?.[policy] : policy;
  if (declared === undefined) {
    throw new ProblemError(problem('configuration', { detail: `retry policy '${jsonText(policy)}' is not defined in use.retries`, instance: ctx.pointer }));
  }
  const backoff = declared.backoff;
  const limit = declared.limit;
  const jitter = declared.jitter;
  return {
    ...(declared.when === undefined ? {} : { when: declared.when }),
    ...(declared.exceptWhen === undefined ? {} : { exceptWhen: declared.exceptWhen }),
    delayMs: declared.delay === undefined ? 0 : durationMs(declared.delay),
    backoff: backoff === undefined ? 'constant' : 'exponential' in backoff ? 'exponential' : 'linear' in backoff ? 'linear' : 'constant',
    ...(limit?.attempt?.count === undefined ? {} : { maxRetries: limit.attempt.count }),
    ...(limit?.attempt?.duration === undefined ? {} : { attemptTimeoutMs: durationMs(limit.attempt.duration) }),
    ...(limit?.duration === undefined ? {} : { totalMs: durationMs(limit.duration) }),
    ...(jitter === undefined ? {} : { jitter: { fromMs: durationMs(jitter.from), toMs: durationMs(jitter.to) } }),
  };
}

/** The recorded decision of one retry: when it was decided and how long to wait. */
export interface RetryDecision {
  readonly at: number;
  readonly delayMs: number;
}

/** Reads a recorded retry decision back; anything else in its slot means the history is not this engine's. */
export function asRetryDecision(value: Json): RetryDecision {
  if (isJsonObject(value) && typeof value['at'] === 'number' && typeof value['delayMs'] === 'number') {
    return { at: value['at'], delayMs: value['delayMs'] };
  }
  throw new Error(`a recorded retry decision must be { at, delayMs }, found ${jsonText(value)}`);
}
