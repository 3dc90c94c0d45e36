import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562 §5.7): the first 48 bits are the Unix time in ms, the remaining 74 are random.
 * Execution ids are primary keys of the store's histories: ids of executions started together sort together, so
 * their events land on the same few B-tree pages and a group commit writes a handful of pages instead of one per
 * execution (random v4 ids made commits ~2.5× slower on SQLite, bench/RESULTS.md). Ids made in the same
 * millisecond are not ordered among themselves; nothing relies on it.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, the variant bits V already RFC 9562's
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
