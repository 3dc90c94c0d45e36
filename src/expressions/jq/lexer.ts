/**
 * jq 1.7.1's lexer (`src/lexer.l`) as a function from source text to tokens. Like flex it takes the longest match
 * at each position, and keeps a stack of open brackets so that `)` closes a string interpolation `\(…)` only when
 * one is innermost; a closing bracket that matches nothing is an `INVALID_CHARACTER` token, as in jq. Lexical
 * problems (a bad escape) become `invalid` tokens carrying a reason: the parser reports whichever error comes first
 * in the text, as jq does.
 */

export type TokenKind =
  | 'ident' // `map`, `a::b` (module-qualified names lex as one identifier)
  | 'keyword' // `if`, `and`, `def`, …: `text` is the keyword
  | 'field' // `.foo`: `text` is `foo`
  | 'binding' // `$foo`: `text` is `foo`
  | 'location' // `$__loc__`
  | 'number' // `1`, `1.5`, `.5`, `1e3`: `number` is the value
  | 'format' // `@base64`: `text` is `base64`
  | 'punct' // operators and brackets: `text` is the symbol
  | 'stringStart' // `"`
  | 'stringText' // decoded text between `"`, `\(…)` and `"`
  | 'interpolationStart' // `\(`
  | 'interpolationEnd' // the `)` closing `\(`
  | 'stringEnd' // `"`
  | 'invalid' // jq's INVALID_CHARACTER, or a bad escape (`reason` says which)
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** UTF-16 offsets into the source: `start` inclusive, `end` exclusive. */
  readonly start: number;
  readonly end: number;
  /** The value of a `number` token. */
  readonly number?: number;
  /** Why an `invalid` token is invalid, when it is more than an unexpected character (`Invalid escape …`). */
  readonly reason?: string;
}

/** jq 1.7.1's keywords (`lexer.l`); `$__loc__` is a token of its own. `true`, `false`, `null`, `not` are names. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'as', 'def', 'module', 'import', 'include', 'if', 'then', 'else', 'elif', 'reduce', 'foreach', 'end', 'and', 'or',
  'try', 'catch', 'label', 'break',
]);

/** Operators longest first, so the first match is flex's longest match (`?//` before `?`, `//=` before `//`). */
const OPERATORS = [
  '?//', '//=', '!=', '==', '//', '|=', '+=', '-=', '*=', '/=', '%=', '<=', '>=', '..',
  '.', '?', '=', ';', ',', ':', '|', '+', '-', '*', '/', '%', '$', '<', '>',
] as const;

type Bracket = '(' | '[' | '{' | 'interpolation';
const CLOSING: Readonly<Record<string, Bracket>> = { ')': '(', ']': '[', '}': '{' };

