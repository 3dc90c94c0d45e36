import type { Json, JsonObject } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { valueForMessage } from './json-text.js';
import { codePointLength, codePointSlice, utf8ByteLength } from './unicode.js';
import {
  compareValues,
  copyObject,
  getKey,
  hasKey,
  isJsonObjectValue,
  setKey,
  typeName,
  valuesEqual,
} from './values.js';

/**
 * Indexing, slicing, iteration and paths with jq 1.7.1's rules and messages (jv_get, jv_set, jv_has, parse_slice,
 * jv_setpath, jv_getpath, jv_delpaths in src/jv_aux.c; jv_array_set in src/jv.c; EACH in src/execute.c).
 */

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
/** jv_array_set refuses indices past INT_MAX >> 2. */
const MAX_ARRAY_INDEX = INT_MAX >> 2;

/** A double as C's `(int)` after jq clamps it to the int range: truncated toward zero. */
function toIndex(value: number): number {
  return Math.trunc(Math.max(INT_MIN, Math.min(INT_MAX, value)));
}

interface SliceBounds {
  start: number;
  end: number;
}

/**
 * parse_slice: `{start, end}` against a length (both keys required). null bounds are the ends; negative ones count from the end; NaN
 * start is 0 and NaN end the length; start rounds down and end rounds up (`.[1.2:3.5]` is `.[1:4]`).
 */
function parseSlice(length: number, slice: JsonObject): SliceBounds {
  // A missing key is not null to jq (jv_object_get gives an invalid value), so `.[{}]` is an error.
  const startValue = getKey(slice, 'start');
  const endValue = getKey(slice, 'end');
  const startNumber = startValue === null ? 0 : startValue;
  const endNumber = endValue === null ? length : endValue;
  if (typeof startNumber !== 'number' || typeof endNumber !== 'number') {
    throw new JqError('Array/string slice indices must be integers');
  }
  let dstart = Number.isNaN(startNumber) ? 0 : startNumber;
  if (dstart < 0) dstart += length;
  if (dstart < 0) dstart = 0;
  if (dstart > length) dstart = length;
  const start = Math.trunc(dstart);
  let dend = Number.isNaN(endNumber) ? length : endNumber;
  if (dend < 0) dend += length;
  if (dend < 0) dend = start;
  let end = dend > INT_MAX ? INT_MAX : Math.trunc(dend);
  if (end > length) end = length;
  if (end < length && end < dend) end += 1;
  if (end < start) end = start;
  return { start, end };
}

function sliceObject(from: Json, to: Json): JsonObject {
  return { start: from, end: to };
}

/** jv_array_indexes (`.[array]` on an array): every position where `needle` occurs as a run of elements. */
function arrayIndexes(haystack: Json[], needle: Json[]): Json[] {
  const found: Json[] = [];
  if (needle.length === 0) return found;
  for (let i = 0; i < haystack.length; i++) {
    let matches = true;
    for (let j = 0; j < needle.length; j++) {
      const element = haystack[i + j];
      if (element === undefined || !valuesEqual(element, needle[j] as Json)) {
        matches = false;
        break;
      }
    }
    if (matches) found.push(i);
  }
  return found;
}

function indexError(target: Json, key: Json): JqError {
  // jq names a short string key (what `.foo` produces) in the message; 30 bytes is its arbitrary limit.
  if (typeof key === 'string' && utf8ByteLength(key) < 30) {
    return new JqError(`Cannot index ${typeName(target)} with string "${key}"`);
  }
  return new JqError(`Cannot index ${typeName(target)} with ${typeName(key)}`);
}

/**
 * `.[key]`: an object by string key (missing → null); an array by number (truncated, negative from the end, out
 * of range or NaN → null), by `{start, end}` (a slice) or by an array (the indices where it occurs); a string by
 * `{start, end}` (code points); null by a string, number or object → null. Anything else is jq's error.
 */
export function indexValue(target: Json, key: Json): Json {
  if (Array.isArray(target)) {
    if (typeof key === 'number') {
      if (Number.isNaN(key)) return null;
      let index = toIndex(key);
      if (index < 0) index += target.length;
      return index >= 0 && index < target.length ? (target[index] as Json) : null;
    }
    if (Array.isArray(key)) return arrayIndexes(target, key);
    if (isJsonObjectValue(key)) {
      const { start, end } = parseSlice(target.length, key);
      return target.slice(start, end);
    }
  } else if (isJsonObjectValue(target)) {
    if (typeof key === 'string') return getKey(target, key) ?? null;
  } else if (target === null) {
    if (typeof key === 'string' || typeof key === 'number' || isJsonObjectValue(key)) return null;
  } else if (typeof target === 'string' && isJsonObjectValue(key)) {
    const { start, end } = parseSlice(codePointLength(target), key);
    return codePointSlice(target, start, end);
  }
  throw indexError(target, key);
}

/** `.[from:to]`: jq compiles it to an index by `{"start": from, "end": to}`. */
export function sliceValue(target: Json, from: Json, to: Json): Json {
  return indexValue(target, sliceObject(from, to));
}

/** `.[]`: an array's elements or an object's values, in order. */
export function iterateValues(value: Json): Json[] {
  if (Array.isArray(value)) return value;
  if (isJsonObjectValue(value)) return Object.values(value);
  throw new JqError(`Cannot iterate over ${typeName(value)} (${valueForMessage(value)})`);
}

/** jq's `has(key)` (jv_has): objects by string, arrays by number (NaN → false); null has nothing. */
export function hasIndex(target: Json, key: Json): boolean {
  if (target === null) return false;
  if (isJsonObjectValue(target) && typeof key === 'string') return hasKey(target, key);
  if (Array.isArray(target) && typeof key === 'number') {
    if (Number.isNaN(key)) return false;
    const index = toIndex(key);
    return index >= 0 && index < target.length;
  }
  throw new JqError(`Cannot check whether ${typeName(target)} has a ${typeName(key)} key`);
}

