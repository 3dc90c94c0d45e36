import { isEngineFailure } from '../history/errors.js';
import type { Json, JsonObject } from '../model/json.js';
import { ProblemError, problem, problemOf } from '../model/problems.js';
import { childPointer, taskRefKey, type TaskRef } from '../model/task-ref.js';
import { type Task, type TaskBase, type TaskList, taskKindOf } from '../model/workflow.js';
import { CancelledError, isAbortOf } from './cancellation.js';
import { type ContextCell, type ExecutionRun, timeArgument } from './execution-run.js';
import { completionDetails, replayRecordedVisit } from './recorded-visit.js';
import { checkSchema } from './schemas.js';
import { type TaskHandler, taskHandlers } from './task-kinds.js';
import { type ListOutcome, type ListScope, TaskContext, type TaskOutcome } from './task-context.js';
import { resolveTimeoutMs, withTimeout } from './timeout.js';

/** How an execution ended, as the interpreter recorded it. */
export type WorkflowOutcome =
  | { status: 'completed'; output: Json }
  | { status: 'faulted'; error: ProblemError['problem'] }
  | { status: 'cancelled'; reason: string };

const ROOT_KEY = 'workflow';

/**
 * Runs a workflow to its end against its history (DSL 1.0.3 "Data Flow", "Flow Directives"): deterministic given
 * (definition, history). Recorded steps replay; the first unrecorded one runs live and is appended before use.
 * Cancelling `signal` with a {@link CancelledError} cancels the execution.
 */
export async function runWorkflow(run: ExecutionRun, input: Json, signal: AbortSignal): Promise<WorkflowOutcome> {
  const document = run.document;
  const workflowScope = { secrets: run.secrets, workflow: run.workflowArgument, runtime: run.ports.runtimeInfo };
  const context: ContextCell = { value: {} };
  const startedAt = (run.workflowArgument['startedAt'] as { epoch: { milliseconds: number } }).epoch.milliseconds;
  const root = new TaskContext(
    run,
    document.document.name,
    document,
    { pointer: '', indexes: [] },
    ROOT_KEY,
    0,
    input,
    workflowScope,
    signal,
    { run, pointer: '', indexes: [], variables: {}, signal, context },
    startedAt,
    runTaskList,
    runTask,
  );
  try {
    const missing = (document.use?.secrets ?? []).filter((name) => !(name in run.secrets));
    if (missing.length > 0) {
      throw new ProblemError(
        problem('authorization', { detail: `secret${missing.length === 1 ? '' : 's'} ${missing.map((n) => `'${n}'`).join(', ')} declared in use.secrets ${missing.length === 1 ? 'is' : 'are'} not provided`, instance: '/use/secrets' }),
      );
    }
    await checkSchema(root, document.input?.schema, input, 'input', '/input');
    const transformed =
      document.input?.from === undefined
        ? input
        : run.ports.expressions.evaluateTransform(document.input.from, input, workflowScope, { instance: '/input/from', now: startedAt / 1000 });
    const timeoutMs = resolveTimeoutMs(root, document.timeout);
    const outcome = await withTimeout(root, timeoutMs, (timeoutSignal) =>
      runTaskList(document.do, transformed, { run, pointer: '/do', indexes: [], variables: {}, signal: timeoutSignal, context }),
    );
    const output =
      document.output?.as === undefined
        ? outcome.output
        : run.ports.expressions.evaluateTransform(document.output.as, outcome.output, { ...workflowScope, context: context.value }, { instance: '/output/as', now: startedAt / 1000 });
    await checkSchema(root, document.output?.schema, output, 'output', '/output');
    await run.recorder.derive('WorkflowCompleted', { key: `${ROOT_KEY}:completed`, output });
    return { status: 'completed', output };
  } catch (error) {
    if (isEngineFailure(error)) throw error;
    if (signal.aborted && signal.reason instanceof CancelledError && !(error instanceof ProblemError)) {
      const reason = signal.reason.reason;
      await run.recorder.derive('WorkflowCancelled', { key: `${ROOT_KEY}:cancelled`, reason });
      return { status: 'cancelled', reason };
    }
    const failure = run.redact(problemOf(error, '/'));
    await run.recorder.derive('WorkflowFaulted', { key: `${ROOT_KEY}:faulted`, error: failure });
    return { status: 'faulted', error: failure };
  }
}

/**
 * Runs a task list in order, following flow directives (DSL 1.0.3 "Flow Directives"): `continue` goes to the next
 * task, `exit` leaves this list, `end` ends the workflow, a name jumps to that sibling and goes on from there.
 */
export async function runTaskList(list: TaskList, input: Json, scope: ListScope): Promise<ListOutcome> {
  const names = list.map((item) => taskName(item, scope.pointer));
  let data = input;
  let index = 0;
  while (index < list.length) {
    const item = list[index];
    // A hole of a sparse list was skipped by `map`: it fails here, as an item that is no task.
    const name = names[index] ?? taskName(item, scope.pointer);
    const task = (item as Record<string, Task>)[name] as Task;
    const outcome = await runTask(task, name, childPointer(scope.pointer, index, name), data, scope);
    data = outcome.output;
    if (outcome.isEnded === true) return { output: data, isEnded: true };
    const then = outcome.isSkipped === true ? 'continue' : (outcome.then ?? (task as TaskBase).then ?? 'continue');
    if (then === 'continue') index += 1;
    else if (then === 'exit') return { output: data, isEnded: false };
    else if (then === 'end') return { output: data, isEnded: true };
    else {
      const target = names.indexOf(then);
      if (target < 0) {
        throw new ProblemError(
          problem('configuration', { detail: `then: '${then}' names no task of this list`, instance: childPointer(scope.pointer, index, name) }),
        );
      }
      index = target;
    }
  }
  return { output: data, isEnded: false };
}

