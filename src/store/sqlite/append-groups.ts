import type { AppendInput } from '../store.js';

/** Appends of one execution in a batch that extend one another, and the single append they merge into. */
export interface AppendGroup {
  /** Indexes of the batch's items in this group, in order. */
  readonly items: readonly number[];
  readonly merged: AppendInput;
}

/**
 * Groups the appends of each execution in a batch — each extending the one before under the same claim — so an
 * execution that recorded several steps in a tick costs one head check and one head update, not one per event.
 * Executions are independent, so only each one's own order is kept. A group whose merged append fails is retried
 * item by item by the caller, so a stale or over-limit append still fails alone.
 */
export function groupAppends(batch: readonly AppendInput[]): AppendGroup[] {
  const groups: { items: number[]; merged: AppendInput }[] = [];
  const latest = new Map<string, number>();
  batch.forEach((input, index) => {
    const at = latest.get(input.executionId);
    const group = at === undefined ? undefined : groups[at];
    if (group !== undefined && extendsAppend(group.merged, input)) {
      group.items.push(index);
      group.merged = {
        ...group.merged,
        events: [...group.merged.events, ...input.events],
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(input.release === true ? { release: true } : {}),
      };
      return;
    }
    groups.push({ items: [index], merged: input });
    latest.set(input.executionId, groups.length - 1);
  });
  return groups;
}

function extendsAppend(previous: AppendInput, next: AppendInput): boolean {
  return (
    previous.executionId === next.executionId &&
    previous.release !== true &&
    next.expectedSeq === previous.expectedSeq + previous.events.length &&
    previous.claim?.owner === next.claim?.owner &&
    previous.claim?.epoch === next.claim?.epoch
  );
}