/** jv_array_set: negative indices count from the end; a gap fills with null. */
function setArrayElement(array: Json[], key: number, value: Json): Json[] {
  let index = key;
  if (index < 0) index += array.length;
  if (index < 0) throw new JqError('Out of bounds negative array index');
  if (index > MAX_ARRAY_INDEX) throw new JqError('Array index too large');
  const out = array.slice();
  while (out.length < index) out.push(null);
  out[index] = value;
  return out;
}

/** jv_set: the copy of `target` with `key` set to `value` (one path step of `setpath`). */
function setValue(target: Json, key: Json, value: Json): Json {
  const isNull = target === null;
  if (typeof key === 'string' && (isNull || isJsonObjectValue(target))) {
    const out = isNull ? {} : copyObject(target);
    setKey(out, key, value);
    return out;
  }
  if (typeof key === 'number' && (isNull || Array.isArray(target))) {
    if (Number.isNaN(key)) throw new JqError('Cannot set array element at NaN index');
    return setArrayElement(isNull ? [] : (target), toIndex(key), value);
  }
  if (isJsonObjectValue(key) && (isNull || Array.isArray(target))) {
    const array = isNull ? [] : (target);
    const { start, end } = parseSlice(array.length, key);
    if (!Array.isArray(value)) throw new JqError('A slice of an array can only be assigned another array');
    return [...array.slice(0, start), ...value, ...array.slice(end)];
  }
  if (isJsonObjectValue(key) && typeof target === 'string') throw new JqError('Cannot update string slices');
  throw new JqError(`Cannot update field at ${typeName(key)} index of ${typeName(target)}`);
}

function requirePath(path: Json): Json[] {
  if (!Array.isArray(path)) throw new JqError('Path must be specified as an array');
  return path;
}

/** `getpath(path)` (jv_getpath): each step as `.[key]`, so a step into a number is jq's index error. */
export function getPath(root: Json, path: Json): Json {
  let current = root;
  for (const key of requirePath(path)) current = indexValue(current, key);
  return current;
}

function setPathFrom(root: Json, path: Json[], at: number, value: Json): Json {
  if (at === path.length) return value;
  const key = path[at] as Json;
  // Read first, as jv_setpath does: a step that cannot be read (`1 | setpath(["a"]; 0)`) fails with the read error.
  const child = indexValue(root, key);
  return setValue(root, key, setPathFrom(child, path, at + 1, value));
}

/** `setpath(path; value)` (jv_setpath): a copy of root with the value at path, creating objects and arrays. */
export function setPath(root: Json, path: Json, value: Json): Json {
  return setPathFrom(root, requirePath(path), 0, value);
}

/** jv_dels: deletes sorted keys from one container, all against its original positions. */
function deleteKeys(target: Json, keys: Json[]): Json {
  if (target === null || keys.length === 0) return target;
  if (Array.isArray(target)) {
    const length = target.length;
    const doomed = new Uint8Array(length);
    for (const key of keys) {
      if (typeof key === 'number') {
        const index = key < 0 ? length + toIndex(key) : toIndex(key);
        if (index >= 0 && index < length) doomed[index] = 1;
      } else if (isJsonObjectValue(key)) {
        const { start, end } = parseSlice(length, key);
        doomed.fill(1, start, end);
      } else {
        throw new JqError(`Cannot delete ${typeName(key)} element of array`);
      }
    }
    return target.filter((_, index) => doomed[index] === 0);
  }
  if (isJsonObjectValue(target)) {
    let out: JsonObject | undefined;
    for (const key of keys) {
      if (typeof key !== 'string') throw new JqError(`Cannot delete ${typeName(key)} field of object`);
      if (hasKey(out ?? target, key)) {
        out ??= copyObject(target);
        delete out[key];
      }
    }
    return out ?? target;
  }
  throw new JqError(`Cannot delete fields from ${typeName(target)}`);
}

/** delpaths_sorted: paths sorted, grouped by their key at depth `depth`. */
function deleteSortedPaths(target: Json, paths: Json[][], depth: number): Json {
  let current = target;
  const doomedKeys: Json[] = [];
  for (let i = 0; i < paths.length; ) {
    const first = paths[i] as Json[];
    const key = first[depth] as Json;
    let j = i + 1;
    while (j < paths.length && valuesEqual(key, (paths[j] as Json[])[depth] as Json)) j++;
    if (first.length === depth + 1) {
      // The whole key goes; longer paths under it (sorted after it) do not matter.
      doomedKeys.push(key);
    } else {
      const child = indexValue(current, key);
      if (child !== null) {
        current = setValue(current, key, deleteSortedPaths(child, paths.slice(i, j), depth + 1));
      }
    }
    i = j;
  }
  return deleteKeys(current, doomedKeys);
}

/**
 * `delpaths(paths)` (jv_delpaths): paths sorted by jq's order, deleted deepest-first within each container, so
 * indices and slices all refer to the input's positions.
 */
export function deletePaths(root: Json, paths: Json): Json {
  if (!Array.isArray(paths)) throw new JqError('Paths must be specified as an array');
  const sorted = paths.slice().sort(compareValues);
  for (const path of sorted) {
    if (!Array.isArray(path)) throw new JqError(`Path must be specified as array, not ${typeName(path)}`);
  }
  if (sorted.length === 0) return root;
  if ((sorted[0] as Json[]).length === 0) return null;
  return deleteSortedPaths(root, sorted as Json[][], 0);
}
