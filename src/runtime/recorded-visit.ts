import type { Json } from '../model/json.js';
import { ProblemError } from '../model/problems.js';
import { taskRefKey } from '../model/task-ref.js';
import { isInVisit, isSameCell } from '../history/replay-checkpoint.js';
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
  const events = recorder.replayRange(started.seq, end.seq, (key) => isInVisit(key, visitKey, pointer));
  let context: Json | undefined;
  for (const event of events) {
    if (event.type === 'TaskStarted' && event.data.key !== started.data.key) {
      run.nextVisit(taskRefKey({ pointer: event.data.reference, indexes: event.data.indexes }));
    } else if (event.type === 'EventConsumed' && event.data.isSignal === true) {
      run.consumedSignals.add(event.data.inboxSeq);
    } else if (event.type === 'TaskCompleted' && event.data.context !== undefined && isSameCell(event.data.key, pointer)) {
      // The last write to this scope's `$context` inside the visit (seq order) is its value after the visit.
      context = event.data.context;
    }
  }
  // Resuming from a replay checkpoint, the subtree may be gone: its visits are known by reference, its last write to
  // `$context` was kept for it.
  for (const refKey of recorder.droppedStartsBetween(started.seq + 1, end.seq)) {
    if (refKey.startsWith(`${pointer}/`)) run.nextVisit(refKey);
  }
  context = recorder.checkpointContext(visitKey) ?? context;
  // A faulted task's writes before its fault stand too (the `try` around it goes on with them).
  if (context !== undefined) scope.context.value = context;
  if (end.type === 'TaskFaulted') throw new ProblemError(end.data.error);
  const { output, then, isEnded } = end.data;
  return { output, ...(then === undefined ? {} : { then }), ...(isEnded === true ? { isEnded } : {}) };
}

/**
 * What a completed task's `TaskCompleted` carries under the flag beyond its output: the dynamic parts of its outcome,
 * and `$context` when the task's own step wrote it — its `export.as`, or a fork's join — so a skip can restore it
 * (containers do not repeat what the tasks inside them recorded).
 */
export function completionDetails(outcome: TaskOutcome, context: { written?: Json }): { then?: string; isEnded?: boolean; context?: Json } {
  return {
    ...(outcome.then === undefined ? {} : { then: outcome.then }),
    ...(outcome.isEnded === true ? { isEnded: true } : {}),
    ...(context.written === undefined ? {} : { context: context.written }),
  };
}
