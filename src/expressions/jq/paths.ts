import type { Json } from '../../model/json.js';
import { indexValue, iterateValues } from './builtins/indexing.js';
import { valueForMessage } from './builtins/json-text.js';
import { isJsonObjectValue } from './builtins/values.js';
import type { Path, PathEmit } from './environment.js';
import { JqError } from './errors.js';

/**
 * Path mode: jq tracks, beside each value, the path it was reached by (`path(f)`, assignments, `del`, `paths`).
 * A value that did not come from a path expression has the path null; a path step on it, or returning it from
 * `path(f)`, is jq's "Invalid path expression" error (messages as in jq 1.7.1's src/execute.c, which truncates
 * the value into a 30-byte buffer).
 */

export function extendPath(path: Path, key: Json): Path {
  const out = path.slice();
  out.push(key);
  return out;
}

/** `.[key]` on a (value, path) pair. */
export function indexStep(value: Json, path: Path | null, key: Json, emit: PathEmit): void {
  if (path === null) {
    throw new JqError(
      `Invalid path expression near attempt to access element ${valueForMessage(key)} of ${valueForMessage(value, 30)}`,
    );
  }
  emit(indexValue(value, key), extendPath(path, key));
}

/** `.[]` on a (value, path) pair: each element with its index or key. */
export function iterateStep(value: Json, path: Path | null, emit: PathEmit): void {
  if (path === null) {
    throw new JqError(`Invalid path expression near attempt to iterate through ${valueForMessage(value, 30)}`);
  }
  if (isJsonObjectValue(value)) {
    for (const key of Object.keys(value)) emit(value[key] as Json, extendPath(path, key));
    return;
  }
  const values = iterateValues(value);
  for (let i = 0; i < values.length; i++) emit(values[i] as Json, extendPath(path, i));
}

/** What `path(f)` outputs for one result of `f`. */
export function requirePath(value: Json, path: Path | null): Json[] {
  if (path === null) throw new JqError(`Invalid path expression with result ${valueForMessage(value, 30)}`);
  return path.slice();
}
