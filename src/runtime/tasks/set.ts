/**
 * set (DSL 1.0.3 "Set"): replaces the data with an object whose `${ }` leaves are evaluated against the task input,
 * or with the value of one expression (`set: '${ . + { a: 1 } }'`). Records nothing of its own: it is pure.
 */
import type { SetTask } from '../../model/workflow.js';
import type { TaskHandler } from '../task-kinds.js';

export const executeSet: TaskHandler<SetTask> = async (task, ctx) => ({
  output: typeof task.set === 'string' ? ctx.evaluate(task.set) : ctx.evaluateTemplate(task.set),
});
