import { createHash, hash } from 'node:crypto';
import { canonicalJson } from '../model/canonical-json.js';
import type { Json } from '../model/json.js';
import type { EventRow } from '../store/store.js';
import type { EventDataMap, EventType, HistoryEvent } from './events.js';
import { ReplayFlag } from './replay-flags.js';

/** The hash before the first event of every history. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * How an execution's events are hashed, fixed by the replay flags in its `WorkflowStarted`: `jcs` (the first rule)
 * or `stored-text` (`ReplayFlag.hashStoredText`).
 */
export type HashRule = 'jcs' | 'stored-text';

export function hashRuleOf(replayFlags: readonly number[]): HashRule {
  return replayFlags.includes(ReplayFlag.hashStoredText) ? 'stored-text' : 'jcs';
}

/**
 * The hash of an event after `prevHash`, hex. `jcs`: `sha256(prevHash ‖ JCS({ seq, type, at, data }))`.
 * `stored-text`: `sha256(prevHash ‖ "\n" seq "\n" type "\n" at "\n" ‖ dataText)`, where `dataText` is the payload as
 * stored (`JSON.stringify` of it, original key order). Either way, changing a stored event changes its hash and every
 * hash after it; `stored-text` also sees edits JCS cannot (reordered keys, whitespace).
 */
export function eventHash(prevHash: string, event: { seq: number; type: string; at: number; data: Json }, rule: HashRule = 'jcs'): string {
  if (rule === 'stored-text') return storedTextHash(prevHash, { seq: event.seq, type: event.type, at: event.at, dataText: JSON.stringify(event.data) });
  return jcsHash(prevHash, event);
}

function jcsHash(prevHash: string, event: { seq: number; type: string; at: number; data: Json }): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ seq: event.seq, type: event.type, at: event.at, data: event.data }))
    .digest('hex');
}

/** The `stored-text` hash of a stored row, from its payload text as it is. */
export function storedTextHash(prevHash: string, row: { seq: number; type: string; at: number; dataText: string }): string {
  // One-shot `hash` (Node ≥ 20.12): no Hash object per event, about half the cost of createHash for rows this small.
  return hash('sha256', `${prevHash}\n${row.seq}\n${row.type}\n${row.at}\n${row.dataText}`, 'hex');
}

/** A new event fixed in its chain, and the row that stores it: the hash and the row share one payload text. */
export interface ChainedEvent<T extends EventType = EventType> {
  readonly event: HistoryEvent<T>;
  readonly row: EventRow;
}

/** The event that follows `previous` in a history (none: the first one), its seq and hash fixed, with its row. */
export function chainedEvent<T extends EventType>(
  previous: { readonly seq: number; readonly hash: string } | undefined,
  type: T,
  at: number,
  data: EventDataMap[T],
  rule: HashRule,
): ChainedEvent<T> {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  // The stored text: `JSON.stringify`, original key order (history payloads are never changed once made).
  const dataText = JSON.stringify(data);
  const hash = rule === 'stored-text' ? storedTextHash(prevHash, { seq, type, at, dataText }) : jcsHash(prevHash, { seq, type, at, data: data as unknown as Json });
  return { event: { seq, type, at, data, hash }, row: { seq, type, at, data: dataText, hash } };
}
