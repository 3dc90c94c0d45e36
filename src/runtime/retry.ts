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
  /** Itonami extension (`backoff.exponential.factor`): the growth factor of exponential backoff. @default 2 */
  readonly factor?: number;
  /** Itonami extension (`backoff.<kind>.maxDelay`): no delay (before jitter) exceeds it. */
  readonly maxDelayMs?: number;
}

/**
 * The delay before retry number `retry` (1 = the first retry), before jitter. The spec names the backoffs but
 * gives no formula; Itonami's (documented in README):
 * - constant: `delay`
 * - linear: `delay × retry`
 * - exponential: `delay × factor^(retry − 1)`, factor 2 unless `backoff.exponential.factor` says otherwise
 * and, as an Itonami extension, `backoff.<kind>.maxDelay` caps the delay (the schema leaves these objects open). With
 * factor and cap, kotoba-workflow's retry formula (interval × coefficient, capped) is exact.
 * Jitter adds a uniform extra delay in `[from, to]` (`random` ∈ [0, 1) is recorded, so replay waits the same).
 */
export function retryDelayMs(
  policy: Pick<ResolvedRetryPolicy, 'delayMs' | 'backoff' | 'jitter' | 'factor' | 'maxDelayMs'>,
  retry: number,
  random = 0,
): number {
  const grown =
    policy.backoff === 'linear'
      ? policy.delayMs * retry
      : policy.backoff === 'exponential'
        ? policy.delayMs * (policy.factor ?? 2) ** (retry - 1)
        : policy.delayMs;
  const base = policy.maxDelayMs === undefined ? grown : Math.min(grown, policy.maxDelayMs);
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
  const settings = backoffSettings(ctx, backoff);
  return {
    ...settings,
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

/** The Itonami extension members of the backoff object: `factor` (exponential only) and `maxDelay`. */
function backoffSettings(ctx: TaskContext, backoff: RetryPolicy['backoff']): Pick<ResolvedRetryPolicy, 'factor' | 'maxDelayMs'> {
  const settings = (backoff === undefined ? undefined : Object.values(backoff)[0]) as { factor?: unknown; maxDelay?: unknown } | undefined;
  if (settings === undefined || settings === null) return {};
  const { factor, maxDelay } = settings;
  if (factor !== undefined && (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1 || !('exponential' in (backoff ?? {})))) {
    throw new ProblemError(
      problem('configuration', { detail: `backoff factor must be a number ≥ 1 on an exponential backoff, found ${jsonText(factor)}`, instance: ctx.pointer }),
    );
  }
  return {
    ...(factor === undefined ? {} : { factor }),
    ...(maxDelay === undefined ? {} : { maxDelayMs: durationMs(maxDelay as Parameters<typeof durationMs>[0]) }),
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
