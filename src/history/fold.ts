import type { Phase } from '../model/phases.js';
import type { AnyHistoryEvent } from './events.js';
import type { ExecutionState, TaskRecord } from './execution-state.js';

type MutableTask = { -readonly [K in keyof TaskRecord]: TaskRecord[K] };
type MutableState = { -readonly [K in keyof ExecutionState]: ExecutionState[K] } & { tasks: MutableTask[] };

/** The visit part of a key: `/do/0/a#0:completed` → `/do/0/a#0`. */
export function visitOf(key: string): string {
  const slot = key.lastIndexOf(':');
  return slot < 0 ? key : key.slice(0, slot);
}

/**
 * Folds events (seq order, starting at `WorkflowStarted`) into the execution's state. Pure and total: the state at
 * version v is `foldHistory(events with seq ≤ v)`, and equally `foldHistory(events after s, snapshot at s)`. A
 * snapshot passed in is folded in place (callers pass one freshly parsed; copying 100k tasks would dominate).
 */
export function foldHistory(events: readonly AnyHistoryEvent[], snapshot?: ExecutionState): ExecutionState {
  if (snapshot !== undefined) return foldFrom(snapshot as MutableState, events);
  const first = events[0];
  if (first === undefined || first.type !== 'WorkflowStarted') {
    throw new Error('a history starts with WorkflowStarted; this one does not (empty or truncated)');
  }
  const start = first.data;
  const state: MutableState = {
    executionId: start.executionId,
    definitionHash: start.definitionHash,
    namespace: start.namespace,
    name: start.name,
    version: start.version,
    status: 'running',
    input: start.input,
    seq: first.seq,
    hash: first.hash,
    startedAt: first.at,
    updatedAt: first.at,
    tasks: [],
    openTimers: [],
    ...(start.parent === undefined ? {} : { parent: start.parent }),
  };
  return foldFrom(state, events.slice(1));
}

function foldFrom(state: MutableState, events: readonly AnyHistoryEvent[]): ExecutionState {
  const tasks = new Map<string, MutableTask>(state.tasks.map((record) => [record.key, record]));
  const openTimers = new Map<string, string>(state.openTimers.map((timer) => [timer, visitOf(timer)]));
  let isSuspended = state.status === 'suspended';
  if (state.status === 'suspended' || state.status === 'waiting') state.status = 'running';
  const task = (key: string): MutableTask | undefined => tasks.get(visitOf(key));
  const end = (record: MutableTask | undefined, status: Phase, at: number): MutableTask | undefined => {
    if (record === undefined) return undefined;
    record.status = status;
    record.endedAt = at;
    return record;
  };

  for (const event of events) {
    state.seq = event.seq;
    state.hash = event.hash;
    state.updatedAt = event.at;
    switch (event.type) {
      case 'TaskStarted': {
        const d = event.data;
        const record: MutableTask = {
          key: visitOf(d.key),
          name: d.name,
          reference: d.reference,
          indexes: d.indexes,
          status: 'running',
          input: d.input,
          retries: 0,
          startedAt: event.at,
        };
        tasks.set(record.key, record);
        state.tasks.push(record);
        break;
      }
      case 'TaskSkipped': {
        const record = end(task(event.data.key), 'completed', event.at);
        if (record !== undefined) {
          record.isSkipped = true;
          record.output = record.input;
        }
        break;
      }
      case 'TaskCompleted': {
        const record = end(task(event.data.key), 'completed', event.at);
        if (record !== undefined) record.output = event.data.output;
        break;
      }
      case 'TaskFaulted': {
        const record = end(task(event.data.key), 'faulted', event.at);
        if (record !== undefined) record.error = event.data.error;
        break;
      }
      case 'TaskCancelled':
        end(task(event.data.key), 'cancelled', event.at);
        break;
      case 'TaskRetrying': {
        const record = task(event.data.key);
        if (record !== undefined) record.retries = event.data.attempt;
        break;
      }
      case 'TimerStarted':
        openTimers.set(timerOf(event.data.key), visitOf(event.data.key));
        setWaiting(tasks.get(visitOf(event.data.key)), true);
        break;
      case 'TimerFired':
        openTimers.delete(timerOf(event.data.key));
        setWaiting(tasks.get(visitOf(event.data.key)), false);
        break;
      case 'CancelRequested':
        state.cancelReason = event.data.reason;
        break;
      case 'Suspended':
        isSuspended = true;
        break;
      case 'Resumed':
        isSuspended = false;
        break;
      case 'WorkflowCompleted':
        state.status = 'completed';
        state.output = event.data.output;
        state.endedAt = event.at;
        break;
      case 'WorkflowFaulted':
        state.status = 'faulted';
        state.error = event.data.error;
        state.endedAt = event.at;
        break;
      case 'WorkflowCancelled':
        state.status = 'cancelled';
        state.cancelReason = event.data.reason;
        state.endedAt = event.at;
        break;
      default:
        break;
    }
  }
  state.openTimers = [...openTimers.keys()];
  if (state.status === 'running' && isSuspended) state.status = 'suspended';
  else if (state.status === 'running' && openTimers.size > 0) state.status = 'waiting';
  return state;
}

/** A timer's identity: its slot without the `/started` or `/fired` suffix. */
function timerOf(key: string): string {
  return key.replace(/\/(started|fired)$/, '');
}

function setWaiting(record: MutableTask | undefined, isWaiting: boolean): void {
  if (record === undefined) return;
  if (isWaiting && record.status === 'running') record.status = 'waiting';
  if (!isWaiting && record.status === 'waiting') record.status = 'running';
}
