import type { Json } from './json.js';

/**
 * A value that RFC 8785 cannot serialise reached {@link canonicalJson}: `undefined`, a function, a non-finite
 * number, a lone UTF-16 surrogate (not I-JSON, RFC 7493 §2.1) or a non-plain object such as a `Date`.
 */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(
    /** JSON pointer of the offending value (`""` is the root). */
    readonly pointer: string,
    readonly found: string,
  ) {
    super(
      `cannot canonicalise ${pointer === '' ? 'the value' : `the value at ${pointer}`}: expected JSON ` +
        `(null, boolean, finite number, string, array or plain object), found ${found}`,
    );
  }
}

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): object members sorted by the UTF-16 code units of their names,
 * numbers in ECMAScript `Number.prototype.toString` form, strings with JSON's minimal escaping, no whitespace.
 * For hashing only (definition ids, the history hash chain): stored payloads keep their original key order.
 * Throws {@link CanonicalJsonError} on a value JSON cannot carry.
 */
export function canonicalJson(value: Json): string {
  try {
    return serialize(value);
  } catch (error) {
    if (error !== NOT_JSON) throw error;
  }
  // Rare: walk again keeping JSON pointers, to name the offending value (the fast walk builds none).
  write(value, '', []);
  throw new Error('unreachable: canonicalJson found a value it cannot serialise, then none');
}

/** Thrown by the fast walk (one instance: no stack to capture per throw); never escapes `canonicalJson`. */
const NOT_JSON = new Error('not JSON');

/** The hot path (every history event is hashed through it): no pointers, no intermediate arrays. */
function serialize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      return JSON.stringify(value);
    case 'string':
      if (!isWellFormed(value)) throw NOT_JSON;
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let index = 0; index < value.length; index += 1) out += (index > 0 ? ',' : '') + serialize(value[index]);
        return `${out}]`;
      }
      if (!isPlainObject(value)) throw NOT_JSON;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (let index = 0; index < keys.length; index += 1) {
        const key = keys[index] as string;
        if (!isWellFormed(key)) throw NOT_JSON;
        out += `${index > 0 ? ',' : ''}${JSON.stringify(key)}:${serialize(record[key])}`;
      }
      return `${out}}`;
    }
    default:
      throw NOT_JSON;
  }
}

/** No lone UTF-16 surrogate (I-JSON). `String.prototype.isWellFormed` is in Node 20, not yet in TypeScript's ES2023 lib. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function write(value: unknown, pointer: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      // JSON.stringify of a finite number is ECMAScript's Number::toString, which RFC 8785 §3.2.2.3 adopts
      // (including -0 -> "0").
      if (!Number.isFinite(value)) throw new CanonicalJsonError(pointer, String(value));
      out.push(JSON.stringify(value));
      return;
    case 'string':
      out.push(quote(value, pointer));
      return;
    case 'object':
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item: unknown, index) => {
          if (index > 0) out.push(',');
          write(item, `${pointer}/${index}`, out);
        });
        out.push(']');
        return;
      }
      if (!isPlainObject(value)) throw new CanonicalJsonError(pointer, Object.prototype.toString.call(value));
      writeObject(value as Record<string, unknown>, pointer, out);
      return;
    default:
      throw new CanonicalJsonError(pointer, typeof value);
  }
}

function writeObject(value: Record<string, unknown>, pointer: string, out: string[]): void {
  // The default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3's order.
  const keys = Object.keys(value).sort();
  out.push('{');
  keys.forEach((key, index) => {
    const child = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (index > 0) out.push(',');
    out.push(quote(key, child), ':');
    write(value[key], child, out);
  });
  out.push('}');
}

/** JSON.stringify escapes exactly what RFC 8785 §3.2.2.2 asks (", \, control characters) and nothing else. */
function quote(text: string, pointer: string): string {
  if (!isWellFormed(text)) throw new CanonicalJsonError(pointer, 'a string with a lone UTF-16 surrogate');
  return JSON.stringify(text);
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
