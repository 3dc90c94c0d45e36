import { jsonText } from '../model/json.js';
import { ProblemError, problem } from '../model/problems.js';
import type { Timeout } from '../model/workflow.js';
import { childSignal } from './cancellation.js';
import { resolveDurationMs } from './durations.js';
import type { TaskContext } from './task-context.js';

/** A task's or the workflow's `timeout`: inline `{ after }` or the name of a `use.timeouts` entry. */
export function resolveTimeoutMs(ctx: TaskContext, timeout: Timeout | string | undefined): number | undefined {
  if (timeout === undefined) return undefined;
  const resolved = typeof timeout === 'string' ? ctx.run.document.use?.timeouts?.[timeout] : timeout;
  if (resolved === undefined) {
    throw new ProblemError(problem('configuration', { detail: `timeout '${jsonText(timeout)}' is not defined in use.timeouts`, instance: ctx.pointer }));
  }
  return resolveDurationMs(resolved.after, (expression) => ctx.evaluate(expression));
}

/**
 * Runs `work` under a deadline counted from the recorded start of the task, so replay keeps the original deadline.
 * When it passes, the decision is recorded first, then the work is aborted with the `timeout` problem (408) and the
 * task faults with it even if the work finished meanwhile. On replay a recorded decision aborts at once: recorded
 * steps still replay, and the first unrecorded one stops, as it did the first time.
 */
export async function withTimeout<T>(
  ctx: TaskContext,
  timeoutMs: number | undefined,
  work: (signal: AbortSignal) => Promise<T>,
  /** A deadline counted from another instant (a retry attempt's start), decided in its own history slot. */
  options: { readonly from?: number; readonly slot?: string } = {},
): Promise<T> {
  if (timeoutMs === undefined) return work(ctx.signal);
  const slot = options.slot ?? 'timeout';
  const from = options.from ?? ctx.startedAt;
  const timedOut = new ProblemError(
    problem('timeout', { detail: `${ctx.pointer || 'workflow'} did not finish within ${timeoutMs} ms`, instance: ctx.pointer || '/' }),
  );
  const { signal, abort } = childSignal(ctx.signal);
  const stopTimer = new AbortController();
  let timer: Promise<void> = Promise.resolve();
  if (ctx.recordedDecision(slot) !== undefined) {
    await ctx.decide(slot, () => 'fired');
    abort(timedOut);
  } else {
    timer = ctx.run.ports.clock
      .sleepUntil(from + timeoutMs, AbortSignal.any([stopTimer.signal, ctx.signal]))
      .then(async () => {
        await ctx.decide(slot, () => 'fired');
        abort(timedOut);
      })
      .catch(() => undefined); // stopped because the work ended first, or the scope was cancelled: nothing to do
  }
  let outcome: { isOk: true; value: T } | { isOk: false; error: unknown };
  try {
    outcome = { isOk: true, value: await work(signal) };
  } catch (error) {
    outcome = { isOk: false, error };
  }
  // A timer that fired while the work was finishing has recorded its decision: honour it, as replay will.
  stopTimer.abort();
  await timer;
  if (signal.aborted && signal.reason === timedOut) throw timedOut;
  if (!outcome.isOk) throw outcome.error;
  return outcome.value;
}
