import type { Json } from '../model/json.js';
import type { Problem } from '../model/problems.js';

/**
 * The history vocabulary. Each event carries only what replay needs. Keyed events carry `key`: the task reference
 * (pointer + loop indexes), the visit (`#n`: a retry or a jump back re-enters a task) and a slot, e.g.
 * `/do/0/getPet#0/call`. Results are matched by key on replay, never by arrival order.
 */
export interface EventDataMap {
  WorkflowStarted: {
    executionId: string;
    definitionHash: string;
    namespace: string;
    name: string;
    version: string;
    engineVersion: string;
    /** Replay flags in force: how this engine version records and folds (see `replay-flags.ts`). */
    replayFlags: number[];
    input: Json;
    /** Names of the secrets the execution may read; never their values. */
    secretNames: string[];
    parent?: { executionId: string; key: string };
  };
  TaskStarted: { key: string; reference: string; indexes: number[]; name: string; input: Json };
  TaskSkipped: { key: string };
  /**
   * `then`, `isEnded` and `context` only under `ReplayFlag.skipCompletedTasks`: what a parent needs to go on past the
   * task without running it again. `context` is `$context` as the task's own step wrote it (its `export.as`, or a
   * fork's join); a skipped container takes the last such write inside it.
   */
  TaskCompleted: { key: string; output: Json; then?: string; isEnded?: boolean; context?: Json };
  TaskFaulted: { key: string; error: Problem };
  TaskCancelled: { key: string; reason: string };
  TaskRetrying: { key: string; attempt: number; delayMs: number; error: Problem };
  /** An outside result: a call's response, a process's output, a uuid, a resource's text. */
  EffectCompleted: { key: string; effect: string; result: Json };
  /** An outside failure the workflow can see (e.g. HTTP 404): recorded too, so replay does not call again. */
  EffectFailed: { key: string; effect: string; error: Problem };
  /** A choice made by arrival order (fork winner, first fault, a fired timeout), fixed for replay. */
  Decided: { key: string; decision: Json };
  TimerStarted: { key: string; firesAt: number };
  TimerFired: { key: string };
  /** A consumed event and its inbox position: replay resumes the subscription after it. */
  /**
   * `isSignal`: taken from the execution's signal mailbox (then `inboxSeq` is the mailbox position), not the inbox.
   * `correlationKeys`: the listen's correlation keys once this event passes its filters (present only when they
   * `correlate` and it does), for the `correlation-completed` lifecycle event; replay never reads it.
   */
  EventConsumed: { key: string; event: Json; inboxSeq: number; isSignal?: boolean; correlationKeys?: { [key: string]: Json } };
  EventEmitted: { key: string; event: Json };
  ChildStarted: { key: string; childExecutionId: string; definitionHash: string };
  ChildCompleted: {
    key: string;
    childExecutionId: string;
    status: 'completed' | 'faulted' | 'cancelled';
    output?: Json;
    error?: Problem;
    /** The child's final history hash: parent and child histories form a DAG. */
    hash: string;
  };
  CancelRequested: { reason: string };
  /** Administrative: the execution was suspended (it parks until resumed). */
  Suspended: { reason: string };
  Resumed: Record<string, never>;
  WorkflowCompleted: { key: string; output: Json };
  WorkflowFaulted: { key: string; error: Problem };
  WorkflowCancelled: { key: string; reason: string };
}

export type EventType = keyof EventDataMap;

export interface HistoryEvent<T extends EventType = EventType> {
  readonly seq: number;
  readonly type: T;
  /** Epoch ms: when it was recorded. */
  readonly at: number;
  readonly data: EventDataMap[T];
  readonly hash: string;
}

export type AnyHistoryEvent = { [T in EventType]: HistoryEvent<T> }[EventType];

/** Events whose payload the interpreter derives from the definition and earlier events (checked on replay). */
export const derivedEventTypes: ReadonlySet<EventType> = new Set<EventType>([
  'TaskStarted',
  'TaskSkipped',
  'TaskCompleted',
  'TaskFaulted',
  'TaskCancelled',
  'WorkflowCompleted',
  'WorkflowFaulted',
  'WorkflowCancelled',
]);

export function isEventOfType<T extends EventType>(event: HistoryEvent, type: T): event is HistoryEvent<T> {
  return event.type === type;
}

/** The history key of an event (task reference, loop indexes, visit and slot); undefined for unkeyed events. */
export function eventKey(event: AnyHistoryEvent): string | undefined {
  const key = (event.data as { key?: unknown }).key;
  return typeof key === 'string' ? key : undefined;
}
