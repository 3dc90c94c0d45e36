/**
 * switch (DSL 1.0.3 "Switch"): the first case whose `when` holds on the input supplies the flow directive; a case
 * without `when` is the default. With no match the switch's own `then` applies. The output is the input. Pure.
 */
import type { SwitchTask } from '../../model/workflow.js';
import type { TaskHandler } from '../task-kinds.js';

export const executeSwitch: TaskHandler<SwitchTask> = async (task, ctx) => {
  let fallback: string | undefined;
  for (const item of task.switch ?? []) {
    for (const switchCase of Object.values(item)) {
      if (switchCase.when === undefined) {
        fallback ??= switchCase.then;
        continue;
      }
      if (ctx.evaluateCondition(switchCase.when)) return { output: ctx.input, then: switchCase.then ?? 'continue' };
    }
  }
  return fallback === undefined ? { output: ctx.input } : { output: ctx.input, then: fallback };
};
