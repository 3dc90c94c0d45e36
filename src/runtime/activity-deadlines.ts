import { type Json, isJsonObject, jsonText } from '../model/json.js';
import { type Problem, ProblemError, problem } from '../model/problems.js';
import { childSignal } from './cancellation.js';
import type { TaskContext } from './task-context.js';

/** The time limits of one attempt of a registered activity. */
export interface AttemptDeadlines {
  /** History slot of the decision, e.g. `call/deadline` or `call/attempt/2/deadline`. */
  readonly slot: string;
  /** The activity and attempt number, as the problem names what ran late: `activity 'charge' (attempt 2)`. */
  readonly activity: string;
  readonly attempt: number;
  /** The attempt's limit, counted from `from` (its recorded start), so a restart never lengthens it. */
  readonly timeoutMs?: number | undefined;
  readonly from: number;
  /**
   * Longest silence between heartbeats, counted from the attempt's live start and then from each heartbeat. A
   * restart counts afresh: heartbeats are liveness of this process, not history.
   */
  readonly heartbeatTimeoutMs?: number | undefined;
}

/**
 * Runs one attempt under its deadlines. When one passes, the `timeout` problem (408; its detail says whether the
 * attempt ran too long or went silent) is recorded as a decision first, then the attempt's signal is aborted with it
 * and the attempt faults with it, even if the work finished meanwhile. Unlike a task's `timeout` (timeout.ts), the
 * decision holds the whole problem, so replay — a rebuild too, which does not know the activity's options — aborts
 * at once with the same problem and never calls the activity again.
 */
export async function withAttemptDeadlines<T>(
  ctx: TaskContext,
  deadlines: AttemptDeadlines,
  work: (signal: AbortSignal, beat: () => void) => Promise<T>,
): Promise<T> {
  const recorded = ctx.recordedDecision(deadlines.slot);
  // No limits and nothing recorded: the attempt runs under the step's own signal (no controllers, no watcher).
  if (recorded === undefined && deadlines.timeoutMs === undefined && deadlines.heartbeatTimeoutMs === undefined) {
    return work(ctx.signal, () => undefined);
  }
  const { signal, abort } = childSignal(ctx.signal);
  const clock = ctx.run.ports.clock;
  let lastBeatAt = clock.now();
  let isEnded = false;
  const beat = () => {
    if (!isEnded) lastBeatAt = clock.now();
  };
  let fired: ProblemError | undefined;
  let watcher: Promise<void> = Promise.resolve();
  const stopWatching = new AbortController();
  if (recorded !== undefined) {
    fired = new ProblemError(asRecordedProblem(await ctx.decide(deadlines.slot, () => recorded)));
    abort(fired);
  } else if (deadlines.timeoutMs !== undefined || deadlines.heartbeatTimeoutMs !== undefined) {
    const { timeoutMs, heartbeatTimeoutMs } = deadlines;
    const label = `activity '${deadlines.activity}' (attempt ${deadlines.attempt})`;
    const endsAt = timeoutMs === undefined ? Number.POSITIVE_INFINITY : deadlines.from + timeoutMs;
    const wait = AbortSignal.any([stopWatching.signal, ctx.signal]);
    watcher = (async () => {
      for (;;) {
        const silentAt = heartbeatTimeoutMs === undefined ? Number.POSITIVE_INFINITY : lastBeatAt + heartbeatTimeoutMs;
        await clock.sleepUntil(Math.min(endsAt, silentAt), wait);
        const now = clock.now();
        // A heartbeat during the sleep moved the silence deadline: sleep again until the new one.
        const detail =
          now >= endsAt
            ? `${label} did not finish within ${timeoutMs} ms`
            : heartbeatTimeoutMs !== undefined && now >= lastBeatAt + heartbeatTimeoutMs
              ? `${label} sent no heartbeat for ${heartbeatTimeoutMs} ms (its heartbeatTimeout)`
              : undefined;
        if (detail === undefined) continue;
        const decided = await ctx.decide(deadlines.slot, () => problem('timeout', { detail, instance: ctx.pointer }) as Json);
        fired = new ProblemError(asRecordedProblem(decided));
        abort(fired);
        return;
      }
    })().catch(() => undefined); // stopped because the attempt ended first, or the step was cancelled: nothing to do
  }
  let outcome: { isOk: true; value: T } | { isOk: false; error: unknown };
  try {
    outcome = { isOk: true, value: await work(signal, beat) };
  } catch (error) {
    outcome = { isOk: false, error };
  }
  isEnded = true;
  stopWatching.abort();
  // A deadline that fired while the attempt was finishing has recorded its decision: honour it, as replay will.
  await watcher;
  if (fired !== undefined) throw fired;
  if (!outcome.isOk) throw outcome.error;
  return outcome.value;
}

/** A recorded deadline decision is a problem; anything else in its slot means the history is not this engine's. */
function asRecordedProblem(value: Json): Problem {
  if (isJsonObject(value) && typeof value['type'] === 'string' && typeof value['status'] === 'number') return value as Problem;
  throw new Error(`a recorded activity deadline must be a problem { type, status, … }, found ${jsonText(value)}`);
}
