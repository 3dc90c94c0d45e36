import type { Json, JsonObject } from '../../../model/json.js';
import { deletePaths, getPath, hasIndex, setPath } from './indexing.js';
import type { NativeFunctionTable } from './native-function.js';
import { typeError, typeError2 } from './type-error.js';
import { compareValues, getKey, isJsonObjectValue, kindRank, sortedKeys, typeName, valuesEqual } from './values.js';

/**
 * Array, object and number-class builtins jq 1.7.1 implements in C: keys, has, contains, sorting and grouping
 * (jv_sort, jv_group), min/max (minmax_by), paths, type and the NaN/infinity predicates.
 */

function keys(input: Json): Json {
  if (Array.isArray(input)) return input.map((_, index) => index);
  if (isJsonObjectValue(input)) return sortedKeys(input);
  throw typeError(input, 'has no keys');
}

function keysUnsorted(input: Json): Json {
  if (Array.isArray(input)) return input.map((_, index) => index);
  if (isJsonObjectValue(input)) return Object.keys(input);
  throw typeError(input, 'has no keys');
}

/**
 * jv_contains: objects by key (each of b's keys present in a with a containing value), arrays by element (each of
 * b's elements contained in some element of a), strings by substring, anything else by equality. Kinds must match
 * exactly, and `true` and `false` are different kinds to jq.
 */
export function containsValue(a: Json, b: Json): boolean {
  if (kindRank(a) !== kindRank(b)) return false;
  if (isJsonObjectValue(a)) {
    const inner = b as JsonObject;
    return Object.keys(inner).every((key) => {
      const value = getKey(a, key);
      return value !== undefined && containsValue(value, inner[key] as Json);
    });
  }
  if (Array.isArray(a)) return (b as Json[]).every((y) => a.some((x) => containsValue(x, y)));
  if (typeof a === 'string') return a.includes(b as string);
  return valuesEqual(a, b);
}

/** jv_sort: a stable sort of `values` by the parallel `keys`. */
function sortByKeys(values: Json[], keys: Json[]): Json[] {
  const order = values.map((_, index) => index);
  order.sort((i, j) => compareValues(keys[i] as Json, keys[j] as Json) || i - j);
  return order.map((index) => values[index] as Json);
}

function checkParallel(input: Json, keys: Json): [Json[], Json[]] {
  if (!Array.isArray(input) || !Array.isArray(keys) || input.length !== keys.length) {
    throw typeError2(input, keys, 'cannot be sorted, as they are not both arrays');
  }
  return [input, keys];
}

/** jv_group: sorted by key, then runs of equal keys. */
function groupByKeys(input: Json, keyList: Json): Json {
  const [values, keys] = checkParallel(input, keyList);
  const order = values.map((_, index) => index);
  order.sort((i, j) => compareValues(keys[i] as Json, keys[j] as Json) || i - j);
  const groups: Json[][] = [];
  let currentKey: Json | undefined;
  let current: Json[] = [];
  for (const index of order) {
    const key = keys[index] as Json;
    if (currentKey !== undefined && valuesEqual(currentKey, key)) {
      current.push(values[index] as Json);
    } else {
      if (currentKey !== undefined) groups.push(current);
      currentKey = key;
      current = [values[index] as Json];
    }
  }
  if (currentKey !== undefined) groups.push(current);
  return groups;
}

/** minmax_by: the first minimum, or the last maximum, of `values` by `keys`; null for an empty array. */
function minMaxBy(values: Json, keys: Json, isMin: boolean): Json {
  if (!Array.isArray(values) || !Array.isArray(keys)) throw typeError2(values, keys, 'cannot be iterated over');
  if (values.length !== keys.length) throw typeError2(values, keys, 'have wrong length');
  if (values.length === 0) return null;
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    const below = compareValues(keys[i] as Json, keys[best] as Json) < 0;
    if (below === isMin) best = i;
  }
  return values[best] as Json;
}

/** C's isnormal: finite, not zero, not subnormal. */
function isNormal(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) >= 2.2250738585072014e-308;
}

export const collectionFunctions: NativeFunctionTable = {
  'keys/0': keys,
  'keys_unsorted/0': keysUnsorted,
  'has/1': (input, key) => hasIndex(input, key),
  'contains/1': (input, other) => {
    if (kindRank(input) !== kindRank(other)) {
      throw typeError2(input, other, 'cannot have their containment checked');
    }
    return containsValue(input, other);
  },
  'sort/0': (input) => {
    if (!Array.isArray(input)) throw typeError(input, 'cannot be sorted, as it is not an array');
    return sortByKeys(input, input);
  },
  '_sort_by_impl/1': (input, keys) => sortByKeys(...checkParallel(input, keys)),
  '_group_by_impl/1': groupByKeys,
  'min/0': (input) => minMaxBy(input, input, true),
  'max/0': (input) => minMaxBy(input, input, false),
  '_min_by_impl/1': (input, keys) => minMaxBy(input, keys, true),
  '_max_by_impl/1': (input, keys) => minMaxBy(input, keys, false),
  'getpath/1': (input, path) => getPath(input, path),
  'setpath/2': (input, path, value) => setPath(input, path, value),
  'delpaths/1': (input, paths) => deletePaths(input, paths),
  'type/0': (input) => typeName(input),
  'infinite/0': () => Infinity,
  'nan/0': () => Number.NaN,
  'isinfinite/0': (input) => typeof input === 'number' && (input === Infinity || input === -Infinity),
  'isnan/0': (input) => typeof input === 'number' && Number.isNaN(input),
  'isnormal/0': (input) => typeof input === 'number' && isNormal(input),
};

