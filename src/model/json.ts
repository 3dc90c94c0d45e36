/** A JSON value as `JSON.parse` returns it: the only shape workflow data, history payloads and events take. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as text: a string as it is, anything else as JSON (never `[object Object]`). */
export function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

/**
 * Where `value` stops being JSON as `JSON.parse` gives it (undefined, a function, a symbol, a bigint, a non-finite
 * number, a sparse array's hole, a class instance such as a Date): the JSON pointer of the first such part and what
 * it is; undefined when all of it is JSON.
 */
export function findNonJson(value: unknown, pointer = ''): { readonly pointer: string; readonly found: string } | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { pointer, found: `the number ${String(value)}` };
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index += 1) {
          if (!(index in value)) return { pointer: `${pointer}/${index}`, found: 'a hole' };
          const found = findNonJson(value[index], `${pointer}/${index}`);
          if (found !== undefined) return found;
        }
        return undefined;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) {
        return { pointer, found: `an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'a class'}` };
      }
      for (const [key, item] of Object.entries(value)) {
        const found = findNonJson(item, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    default:
      return { pointer, found: typeof value === 'undefined' ? 'undefined' : `a ${typeof value}` };
  }
}
