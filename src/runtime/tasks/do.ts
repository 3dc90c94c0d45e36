/**
 * do (DSL 1.0.3 "Do"): runs its task list in order; each task's transformed output is the next one's raw input.
 * Records nothing of its own: its tasks record themselves.
 */
import type { DoTask } from '../../model/workflow.js';
import type { TaskHandler } from '../task-kinds.js';

export const executeDo: TaskHandler<DoTask> = async (task, ctx) => {
  const outcome = await ctx.runList(task.do ?? [], ctx.input, { ...ctx.scope, pointer: `${ctx.pointer}/do`, signal: ctx.signal });
  return { output: outcome.output, isEnded: outcome.isEnded };
};
