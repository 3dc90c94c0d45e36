import type { AnyHistoryEvent } from '../history/events.js';
import type { CloudEvent } from '../model/cloud-event.js';
import { isoInstant } from '../model/instant.js';
import type { Json } from '../model/json.js';

const SOURCE = 'https://itonami.dev/engine';

/** The task reference of a history key (`/do/0/a[1]#0:completed` → `/do/0/a`); undefined for workflow-level keys. */
export function referenceOfKey(key: string): string | undefined {
  const visit = key.lastIndexOf('#');
  if (visit < 0) return undefined;
  return key.slice(0, visit).replace(/\[[\d,]*\]$/, '');
}

/**
 * The spec's lifecycle CloudEvents (DSL 1.0.3 "Lifecycle Events") for one new history event, in structured form.
 * `subject` is the execution id; `data.workflow` the qualified instance name; `data.task` the task reference.
 */
export function lifecycleEventsFor(
  event: AnyHistoryEvent,
  execution: { executionId: string; namespace: string; name: string; version: string },
  newId: () => string,
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
      return [make('workflow.suspended', { name: workflow, suspendedAt: at, reason: event.data.reason })];
    case 'Resumed':
      return [make('workflow.resumed', { name: workflow, resumedAt: at })];
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
