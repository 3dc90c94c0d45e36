import type { Json, JsonObject } from '../../../model/json.js';
import { utf8Width } from './unicode.js';

const DBL_MAX = Number.MAX_VALUE;

/**
 * A double as jq 1.7.1 prints it (jvp_dtoa_fmt in src/jv_dtoa.c, David Gay's g_fmt): the shortest digits that
 * read back to the same double; plain notation unless the decimal exponent is below -4 or more than 15 places past
 * the last digit, else `d.ddde±XX` with at least two exponent digits. NaN prints as `null`, infinities as ±DBL_MAX
 * (jv_dump_term clamps them), `-0` as `-0`. So `1e17` (computed, not a literal jq kept) prints `1e+17`, `1e-5`
 * prints `1e-05`, `3.0` prints `3`.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'null';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  let x = value;
  if (x > DBL_MAX) x = DBL_MAX;
  else if (x < -DBL_MAX) x = -DBL_MAX;
  if (Number.isSafeInteger(x) && Math.abs(x) < 1e16) return String(x);
  const negative = x < 0;
  // toExponential() without an argument gives the shortest round-trip digits, as dtoa mode 0 does.
  const exponential = Math.abs(x).toExponential();
  const eAt = exponential.indexOf('e');
  const digits = exponential.slice(0, eAt).replace('.', '');
  const decpt = Number(exponential.slice(eAt + 1)) + 1;
  let text: string;
  if (decpt <= -4 || decpt > digits.length + 15) {
    const exponent = decpt - 1;
    const magnitude = Math.abs(exponent);
    text =
      digits.slice(0, 1) +
      (digits.length > 1 ? `.${digits.slice(1)}` : '') +
      (exponent < 0 ? 'e-' : 'e+') +
      (magnitude < 10 ? `0${magnitude}` : String(magnitude));
  } else if (decpt <= 0) {
    text = `0.${'0'.repeat(-decpt)}${digits}`;
  } else if (decpt >= digits.length) {
    text = digits + '0'.repeat(decpt - digits.length);
  } else {
    text = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  return negative ? `-${text}` : text;
}

/**
 * A string as a JSON string literal the way jq writes it (jvp_dump_string): `\"`, `\\`, `\b \f \n \r \t`, other
 * controls and U+007F as lowercase `\u00XX`, everything else (`/` and non-ASCII included) as it is.
 */
export function quoteString(value: string): string {
  const quoted = JSON.stringify(value);
  return quoted.includes('\u007f') ? quoted.replace(/\u007f/g, '\\u007f') : quoted;
}

/** jq's compact output and `tojson` (jv_dump_string with no flags): no spaces, object keys in their own order. */
export function toJsonText(value: Json): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
      return objectText(value);
  }
}

function objectText(value: JsonObject): string {
  let text = '{';
  let first = true;
  for (const key of Object.keys(value)) {
    if (!first) text += ',';
    first = false;
    text += `${quoteString(key)}:${toJsonText(value[key] as Json)}`;
  }
  return `${text}}`;
}

/**
 * The dump jq puts inside error messages (jv_dump_string_trunc into a 15-byte buffer): the compact JSON text if it
 * fits in 14 bytes, else its first 11 bytes and `...`. A character cut in the middle becomes U+FFFD, as jq's
 * jv_string_fmt repairs the broken UTF-8. `bufferSize` is the C buffer's size, for the few messages that use
 * another (30 in `Invalid path expression`).
 */
export function valueForMessage(value: Json, bufferSize = 15): string {
  const text = toJsonText(value);
  const maxBytes = bufferSize - 1;
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  for (const char of text) bytes += utf8Width(char.codePointAt(0) as number);
  if (bytes <= maxBytes) return text;
  const keepBytes = bufferSize - 4;
  let kept = '';
  let used = 0;
  for (const char of text) {
    const size = utf8Width(char.codePointAt(0) as number);
    if (used + size > keepBytes) {
      if (used < keepBytes) kept += '\ufffd';
      break;
    }
    kept += char;
    used += size;
  }
  return `${kept}...`;
}
