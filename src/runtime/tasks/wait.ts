/**
 * wait (DSL 1.0.3 "Wait"): pauses for a duration on a durable timer. `TimerStarted { firesAt }` is recorded once
 * (counted from the task's recorded start), so a restart never lengthens a wait; replay of a fired timer is instant.
 * The output is the input.
 */
import type { WaitTask } from '../../model/workflow.js';
import { resolveDurationMs } from '../durations.js';
import type { TaskHandler } from '../task-kinds.js';

export const executeWait: TaskHandler<WaitTask> = async (task, ctx) => {
  const ms = resolveDurationMs(task.wait ?? 'PT0S', (expression) => ctx.evaluate(expression));
  await ctx.sleepUntil('timer', () => ctx.startedAt + ms);
  return { output: ctx.input };
};
