import type { Json, JsonObject } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { setKey } from './values.js';

/**
 * jq 1.7.1's JSON reader (src/jv_parse.c), for `fromjson`, `tonumber` and anyone reading JSON text the way jq does:
 * the same accepted literals (`nan`, `NaN`, `Infinity`, a NaN with a payload, `+1`, `.5`, `01`: jq hands number
 * tokens to decNumber), the same 256-slot nesting limit, and the same messages with jq's line and column (counted in
 * bytes, column reset after a newline). Differences: numbers become doubles at once, so a literal's original text
 * (`1.000`, `100000000000000000`) is not kept.
 */

const MAX_PARSING_DEPTH = 256;

/** A syntax error with jq's `… at line L, column C` text (without the `(while parsing …)` suffix). */
export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';
}

const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_PATTERN = /^([+-]?)(?:(inf|infinity)|s?nan\d*)$/i;

/** decNumberFromString's grammar, as jq 1.7.1 reads a number token (`Infinity`, `nan123` included). */
function parseNumberToken(token: string): number | undefined {
  if (NUMBER_PATTERN.test(token)) return Number(token);
  const special = SPECIAL_PATTERN.exec(token);
  if (special === null) return undefined;
  if (special[2] === undefined) return Number.NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

type Container = { kind: 'array'; value: Json[] } | { kind: 'object'; value: JsonObject } | { kind: 'key'; key: string };

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const STRUCTURE = new Set(['[', ',', ']', '{', ':', '}']);
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', b: '\b', f: '\f', t: '\t', n: '\n', r: '\r' };

function hex4(text: string, at: number): number | undefined {
  const digits = text.slice(at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(digits) ? Number.parseInt(digits, 16) : undefined;
}

/** found_string: the escapes of a string token's body; an error message on bad input. */
function decodeString(body: string): string | { error: string } {
  let out = '';
  for (let i = 0; i < body.length; ) {
    const char = body[i] as string;
    if (char !== '\\') {
      const code = char.charCodeAt(0);
      if (code > 0 && code <= 0x1f) {
        return { error: 'Invalid string: control characters from U+0000 through U+001F must be escaped' };
      }
      out += char;
      i++;
      continue;
    }
    if (i + 1 >= body.length) return { error: 'Expected escape character at end of string' };
    const escape = body[i + 1] as string;
    i += 2;
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    if (escape !== 'u') return { error: 'Invalid escape' };
    if (i + 4 > body.length) return { error: 'Invalid \\uXXXX escape' };
    let codePoint = hex4(body, i);
    if (codePoint === undefined) return { error: 'Invalid characters in \\uXXXX escape' };
    i += 4;
    if (codePoint >= 0xd800 && codePoint <= 0xdbff) {
      const low = body[i] === '\\' && body[i + 1] === 'u' ? hex4(body, i + 2) : undefined;
      if (low === undefined || low < 0xdc00 || low > 0xdfff) {
        return { error: 'Invalid \\uXXXX\\uXXXX surrogate pair escape' };
      }
      codePoint = 0x10000 + (((codePoint - 0xd800) << 10) | (low - 0xdc00));
      i += 6;
    } else if (codePoint >= 0xdc00 && codePoint <= 0xdfff) {
      codePoint = 0xfffd; // a lone low surrogate is invalid UTF-8 to jq, which stores U+FFFD
    }
    out += String.fromCodePoint(codePoint);
  }
  return out;
}

/** The reader's state between characters, as jv_parser keeps it. */
class Reader {
  private readonly stack: Container[] = [];
  private next: Json | undefined;
  private token = '';
  line = 1;
  column = 0;

  private fail(message: string): never {
    throw new JsonTextError(`${message} at line ${this.line}, column ${this.column}`);
  }

  private value(value: Json): void {
    if (this.next !== undefined) this.fail('Expected separator between values');
    this.next = value;
  }

  /** check_literal: the pending number / true / false / null token, if any. */
  private literal(): string | undefined {
    if (this.token === '') return undefined;
    const token = this.token;
    let pattern: string | undefined;
    let value: Json = null;
    if (token[0] === 't') [pattern, value] = ['true', true];
    else if (token[0] === 'f') [pattern, value] = ['false', false];
    else if (token[0] === "'") return "Invalid string literal; expected \", but got '";
    else if (token[0] === 'n' && token[1] === 'u') [pattern, value] = ['null', null];
    if (pattern !== undefined) {
      if (token !== pattern) return 'Invalid literal';
    } else {
      const number = parseNumberToken(token);
      if (number === undefined) return 'Invalid numeric literal';
      value = number;
    }
    this.value(value);
    this.token = '';
    return undefined;
  }

  private flushLiteral(): void {
    const message = this.literal();
    if (message !== undefined) this.fail(message);
  }

  private structure(char: string): void {
    const top = this.stack[this.stack.length - 1];
    switch (char) {
      case '[':
      case '{':
        if (this.stack.length >= MAX_PARSING_DEPTH) this.fail('Exceeds depth limit for parsing');
        if (this.next !== undefined) this.fail('Expected separator between values');
        this.stack.push(char === '[' ? { kind: 'array', value: [] } : { kind: 'object', value: {} });
        return;
      case ':':
        if (top === undefined || top.kind !== 'object') this.fail("':' not as part of an object");
        if (typeof this.next !== 'string') this.fail('Object keys must be strings');
        this.stack.push({ kind: 'key', key: this.next });
        this.next = undefined;
        return;
      case ',':
        if (this.next === undefined) this.fail("Expected value before ','");
        if (top === undefined) this.fail("',' not as part of an object or array");
        if (top.kind === 'array') {
          top.value.push(this.next);
        } else if (top.kind === 'key') {
          this.setMember(top.key, this.next);
        } else {
          this.fail('Objects must consist of key:value pairs');
        }
        this.next = undefined;
        return;
      case ']':
        if (top === undefined || top.kind !== 'array') this.fail("Unmatched ']'");
        if (this.next !== undefined) top.value.push(this.next);
        else if (top.value.length !== 0) this.fail('Expected another array element');
        this.stack.pop();
        this.next = top.value;
        return;
      default: {
        if (top === undefined) this.fail("Unmatched '}'");
        if (this.next !== undefined) {
          if (top.kind !== 'key') this.fail('Objects must consist of key:value pairs');
          this.setMember(top.key, this.next);
        } else {
          if (top.kind !== 'object') this.fail("Unmatched '}'");
          if (Object.keys(top.value).length !== 0) this.fail('Expected another key-value pair');
        }
        const object = this.stack.pop() as Container & { kind: 'object' };
        this.next = object.value;
      }
    }
  }

  private setMember(key: string, value: Json): void {
    this.stack.pop();
    const object = this.stack[this.stack.length - 1] as Container & { kind: 'object' };
    setKey(object.value, key, value);
  }

  private advance(char: string): void {
    if (char === '\n') {
      this.line++;
      this.column = 0;
    } else {
      const code = char.codePointAt(0) as number;
      this.column += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    }
  }

  private done(): Json | undefined {
    if (this.stack.length === 0 && this.next !== undefined) {
      const value = this.next;
      this.next = undefined;
      return value;
    }
    return undefined;
  }

  /** Reads every value of a text, as jq reads a stream of JSON texts. */
  *values(text: string): Generator<Json> {
    let i = 0;
    while (i < text.length) {
      const char = String.fromCodePoint(text.codePointAt(i) as number);
      i += char.length;
      this.advance(char);
      const isStructure = STRUCTURE.has(char);
      if (char === '"' || isStructure || WHITESPACE.has(char)) {
        this.flushLiteral();
        const value = this.done();
        if (value !== undefined) yield value;
      } else {
        this.token += char;
        continue;
      }
      if (isStructure) {
        this.structure(char);
      } else if (char === '"') {
        i = this.readString(text, i);
      }
      const value = this.done();
      if (value !== undefined) yield value;
    }
    const message = this.literal();
    if (message !== undefined) this.fail(`${message} at EOF`);
    if (this.stack.length !== 0) this.fail('Unfinished JSON term at EOF');
    const last = this.done();
    if (last !== undefined) yield last;
  }

  /** A string token from just after its opening quote; returns the index after the closing quote. */
  private readString(text: string, from: number): number {
    let i = from;
    while (i < text.length) {
      const char = String.fromCodePoint(text.codePointAt(i) as number);
      i += char.length;
      this.advance(char);
      if (char === '\\') {
        if (i < text.length) {
          const escaped = String.fromCodePoint(text.codePointAt(i) as number);
          i += escaped.length;
          this.advance(escaped);
        }
      } else if (char === '"') {
        const decoded = decodeString(text.slice(from, i - 1));
        if (typeof decoded !== 'string') this.fail(decoded.error);
        this.value(decoded);
        return i;
      }
    }
    this.fail('Unfinished string at EOF');
  }
}

function withSource(message: string, text: string): JqError {
  return new JqError(`${message} (while parsing '${text}')`);
}

/**
 * jv_parse_sized: exactly one JSON value, else jq's error as a `JqError`: `Unexpected extra JSON values (while
 * parsing '1 2')`, `Expected JSON value (while parsing '')`, `Invalid numeric literal at EOF at line 1, column 3
 * (while parsing 'abc')`.
 */
export function parseJsonText(text: string): Json {
  // jv_parser_set_buf strips a UTF-8 BOM (EF BB BF); any other text whose first byte is EF (a first character in
  // U+F000–U+FFFF) is a malformed BOM to jq.
  const first = text.charCodeAt(0);
  if (first >= 0xf000 && first !== 0xfeff) throw withSource('Malformed BOM', text);
  const values = new Reader().values(first === 0xfeff ? text.slice(1) : text);
  try {
    const first = values.next();
    if (first.done === true) throw withSource('Expected JSON value', text);
    const second = values.next();
    if (second.done !== true) throw withSource('Unexpected extra JSON values', text);
    return first.value;
  } catch (error) {
    if (error instanceof JsonTextError) throw withSource(error.message, text);
    throw error;
  }
}

/**
 * Every JSON value in a text (jq reading its input stream), in order. A syntax error throws `JsonTextError` with
 * jq's message, after the values before it have been yielded.
 */
export function* parseJsonValues(text: string): Generator<Json> {
  yield* new Reader().values(text);
}
