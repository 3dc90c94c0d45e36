import type { TaskKind } from '../model/workflow.js';
import type { TaskContext, TaskOutcome } from './task-context.js';
import { executeCall } from './tasks/call.js';
import { executeDo } from './tasks/do.js';
import { executeEmit } from './tasks/emit.js';
import { executeFor } from './tasks/for.js';
import { executeFork } from './tasks/fork.js';
import { executeListen } from './tasks/listen.js';
import { executeRaise } from './tasks/raise.js';
import { executeRun } from './tasks/run.js';
import { executeSet } from './tasks/set.js';
import { executeSwitch } from './tasks/switch.js';
import { executeTry } from './tasks/try.js';
import { executeWait } from './tasks/wait.js';

/** A task kind's behaviour: given the task and its context, the raw output (and, for `switch`, a directive). */
export type TaskHandler<T> = (task: T, ctx: TaskContext) => Promise<TaskOutcome>;

/** One handler per DSL task keyword; a missing kind does not compile. */
export const taskHandlers: Readonly<Record<TaskKind, TaskHandler<never>>> = {
  call: executeCall,
  do: executeDo,
  emit: executeEmit,
  for: executeFor,
  fork: executeFork,
  listen: executeListen,
  raise: executeRaise,
  run: executeRun,
  set: executeSet,
  switch: executeSwitch,
  try: executeTry,
  wait: executeWait,
};
