import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { parseJsonText } from './json-parse.js';
import { toJsonText } from './json-text.js';
import type { NativeFunctionTable } from './native-function.js';
import { splitString } from './string-split.js';
import { typeError } from './type-error.js';
import { codePointLength, utf8ByteLength, utf8Offsets } from './unicode.js';
import { isJsonObjectValue } from './values.js';

/**
 * String builtins jq 1.7.1 implements in C (src/builtin.c), plus `ascii_downcase`/`ascii_upcase`, which jq writes
 * in jq over explode/implode (same results and errors, without the round trip).
 */

function startsWith(input: Json, prefix: Json): boolean {
  if (typeof input !== 'string' || typeof prefix !== 'string') {
    throw new JqError('startswith() requires string inputs');
  }
  return input.startsWith(prefix);
}

function endsWith(input: Json, suffix: Json): boolean {
  if (typeof input !== 'string' || typeof suffix !== 'string') {
    throw new JqError('endswith() requires string inputs');
  }
  return input.endsWith(suffix);
}

function explode(input: Json): Json {
  if (typeof input !== 'string') throw new JqError('explode input must be a string');
  const codePoints: Json[] = [];
  for (const char of input) codePoints.push(char.codePointAt(0) as number);
  return codePoints;
}

/** jq 1.7.1: codepoints truncated; out of range or a surrogate becomes U+FFFD; a non-number or NaN is an error. */
function implode(input: Json): Json {
  if (!Array.isArray(input)) throw new JqError('implode input must be an array');
  let out = '';
  for (const element of input) {
    if (typeof element !== 'number' || Number.isNaN(element)) {
      throw typeError(element, "can't be imploded, unicode codepoint needs to be numeric");
    }
    const codePoint = Math.trunc(element);
    const valid = codePoint >= 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
    out += String.fromCodePoint(valid ? codePoint : 0xfffd);
  }
  return out;
}

/**
 * `_strindices` (jv_string_indexes, what `indices/index/rindex` use on strings): every start of `needle`,
 * overlapping ones included, as UTF-8 BYTE offsets, as jq 1.7.1 reports them (1.8 switched to code points).
 */
function stringIndices(input: Json, needle: Json): Json {
  if (typeof input !== 'string' || typeof needle !== 'string') {
    // jq asserts here (builtin.jq only calls it with two strings); a catchable error is kinder.
    throw new JqError('_strindices/1 requires string inputs');
  }
  const found: Json[] = [];
  if (needle.length === 0) return found;
  let offsets: number[] | undefined;
  for (let at = input.indexOf(needle); at !== -1; at = input.indexOf(needle, at + 1)) {
    offsets ??= utf8Offsets(input);
    found.push(offsets[at] as number);
  }
  return found;
}

function mapAscii(input: Json, from: number, to: number, delta: number): Json {
  if (typeof input !== 'string') throw new JqError('explode input must be a string');
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    out += code >= from && code <= to ? String.fromCharCode(code + delta) : input[i];
  }
  return out;
}

function tonumber(input: Json): Json {
  if (typeof input === 'number') return input;
  if (typeof input === 'string') {
    const parsed = parseJsonText(input); // a syntax error surfaces as jq's parse message
    if (typeof parsed === 'number') return parsed;
  }
  throw typeError(input, 'cannot be parsed as a number');
}

/** `length`: arrays, objects (keys), strings (code points), numbers (absolute value), null (0). */
export function lengthOf(input: Json): Json {
  if (typeof input === 'string') return codePointLength(input);
  if (Array.isArray(input)) return input.length;
  if (isJsonObjectValue(input)) return Object.keys(input).length;
  if (typeof input === 'number') return Math.abs(input);
  if (input === null) return 0;
  throw typeError(input, 'has no length');
}

/** `tostring`: a string as it is, anything else as its JSON text. */
export function toStringValue(input: Json): string {
  return typeof input === 'string' ? input : toJsonText(input);
}

export const stringFunctions: NativeFunctionTable = {
  'startswith/1': startsWith,
  'endswith/1': endsWith,
  // jq returns the input unchanged whenever startswith/endswith is not true, errors included.
  'ltrimstr/1': (input, prefix) =>
    typeof input === 'string' && typeof prefix === 'string' && input.startsWith(prefix)
      ? input.slice(prefix.length)
      : input,
  'rtrimstr/1': (input, suffix) =>
    typeof input === 'string' && typeof suffix === 'string' && input.endsWith(suffix)
      ? input.slice(0, input.length - suffix.length)
      : input,
  'split/1': (input, separator) => {
    if (typeof input !== 'string' || typeof separator !== 'string') {
      throw new JqError('split input and separator must be strings');
    }
    return splitString(input, separator);
  },
  'explode/0': explode,
  'implode/0': implode,
  '_strindices/1': stringIndices,
  'ascii_downcase/0': (input) => mapAscii(input, 65, 90, 32),
  'ascii_upcase/0': (input) => mapAscii(input, 97, 122, -32),
  'tostring/0': toStringValue,
  'tonumber/0': tonumber,
  'utf8bytelength/0': (input) => {
    if (typeof input !== 'string') throw typeError(input, 'only strings have UTF-8 byte length');
    return utf8ByteLength(input);
  },
  'length/0': lengthOf,
  'tojson/0': (input) => toJsonText(input),
  'fromjson/0': (input) => {
    if (typeof input !== 'string') throw typeError(input, 'only strings can be parsed');
    return parseJsonText(input);
  },
};