/** The tokens of `source`, ending with one `end` token (also when a string or bracket is left open, as in jq). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // `string` marks being inside a string literal; the brackets are code contexts (`\(` opens `interpolation`).
  const stack: (Bracket | 'string')[] = [];
  let pos = 0;
  const push = (kind: TokenKind, text: string, start: number, extra?: Partial<Token>): void => {
    tokens.push({ kind, text, start, end: pos, ...extra });
  };

  while (pos < source.length) {
    if (stack.at(-1) === 'string') {
      pos = lexStringPart(source, pos, tokens, stack);
      continue;
    }
    const start = pos;
    const c = source[pos] ?? '';
    if (c === ' ' || c === '\n' || c === '\t') {
      pos++;
    } else if (c === '#') {
      // jq 1.7.1: a comment runs to the newline; a CR does not end it, a backslash does not continue it.
      while (pos < source.length && source[pos] !== '\n') pos++;
    } else if (c === '"') {
      pos++;
      stack.push('string');
      push('stringStart', '"', start);
    } else if (c === '.' && isIdentStart(source.charCodeAt(pos + 1))) {
      pos = scanSegment(source, pos + 1);
      push('field', source.slice(start + 1, pos), start);
    } else if (isDigit(source.charCodeAt(pos)) || (c === '.' && isDigit(source.charCodeAt(pos + 1)))) {
      pos = scanNumber(source, pos);
      const text = source.slice(start, pos);
      push('number', text, start, { number: Number(text) });
    } else if (isIdentStart(source.charCodeAt(pos))) {
      pos = scanName(source, pos);
      const text = source.slice(start, pos);
      push(KEYWORDS.has(text) ? 'keyword' : 'ident', text, start);
    } else if (c === '$' && isIdentStart(source.charCodeAt(pos + 1))) {
      pos = scanName(source, pos + 1);
      const text = source.slice(start + 1, pos);
      if (text === '__loc__') push('location', '$__loc__', start);
      else push('binding', text, start);
    } else if (c === '@' && isFormatChar(source.charCodeAt(pos + 1))) {
      pos++;
      while (isFormatChar(source.charCodeAt(pos))) pos++;
      push('format', source.slice(start + 1, pos), start);
    } else if (c === '(' || c === '[' || c === '{') {
      pos++;
      stack.push(c);
      push('punct', c, start);
    } else if (c === ')' || c === ']' || c === '}') {
      pos++;
      const top = stack.at(-1);
      if (top === CLOSING[c]) {
        stack.pop();
        push('punct', c, start);
      } else if (top === 'interpolation' && c === ')') {
        stack.pop();
        push('interpolationEnd', c, start);
      } else {
        push('invalid', c, start);
      }
    } else {
      const operator = OPERATORS.find((op) => source.startsWith(op, pos));
      if (operator !== undefined) {
        pos += operator.length;
        push('punct', operator, start);
      } else {
        pos += (source.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1;
        push('invalid', source.slice(start, pos), start);
      }
    }
  }
  tokens.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return tokens;
}

/**
 * One token inside a string literal: the closing quote, `\(`, or a run of text and escapes (decoded as JSON
 * escapes, as jq hands them to its JSON parser). Returns the new position.
 */
function lexStringPart(source: string, start: number, tokens: Token[], stack: (Bracket | 'string')[]): number {
  if (source[start] === '"') {
    stack.pop();
    tokens.push({ kind: 'stringEnd', text: '"', start, end: start + 1 });
    return start + 1;
  }
  if (source.startsWith('\\(', start)) {
    stack.push('interpolation');
    tokens.push({ kind: 'interpolationStart', text: '\\(', start, end: start + 2 });
    return start + 2;
  }
  let pos = start;
  let text = '';
  while (pos < source.length && source[pos] !== '"' && !source.startsWith('\\(', pos)) {
    if (source[pos] !== '\\') {
      const next = nextSpecial(source, pos);
      text += source.slice(pos, next);
      pos = next;
      continue;
    }
    const escapesEnd = scanEscapes(source, pos);
    if (escapesEnd === pos) {
      // A backslash ending the input: jq's `.` rule in a string makes it an INVALID_CHARACTER.
      flushText();
      tokens.push({ kind: 'invalid', text: '\\', start: pos, end: pos + 1 });
      return pos + 1;
    }
    const group = source.slice(pos, escapesEnd);
    const decoded = decodeEscapes(group);
    if (typeof decoded !== 'string') {
      flushText();
      const reason = `${decoded.error} at line 1, column ${group.length + 2} (while parsing '"${group}"')`;
      tokens.push({ kind: 'invalid', text: group, start: pos, end: escapesEnd, reason });
      return escapesEnd;
    }
    text += decoded;
    pos = escapesEnd;
  }
  flushText();
  return pos;

  function flushText(): void {
    if (pos > start) tokens.push({ kind: 'stringText', text, start, end: pos });
  }
}

function nextSpecial(source: string, pos: number): number {
  let next = pos;
  while (next < source.length && source[next] !== '"' && source[next] !== '\\') next++;
  return next;
}

