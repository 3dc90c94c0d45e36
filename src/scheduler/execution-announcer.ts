import type { EventEmitter } from 'node:events';
import type { EventBus } from '../events/event-bus.js';
import type { AnyHistoryEvent, HistoryEvent } from '../history/events.js';
import type { EngineEventMap } from './engine-events.js';
import { lifecycleEventsFor, referenceOfKey } from './lifecycle-events.js';
import { TaskVisits } from './task-visits.js';

export { TaskVisits };

/**
 * Announces one newly recorded (never a replayed) history event: the spec's lifecycle CloudEvents on the bus and
 * the engine's typed events. A throwing listener is reported as `listener:error`, never allowed to break the run.
 * `visits` is the run's state (seeded from the history it resumed with); every event passes it, announced or not by
 * the bus, so it stays whole when a lifecycle subscriber comes in mid-run.
 */
export function announceEvent(
  target: { emitter: EventEmitter<EngineEventMap>; lifecycleBus: EventBus; newId: () => string },
  event: AnyHistoryEvent,
  execution: HistoryEvent<'WorkflowStarted'>['data'],
  visits: TaskVisits,
): void {
  const { emitter } = target;
  const change = visits.observe(event);
  // Built only when someone listens: each lifecycle event costs a uuid and an ISO timestamp.
  if (target.lifecycleBus.listenerCount > 0) {
    for (const lifecycle of lifecycleEventsFor(event, execution, target.newId, change)) target.lifecycleBus.publish(lifecycle);
  }
  const name = ENGINE_EVENT_OF[event.type];
  // Most runs have no listener for most events: build nothing for them.
  if (name === undefined || emitter.listenerCount(name) === 0) return;
  const base = { executionId: execution.executionId, at: event.at };
  const { visit } = change;
  const taskOf = (key: string) => ({ ...base, reference: referenceOfKey(key) ?? '', name: visit?.name ?? '', durationMs: event.at - (visit?.at ?? event.at) });
  try {
    switch (event.type) {
      case 'WorkflowStarted':
        emitter.emit('execution:started', { ...base, definition: `${execution.namespace}/${execution.name}@${execution.version}` });
        break;
      case 'WorkflowCompleted':
        emitter.emit('execution:completed', { ...base, output: event.data.output });
        break;
      case 'WorkflowFaulted':
        emitter.emit('execution:faulted', { ...base, error: event.data.error });
        break;
      case 'WorkflowCancelled':
        emitter.emit('execution:cancelled', { ...base, reason: event.data.reason });
        break;
      case 'TaskStarted':
        emitter.emit('task:started', { ...base, reference: event.data.reference, name: event.data.name });
        break;
      case 'TaskCompleted':
      case 'TaskSkipped':
        emitter.emit('task:completed', taskOf(event.data.key));
        break;
      case 'TaskFaulted':
        emitter.emit('task:faulted', { ...taskOf(event.data.key), error: event.data.error });
        break;
      case 'TaskCancelled': {
        const { durationMs: _ignored, ...task } = taskOf(event.data.key);
        emitter.emit('task:cancelled', task);
        break;
      }
      case 'TaskRetrying':
        emitter.emit('task:retried', { ...taskOf(event.data.key), attempt: event.data.attempt, delayMs: event.data.delayMs, error: event.data.error });
        break;
      default:
        break;
    }
  } catch (error) {
    if (emitter.listenerCount('listener:error') > 0) emitter.emit('listener:error', { error });
  }
}

/** The engine event each history event type is announced as. */
const ENGINE_EVENT_OF: Partial<Record<AnyHistoryEvent['type'], keyof EngineEventMap>> = {
  WorkflowStarted: 'execution:started',
  WorkflowCompleted: 'execution:completed',
  WorkflowFaulted: 'execution:faulted',
  WorkflowCancelled: 'execution:cancelled',
  TaskStarted: 'task:started',
  TaskCompleted: 'task:completed',
  TaskSkipped: 'task:completed',
  TaskFaulted: 'task:faulted',
  TaskCancelled: 'task:cancelled',
  TaskRetrying: 'task:retried',
};
