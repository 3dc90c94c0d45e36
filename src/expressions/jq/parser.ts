import type {
  AssignOperator,
  BinaryOperator,
  FunctionDefinition,
  JqNode,
  JqPattern,
  ObjectEntry,
  ObjectPattern,
} from './ast.js';
import { constantKeyError } from './constant-key.js';
import type { Token } from './lexer.js';
import { TokenCursor } from './token-cursor.js';

/**
 * jq 1.7.1's grammar (`src/parser.y`) as a Pratt parser. `Exp` is `parseExpression`: a prefix form (a postfix
 * term, `-`, `def`, `reduce`, `foreach`, `if`, `try`, `label`, `TERM as PATTERNS | …`) followed by infix operators
 * from {@link INFIX}, and the postfix `?`. `Term` is `parseTerm`: what may take `.a`, `[…]` suffixes and stand
 * before `as`; `if … end.a` and `f?.a` do not parse, as in jq. Object values are jq's `ExpD` (`parseObjectValue`).
 */
export function parseJq(source: string): JqNode {
  return new Parser(source).parseProgram();
}

type Associativity = 'left' | 'right' | 'nonassoc';
type InfixKind = 'pipe' | 'comma' | 'alternative' | 'assign' | 'or' | 'and' | 'binary';

/** parser.y's precedence lines, lowest first: one `power` per line. */
const INFIX: Readonly<Record<string, { readonly power: number; readonly assoc: Associativity; readonly kind: InfixKind }>> = {
  '|': { power: 1, assoc: 'right', kind: 'pipe' },
  ',': { power: 2, assoc: 'left', kind: 'comma' },
  '//': { power: 3, assoc: 'right', kind: 'alternative' },
  '=': { power: 4, assoc: 'nonassoc', kind: 'assign' },
  '|=': { power: 4, assoc: 'nonassoc', kind: 'assign' },
  '+=': { power: 4, assoc: 'nonassoc', kind: 'assign' },
  '-=': { power: 4, assoc: 'nonassoc', kind: 'assign' },
  '*=': { power: 4, assoc: 'nonassoc', kind: 'assign' },
  '/=': { power: 4, assoc: 'nonassoc', kind: 'assign' },
  '%=': { power: 4, assoc: 'nonassoc', kind: 'assign' },
  '//=': { power: 4, assoc: 'nonassoc', kind: 'assign' },
  or: { power: 5, assoc: 'left', kind: 'or' },
  and: { power: 6, assoc: 'left', kind: 'and' },
  '==': { power: 7, assoc: 'nonassoc', kind: 'binary' },
  '!=': { power: 7, assoc: 'nonassoc', kind: 'binary' },
  '<': { power: 7, assoc: 'nonassoc', kind: 'binary' },
  '<=': { power: 7, assoc: 'nonassoc', kind: 'binary' },
  '>': { power: 7, assoc: 'nonassoc', kind: 'binary' },
  '>=': { power: 7, assoc: 'nonassoc', kind: 'binary' },
  '+': { power: 8, assoc: 'left', kind: 'binary' },
  '-': { power: 8, assoc: 'left', kind: 'binary' },
  '*': { power: 9, assoc: 'left', kind: 'binary' },
  '/': { power: 9, assoc: 'left', kind: 'binary' },
  '%': { power: 9, assoc: 'left', kind: 'binary' },
};
/** `'-' Exp` takes the precedence of binary `-`: `-1 + 2` is `(-1) + 2`, `-1 * 2` is `-(1 * 2)`. */
const NEGATE_POWER = 8;
/** `Exp '?'` binds tighter than every infix operator; `try` and `catch` tighter still (their bodies stop before it). */
const OPTIONAL_POWER = 10;

class Parser extends TokenCursor {
  parseProgram(): JqNode {
    const first = this.peek();
    if (first.kind === 'keyword' && (first.text === 'module' || first.text === 'import' || first.text === 'include')) {
      throw this.error(`jq modules are not supported ('${first.text}')`, first.start);
    }
    // jq: TopLevel is `Exp` or only `FuncDefs`; a program of definitions alone has nothing to run.
    const definitions = this.parseDefinitions();
    if (this.peek().kind === 'end') throw this.error('Top-level program not given (try ".")', 0);
    const body = this.parseExpression(0);
    this.expectEnd();
    if (definitions.length === 0) return body;
    return { kind: 'functionDefinitions', at: first.start, definitions, body };
  }

