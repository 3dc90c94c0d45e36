/**
 * Random jq programs and JSON inputs for the differential test (our jq against jq-web, jq's C code), from a seed:
 * the same seed gives the same cases on every machine, so a failing seed reproduces anywhere.
 *
 * The programs cover the grammar (paths, `?`, slices, pipes, comma, `//`, arithmetic and comparisons over mixed
 * types, `if`, `try`, `reduce`, `foreach`, `def` with filter and `$` parameters, `as` destructuring with `?//`,
 * `label`, object and array construction, string interpolation and formats, update-assignment) and the common
 * builtins. Left out, because the two engines cannot agree on them by design: `env`, `$ENV`, `now`, `input(s)`,
 * libm functions other than the exact ones, number literals whose text jq 1.7 keeps (`1.0`, big integers), and
 * integer-like object keys (JavaScript objects order them first). jq-web's snapshot predates some of jq 1.7.1's
 * definitions, where jq's own tests are the authority: it lacks `@base32`, `leaf_paths` and 1.7.1's `abs`, its
 * `from_entries` rejects non-string keys, and its `paths(f)` runs `f` on the root too; so those appear only in
 * shapes where both definitions agree (`from_entries` after `to_entries` of an object, `paths(f)` with a total `f`).
 * Every program terminates on every input: loops run only under `limit`, on literal bounds, or to a fixed point
 * that small inputs reach.
 */
import type { Json } from '../../src/model/json.js';

/** mulberry32: a tiny, fast 32-bit PRNG; good enough to spread cases, and the same in every JavaScript engine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface GeneratedCase {
  readonly program: string;
  /** Inputs to run the program on, each on its own. */
  readonly inputs: readonly Json[];
}

/** Binding strength of what a generated expression ends with, loosest first: an operand looser than its slot gets parentheses. */
const enum Level {
  Pipe = 1,
  Comma,
  Alternative,
  Assign,
  Or,
  And,
  Compare,
  Add,
  Multiply,
  /** `(e)?`, `reduce`, `if`: closed units as operands, but not terms (no `as`, postfix or object value after them). */
  Postfix,
  Term,
}

interface Expr {
  readonly text: string;
  readonly level: Level;
}

interface Scope {
  readonly variables: readonly string[];
  /** User functions in scope: name and parameter list (`f` a filter, `$v` a value). */
  readonly functions: readonly { readonly name: string; readonly params: readonly string[] }[];
  readonly labels: readonly string[];
}

const KEYS = ['a', 'b', 'c', 'n', 'name', 'items', 'x', 'B', 'é', 'ｱ', '😀', 'a b', ''] as const;
const COMMON_KEYS = ['a', 'b', 'c', 'n', 'name', 'items'] as const;
const STRINGS = ['', 'a', 'abc', 'a,b', 'x y', 'A-b', 'é', 'ｱ', '😀x', 'a\tb', '"q"', '<&>', 'b,a,,c', '1', '[1,2]', 'ab ab'] as const;
/** Numbers whose shortest text is how jq 1.7 would print the literal too (no `1.0`, no exponents). */
const NUMBERS = [0, 1, 2, 3, -1, 10, 2.5, 0.5, -3, 100, 7, 1.25, -0.75, 42] as const;
const REGEXES = ['a', '[ab]', 'a+', '^a', 'b$', '(?<x>[a-z])', '\\\\s', '[0-9]+', '.', 'a|b', '(a)(x)?', ',', ''] as const;
const REGEX_FLAGS = ['g', 'i', 'gi', 'x'] as const;
const FORMATS = ['@text', '@json', '@html', '@uri', '@csv', '@tsv', '@sh', '@base64', '@base64d'] as const;
const DATES = ['0', '86400', '1425599507', '951782400', '-86400'] as const;

