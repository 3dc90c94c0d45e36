import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { toJsonText } from './json-text.js';
import type { NativeFunctionTable } from './native-function.js';
import { toStringValue } from './strings.js';
import { typeError } from './type-error.js';
import { decodeUtf8LikeJq } from './unicode.js';

/**
 * jq's `format/1` and `@name` strings (f_format in src/builtin.c, jq 1.7.1). Strings are handled as UTF-8 bytes
 * where jq does so (`@uri`, `@base64`). `@base32`/`@base32d` are RFC 4648 here, as issue 4 asks, although jq 1.7.1
 * itself answers `base32 is not a valid format` (it never shipped them in C); see the README's differences.
 */

const encoder = new TextEncoder();

function csvLike(input: Json, name: 'csv' | 'tsv'): string {
  if (!Array.isArray(input)) {
    throw typeError(input, `cannot be ${name}-formatted, only array`);
  }
  return input
    .map((element) => {
      if (element === null) return '';
      if (typeof element === 'boolean') return element ? 'true' : 'false';
      if (typeof element === 'number') return Number.isNaN(element) ? '' : toJsonText(element);
      if (typeof element === 'string') {
        return name === 'csv'
          ? `"${element.replace(/["\0]/g, (char) => (char === '"' ? '""' : '\\0'))}"`
          : element.replace(/[\t\r\n\\\0]/g, (char) => TSV_ESCAPES[char] as string);
      }
      throw typeError(element, 'is not valid in a csv row');
    })
    .join(name === 'csv' ? ',' : '\t');
}

// jq's escape_string also turns NUL into `\0` in every escaping format (csv, tsv, html, sh).
const TSV_ESCAPES: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n', '\\': '\\\\', '\0': '\\0' };
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;', '\0': '\\0',
};

function html(input: Json): string {
  return toStringValue(input).replace(/[&<>'"\0]/g, (char) => HTML_ESCAPES[char] as string);
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

function uri(input: Json): string {
  let out = '';
  for (const char of toStringValue(input)) {
    if (UNRESERVED.test(char)) {
      out += char;
    } else {
      for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

function shell(input: Json): string {
  const values = Array.isArray(input) ? input : [input];
  return values
    .map((value) => {
      if (typeof value === 'string') {
        return `'${value.replace(/['\0]/g, (char) => (char === "'" ? "'\\''" : '\\0'))}'`;
      }
      if (value === null || typeof value === 'boolean' || typeof value === 'number') return toJsonText(value);
      throw typeError(value, 'can not be escaped for shell');
    })
    .join(' ');
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES = new Map([...BASE64_ALPHABET].map((char, index) => [char.charCodeAt(0), index]));

function base64(input: Json): string {
  const bytes = encoder.encode(toStringValue(input));
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = Math.min(3, bytes.length - i);
    const code = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    for (let j = 0; j < 4; j++) out += j <= n ? BASE64_ALPHABET[(code >> (18 - j * 6)) & 0x3f] : '=';
  }
  return out;
}

/**
 * jq's base64 decoder: reads up to the first `=`, rejects any other non-alphabet byte (whitespace included), and
 * rejects a lone trailing character; padding is optional. Bytes that are not UTF-8 become U+FFFD.
 */
function base64Decode(input: Json): string {
  const text = toStringValue(input);
  const data = encoder.encode(text);
  const out: number[] = [];
  let code = 0;
  let count = 0;
  for (const byte of data) {
    if (byte === 0x3d) break;
    const value = BASE64_VALUES.get(byte);
    if (value === undefined) throw typeError(text, 'is not valid base64 data');
    code = (code << 6) | value;
    count++;
    if (count === 4) {
      out.push((code >> 16) & 0xff, (code >> 8) & 0xff, code & 0xff);
      code = 0;
      count = 0;
    }
  }
  if (count === 3) out.push((code >> 10) & 0xff, (code >> 2) & 0xff);
  else if (count === 2) out.push((code >> 4) & 0xff);
  else if (count === 1) throw typeError(text, 'trailing base64 byte found');
  return decodeUtf8LikeJq(new Uint8Array(out));
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE32_VALUES = new Map([...BASE32_ALPHABET].map((char, index) => [char.charCodeAt(0), index]));

function base32(input: Json): string {
  const bytes = encoder.encode(toStringValue(input));
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const n = Math.min(5, bytes.length - i);
    let code = 0n;
    for (let j = 0; j < 5; j++) code = (code << 8n) | BigInt(j < n ? (bytes[i + j] as number) : 0);
    const chars = Math.ceil((n * 8) / 5);
    for (let j = 0; j < 8; j++) {
      out += j < chars ? BASE32_ALPHABET[Number((code >> BigInt(35 - j * 5)) & 31n)] : '=';
    }
  }
  return out;
}

function base32Decode(input: Json): string {
  const text = toStringValue(input);
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d) break;
    const digit = BASE32_VALUES.get(code);
    if (digit === undefined) throw typeError(text, 'is not valid base32 data');
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return decodeUtf8LikeJq(new Uint8Array(out));
}

const FORMATS: Record<string, (input: Json) => string> = {
  text: toStringValue,
  json: (input) => toJsonText(input),
  csv: (input) => csvLike(input, 'csv'),
  tsv: (input) => csvLike(input, 'tsv'),
  html,
  uri,
  sh: shell,
  base64,
  base64d: base64Decode,
  base32,
  base32d: base32Decode,
};

/**
 * `@name`: formats a value; what the compiler calls for `@base64`, and for each `\(…)` of `@sh "…\(x)"`. An unknown
 * name is jq's `X is not a valid format`.
 */
export function applyFormat(name: string, value: Json): string {
  const format = Object.prototype.hasOwnProperty.call(FORMATS, name) ? FORMATS[name] : undefined;
  if (format === undefined) throw new JqError(`${name} is not a valid format`);
  return format(value);
}

export const formatFunctions: NativeFunctionTable = {
  'format/1': (input, name) => {
    if (typeof name !== 'string') throw typeError(name, 'is not a valid format');
    return applyFormat(name, input);
  },
};
