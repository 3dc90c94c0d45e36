import type { AnyHistoryEvent } from '../history/events.js';
import type { Json } from '../model/json.js';
import { ProblemError } from '../model/problems.js';
import { taskRefKey } from '../model/task-ref.js';
import type { ListScope, TaskOutcome } from './task-context.js';

/**
 * Under `ReplayFlag.skipCompletedTasks`: a task visit whose completion (or fault) is recorded is not run again. Its
 * own and its subtree's events are replayed as they are, and what the rest of the run needs from them is restored —
 * the visit numbers of the tasks inside (a later visit of the same task must number them on), the signals they
 * consumed, `$context` — then the recorded outcome is returned (or the recorded problem thrown). Undefined: the
 * visit did not end in history, so it runs (replaying what it recorded) as usual.
 */
export function replayRecordedVisit(scope: ListScope, pointer: string, visitKey: string): TaskOutcome | undefined {
  const { run } = scope;
  const recorder = run.recorder;
  const end = recorder.lookup(`${visitKey}:completed`) ?? recorder.lookup(`${visitKey}:faulted`);
  const started = recorder.lookup(`${visitKey}:started`);
  if (started?.type !== 'TaskStarted' || (end?.type !== 'TaskCompleted' && end?.type !== 'TaskFaulted')) return undefined;
  // A visit's subtree is the tasks below its pointer, between its start and its end: visits of one task never
  // overlap, loop iterations run one at a time, and concurrent branches have pointers of their own.
  const own = `${visitKey}:`;
  const below = `${pointer}/`;
  const events = recorder.replayRange(started.seq, end.seq, (key) => key.startsWith(own) || key.startsWith(below));
  for (const event of events) restoreRunState(scope, event, started.data.key);
  if (end.type === 'TaskFaulted') throw new ProblemError(end.data.error);
  const { output, then, isEnded, context } = end.data;
  if (context !== undefined) scope.context.value = context;
  return { output, ...(then === undefined ? {} : { then }), ...(isEnded === true ? { isEnded } : {}) };
}

/**
 * What a completed task's `TaskCompleted` carries under the flag beyond its output: the dynamic parts of its outcome
 * and `$context` when the task changed it.
 */
export function completionDetails(outcome: TaskOutcome, context: { before: Json; after: Json }): { then?: string; isEnded?: boolean; context?: Json } {
  return {
    ...(outcome.then === undefined ? {} : { then: outcome.then }),
    ...(outcome.isEnded === true ? { isEnded: true } : {}),
    ...(context.after === context.before ? {} : { context: context.after }),
  };
}

function restoreRunState(scope: ListScope, event: AnyHistoryEvent, ownStartedKey: string): void {
  if (event.type === 'TaskStarted' && event.data.key !== ownStartedKey) {
    scope.run.nextVisit(taskRefKey({ pointer: event.data.reference, indexes: event.data.indexes }));
  } else if (event.type === 'EventConsumed' && event.data.isSignal === true) {
    scope.run.consumedSignals.add(event.data.inboxSeq);
  }
}
