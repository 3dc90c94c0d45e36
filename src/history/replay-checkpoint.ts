import type { Json } from '../model/json.js';
import { taskRefKey } from '../model/task-ref.js';
import { type AnyHistoryEvent, eventKey } from './events.js';
import { visitOf } from './fold.js';

/**
 * What a replay that skips completed tasks (`ReplayFlag.skipCompletedTasks`) needs from the history up to `seq`, so a
 * resume reads this plus the tail instead of the whole history. A completed (or faulted) visit is skipped as a whole
 * by its start and end events, so its subtree's events are dropped; only the visit numbers its subtree used are kept,
 * and the signals the run consumed. What remains: every event outside completed visits (open visits' own events,
 * cancelled visits under open ones, unkeyed events, the workflow's own), and the start and end of each completed
 * visit whose parent is still open, and the `carried/…` records a later visit of a task reads from an earlier one.
 */
export interface ReplayCheckpoint {
  readonly seq: number;
  /** The hash of the event at `seq`: the chain goes on from it. */
  readonly hash: string;
  /** The events kept, in seq order (the first is always `WorkflowStarted`). */
  readonly events: readonly AnyHistoryEvent[];
  /** `[seq, task reference key]` of each `TaskStarted` dropped with a completed subtree, in seq order. */
  readonly droppedStarts: readonly (readonly [number, string])[];
  /** Signal mailbox positions the run consumed, in any task. */
  readonly consumedSignals: readonly number[];
  /**
   * For each kept completed visit whose subtree was dropped: the last write to its `$context` cell inside it (`[seq,
   * value]`), which its own end event may not carry (a task inside it exported), so a skip can still restore it.
   */
  readonly contexts: Readonly<Record<string, readonly [number, Json]>>;
}

/**
 * Folds `events` (seq order, right after `previous.seq`, or the history from seq 1 when there is no previous
 * checkpoint) into the checkpoint at their last seq. Pure: `previous` is not changed.
 */
export function foldReplayCheckpoint(previous: ReplayCheckpoint | undefined, events: readonly AnyHistoryEvent[]): ReplayCheckpoint {
  const last = events.at(-1);
  if (last === undefined) {
    if (previous === undefined) throw new Error('a replay checkpoint needs at least the WorkflowStarted event');
    return previous;
  }
  if (previous === undefined && events[0]?.type !== 'WorkflowStarted') throw new Error('a replay checkpoint starts at WorkflowStarted');
  if (previous !== undefined && events[0]?.seq !== previous.seq + 1) {
    throw new Error(`a replay checkpoint at seq ${previous.seq} folds events from ${previous.seq + 1}, not ${events[0]?.seq}`);
  }
  const kept = [...(previous?.events ?? [])];
  const starts = new Map<string, AnyHistoryEvent>();
  for (const event of kept) if (event.type === 'TaskStarted') starts.set(event.data.key, event);
  const droppedStarts = [...(previous?.droppedStarts ?? [])];
  const consumedSignals = [...(previous?.consumedSignals ?? [])];
  const contexts: Record<string, readonly [number, Json]> = { ...(previous?.contexts ?? {}) };
  let isDroppedUnsorted = false;
  for (const event of events) {
    kept.push(event);
    if (event.type === 'TaskStarted') starts.set(event.data.key, event);
    else if (event.type === 'EventConsumed' && event.data.isSignal === true) consumedSignals.push(event.data.inboxSeq);
    else if (event.type === 'TaskCompleted' || event.type === 'TaskFaulted') {
      const visit = visitOf(event.data.key);
      const start = starts.get(`${visit}:started`);
      if (start?.type !== 'TaskStarted') continue;

      // Its subtree lies between its start and its end (visits of one task never overlap, loop iterations run one at
      // a time, concurrent branches have pointers of their own): keep the two ends, drop what is inside.
      const from = firstIndexAfter(kept, start.seq);
      const inside = kept.slice(from, kept.length - 1);
      let lastWrite: readonly [number, Json] | undefined;
      const outside = inside.filter((candidate) => {
        const key = eventKey(candidate);
        if (key === undefined || !isInVisit(key, visit, start.data.reference) || isCarried(key)) return true;
        if (candidate.type === 'TaskStarted') {
          droppedStarts.push([candidate.seq, taskRefKey({ pointer: candidate.data.reference, indexes: candidate.data.indexes })]);
          starts.delete(candidate.data.key);
          isDroppedUnsorted = true;
        } else if (candidate.type === 'TaskCompleted' || candidate.type === 'TaskFaulted') {
          const inner = visitOf(candidate.data.key);
          const write = (candidate.type === 'TaskCompleted' && candidate.data.context !== undefined ? ([candidate.seq, candidate.data.context] as const) : undefined) ?? contexts[inner];
          delete contexts[inner];
          if (write !== undefined && isSameCell(key, start.data.reference) && (lastWrite === undefined || write[0] > lastWrite[0])) lastWrite = write;
        }
        return false;
      });
      // The visit's own write (its export, a fork's join) comes last of all.
      if (event.type === 'TaskCompleted' && event.data.context !== undefined) lastWrite = [event.seq, event.data.context];
      if (lastWrite !== undefined) contexts[visit] = lastWrite;
      // In place: a completion only touches the events after its start, so folding stays linear in the events.
      kept.length = from;
      for (const survivor of outside) kept.push(survivor);
      kept.push(event);
    }
  }
  if (isDroppedUnsorted) droppedStarts.sort((a, b) => a[0] - b[0]);
  return { seq: last.seq, hash: last.hash, events: kept, droppedStarts, consumedSignals, contexts };
}

/**
 * Whether history key `key` belongs to the visit `visitKey` of the task at `pointer` or to its subtree, given that it
 * was recorded between the visit's start and its end: visits of one task never overlap, loop iterations run one at a
 * time, and concurrent branches have pointers of their own.
 */
export function isInVisit(key: string, visitKey: string, pointer: string): boolean {
  return key.startsWith(`${visitKey}:`) || key.startsWith(`${pointer}/`);
}

/**
 * Whether the task of history key `key`, inside the visit at `pointer`, writes the same `$context` cell as that visit:
 * not when a fork branch lies between them (a branch writes its own copy, which only its fork's join brings back).
 */
export function isSameCell(key: string, pointer: string): boolean {
  return !key.slice(pointer.length).includes('/fork/branches/');
}

/** The index of the first item whose seq is greater than `seq` (items in seq order). */
export function firstIndexAfter<T>(items: readonly T[], seq: number, seqOf: (item: T) => number = (item) => (item as { seq: number }).seq): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (seqOf(items[middle] as T) <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * History slots named `carried/…` hold what a later visit of the same task reads from an earlier one (an activity's
 * attempt count and heartbeat details): a checkpoint keeps them when it drops the visit that recorded them.
 */
export const CARRIED_SLOT = 'carried/';

function isCarried(key: string): boolean {
  return key.slice(key.lastIndexOf(':') + 1).startsWith(CARRIED_SLOT);
}

