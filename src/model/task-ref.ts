/**
 * A task reference: the spec's JSON pointer into the definition (`/do/1/notify/fork/branches/0/email`) plus the
 * iteration indexes of the enclosing loops (`for` iterations, `listen.foreach` items), kept apart so the pointer
 * stays the spec's `$task.reference` and `instance`. Recorded results are keyed by it, never by arrival order.
 */
export interface TaskRef {
  readonly pointer: string;
  readonly indexes: readonly number[];
}

/** The string form used as a history key: `pointer` or `pointer[0,2]`. */
export function taskRefKey(ref: TaskRef): string {
  return ref.indexes.length === 0 ? ref.pointer : `${ref.pointer}[${ref.indexes.join(',')}]`;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function childPointer(pointer: string, ...segments: (string | number)[]): string {
  // A loop, not map + join: every task visit makes one, and this is the interpreter's hot path.
  let child = pointer;
  for (const segment of segments) child += `/${pointerSegment(segment)}`;
  return child;
}

/** The task name of a pointer: its last segment. */
export function pointerName(pointer: string): string {
  const last = pointer.slice(pointer.lastIndexOf('/') + 1);
  return last.replaceAll('~1', '/').replaceAll('~0', '~');
}