  private parseExpression(minPower: number): JqNode {
    let left = this.parsePrefix();
    let nonassocPower: number | undefined;
    for (;;) {
      const token = this.peek();
      if (this.isPunct(token, '?')) {
        if (OPTIONAL_POWER <= minPower) break;
        this.next();
        left = { kind: 'try', at: left.at, body: left, handler: undefined };
        continue;
      }
      const infix = token.kind === 'punct' || token.kind === 'keyword' ? INFIX[token.text] : undefined;
      if (infix === undefined || infix.power <= minPower) break;
      if (nonassocPower === infix.power) throw this.unexpected(token);
      this.next();
      const right = this.parseExpression(infix.assoc === 'right' ? infix.power - 1 : infix.power);
      left = makeInfix(infix.kind, token.text, left, right);
      nonassocPower = infix.assoc === 'nonassoc' ? infix.power : undefined;
    }
    return left;
  }

  private parsePrefix(): JqNode {
    const token = this.peek();
    if (this.isPunct(token, '-')) {
      this.next();
      return { kind: 'negate', at: token.start, body: this.parseExpression(NEGATE_POWER) };
    }
    if (token.kind === 'keyword') {
      switch (token.text) {
        case 'def': {
          const definitions = this.parseDefinitions();
          return { kind: 'functionDefinitions', at: token.start, definitions, body: this.parseExpression(0) };
        }
        case 'reduce':
        case 'foreach':
          return this.parseFold(token);
        case 'if':
          return this.parseIf(token);
        case 'try': {
          this.next();
          const body = this.parseExpression(OPTIONAL_POWER);
          if (!this.acceptKeyword('catch')) return { kind: 'try', at: token.start, body, handler: undefined };
          return { kind: 'try', at: token.start, body, handler: this.parseExpression(OPTIONAL_POWER) };
        }
        case 'label': {
          this.next();
          const name = this.expectKind('binding').text;
          this.expectPunct('|');
          return { kind: 'label', at: token.start, name, body: this.parseExpression(0) };
        }
        default:
          break;
      }
    }
    const term = this.parseTerm();
    if (!this.acceptKeyword('as')) return term;
    const patterns = this.parsePatterns();
    this.expectPunct('|');
    return { kind: 'bind', at: term.at, source: term, patterns, body: this.parseExpression(0) };
  }

  /** Zero or more `def name(params): body;` in a row. */
  private parseDefinitions(): FunctionDefinition[] {
    const definitions: FunctionDefinition[] = [];
    for (let token = this.peek(); token.kind === 'keyword' && token.text === 'def'; token = this.peek()) {
      this.next();
      const name = this.expectKind('ident').text;
      const params: { name: string; isValue: boolean }[] = [];
      if (this.acceptPunct('(')) {
        do {
          const param = this.next();
          if (param.kind !== 'ident' && param.kind !== 'binding') throw this.unexpected(param);
          params.push({ name: param.text, isValue: param.kind === 'binding' });
        } while (this.acceptPunct(';'));
        this.expectPunct(')');
      }
      this.expectPunct(':');
      const body = this.parseExpression(0);
      this.expectPunct(';');
      definitions.push({ at: token.start, name, params, body });
    }
    return definitions;
  }

  /** `reduce TERM as PATTERNS (INIT; UPDATE)`, `foreach TERM as PATTERNS (INIT; UPDATE[; EXTRACT])` */
  private parseFold(keyword: Token): JqNode {
    this.next();
    const source = this.parseTerm();
    this.expectKeyword('as');
    const patterns = this.parsePatterns();
    this.expectPunct('(');
    const init = this.parseExpression(0);
    this.expectPunct(';');
    const update = this.parseExpression(0);
    if (keyword.text === 'reduce') {
      this.expectPunct(')');
      return { kind: 'reduce', at: keyword.start, source, patterns, init, update };
    }
    const extract = this.acceptPunct(';') ? this.parseExpression(0) : undefined;
    this.expectPunct(')');
    return { kind: 'foreach', at: keyword.start, source, patterns, init, update, extract };
  }

  /** `if C then T (elif C then T)* (else E)? end`: jq nests `elif`; one node lists the branches. */
  private parseIf(keyword: Token): JqNode {
    this.next();
    const branches: { condition: JqNode; then: JqNode }[] = [];
    let otherwise: JqNode | undefined;
    do {
      const condition = this.parseExpression(0);
      this.expectKeyword('then');
      branches.push({ condition, then: this.parseExpression(0) });
    } while (this.acceptKeyword('elif'));
    if (this.acceptKeyword('else')) otherwise = this.parseExpression(0);
    this.expectKeyword('end');
    return { kind: 'if', at: keyword.start, branches, otherwise };
  }

