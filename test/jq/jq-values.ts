/**
 * JSON values as jq's test runner and jq's printer see them, for comparing two jq implementations:
 * - `parseJqJson` reads what jq's parser reads (`nan`, `NaN`, `Infinity` are accepted; a byte order mark is skipped);
 * - `jqEqual` is jq's `==` (numbers by value, so `1.0` equals `1`; objects whatever their key order), which is how
 *   `jq --run-tests` compares an expected line with an output;
 * - `jqText` prints a value compactly with its key order, as `jq -c` would for the values a double can hold, so two
 *   outputs that differ only in key order (which jq keeps and prints) still differ.
 */
import type { Json } from '../../src/model/json.js';

const NON_FINITE = /"(?:[^"\\]|\\.)*"|-?(?:nan|NaN|Infinity|infinity)/g;
/** Stands for a non-finite literal inside a JSON string while `JSON.parse` reads the rest. */
const MARK = '@jq-non-finite-number:';

/** Parses one JSON text as jq does, with jq's non-finite number literals. Throws a `SyntaxError` otherwise. */
export function parseJqJson(text: string): Json {
  const source = text.replace(/^\uFEFF/, '').replace(NON_FINITE, (token) => (token.startsWith('"') ? token : `"${MARK}${token}"`));
  return JSON.parse(source, (_key, value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith(MARK)) return value;
    const token = value.slice(MARK.length);
    if (/nan/i.test(token)) return Number.NaN;
    return token.startsWith('-') ? -Infinity : Infinity;
  }) as Json;
}

/** jq's `==`: kinds first, then numbers by value (NaN equals nothing), arrays in order, objects as key sets. */
export function jqEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jqEqual(item, b[index] as Json));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jqEqual(a[key] as Json, b[key] as Json));
}

/** jq prints NaN as `null` and infinities as the largest doubles; -0 as `-0`. */
function printable(value: number): number | null {
  if (Number.isNaN(value)) return null;
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  return value;
}

/** Compact text of a value in its key order (`JSON.stringify` with jq's non-finite numbers). */
export function jqText(value: Json): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' ? printable(item) : item));
}
