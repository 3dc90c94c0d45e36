import type { AnyHistoryEvent } from '../history/events.js';
import type { CloudEvent } from '../model/cloud-event.js';
import { isoInstant } from '../model/instant.js';
import type { Json, JsonObject } from '../model/json.js';

const SOURCE = 'https://itonami.dev/engine';

/** The task reference of a history key (`/do/0/a[1]#0:completed` → `/do/0/a`); undefined for workflow-level keys. */
export function referenceOfKey(key: string): string | undefined {
  const visit = key.lastIndexOf('#');
  if (visit < 0) return undefined;
  return key.slice(0, visit).replace(/\[[\d,]*\]$/, '');
}

/**
 * What one history event means beyond itself, known only from the run's earlier events (kept by the announcer's
 * `TaskVisits`): the tasks a suspension stops, and where a `listen` begins and ends correlating.
 */
export interface LifecycleContext {
  /** References of the task visits open at a `Suspended` or `Resumed`, in start order (parents before children). */
  readonly openTasks?: readonly string[];
  /** The event starts a `listen` (its `TaskStarted`): the workflow begins correlating events for that task. */
  readonly correlationStarted?: { readonly task: string };
  /** The event ends a `listen`'s consumption; `keys` are the correlation keys it resolved, when its filters correlate. */
  readonly correlationCompleted?: { readonly task: string; readonly keys?: JsonObject };
}

/**
 * The spec's lifecycle CloudEvents (DSL 1.0.3 "Lifecycle Events") for one new history event, in structured form.
 * `subject` is the execution id; `data.workflow` (task events) and `data.name` (workflow events) the qualified
 * instance name; `data.task` the task reference. The correlation events also carry `task`, the `listen` that
 * correlates (an addition to the spec's payload: concurrent listens in fork branches are told apart by it).
 */
export function lifecycleEventsFor(
  event: AnyHistoryEvent,
  execution: { executionId: string; namespace: string; name: string; version: string },
  newId: () => string,
  context: LifecycleContext = {},
): CloudEvent[] {
  const workflow = `${execution.name}-${execution.executionId}.${execution.namespace}`;
  const at = isoInstant(event.at);
  const make = (type: string, data: Record<string, Json>): CloudEvent => ({
    specversion: '1.0',
    id: newId(),
    source: SOURCE,
    type: `io.serverlessworkflow.${type}.v1`,
    time: at,
    subject: execution.executionId,
    datacontenttype: 'application/json',
    data,
  });
  const task = (data: Record<string, Json>, key: string) => ({ workflow, task: referenceOfKey(key) ?? null, ...data });
  const forOpenTasks = (type: string, field: string) => (context.openTasks ?? []).map((reference) => make(type, { workflow, task: reference, [field]: at }));
  const ended = context.correlationCompleted;
  // The listen's correlation ends before the task does: consumers see the keys before the task's output.
  const before =
    ended === undefined
      ? []
      : [make('workflow.correlation-completed', { name: workflow, completedAt: at, task: ended.task, ...(ended.keys === undefined ? {} : { correlationKeys: ended.keys }) })];
  const after = context.correlationStarted === undefined ? [] : [make('workflow.correlation-started', { name: workflow, startedAt: at, task: context.correlationStarted.task })];
  return [...before, ...eventsOfType(), ...after];

  function eventsOfType(): CloudEvent[] {
    switch (event.type) {
      case 'WorkflowStarted':
        return [make('workflow.started', { name: workflow, definition: { namespace: execution.namespace, name: execution.name, version: execution.version }, startedAt: at })];
      case 'WorkflowCompleted':
        return [make('workflow.completed', { name: workflow, completedAt: at, output: event.data.output })];
      case 'WorkflowFaulted':
        return [make('workflow.faulted', { name: workflow, faultedAt: at, error: event.data.error as unknown as Json })];
      case 'WorkflowCancelled':
        return [make('workflow.cancelled', { name: workflow, cancelledAt: at, reason: event.data.reason })];
      case 'Suspended':
        return [make('workflow.suspended', { name: workflow, suspendedAt: at, reason: event.data.reason }), ...forOpenTasks('task.suspended', 'suspendedAt')];
      case 'Resumed':
        return [make('workflow.resumed', { name: workflow, resumedAt: at }), ...forOpenTasks('task.resumed', 'resumedAt')];
      case 'TaskStarted':
        return [
          make('task.created', task({ createdAt: at }, event.data.key)),
          make('task.started', task({ startedAt: at }, event.data.key)),
        ];
      case 'TaskCompleted':
        return [make('task.completed', task({ completedAt: at, output: event.data.output }, event.data.key))];
      case 'TaskSkipped':
        return [make('task.completed', task({ completedAt: at, skipped: true }, event.data.key))];
      case 'TaskFaulted':
        return [make('task.faulted', task({ faultedAt: at, error: event.data.error as unknown as Json }, event.data.key))];
      case 'TaskCancelled':
        return [make('task.cancelled', task({ cancelledAt: at }, event.data.key))];
      case 'TaskRetrying':
        return [make('task.retried', task({ retriedAt: at, attempt: event.data.attempt }, event.data.key))];
      default:
        return [];
    }
  }
}