  /** jq's `Term`: a primary and its `.name`, `."name"`, `[…]`, `.[…]` suffixes, each optionally followed by `?`. */
  private parseTerm(): JqNode {
    let term = this.parsePrimary();
    for (;;) {
      const token = this.peek();
      if (token.kind === 'field') {
        this.next();
        term = this.index(term, { kind: 'literal', at: token.start + 1, value: token.text });
      } else if (this.isPunct(token, '.')) {
        this.next();
        if (this.isPunct(this.peek(), '[')) {
          term = this.parseBrackets(term, false);
        } else {
          term = this.index(term, this.parseString());
        }
      } else if (this.isPunct(token, '[')) {
        term = this.parseBrackets(term, true);
      } else {
        return term;
      }
    }
  }

  private parsePrimary(): JqNode {
    const token = this.peek();
    switch (token.kind) {
      case 'field':
        this.next();
        return this.index({ kind: 'identity', at: token.start }, { kind: 'literal', at: token.start + 1, value: token.text });
      case 'number':
        this.next();
        return { kind: 'literal', at: token.start, value: token.number ?? 0 };
      case 'stringStart':
        return this.parseString();
      case 'format':
        if (this.peek(1).kind === 'stringStart') return this.parseString();
        this.next();
        return { kind: 'format', at: token.start, name: token.text };
      case 'binding':
        this.next();
        return { kind: 'variable', at: token.start, name: token.text };
      case 'location':
        this.next();
        return { kind: 'location', at: token.start, line: this.position(token.start).line };
      case 'ident':
        return this.parseCall();
      case 'keyword':
        if (token.text !== 'break') break;
        this.next();
        return { kind: 'break', at: token.start, name: this.expectKind('binding').text };
      case 'punct':
        return this.parsePunctPrimary(token);
      default:
        break;
    }
    throw this.unexpected(token);
  }

  private parsePunctPrimary(token: Token): JqNode {
    this.next();
    switch (token.text) {
      case '.': {
        const next = this.peek();
        const isString = next.kind === 'stringStart' || (next.kind === 'format' && this.peek(1).kind === 'stringStart');
        const identity: JqNode = { kind: 'identity', at: token.start };
        return isString ? this.index(identity, this.parseString()) : identity;
      }
      case '..':
        return { kind: 'recurseDefault', at: token.start };
      case '(': {
        const body = this.parseExpression(0);
        this.expectPunct(')');
        return body;
      }
      case '[': {
        if (this.acceptPunct(']')) return { kind: 'array', at: token.start, body: undefined };
        const body = this.parseExpression(0);
        this.expectPunct(']');
        return { kind: 'array', at: token.start, body };
      }
      case '{':
        return this.parseObject(token);
      default:
        throw this.unexpected(token);
    }
  }

  /** `name`, `name(a; b)`; `true`, `false`, `null` are literals only without arguments, as in jq. */
  private parseCall(): JqNode {
    const token = this.next();
    if (!this.acceptPunct('(')) {
      if (token.text === 'true' || token.text === 'false') return { kind: 'literal', at: token.start, value: token.text === 'true' };
      if (token.text === 'null') return { kind: 'literal', at: token.start, value: null };
      return { kind: 'call', at: token.start, name: token.text, args: [] };
    }
    const args: JqNode[] = [];
    do args.push(this.parseExpression(0));
    while (this.acceptPunct(';'));
    this.expectPunct(')');
    return { kind: 'call', at: token.start, name: token.text, args };
  }

  /**
   * `T[]`, `T[K]`, `T[F:]`, `T[:U]`, `T[F:U]` (slices only without a dot before `[`, as in jq), each with an
   * optional `?`.
   */
  private parseBrackets(target: JqNode, allowSlice: boolean): JqNode {
    const open = this.expectPunct('[');
    if (this.acceptPunct(']')) {
      if (!this.acceptPunct('?')) return { kind: 'iterate', at: target.at, target };
      return this.optionalAccess(target, [], () => ({ kind: 'iterate', at: open.start, target: identityAt(open) }));
    }
    let from: JqNode | undefined;
    if (!(allowSlice && this.acceptPunct(':'))) {
      from = this.parseExpression(0);
      if (!(allowSlice && this.acceptPunct(':'))) {
        this.expectPunct(']');
        return this.index(target, from);
      }
    }
    const to = from !== undefined && this.acceptPunct(']') ? undefined : this.parseSliceEnd();
    if (!this.acceptPunct('?')) return { kind: 'slice', at: target.at, target, from, to };
    return this.optionalAccess(target, [from, to], ([f, t]) => ({
      kind: 'slice', at: open.start, target: identityAt(open), from: f, to: t,
    }));
  }

