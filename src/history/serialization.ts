import type { Json } from '../model/json.js';
import type { EventRow } from '../store/store.js';
import type { AnyHistoryEvent, EventDataMap, EventType } from './events.js';

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