const NULLARY = [
  'length', 'utf8bytelength', 'keys', 'keys_unsorted', 'values', 'add', 'any', 'all', 'flatten', 'sort', 'unique', 'min',
  'max', 'reverse', 'tostring', 'tojson', 'type', 'not', 'to_entries', '(objects | to_entries | from_entries)', 'floor', 'ceil', 'round',
  'fabs', 'sqrt', 'ascii_downcase', 'ascii_upcase', 'explode', 'implode', 'tonumber', 'fromjson', 'first', 'last',
  'arrays', 'objects', 'iterables', 'booleans', 'numbers', 'strings', 'nulls', 'scalars', 'isnan', 'isinfinite',
  'isnormal', 'transpose', 'error', 'recurse', 'tostream', 'infinite', 'nan', 'null', 'empty', 'combinations',
  'getpath(["a","b"])', 'paths', 'gmtime', 'todate', 'fromdate', 'mktime', '@text', '@json', '@csv', '@tsv', '@html',
  '@uri', '@sh', '@base64', '@base64d', 'ltrimstr("a")', 'rtrimstr("b")', 'startswith("a")', 'endswith("c")',
  'has("a")', 'has(0)', 'splits(", ")',
] as const;

export class ProgramGenerator {
  readonly #random: () => number;
  #names = 0;

  constructor(seed: number) {
    this.#random = mulberry32(seed);
  }

  /** One program and one to three inputs. */
  next(): GeneratedCase {
    this.#names = 0;
    const program = this.#expr(this.#int(2, 4), { variables: [], functions: [], labels: [] }).text;
    const inputs = Array.from({ length: this.#int(1, 3) }, () => this.#input());
    return { program, inputs };
  }

  /** Mostly an object with the keys programs ask for (so paths reach values), sometimes any value. */
  #input(): Json {
    if (this.#chance(0.3)) return this.json(3);
    const object: Record<string, Json> = {};
    for (let count = this.#int(2, 5); count > 0; count -= 1) object[this.#pick(COMMON_KEYS)] = this.json(2);
    return object;
  }

  /** A random JSON value, at most `depth` containers deep, biased towards the keys programs ask for. */
  json(depth: number): Json {
    const kind = this.#int(0, depth <= 0 ? 4 : 7);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.#chance(0.5);
      case 2:
        return this.#pick(NUMBERS);
      case 3:
      case 4:
        return this.#pick(STRINGS);
      case 5:
      case 6: {
        const object: Record<string, Json> = {};
        for (let count = this.#int(0, 4); count > 0; count -= 1) {
          object[this.#chance(0.8) ? this.#pick(COMMON_KEYS) : this.#pick(KEYS)] = this.json(depth - 1);
        }
        return object;
      }
      default:
        return Array.from({ length: this.#int(0, 4) }, () => this.json(depth - 1));
    }
  }

  #next(): number {
    return this.#random();
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  #chance(probability: number): boolean {
    return this.#next() < probability;
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#next() * items.length)] as T;
  }

  #name(prefix: string): string {
    this.#names += 1;
    return `${prefix}${this.#names}`;
  }

  /** `expr` in a slot that needs at least `level`: parenthesised when it binds looser. */
  #at(expr: Expr, level: Level): string {
    return expr.level >= level ? expr.text : `(${expr.text})`;
  }

  /** A term that a postfix (`.a`, `[0]`) can follow: `1.a` would lex as a number, so literals get parentheses. */
  #base(expr: Expr): string {
    const text = this.#at(expr, Level.Term);
    return /^[-\d]/.test(text) ? `(${text})` : text;
  }

  #term(text: string): Expr {
    return { text, level: Level.Term };
  }

  #literal(): string {
    // A negative literal is `-` applied to a term in jq's grammar, so it is parenthesised where a term must stand.
    if (this.#chance(0.5)) return ((n) => (n < 0 ? `(${n})` : String(n)))(this.#pick(NUMBERS));
    if (this.#chance(0.7)) return JSON.stringify(this.#pick(STRINGS));
    return this.#pick(['true', 'false', 'null', '[]', '{}', '[1,"a",null]', '{"a":1,"b":[2]}']);
  }

  #key(): string {
    return this.#chance(0.85) ? this.#pick(COMMON_KEYS) : this.#pick(KEYS);
  }