function taskName(item: TaskList[number] | undefined, pointer: string): string {
  const keys = item === undefined ? [] : Object.keys(item);
  const name = keys[0];
  if (keys.length !== 1 || name === undefined) {
    throw new ProblemError(problem('configuration', { detail: 'a task list item must hold exactly one named task', instance: pointer }));
  }
  return name;
}

/**
 * One visit of one task, in the spec's data-flow order: `if` on the raw input, input schema, `input.from`, the
 * task, `output.as`, output schema, `export.as`, export schema. The task's start is recorded first; its time is
 * `$task.startedAt` and jq's `now`.
 */
export async function runTask(task: Task, name: string, pointer: string, rawInput: Json, scope: ListScope): Promise<TaskOutcome> {
  const run = scope.run;
  const ref: TaskRef = { pointer, indexes: scope.indexes };
  const refKey = taskRefKey(ref);
  const visit = run.nextVisit(refKey);
  const visitKey = `${refKey}#${visit}`;
  const startedKey = `${visitKey}:started`;
  // A visit whose start is not recorded has nothing to replay (the usual case of a live run: no lookups).
  const isStartRecorded = run.recorder.has(startedKey);
  if (isStartRecorded && run.isSkippingCompleted) {
    const recorded = replayRecordedVisit(scope, pointer, visitKey);
    if (recorded !== undefined) return recorded;
  }
  // Recorded steps replay even under an aborted scope; only new work stops (as it did the first time).
  if (!isStartRecorded) scope.signal.throwIfAborted();
  const started = await run.recorder.derive('TaskStarted', {
    key: startedKey,
    reference: pointer,
    indexes: [...scope.indexes],
    name,
    input: rawInput,
  });
  const taskArgument: JsonObject = {
    name,
    reference: pointer,
    definition: task as unknown as Json,
    input: rawInput,
    startedAt: timeArgument(started.at),
  };
  const t = task as TaskBase;
  // `$input` is bound only once `input.from` ran: `if` and the input schema see the variables without it. A task
  // with neither (the usual one) gets its context with `$input` at once instead of a second copy of the variables.
  const hasInputStage = t.if !== undefined || t.input !== undefined;
  const variables: Record<string, Json> = {
    ...scope.variables,
    context: scope.context.value,
    secrets: run.secrets,
    task: taskArgument,
    workflow: run.workflowArgument,
    runtime: run.ports.runtimeInfo,
  };
  if (!hasInputStage) variables['input'] = rawInput;
  const base = new TaskContext(run, name, task, ref, visitKey, visit, rawInput, variables, scope.signal, scope, started.at, runTaskList, runTask);
  const kind = taskKindOf(task);
  try {
    if (t.if !== undefined && !base.evaluateCondition(t.if, rawInput)) {
      await run.recorder.derive('TaskSkipped', { key: `${visitKey}:skipped` });
      return { output: rawInput, isSkipped: true };
    }
    await checkSchema(base, t.input?.schema, rawInput, 'input');
    const input = t.input?.from === undefined ? rawInput : run.ports.expressions.evaluateTransform(t.input.from, rawInput, variables, base.site);
    // The same as `base.withVariables({}, input)` when there was no input stage: `$input` is already bound.
    const ctx = hasInputStage ? base.withVariables({}, input) : base;
    if (kind === undefined) {
      throw new ProblemError(problem('configuration', { detail: `task '${name}' has no known task kind`, instance: pointer }));
    }
    const timeoutMs = resolveTimeoutMs(ctx, t.timeout);
    const handler = taskHandlers[kind] as TaskHandler<Task>;
    const contextBefore = scope.context.value;
    const outcome = await withTimeout(ctx, timeoutMs, (signal) => handler(task, ctx.withSignal(signal)));
    // A fork's join writes `$context` itself (the tasks inside other kinds record their own writes).
    let contextWritten = kind === 'fork' && scope.context.value !== contextBefore ? scope.context.value : undefined;
    const output =
      t.output?.as === undefined ? outcome.output : run.ports.expressions.evaluateTransform(t.output.as, outcome.output, ctx.variables, base.site);
    await checkSchema(ctx, t.output?.schema, output, 'output');
    if (t.export?.as !== undefined) {
      const exported = run.ports.expressions.evaluateTransform(t.export.as, output, { ...ctx.variables, output }, base.site);
      await checkSchema(ctx, t.export.schema, exported, 'export');
      scope.context.value = exported;
      contextWritten = exported;
    }
    const completedKey = `${visitKey}:completed`;
    const isPlain = !run.recordsCompletionDetails || (outcome.then === undefined && outcome.isEnded !== true && contextWritten === undefined);
    await run.recorder.derive(
      'TaskCompleted',
      isPlain
        ? { key: completedKey, output }
        : { key: completedKey, output, ...completionDetails(outcome, contextWritten === undefined ? {} : { written: contextWritten }) },
    );
    return { ...outcome, output };
  } catch (error) {
    if (isEngineFailure(error)) throw error;
    if (isAbortOf(error, scope.signal) && !(error instanceof ProblemError)) {
      await run.recorder.derive('TaskCancelled', { key: `${visitKey}:cancelled`, reason: abortReasonText(error) });
      throw error;
    }
    const failure = base.problemOf(error);
    await run.recorder.derive('TaskFaulted', { key: `${visitKey}:faulted`, error: failure.problem });
    throw failure;
  }
}

function abortReasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
