/**
 * wait (DSL 1.0.3 "Wait"): pauses for a duration on a durable timer. `TimerStarted { firesAt }` is recorded once
 * (counted from the task's recorded start), so a restart never lengthens a wait; replay of a fired timer is instant.
 * The output is the input.
 */
import { jsonText } from '../../model/json.js';
import type { Duration, WaitTask } from '../../model/workflow.js';
import { durationMs } from '../durations.js';
import type { TaskContext } from '../task-context.js';
import type { TaskHandler } from '../task-kinds.js';

export const executeWait: TaskHandler<WaitTask> = async (task, ctx) => {
  const ms = resolveDurationMs(ctx, task.wait ?? 'PT0S');
  await ctx.sleepUntil('timer', () => ctx.startedAt + ms);
  return { output: ctx.input };
};

/** A duration that may be a `${ }` expression yielding an ISO 8601 string. */
export function resolveDurationMs(ctx: TaskContext, duration: Duration): number {
  if (typeof duration === 'string' && duration.trim().startsWith('${')) return durationMs(jsonText(ctx.evaluate(duration)));
  return durationMs(duration);
}