  private parseSliceEnd(): JqNode {
    const to = this.parseExpression(0);
    this.expectPunct(']');
    return to;
  }

  /** `T[K]`, or with a following `?` the optional index. */
  private index(target: JqNode, key: JqNode): JqNode {
    if (!this.acceptPunct('?')) return { kind: 'index', at: target.at, target, key };
    return this.optionalAccess(target, [key], ([k]) => ({
      kind: 'index', at: key.at, target: { kind: 'identity', at: key.at }, key: k ?? key,
    }));
  }

  /**
   * jq's INDEX_OPT and EACH_OPT make only the access itself optional: `"x" | .a.b?` still fails on `.a`, and an
   * error in the key (`.[error]?`) is not caught either. So `T[K]?` is `T | try .[K]`, with a key that reads the
   * input or may fail bound first (`K as $k | T | try .[$k]`; `*key0` cannot clash with a user's name).
   */
  private optionalAccess(
    target: JqNode,
    keys: readonly (JqNode | undefined)[],
    build: (keys: readonly (JqNode | undefined)[]) => JqNode,
  ): JqNode {
    const bound: { name: string; source: JqNode }[] = [];
    const plainKeys = keys.map((key, position): JqNode | undefined => {
      if (key === undefined || isPlainKey(key)) return key;
      const name = `*key${position}`;
      bound.push({ name, source: key });
      return { kind: 'variable', at: key.at, name };
    });
    const at = target.at;
    let node: JqNode = { kind: 'try', at, body: build(plainKeys), handler: undefined };
    if (target.kind !== 'identity') node = { kind: 'pipe', at, left: target, right: node };
    for (const { name, source } of bound.reverse()) {
      node = { kind: 'bind', at, source, patterns: [{ kind: 'variable', name }], body: node };
    }
    return node;
  }

