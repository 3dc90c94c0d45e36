import { type Json, isJsonObject } from '../model/json.js';
import { ProblemError, problem } from '../model/problems.js';

/**
 * URI templates in `call: http` / `openapi` endpoints (DSL 1.0.3 "Endpoint": "the URI template is expanded with the
 * top-level properties of the task's input"), e.g. `https://petstore.swagger.io/v2/pet/findByStatus?status={status}`.
 *
 * RFC 6570: level 1 simple expansion `{name}` is what the spec needs; levels 2–4 come along for scalar values because
 * they are cheap: the operators `+ # . / ; ? &`, several variables per expression (`{x,y}`), the prefix modifier
 * `{name:3}` and the explode modifier `{name*}` (a no-op on a scalar).
 * - Variables are the input's top-level properties; a missing one, or null, is undefined and expands to nothing
 *   (`{petId}` → `""`). A non-object input has no properties, so every variable is undefined.
 * - Strings are used as they are, numbers and booleans as their JSON text (`{petId}` with 42 → `42`).
 * - An object or array value (RFC 6570 lists and associative arrays) is not supported and, like a malformed
 *   template, raises an `expression` problem (status 400) naming `instance`, the task reference.
 * - Literal text outside `{ }` is copied; a character not allowed anywhere in a URI (a space) is percent-encoded.
 */
export function expandUriTemplate(template: string, input: Json, instance: string): string {
  let result = '';
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf('{', position);
    const close = template.indexOf('}', position);
    if (close !== -1 && (open === -1 || close < open)) {
      throw uriProblem(template, `unmatched '}' at offset ${close}`, instance);
    }
    if (open === -1) {
      result += encodeLiteral(template.slice(position));
      break;
    }
    result += encodeLiteral(template.slice(position, open));
    if (close === -1) throw uriProblem(template, `'{' at offset ${open} is never closed`, instance);
    const nested = template.indexOf('{', open + 1);
    if (nested !== -1 && nested < close) {
      throw uriProblem(template, `'{' at offset ${nested} opens inside another expression`, instance);
    }
    result += expandExpression(template.slice(open + 1, close), input, template, instance);
    position = close + 1;
  }
  return result;
}

interface Operator {
  readonly first: string;
  readonly separator: string;
  /** `;`, `?`, `&` write `name=value`. */
  readonly named: boolean;
  /** What follows the name when the value is empty: `?x=` but `;x`. */
  readonly ifEmpty: string;
  /** `+` and `#` keep reserved characters and existing `%XX` triplets. */
  readonly allowReserved: boolean;
}

const SIMPLE: Operator = { first: '', separator: ',', named: false, ifEmpty: '', allowReserved: false };
/** RFC 6570 Appendix A. */
const OPERATORS: Readonly<Record<string, Operator>> = {
  '+': { first: '', separator: ',', named: false, ifEmpty: '', allowReserved: true },
  '#': { first: '#', separator: ',', named: false, ifEmpty: '', allowReserved: true },
  '.': { first: '.', separator: '.', named: false, ifEmpty: '', allowReserved: false },
  '/': { first: '/', separator: '/', named: false, ifEmpty: '', allowReserved: false },
  ';': { first: ';', separator: ';', named: true, ifEmpty: '', allowReserved: false },
  '?': { first: '?', separator: '&', named: true, ifEmpty: '=', allowReserved: false },
  '&': { first: '&', separator: '&', named: true, ifEmpty: '=', allowReserved: false },
};
/** RFC 6570 §2.2: reserved for future extensions, so an error rather than a variable name. */
const RESERVED_OPERATORS = new Set(['=', ',', '!', '@', '|']);
const VARCHAR = '(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})';
/** RFC 6570 §2.3 `varspec`: a name (dots only between characters), then `:1`…`:9999` or `*`. */
const VARIABLE_SPEC = new RegExp(`^(${VARCHAR}(?:\\.?${VARCHAR})*)(?::([1-9][0-9]{0,3})|(\\*))?$`);

function expandExpression(expression: string, input: Json, template: string, instance: string): string {
  if (expression === '') throw uriProblem(template, 'an empty expression {}', instance);
  const head = expression[0] ?? '';
  if (RESERVED_OPERATORS.has(head)) {
    throw uriProblem(template, `the operator '${head}' in {${expression}} is reserved by RFC 6570`, instance);
  }
  const operator = OPERATORS[head];
  const list = operator === undefined ? expression : expression.slice(1);
  const op = operator ?? SIMPLE;
  const parts: string[] = [];
  for (const spec of list.split(',')) {
    const match = VARIABLE_SPEC.exec(spec);
    if (match === null) {
      throw uriProblem(
        template,
        `expected a variable name (letters, digits, '_', '.', %XX) with an optional ':length' or '*', ` +
          `found '${spec}' in {${expression}}`,
        instance,
      );
    }
    const name = match[1] ?? '';
    const value = variableValue(input, decodeName(name));
    if (value === undefined) continue;
    if (typeof value === 'object') {
      throw uriProblem(
        template,
        `the variable '${name}' must be a string, number or boolean to expand, ` +
          `found ${Array.isArray(value) ? 'an array' : 'an object'}`,
        instance,
      );
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const prefixed = match[2] === undefined ? text : Array.from(text).slice(0, Number(match[2])).join('');
    const encoded = encode(prefixed, op.allowReserved);
    if (!op.named) parts.push(encoded);
    else parts.push(encoded === '' ? `${name}${op.ifEmpty}` : `${name}=${encoded}`);
  }
  return parts.length === 0 ? '' : op.first + parts.join(op.separator);
}

/** A top-level property of the input; null counts as undefined (RFC 6570 §2.3). */
function variableValue(input: Json, name: string): Json | undefined {
  if (!isJsonObject(input) || !Object.hasOwn(input, name)) return undefined;
  const value = input[name];
  return value === null ? undefined : value;
}

/** `{caf%C3%A9}` names the property `café`; a triplet that is not UTF-8 is kept as written. */
function decodeName(name: string): string {
  if (!name.includes('%')) return name;
  try {
    return decodeURIComponent(name);
  } catch {
    return name; // a URIError: `%FF` alone is not UTF-8, so the name can only be meant literally
  }
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;
const UTF8 = new TextEncoder();

/** Percent-encodes all but unreserved characters (and, for `+`/`#`, reserved ones and existing `%XX` triplets). */
function encode(text: string, allowReserved: boolean): string {
  let result = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (UNRESERVED.test(char) || (allowReserved && RESERVED.test(char))) {
      result += char;
    } else if (allowReserved && char === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      result += text.slice(index, index + 3);
      index += 2;
    } else {
      const codePoint = text.codePointAt(index) ?? 0;
      const whole = String.fromCodePoint(codePoint);
      // A lone surrogate is encoded as U+FFFD by TextEncoder rather than throwing, as encodeURIComponent would.
      const character = codePoint > 0xffff ? whole : char;
      for (const byte of UTF8.encode(character)) result += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      index += character.length - 1;
    }
  }
  return result;
}

/** RFC 6570 §3.1: literal characters allowed in a URI are copied, others are percent-encoded. */
function encodeLiteral(text: string): string {
  return encode(text, true);
}

function uriProblem(template: string, reason: string, instance: string): ProblemError {
  return new ProblemError(
    problem('expression', { detail: `URI template ${JSON.stringify(template)}: ${reason}`, instance }),
  );
}
