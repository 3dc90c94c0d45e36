import { createHash } from 'node:crypto';
import { canonicalJson } from '../model/canonical-json.js';
import type { Json } from '../model/json.js';
import type { EventDataMap, EventType, HistoryEvent } from './events.js';

/** The hash before the first event of every history. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * `sha256(prevHash ‖ JCS(event))`, hex. JCS is used for hashing only; payloads keep their original key order as
 * stored text. Changing one stored byte of any event changes its hash and every hash after it.
 */
export function eventHash(prevHash: string, event: { seq: number; type: string; at: number; data: Json }): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ seq: event.seq, type: event.type, at: event.at, data: event.data }))
    .digest('hex');
}

/** The event that follows `previous` in a history (none: the first one), its seq and hash fixed. */
export function chainedEvent<T extends EventType>(previous: { readonly seq: number; readonly hash: string } | undefined, type: T, at: number, data: EventDataMap[T]): HistoryEvent<T> {
  const seq = (previous?.seq ?? 0) + 1;
  const hash = eventHash(previous?.hash ?? GENESIS_HASH, { seq, type, at, data: data as unknown as Json });
  return { seq, type, at, data, hash };
}
