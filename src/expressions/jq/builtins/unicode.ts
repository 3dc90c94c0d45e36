/**
 * jq measures strings in UTF-8 bytes and code points; JS strings are UTF-16. These convert between the two without
 * allocating when a string has no surrogate pairs (the common case).
 */

function hasSurrogates(text: string): boolean {
  return /[\ud800-\udfff]/.test(text);
}

/** Length in code points (jq's `length` on a string). */
export function codePointLength(text: string): number {
  if (!hasSurrogates(text)) return text.length;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) i++;
    }
    count++;
  }
  return count;
}

/** Code points start..end (end exclusive) of a string. */
export function codePointSlice(text: string, start: number, end: number): string {
  if (!hasSurrogates(text)) return text.slice(start, end);
  return Array.from(text).slice(start, end).join('');
}

/** UTF-8 length of one code point. */
export function utf8Width(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** Length in UTF-8 bytes (jq's `utf8bytelength`); a lone surrogate counts as U+FFFD would, 3 bytes. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * UTF-8 byte offset of each UTF-16 index: `offsets[i]` is the byte offset where code unit i starts (for the low
 * half of a pair, its pair's offset plus 2, never looked up in practice); `offsets[text.length]` is the total.
 */
export function utf8Offsets(text: string): number[] {
  const offsets = new Array<number>(text.length + 1);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    offsets[i] = bytes;
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00) bytes += 2;
    else if (unit >= 0xdc00 && unit < 0xe000) bytes += 2;
    else bytes += 3;
  }
  offsets[text.length] = bytes;
  return offsets;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** jq's `utf8_coding_length` for a lead byte: 1–4, 0 for a byte that never starts a sequence, -1 for a continuation. */
function jqCodingLength(byte: number): number {
  if (byte < 0x80) return 1;
  if (byte <= 0xbf) return -1;
  if (byte <= 0xc1) return 0;
  if (byte <= 0xdf) return 2;
  if (byte <= 0xef) return 3;
  if (byte <= 0xf4) return 4;
  return 0;
}

const FIRST_CODE_POINT = [0, 0, 0x80, 0x800, 0x10000];

/**
 * Bytes to a string as jq's `jv_string_sized` does it (`jvp_utf8_next`): every bad sequence becomes one U+FFFD,
 * with jq's idea of a sequence's extent, which is not the WHATWG decoder's: a sequence cut short by the end takes
 * all the remaining bytes, and an overlong or surrogate sequence is one replacement, not one per byte.
 */
export function decodeUtf8LikeJq(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    // Not valid UTF-8: replace the bad sequences one by one below.
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const first = bytes[i] as number;
    let length = jqCodingLength(first);
    let codePoint = -1;
    if (length === 1) {
      codePoint = first;
    } else if (length <= 0) {
      length = 1;
    } else if (i + length > bytes.length) {
      length = bytes.length - i;
    } else {
      codePoint = first & (0xff >> (length + 1));
      for (let j = 1; j < length; j++) {
        const byte = bytes[i + j] as number;
        if (jqCodingLength(byte) !== -1) {
          codePoint = -1;
          length = j;
          break;
        }
        codePoint = (codePoint << 6) | (byte & 0x3f);
      }
      if (codePoint < (FIRST_CODE_POINT[length] as number)) codePoint = -1;
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) codePoint = -1;
      if (codePoint > 0x10ffff) codePoint = -1;
    }
    out += String.fromCodePoint(codePoint === -1 ? 0xfffd : codePoint);
    i += length;
  }
  return out;
}