  /** A string literal, `@format "…"` included: a literal without interpolation, else a `string` node. */
  private parseString(): JqNode {
    const first = this.peek();
    const format = first.kind === 'format' ? this.next().text : undefined;
    this.expectKind('stringStart');
    const parts: (string | JqNode)[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === 'stringEnd') break;
      if (token.kind === 'stringText') {
        const last = parts.at(-1);
        if (typeof last === 'string') parts[parts.length - 1] = last + token.text;
        else parts.push(token.text);
      } else if (token.kind === 'interpolationStart') {
        parts.push(this.parseExpression(0));
        this.expectKind('interpolationEnd');
      } else {
        throw this.unexpected(token);
      }
    }
    if (parts.every((part) => typeof part === 'string')) return { kind: 'literal', at: first.start, value: parts.join('') };
    return { kind: 'string', at: first.start, format, parts };
  }

  /** `{…}`: jq's MkDict, with the shorthands desugared as `ast.ts` describes; a trailing comma is allowed. */
  private parseObject(open: Token): JqNode {
    const entries: ObjectEntry[] = [];
    while (!this.acceptPunct('}')) {
      entries.push(this.parseObjectEntry());
      if (!this.acceptPunct(',')) {
        this.expectPunct('}');
        break;
      }
    }
    return { kind: 'object', at: open.start, entries };
  }

  private parseObjectEntry(): ObjectEntry {
    const token = this.peek();
    if (token.kind === 'ident' || token.kind === 'keyword') {
      this.next();
      const key: JqNode = { kind: 'literal', at: token.start, value: token.text };
      if (this.acceptPunct(':')) return { key, value: this.parseObjectValue() };
      return { key, value: { kind: 'index', at: token.start, target: { kind: 'identity', at: token.start }, key } };
    }
    if (token.kind === 'binding') {
      this.next();
      const variable: JqNode = { kind: 'variable', at: token.start, name: token.text };
      if (this.acceptPunct(':')) return { key: variable, value: this.parseObjectValue() };
      return { key: { kind: 'literal', at: token.start, value: token.text }, value: variable };
    }
    if (token.kind === 'location') {
      this.next();
      const value: JqNode = { kind: 'location', at: token.start, line: this.position(token.start).line };
      return { key: { kind: 'literal', at: token.start, value: '__loc__' }, value };
    }
    if (token.kind === 'stringStart' || token.kind === 'format') {
      const key = this.parseString();
      if (this.acceptPunct(':')) return { key, value: this.parseObjectValue() };
      // One node for both sides: jq evaluates such a key once (`{"\(1,2)"}` gives two objects, not four).
      return { key, value: { kind: 'index', at: key.at, target: { kind: 'identity', at: key.at }, key } };
    }
    if (this.isPunct(token, '(')) {
      const key = this.parseParenthesizedKey();
      this.expectPunct(':');
      return { key, value: this.parseObjectValue() };
    }
    throw this.unexpected(token);
  }

  /** `(E)` as an object key or pattern key; a constant that is not a string fails here, as in jq. */
  private parseParenthesizedKey(): JqNode {
    const open = this.expectPunct('(');
    const key = this.parseExpression(0);
    this.expectPunct(')');
    const reason = constantKeyError(key);
    if (reason !== undefined) throw this.error(reason, open.start);
    return key;
  }

  /** jq's `ExpD: ExpD '|' ExpD | '-' ExpD | Term`: `{a: 1 + 2}` does not parse, `{a: .b | -.}` does. */
  private parseObjectValue(): JqNode {
    const token = this.peek();
    const left: JqNode = this.acceptPunct('-')
      ? { kind: 'negate', at: token.start, body: this.parseObjectValueOperand() }
      : this.parseTerm();
    if (!this.acceptPunct('|')) return left;
    return { kind: 'pipe', at: left.at, left, right: this.parseObjectValue() };
  }

  private parseObjectValueOperand(): JqNode {
    const token = this.peek();
    if (!this.acceptPunct('-')) return this.parseTerm();
    return { kind: 'negate', at: token.start, body: this.parseObjectValueOperand() };
  }

  /** `P1 ?// P2 ?// …` */
  private parsePatterns(): JqPattern[] {
    const patterns = [this.parsePattern()];
    while (this.acceptPunct('?//')) patterns.push(this.parsePattern());
    return patterns;
  }

  private parsePattern(): JqPattern {
    const token = this.next();
    if (token.kind === 'binding') return { kind: 'variable', name: token.text };
    if (this.isPunct(token, '[')) {
      const elements = [this.parsePattern()];
      while (this.acceptPunct(',')) elements.push(this.parsePattern());
      this.expectPunct(']');
      return { kind: 'array', elements };
    }
    if (this.isPunct(token, '{')) {
      const entries: ObjectPattern['entries'][number][] = [];
      do entries.push(this.parseObjectPatternEntry());
      while (this.acceptPunct(','));
      this.expectPunct('}');
      return { kind: 'object', entries };
    }
    throw this.unexpected(token);
  }

  /** `$b`, `$b: P`, `name: P`, `"str": P`, `(E): P` */
  private parseObjectPatternEntry(): ObjectPattern['entries'][number] {
    const token = this.peek();
    if (token.kind === 'binding') {
      this.next();
      const key: JqNode = { kind: 'literal', at: token.start, value: token.text };
      const value = this.acceptPunct(':') ? this.parsePattern() : undefined;
      return { key, variable: token.text, value };
    }
    let key: JqNode;
    if (token.kind === 'ident' || token.kind === 'keyword') {
      this.next();
      key = { kind: 'literal', at: token.start, value: token.text };
    } else if (token.kind === 'stringStart' || token.kind === 'format') {
      key = this.parseString();
    } else if (this.isPunct(token, '(')) {
      key = this.parseParenthesizedKey();
    } else {
      throw this.unexpected(token);
    }
    this.expectPunct(':');
    return { key, variable: undefined, value: this.parsePattern() };
  }
}

function identityAt(token: Token): JqNode {
  return { kind: 'identity', at: token.start };
}

function makeInfix(kind: InfixKind, operator: string, left: JqNode, right: JqNode): JqNode {
  const at = left.at;
  switch (kind) {
    case 'pipe':
    case 'comma':
    case 'alternative':
    case 'or':
    case 'and':
      return { kind, at, left, right };
    case 'assign':
      return { kind: 'assign', at, operator: operator as AssignOperator, left, right };
    case 'binary':
      return { kind: 'binary', at, operator: operator as BinaryOperator, left, right };
  }
}

/** A key that neither reads the input nor can fail, so `T[K]?` needs no binding for it. */
function isPlainKey(key: JqNode): boolean {
  if (key.kind === 'literal' || key.kind === 'variable' || key.kind === 'location') return true;
  return key.kind === 'negate' && key.body.kind === 'literal' && typeof key.body.value === 'number';
}
