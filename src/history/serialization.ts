import type { Json } from '../model/json.js';
import type { EventRow } from '../store/store.js';
import type { AnyHistoryEvent, EventDataMap, EventType, HistoryEvent } from './events.js';

export function toEventRow(event: HistoryEvent): EventRow {
  return { seq: event.seq, type: event.type, at: event.at, data: storedTextOf(event.data), hash: event.hash };
}

/** Payload texts by payload object: an event's hash and its stored row need the same text, made once. */
const storedTexts = new WeakMap<object, string>();

/**
 * The payload as it is stored: `JSON.stringify`, original key order. History payloads are never changed once made,
 * so the text of one object is computed once (for its hash) and reused (for its row).
 */
export function storedTextOf(data: unknown): string {
  if (typeof data !== 'object' || data === null) return JSON.stringify(data);
  let text = storedTexts.get(data);
  if (text === undefined) {
    text = JSON.stringify(data);
    storedTexts.set(data, text);
  }
  return text;
}

export function fromEventRow(row: EventRow): AnyHistoryEvent {
  return {
    seq: row.seq,
    type: row.type as EventType,
    at: row.at,
    data: JSON.parse(row.data) as EventDataMap[EventType],
    hash: row.hash,
  } as AnyHistoryEvent;
}

/** Event data as plain JSON (for hashing and comparison). */
export function eventDataJson(data: EventDataMap[EventType]): Json {
  return data as unknown as Json;
}