  /** `.a`, `."a b"`, `.["é"]`: a key access in one of jq's spellings. */
  #field(key: string): string {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && this.#chance(0.7)) return `.${key}`;
    return this.#chance(0.5) ? `.${JSON.stringify(key)}` : `.[${JSON.stringify(key)}]`;
  }

  /** A path expression: what `path`, `del`, `|=`, `paths` and friends accept. */
  #path(depth: number, scope: Scope): Expr {
    const steps: string[] = [];
    for (let count = this.#int(1, 3); count > 0; count -= 1) {
      const choice = this.#int(0, 9);
      if (choice <= 3) steps.push(this.#field(this.#key()));
      else if (choice <= 5) steps.push(`.[${this.#int(-2, 3)}]`);
      else if (choice === 6) steps.push(this.#chance(0.5) ? '.[]' : '.[]?');
      else if (choice === 7) steps.push(`.[${this.#pick(['1:', ':2', '1:3', '-2:'])}]`);
      else if (choice === 8) steps.push(`${this.#field(this.#key())}?`);
      else steps.push(depth > 0 ? `select(${this.#expr(depth - 1, scope).text})` : 'first(.[]?)');
    }
    if (this.#chance(0.1)) return this.#term(this.#pick(['..', 'empty', 'getpath(["a",0])', 'recurse', '(if .a then .a else .b end)']));
    return { text: steps.join(' | '), level: steps.length === 1 ? Level.Term : Level.Pipe };
  }

  #atom(scope: Scope): Expr {
    const choice = this.#int(0, 19);
    if (choice <= 2) return this.#term('.');
    if (choice <= 6) return this.#term(this.#field(this.#key()));
    if (choice === 7) return this.#term(`.[${this.#int(-2, 3)}]${this.#chance(0.6) ? '?' : ''}`);
    if (choice <= 10) return this.#term(this.#literal());
    if (choice <= 12 && scope.variables.length > 0) return this.#term(`$${this.#pick(scope.variables)}`);
    if (choice === 13 && scope.functions.length > 0) {
      const nullary = scope.functions.filter((fn) => fn.params.length === 0);
      if (nullary.length > 0) return this.#term(this.#pick(nullary).name);
    }
    if (choice === 14 && scope.labels.length > 0) return this.#term(`break $${this.#pick(scope.labels)}`);
    if (choice === 15) return this.#term(this.#pick(['..', '$__loc__', '[.[]?]', '.[]?', 'empty', '(.a, .b)']));
    return this.#term(this.#pick(NULLARY));
  }

  #expr(depth: number, scope: Scope): Expr {
    if (depth <= 0) return this.#atom(scope);
    const d = depth - 1;
    const sub = (): Expr => this.#expr(d, scope);
    const choice = this.#int(0, 41);
    switch (choice) {
      case 0:
      case 1:
        return { text: `${this.#at(sub(), Level.Comma)} | ${this.#at(sub(), Level.Pipe)}`, level: Level.Pipe };
      case 2:
        return { text: `${this.#at(sub(), Level.Comma)}, ${this.#at(sub(), Level.Alternative)}`, level: Level.Comma };
      case 3:
        return { text: `${this.#at(sub(), Level.Assign)} // ${this.#at(sub(), Level.Alternative)}`, level: Level.Alternative };
      case 4:
      case 5:
        return this.#binary(this.#pick(['+', '-']), Level.Add, sub(), sub());
      case 6:
        return this.#binary(this.#pick(['*', '/', '%']), Level.Multiply, sub(), sub());
      case 7:
        return this.#binary(this.#pick(['==', '!=', '<', '<=', '>', '>=']), Level.Compare, sub(), sub(), true);
      case 8:
        return this.#binary(this.#pick(['and', 'or']), this.#chance(0.5) ? Level.And : Level.Or, sub(), sub());
      case 9: {
        const elif = this.#chance(0.3) ? ` elif ${sub().text} then ${sub().text}` : '';
        const otherwise = this.#chance(0.8) ? ` else ${sub().text}` : '';
        return { text: `if ${sub().text} then ${sub().text}${elif}${otherwise} end`, level: Level.Postfix };
      }
      case 10:
        if (this.#chance(0.3)) return { text: `try ${this.#at(sub(), Level.Term)}`, level: Level.Pipe };
        return { text: `try ${this.#at(sub(), Level.Term)} catch ${this.#at(sub(), Level.Term)}`, level: Level.Pipe };
      case 11:
        return { text: `${this.#at(sub(), Level.Term)}?`, level: Level.Postfix };
      case 12:
        return this.#reduce(d, scope);
      case 13:
        return this.#foreach(d, scope);
      case 14:
        return this.#def(d, scope);
      case 15:
      case 16:
        return this.#bind(d, scope);
      case 17:
      case 18:
        return this.#object(d, scope);
      case 19:
        return this.#term(`[${sub().text}]`);
      case 20:
      case 21:
        return this.#interpolation(d, scope);
      case 22:
      case 23:
        return this.#update(d, scope);
      case 24:
        return this.#pathFunction(d, scope);
      case 25:
      case 26:
      case 27:
        return this.#call(d, scope);
      case 28:
        return this.#strings(d, scope);
      case 29:
        return this.#label(d, scope);
      case 30:
        return this.#loop(d, scope);
      case 31:
        return this.#term(`${this.#base(sub())}${this.#pick(['[0]', '[-1]', '[1:]', '[:2]', '[1:-1]', '[]', '[]?', '.a', '.["b"]?', '[.n]?'])}`);
      case 32:
        return { text: `-${this.#at(sub(), Level.Term)}`, level: Level.Add };
      case 33:
        return this.#term(`(${this.#pick(DATES)} | ${this.#pick(['todate', 'gmtime', 'gmtime | mktime', 'strftime("%Y-%m-%dT%H:%M:%SZ %j %a %b")', 'gmtime | todate'])})`);
      case 34:
        return {
          text: `[${this.#literal()}, ${this.#literal()}, ${this.#at(sub(), Level.Alternative)}] | ${this.#pick(['sort', 'unique', 'min', 'max', 'group_by(type)', 'sort_by(type)', 'tojson', 'add', 'join("-")', 'flatten'])}`,
          level: Level.Pipe,
        };
      case 35:
        return { text: `${this.#at(sub(), Level.Comma)} | ${this.#pick(['not', 'length', 'type', 'tojson', 'keys?', '[.[]?]', 'tostring', 'ascii_downcase?'])}`, level: Level.Pipe };
      default:
        return this.#atom(scope);
    }
  }

  #binary(operator: string, level: Level, left: Expr, right: Expr, nonAssociative = false): Expr {
    return { text: `${this.#at(left, nonAssociative ? level + 1 : level)} ${operator} ${this.#at(right, level + 1)}`, level };
  }

  #source(depth: number, scope: Scope): string {
    return this.#pick(['.[]?', `range(${this.#int(0, 4)})`, '(.a, .b, .c)', `range(${this.#int(-1, 2)}; ${this.#int(2, 5)})`, 'empty', this.#at(this.#expr(depth, scope), Level.Term)]);
  }

  #reduce(depth: number, scope: Scope): Expr {
    const name = this.#name('r');
    const inner = { ...scope, variables: [...scope.variables, name] };
    const text = `reduce ${this.#source(depth, scope)} as $${name} (${this.#expr(depth, scope).text}; ${this.#expr(depth, inner).text})`;
    return { text, level: Level.Postfix };
  }

  #foreach(depth: number, scope: Scope): Expr {
    const name = this.#name('e');
    const inner = { ...scope, variables: [...scope.variables, name] };
    const extract = this.#chance(0.5) ? `; ${this.#expr(depth, inner).text}` : '';
    return this.#term(`[foreach ${this.#source(depth, scope)} as $${name} (${this.#expr(depth, scope).text}; ${this.#expr(depth, inner).text}${extract})]`);
  }

  #def(depth: number, scope: Scope): Expr {
    const name = this.#name('f');
    const shape = this.#int(0, 3);
    const params = shape === 0 ? [] : shape === 1 ? ['g'] : shape === 2 ? ['$v'] : ['g', '$v'];
    const bodyScope: Scope = {
      ...scope,
      variables: [...scope.variables, ...(params.includes('$v') ? ['v'] : [])],
      functions: [...scope.functions, ...(params.includes('g') ? [{ name: 'g', params: [] }] : []), ...(params.includes('$v') ? [{ name: 'v', params: [] }] : [])],
    };
    const recursive = shape === 0 && this.#chance(0.3);
    const body = recursive
      ? `if type == "array" then map(${name}) elif type == "object" then map_values(${name}) else ${this.#expr(depth, bodyScope).text} end`
      : this.#expr(depth, bodyScope).text;
    const signature = params.length === 0 ? name : `${name}(${params.join('; ')})`;
    const after = { ...scope, functions: [...scope.functions, { name, params }] };
    const args = params.map((param) => (param === 'g' ? this.#expr(depth, scope).text : this.#literal()));
    const call = args.length === 0 ? name : `${name}(${args.join('; ')})`;
    const rest = this.#chance(0.6) ? call : `${this.#at(this.#expr(depth, after), Level.Comma)} | ${call}`;
    return { text: `def ${signature}: ${body}; ${rest}`, level: Level.Pipe };
  }

  /** A destructuring pattern; the names it binds are appended to `names`. */
  #pattern(names: string[]): string {
    const bind = (): string => {
      const name = this.#name('v');
      names.push(name);
      return `$${name}`;
    };
    const shape = this.#int(0, 5);
    if (shape <= 1) return bind();
    if (shape <= 3) return `[${bind()}, ${bind()}]`;
    if (shape === 4) return `{a: ${bind()}, "b": [${bind()}]}`;
    return `{${bind()}}`;
  }

  #bind(depth: number, scope: Scope): Expr {
    const names: string[] = [];
    let patterns = this.#pattern(names);
    // `?//` alternatives: every alternative binds the same names, so no variable is ever undefined.
    if (this.#chance(0.25)) patterns += ` ?// [${names.map((name) => `$${name}`).join(', ')}]`;
    const inner = { ...scope, variables: [...scope.variables, ...names] };
    return { text: `${this.#at(this.#expr(depth, scope), Level.Term)} as ${patterns} | ${this.#expr(depth, inner).text}`, level: Level.Pipe };
  }

  #object(depth: number, scope: Scope): Expr {
    const entries: string[] = [];
    for (let count = this.#int(0, 3); count > 0; count -= 1) {
      const value = this.#at(this.#expr(depth, scope), Level.Term);
      const choice = this.#int(0, 5);
      const key = this.#key();
      if (choice <= 1 && /^[A-Za-z_]\w*$/.test(key)) entries.push(`${key}: ${value}`);
      else if (choice === 2) entries.push(`${JSON.stringify(key)}: ${value}`);
      else if (choice === 3) entries.push(`(${this.#expr(depth, scope).text}): ${value}`);
      else if (choice === 4 && scope.variables.length > 0) entries.push(`$${this.#pick(scope.variables)}`);
      else if (choice === 4) entries.push(this.#pick(COMMON_KEYS));
      else entries.push(`"k\\(${this.#expr(depth, scope).text})": ${value}`);
    }
    return this.#term(`{${entries.join(', ')}}`);
  }

  #interpolation(depth: number, scope: Scope): Expr {
    const format = this.#chance(0.3) ? `${this.#pick(FORMATS)} ` : '';
    return this.#term(`${format}"<\\(${this.#expr(depth, scope).text})|\\(${this.#expr(depth, scope).text})>"`);
  }

  #update(depth: number, scope: Scope): Expr {
    const operator = this.#pick(['|=', '=', '+=', '-=', '*=', '/=', '%=', '//=', '|=']);
    const path = this.#path(depth, scope);
    const value = this.#expr(depth, scope);
    return { text: `${this.#at(path, Level.Or)} ${operator} ${this.#at(value, Level.Or)}`, level: Level.Assign };
  }

  #pathFunction(depth: number, scope: Scope): Expr {
    const path = this.#path(depth, scope).text;
    const value = this.#expr(depth, scope).text;
    return this.#term(
      this.#pick([
        `[path(${path})]`,
        `del(${path})`,
        `[paths(${this.#pick(['type == "number"', '. == null', 'strings', 'length? > 1'])})]`,
        `pick(${path})`,
        `to_entries`,
        `(objects | with_entries(.value |= ${this.#at(this.#expr(depth, scope), Level.Or)}))`,
        `delpaths([["a"], [0], ["b", 1]])`,
        `setpath(["a", ${this.#int(0, 2)}]; ${value})`,
        `getpath(["items", ${this.#int(-1, 2)}])`,
        `([tostream] | fromstream(.[]))`,
        `[paths(scalars)]`,
        `(try (${path}) catch .)`,
      ]),
    );
  }

  #call(depth: number, scope: Scope): Expr {
    const f = this.#expr(depth, scope).text;
    const n = this.#int(-1, 3);
    const user = scope.functions.filter((fn) => fn.params.length > 0);
    if (user.length > 0 && this.#chance(0.25)) {
      const fn = this.#pick(user);
      return this.#term(`${fn.name}(${fn.params.map((param) => (param === 'g' ? f : this.#literal())).join('; ')})`);
    }
    return this.#term(
      this.#pick([
        `map(${f})`,
        `map_values(${f})`,
        `select(${f})`,
        `sort_by(${f})`,
        `group_by(${f})`,
        `unique_by(${f})`,
        `min_by(${f})`,
        `max_by(${f})`,
        `any(${f})`,
        `all(${f})`,
        `any(${f}; .)`,
        `[limit(${n}; ${f})]`,
        `first(${f})`,
        `last(${f})`,
        `[nth(${Math.max(n, 0)}; ${f})]`,
        `isempty(${f})`,
        `[recurse(.[]?)]`,
        `walk(${f})`,
        `flatten(${Math.max(n, 0)})`,
        `[range(${f})]`.replace(f, String(this.#int(0, 4))),
        `error(${f})`,
        `([.[]?] | add)`,
        `contains(${f})`,
        `inside(${f})`,
        `in({"a":1,"b":null})`,
        `has(${f})`,
        `(tojson | fromjson)`,
        `[splits(",")]`,
        `([${f}] | length)`,
        `([${f}] | sort_by(.) | unique)`,
        `[${f} | tostring]`,
      ]),
    );
  }

  #strings(depth: number, scope: Scope): Expr {
    const regex = JSON.stringify(this.#pick(REGEXES)).replaceAll('\\\\\\\\', '\\\\');
    const flags = this.#chance(0.4) ? `; ${JSON.stringify(this.#pick(REGEX_FLAGS))}` : '';
    const s = this.#literal();
    return this.#term(
      this.#pick([
        `split(${s})`,
        `join(${s})`,
        `ltrimstr(${s})`,
        `rtrimstr(${s})`,
        `startswith(${s})`,
        `endswith(${s})`,
        `index(${s})`,
        `rindex(${s})`,
        `indices(${s})`,
        `test(${regex}${flags})`,
        `[match(${regex}${flags}) | [.offset, .length, .string, (.captures | map(.name, .string))]]`,
        `[capture(${regex}${flags})]`,
        `[scan(${regex})]`,
        `sub(${regex}; "<\\(.)>"${flags})`,
        `gsub(${regex}; "-"${flags})`,
        `ascii_downcase`,
        `(explode | implode)`,
        `.[1:3]`,
        `(tostring * ${this.#int(0, 3)})`,
        `(tostring / ",")`,
        `(${JSON.stringify(this.#pick(STRINGS))} + (${this.#expr(depth, scope).text} | tostring))`,
      ]),
    );
  }

  #label(depth: number, scope: Scope): Expr {
    const name = this.#name('l');
    const inner = { ...scope, labels: [...scope.labels, name] };
    const body = this.#chance(0.5) ? `${this.#source(depth, scope)} | if ${this.#expr(depth, inner).text} then ., break $${name} else . end` : this.#expr(depth, inner).text;
    return this.#term(`[label $${name} | ${body}]`);
  }

  #loop(depth: number, scope: Scope): Expr {
    const n = this.#int(0, 4);
    return this.#term(
      this.#pick([
        // `repeat(f)` loops forever without output when `f` is empty; `// 0` makes it output each time.
        `[limit(${n}; repeat(${this.#at(this.#expr(depth, scope), Level.Assign)} // 0))]`,
        `[limit(${n}; while(. != null; ${this.#expr(depth, scope).text}))]`,
        `until(type != "number" or . >= ${n}; . + 1)`,
        `[limit(${n}; recurse(if type == "number" then . + 1 else empty end))]`,
        `([.[]?] as $xs | reduce range($xs | length) as $i ([]; . + [$xs[$i]]))`,
      ]),
    );
  }
}
