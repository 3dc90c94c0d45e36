import type { Json } from '../../model/json.js';

/**
 * A database value as JSON, the same on every run and every machine (a recorded result must not depend on the
 * process's time zone or on how a driver happens to box a number):
 * - 64-bit integers (a `bigint`, or what a driver hands over as one) are JSON numbers when they fit a double exactly
 *   (|n| ≤ 2^53 − 1), their decimal string otherwise: `9007199254740993` → `"9007199254740993"`.
 * - non-finite floats become the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (JSON has no such numbers; `null`
 *   would lose them).
 * - a `Date` (an instant) becomes its ISO 8601 UTC text, `2025-01-01T00:00:00.000Z`; an invalid one `null`.
 * - bytes (`Buffer`, `Uint8Array`) become their base64 text.
 * - arrays and objects are converted member by member (a class instance by its own enumerable properties, or by
 *   its `toJSON()` when it has one); `undefined` becomes `null`.
 *
 * Example inputs: `12n` → `12`; `new Date(0)` → `"1970-01-01T00:00:00.000Z"`; `Buffer.from('hi')` → `"aGk="`.
 */
export function sqlValueToJson(value: unknown): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return bigintToJson(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
    case 'object':
      return objectToJson(value);
  }
}

/** A number when it is exact as a double, its decimal text when it is not. */
export function bigintToJson(value: bigint): Json {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

function objectToJson(value: object | null): Json {
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map((item) => sqlValueToJson(item));
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return sqlValueToJson((toJSON as () => unknown).call(value));
  const result: { [key: string]: Json } = {};
  // defineProperty, not assignment: a column named `__proto__` is data, not the result's prototype.
  for (const [key, member] of Object.entries(value)) {
    Object.defineProperty(result, key, { value: sqlValueToJson(member), enumerable: true, writable: true, configurable: true });
  }
  return result;
}