/** jq's `(\\[^u(]|\\u[a-zA-Z0-9]{0,4})+`: a run of escapes, handed to the JSON parser as one piece. */
function scanEscapes(source: string, start: number): number {
  let pos = start;
  while (source[pos] === '\\' && pos + 1 < source.length) {
    const c = source[pos + 1];
    if (c === '(') break;
    if (c === 'u') {
      pos += 2;
      for (let n = 0; n < 4 && isAlphanumeric(source.charCodeAt(pos)); n++) pos++;
    } else {
      pos += 2;
    }
  }
  return pos;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

/** JSON escapes as jq's parser reads them; a lone low surrogate becomes U+FFFD, a lone high one is an error. */
function decodeEscapes(group: string): string | { error: string } {
  let out = '';
  let pos = 0;
  while (pos < group.length) {
    const c = group[pos + 1] ?? '';
    if (c !== 'u') {
      const simple = SIMPLE_ESCAPES[c];
      if (simple === undefined) return { error: 'Invalid escape' };
      out += simple;
      pos += 2;
      continue;
    }
    const unit = hex4(group, pos + 2);
    if (unit === undefined) return { error: 'Invalid \\uXXXX escape' };
    pos += 6;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = group[pos] === '\\' && group[pos + 1] === 'u' ? hex4(group, pos + 2) : undefined;
      if (low === undefined || low < 0xdc00 || low > 0xdfff) {
        return { error: 'Invalid \\uXXXX\\uXXXX surrogate pair escape' };
      }
      out += String.fromCharCode(unit, low);
      pos += 6;
    } else {
      out += unit >= 0xdc00 && unit <= 0xdfff ? '\ufffd' : String.fromCharCode(unit);
    }
  }
  return out;
}

function hex4(text: string, at: number): number | undefined {
  const digits = text.slice(at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(digits) ? Number.parseInt(digits, 16) : undefined;
}

/** `([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?` */
function scanNumber(source: string, start: number): number {
  let pos = start;
  while (isDigit(source.charCodeAt(pos))) pos++;
  if (source[pos] === '.') {
    pos++;
    while (isDigit(source.charCodeAt(pos))) pos++;
  }
  if (source[pos] === 'e' || source[pos] === 'E') {
    let exponent = pos + 1;
    if (source[exponent] === '+' || source[exponent] === '-') exponent++;
    if (isDigit(source.charCodeAt(exponent))) {
      pos = exponent;
      while (isDigit(source.charCodeAt(pos))) pos++;
    }
  }
  return pos;
}

/** `([a-zA-Z_][a-zA-Z_0-9]*::)*[a-zA-Z_][a-zA-Z_0-9]*` from `start` (an identifier start). */
function scanName(source: string, start: number): number {
  let pos = scanSegment(source, start);
  while (source.startsWith('::', pos) && isIdentStart(source.charCodeAt(pos + 2))) pos = scanSegment(source, pos + 2);
  return pos;
}

function scanSegment(source: string, start: number): number {
  let pos = start + 1;
  while (isIdentStart(source.charCodeAt(pos)) || isDigit(source.charCodeAt(pos))) pos++;
  return pos;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isIdentStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isAlphanumeric(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isFormatChar(code: number): boolean {
  return isAlphanumeric(code) || code === 95;
}

/** A token as bison names it in `syntax error, unexpected …`. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'ident': return 'IDENT';
    case 'field': return 'FIELD';
    case 'binding': return 'BINDING';
    case 'number': return 'LITERAL';
    case 'format': return 'FORMAT';
    case 'location': return '$__loc__';
    case 'keyword': return token.text;
    case 'punct': return token.text.length === 1 ? `'${token.text}'` : token.text;
    case 'stringStart': return 'QQSTRING_START';
    case 'stringText': return 'QQSTRING_TEXT';
    case 'interpolationStart': return 'QQSTRING_INTERP_START';
    case 'interpolationEnd': return 'QQSTRING_INTERP_END';
    case 'stringEnd': return 'QQSTRING_END';
    case 'invalid': return 'INVALID_CHARACTER';
    case 'end': return 'end of file';
  }
}
