import type { Json, JsonObject } from '../../../model/json.js';
import { JqOutOfMemoryError } from '../errors.js';
import { splitString } from './string-split.js';
import { typeError, typeError2 } from './type-error.js';
import { copyObject, isJsonObjectValue, mergeObjects, setKey, valuesEqual } from './values.js';

/**
 * jq 1.7.1's arithmetic operators (f_plus, f_minus, f_multiply, f_divide, f_mod, f_negate in src/builtin.c), with
 * its exact error messages.
 */

/** `a + b`: null is the identity; numbers, strings, arrays (concatenation), objects (shallow merge, b wins). */
export function add(a: Json, b: Json): Json {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return a.length === 0 ? b : b.length === 0 ? a : a.concat(b);
  } else if (isJsonObjectValue(a) && isJsonObjectValue(b)) {
    return mergeObjects(a, b);
  }
  throw typeError2(a, b, 'cannot be added');
}

/** `a - b`: numbers, or the elements of array a that equal no element of b. */
export function subtract(a: Json, b: Json): Json {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.filter((x) => !b.some((y) => valuesEqual(x, y)));
  }
  throw typeError2(a, b, 'cannot be subtracted');
}

/**
 * The longest string `"s" * n` builds. jq allocates whatever is asked; a JS string cannot exceed ~2^29 code units,
 * so past this the evaluation stops as jq does when an allocation fails (`cannot allocate memory`, not catchable).
 */
const MAX_REPEAT_LENGTH = 1 << 28;

function repeatString(text: string, count: number): Json {
  // jq 1.7.1: a negative or NaN count gives null; otherwise the count is truncated, so 0 ≤ n < 1 gives "".
  if (count < 0 || Number.isNaN(count)) return null;
  const times = Math.trunc(Math.min(count, 2 ** 31 - 1));
  if (text.length * times > MAX_REPEAT_LENGTH) throw new JqOutOfMemoryError();
  return text.repeat(times);
}

/** jv_object_merge_recursive: b's keys into a copy of a; where both values are objects, merged the same way. */
export function deepMerge(a: JsonObject, b: JsonObject): JsonObject {
  const out = copyObject(a);
  for (const key of Object.keys(b)) {
    const right = b[key] as Json;
    const left = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
    setKey(out, key, isJsonObjectValue(left) && isJsonObjectValue(right) ? deepMerge(left, right) : right);
  }
  return out;
}

/** `a * b`: numbers; a string and a number either way round (repetition); objects (deep merge). */
export function multiply(a: Json, b: Json): Json {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a * b;
    if (typeof b === 'string') return repeatString(b, a);
  } else if (typeof a === 'string') {
    if (typeof b === 'number') return repeatString(a, b);
  } else if (isJsonObjectValue(a) && isJsonObjectValue(b)) {
    return deepMerge(a, b);
  }
  throw typeError2(a, b, 'cannot be multiplied');
}

/** `a / b`: numbers (a zero divisor is an error, never infinity), or string a split on string b. */
export function divide(a: Json, b: Json): Json {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw typeError2(a, b, 'cannot be divided because the divisor is zero');
    return a / b;
  }
  if (typeof a === 'string' && typeof b === 'string') return splitString(a, b);
  throw typeError2(a, b, 'cannot be divided');
}

const INTMAX_MAX = 9223372036854775807n;
const INTMAX_MIN = -9223372036854775808n;
const TWO_POW_63 = 2 ** 63;

/** jq's dtoi: a double to intmax_t, truncated toward zero and clamped to the int64 range. */
function toInt64(value: number): bigint {
  if (value < -TWO_POW_63) return INTMAX_MIN;
  if (value >= TWO_POW_63) return INTMAX_MAX;
  return BigInt(Math.trunc(value));
}

/**
 * `a % b` on numbers truncated to integers (C's `%`: the sign follows the dividend). NaN on either side gives NaN;
 * a divisor that truncates to 0 is an error; -1 gives 0 (jq avoids INTMAX_MIN % -1).
 */
export function modulo(a: Json, b: Json): Json {
  if (typeof a !== 'number' || typeof b !== 'number') throw typeError2(a, b, 'cannot be divided (remainder)');
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  const ta = Math.trunc(a);
  const tb = Math.trunc(b);
  if (tb === 0) throw typeError2(a, b, 'cannot be divided (remainder) because the divisor is zero');
  if (tb === -1) return 0;
  if (Math.abs(ta) <= Number.MAX_SAFE_INTEGER && Math.abs(tb) <= Number.MAX_SAFE_INTEGER) {
    const r = ta % tb;
    return r === 0 ? 0 : r; // an integer remainder has no negative zero
  }
  const r = Number(toInt64(ta) % toInt64(tb));
  return r === 0 ? 0 : r;
}

/** Unary minus (`-x`, jq's _negate): numbers only. */
export function negate(value: Json): Json {
  if (typeof value !== 'number') throw typeError(value, 'cannot be negated');
  return -value;
}
