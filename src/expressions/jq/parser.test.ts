import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseJqTestFile } from '../../../test/jq/jq-test-file.js';
import type { Json } from '../../model/json.js';
import type { JqNode } from './ast.js';
import { JqSyntaxError } from './errors.js';
import { parseJq } from './parser.js';

/** The tree without `at` offsets and without absent (undefined) fields: shapes compare, positions do not. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(([key, field]) => key !== 'at' && field !== undefined);
  return Object.fromEntries(entries.map(([key, field]) => [key, shape(field)]));
}

// Builders for expected shapes (no offsets).
type Shape = Record<string, unknown>;
const id: Shape = { kind: 'identity' };
const lit = (value: Json): Shape => ({ kind: 'literal', value });
const idx = (target: Shape, key: Shape): Shape => ({ kind: 'index', target, key });
const field = (name: string, target: Shape = id): Shape => idx(target, lit(name));
const iterate = (target: Shape = id): Shape => ({ kind: 'iterate', target });
const slice = (target: Shape, from?: Shape, to?: Shape): Shape => ({ kind: 'slice', target, from, to });
const call = (name: string, ...args: Shape[]): Shape => ({ kind: 'call', name, args });
const variable = (name: string): Shape => ({ kind: 'variable', name });
const str = (format: string | undefined, ...parts: (string | Shape)[]): Shape => ({ kind: 'string', format, parts });
const array = (body?: Shape): Shape => ({ kind: 'array', body });
const object = (...entries: [Shape, Shape][]): Shape => ({ kind: 'object', entries: entries.map(([key, value]) => ({ key, value })) });
const twoSided = (kind: string) => (left: Shape, right: Shape): Shape => ({ kind, left, right });
const pipe = twoSided('pipe');
const comma = twoSided('comma');
const alt = twoSided('alternative');
const and = twoSided('and');
const or = twoSided('or');
const bin = (operator: string, left: Shape, right: Shape): Shape => ({ kind: 'binary', operator, left, right });
const assign = (operator: string, left: Shape, right: Shape): Shape => ({ kind: 'assign', operator, left, right });
const neg = (body: Shape): Shape => ({ kind: 'negate', body });
const attempt = (body: Shape, handler?: Shape): Shape => ({ kind: 'try', body, handler });
const bind = (source: Shape, patterns: Shape[], body: Shape): Shape => ({ kind: 'bind', source, patterns, body });
const pv = (name: string): Shape => ({ kind: 'variable', name });
const defs = (definitions: { name: string; params?: [string, boolean][]; body: Shape }[], body: Shape): Shape => ({
  kind: 'functionDefinitions',
  definitions: definitions.map((d) => ({ name: d.name, params: (d.params ?? []).map(([name, isValue]) => ({ name, isValue })), body: d.body })),
  body,
});

const cases: { name: string; source: string; expected: Shape }[] = [
  // Terms
  { name: 'identity', source: '.', expected: id },
  { name: 'recurse', source: '..', expected: { kind: 'recurseDefault' } },
  { name: '.a is .["a"]', source: '.a', expected: field('a') },
  { name: '."a" is .["a"]', source: '."a"', expected: field('a') },
  { name: '.["a"]', source: '.["a"]', expected: field('a') },
  { name: 'a keyword as a field', source: '.and', expected: field('and') },
  { name: 'a chain', source: '.a.b[0]["c"]', expected: idx(idx(field('b', field('a')), lit(0)), lit('c')) },
  { name: 'a dot before brackets (jq 1.7)', source: '.a.[0].["b"]', expected: field('b', idx(field('a'), lit(0))) },
  { name: 'iterate', source: '.[]', expected: iterate() },
  { name: 'iterate after a dot', source: '.a.[]', expected: iterate(field('a')) },
  { name: 'a slice', source: '.[1:2]', expected: slice(id, lit(1), lit(2)) },
  { name: 'a slice without a start', source: '.[:2]', expected: slice(id, undefined, lit(2)) },
  { name: 'a slice without an end', source: '.a[1:]', expected: slice(field('a'), lit(1)) },
  { name: 'an index on recurse', source: '..[0]', expected: idx({ kind: 'recurseDefault' }, lit(0)) },
  { name: 'suffixes on a variable, a call, a literal', source: '[$x.a, f(1; 2)[0], "ab"[1:]]', expected: array(comma(comma(
    field('a', variable('x')), idx(call('f', lit(1), lit(2)), lit(0))), slice(lit('ab'), lit(1)))) },
  { name: 'an index with a string key', source: '.a."b"', expected: field('b', field('a')) },
  { name: 'numbers', source: '[1, 1.5, .5, 1e3, 1E-2]', expected: array(comma(comma(comma(comma(lit(1), lit(1.5)), lit(0.5)), lit(1000)), lit(0.01))) },
  { name: 'true, false and null are literals', source: '[true, false, null]', expected: array(comma(comma(lit(true), lit(false)), lit(null))) },
  { name: 'true with arguments is a call', source: 'true(1)', expected: call('true', lit(1)) },
  { name: 'a module-qualified call', source: 'a::b(.)', expected: call('a::b', id) },
  { name: 'a string without interpolation is a literal', source: '"a\\nb"', expected: lit('a\nb') },
  { name: 'an interpolated string', source: '"a\\(.b)c"', expected: str(undefined, 'a', field('b'), 'c') },
  { name: 'a string only interpolated', source: '"\\(1)\\(2)"', expected: str(undefined, lit(1), lit(2)) },
  { name: 'a string inside an interpolation', source: '"x\\("y\\(.)")"', expected: str(undefined, 'x', str(undefined, 'y', id)) },
  { name: 'a format alone', source: '@base64', expected: { kind: 'format', name: 'base64' } },
  { name: 'a format with a string', source: '@json "v: \\(.)"', expected: str('json', 'v: ', id) },
  { name: 'a format on a constant string is the string', source: '@base64 "x"', expected: lit('x') },
  { name: 'arrays', source: '[[], [1]]', expected: array(comma(array(), array(lit(1)))) },
  { name: 'the empty object', source: '{}', expected: object() },
  { name: 'variables', source: '[$x, $ENV]', expected: array(comma(variable('x'), variable('ENV'))) },
  { name: '$__loc__ carries its line', source: '1 |\n\n$__loc__', expected: pipe(lit(1), { kind: 'location', line: 3 }) },
  { name: 'parentheses group', source: '(1, 2) | 3', expected: pipe(comma(lit(1), lit(2)), lit(3)) },
  { name: 'a comment', source: '1 # one\n+ 2', expected: bin('+', lit(1), lit(2)) },
  // Precedence and associativity
  { name: '| is right-associative', source: '1 | 2 | 3', expected: pipe(lit(1), pipe(lit(2), lit(3))) },
  { name: ', is left-associative', source: '1, 2, 3', expected: comma(comma(lit(1), lit(2)), lit(3)) },
  { name: ', binds tighter than |', source: '1, 2 | 3', expected: pipe(comma(lit(1), lit(2)), lit(3)) },
  { name: '// is right-associative', source: '1 // 2 // 3', expected: alt(lit(1), alt(lit(2), lit(3))) },
  { name: '// binds looser than =', source: '.a // .b = 1', expected: alt(field('a'), assign('=', field('b'), lit(1))) },
  { name: '= binds tighter than //', source: '.a = 1 // 2', expected: alt(assign('=', field('a'), lit(1)), lit(2)) },
  { name: 'an update takes arithmetic', source: '.a |= . + 1', expected: assign('|=', field('a'), bin('+', id, lit(1))) },
  { name: 'an update stops at ,', source: '.a += 1, 2', expected: comma(assign('+=', field('a'), lit(1)), lit(2)) },
  { name: 'every update operator', source: '[.a -= 1, .a *= 1, .a /= 1, .a %= 1, .a //= 1]', expected: array(comma(comma(comma(comma(
    assign('-=', field('a'), lit(1)), assign('*=', field('a'), lit(1))), assign('/=', field('a'), lit(1))),
    assign('%=', field('a'), lit(1))), assign('//=', field('a'), lit(1)))) },
  { name: 'or, and, comparison', source: '1 < 2 and 3 or 4', expected: or(and(bin('<', lit(1), lit(2)), lit(3)), lit(4)) },
  { name: 'and binds tighter than or', source: '1 or 2 and 3', expected: or(lit(1), and(lit(2), lit(3))) },
  { name: '* binds tighter than +', source: '1 + 2 * 3', expected: bin('+', lit(1), bin('*', lit(2), lit(3))) },
  { name: '- is left-associative', source: '1 - 2 - 3', expected: bin('-', bin('-', lit(1), lit(2)), lit(3)) },
  { name: '* / % are left-associative', source: '1 * 2 / 3 % 4', expected: bin('%', bin('/', bin('*', lit(1), lit(2)), lit(3)), lit(4)) },
  { name: 'comparison binds tighter than and', source: '. == 1 and . != 2', expected: and(bin('==', id, lit(1)), bin('!=', id, lit(2))) },
  { name: 'unary minus takes the level of binary minus', source: '-1 + 2', expected: bin('+', neg(lit(1)), lit(2)) },
  { name: 'unary minus over a product', source: '-1 * 2', expected: neg(bin('*', lit(1), lit(2))) },
  { name: 'double negation', source: '--1', expected: neg(neg(lit(1))) },
  { name: 'a minus after a field', source: '.a-1', expected: bin('-', field('a'), lit(1)) },
  { name: '? binds to the nearest operand', source: '1 + 2?', expected: bin('+', lit(1), attempt(lit(2))) },
  { name: '? under unary minus', source: '-1?', expected: neg(attempt(lit(1))) },
  { name: '? after a call', source: 'f?', expected: attempt(call('f')) },
  { name: 'two ?', source: '.a??', expected: attempt(attempt(field('a'))) },
  { name: 'try binds tighter than |', source: 'try error catch . | 1', expected: pipe(attempt(call('error'), id), lit(1)) },
  { name: 'try binds tighter than +', source: 'try 1 + 2', expected: bin('+', attempt(lit(1)), lit(2)) },
  { name: 'try before ?', source: 'try 1?', expected: attempt(attempt(lit(1))) },
  { name: 'try over a unary minus', source: 'try -1 * 2', expected: attempt(neg(bin('*', lit(1), lit(2)))) },
  { name: 'as takes the rest of the pipe', source: '1 as $x | 2 | 3', expected: bind(lit(1), [pv('x')], pipe(lit(2), lit(3))) },
  { name: 'as binds a term inside arithmetic', source: '1 + 2 as $x | $x', expected: bin('+', lit(1), bind(lit(2), [pv('x')], variable('x'))) },
  { name: 'as after a comma', source: '1, . as $x | $x', expected: comma(lit(1), bind(id, [pv('x')], variable('x'))) },
  { name: 'def inside a comma', source: '1, def f: 2; f, 3', expected: comma(lit(1), defs([{ name: 'f', body: lit(2) }], comma(call('f'), lit(3)))) },
  { name: 'def after as', source: '1 as $x | def f: $x; f', expected: bind(lit(1), [pv('x')], defs([{ name: 'f', body: variable('x') }], call('f'))) },
  { name: 'def inside parentheses', source: '(def f: 1; f) + 1', expected: bin('+', defs([{ name: 'f', body: lit(1) }], call('f')), lit(1)) },
  { name: 'reduce as an operand', source: 'reduce .[] as $x (0; . + $x) | . * 2', expected: pipe({
    kind: 'reduce', source: iterate(), patterns: [pv('x')], init: lit(0), update: bin('+', id, variable('x')),
  }, bin('*', id, lit(2))) },
  { name: 'if as an operand', source: 'if . then 1 end * 2', expected: bin('*', { kind: 'if', branches: [{ condition: id, then: lit(1) }] }, lit(2)) },
  // Compound forms
  { name: 'if, elif, else', source: 'if .a then 1 elif .b then 2 else 3 end', expected: { kind: 'if', branches: [
    { condition: field('a'), then: lit(1) }, { condition: field('b'), then: lit(2) }], otherwise: lit(3) } },
  { name: 'if without else (jq 1.7)', source: 'if . then 1 end', expected: { kind: 'if', branches: [{ condition: id, then: lit(1) }] } },
  { name: 'try without catch', source: 'try error', expected: attempt(call('error')) },
  { name: 'foreach with two parts', source: 'foreach .[] as $x (0; 1)', expected: {
    kind: 'foreach', source: iterate(), patterns: [pv('x')], init: lit(0), update: lit(1) } },
  { name: 'foreach with three parts', source: 'foreach .[] as $x (0; 1; 2)', expected: {
    kind: 'foreach', source: iterate(), patterns: [pv('x')], init: lit(0), update: lit(1), extract: lit(2) } },
  { name: 'label and break', source: 'label $out | 1, break $out', expected: {
    kind: 'label', name: 'out', body: comma(lit(1), { kind: 'break', name: 'out' }) } },
  { name: 'definitions with parameters', source: 'def f: 1; def g(a; $b): a + $b; g(f; 2)', expected: defs([
    { name: 'f', body: lit(1) }, { name: 'g', params: [['a', false], ['b', true]], body: bin('+', call('a'), variable('b')) }],
  call('g', call('f'), lit(2))) },
  { name: 'a definition inside a definition', source: 'def f: def g: 1; g; f', expected: defs([
    { name: 'f', body: defs([{ name: 'g', body: lit(1) }], call('g')) }], call('f')) },
  // Optional access: only the access itself is optional (jq's INDEX_OPT), as `T | try .[K]`.
  { name: '.a? is try .a', source: '.a?', expected: attempt(field('a')) },
  { name: '.a.b? makes only .b optional', source: '.a.b?', expected: pipe(field('a'), attempt(field('b'))) },
  { name: '.a?.b continues the chain', source: '.a?.b', expected: field('b', attempt(field('a'))) },
  { name: '.[]?', source: '.[]?', expected: attempt(iterate()) },
  { name: '.a[]?', source: '.a[]?', expected: pipe(field('a'), attempt(iterate())) },
  { name: '."a"?', source: '."a"?', expected: attempt(field('a')) },
  { name: 'an optional slice', source: '.[1:2]?', expected: attempt(slice(id, lit(1), lit(2))) },
  { name: 'an optional index by a variable', source: '.[$k]?', expected: attempt(idx(id, variable('k'))) },
  { name: 'an optional negative index', source: '.[-1]?', expected: attempt(idx(id, neg(lit(1)))) },
  { name: 'a key that reads the input is bound first', source: '.[.k]?', expected: bind(field('k'), [pv('*key0')],
    attempt(idx(id, variable('*key0')))) },
  { name: 'a bound key with a target', source: '.a[.k]?', expected: bind(field('k'), [pv('*key0')],
    pipe(field('a'), attempt(idx(id, variable('*key0'))))) },
  { name: 'slice bounds bound in order', source: '.[.i:.j]?', expected: bind(field('i'), [pv('*key0')], bind(field('j'), [pv('*key1')],
    attempt(slice(id, variable('*key0'), variable('*key1'))))) },
  // Object construction
  { name: 'object entries', source: '{a: 1, "b": 2, (.c): 3, $x: 4, "d\\(1)": 5}', expected: object(
    [lit('a'), lit(1)], [lit('b'), lit(2)], [field('c'), lit(3)], [variable('x'), lit(4)], [str(undefined, 'd', lit(1)), lit(5)]) },
  { name: '{a} is {a: .a}', source: '{a}', expected: object([lit('a'), field('a')]) },
  { name: '{$x} is {x: $x}', source: '{$x}', expected: object([lit('x'), variable('x')]) },
  { name: '{"a\\(1)"} indexes by the string', source: '{"a\\(1)"}', expected: object([str(undefined, 'a', lit(1)), idx(id, str(undefined, 'a', lit(1)))]) },
  { name: '{@base64 "x"} is {x: .x}', source: '{@base64 "x"}', expected: object([lit('x'), field('x')]) },
  { name: '{$__loc__}', source: '{$__loc__}', expected: object([lit('__loc__'), { kind: 'location', line: 1 }]) },
  { name: 'keywords as keys', source: '{if: 1, and}', expected: object([lit('if'), lit(1)], [lit('and'), field('and')]) },
  { name: 'a trailing comma', source: '{a: 1,}', expected: object([lit('a'), lit(1)]) },
  { name: 'a value pipes and negates', source: '{a: -1 | .b?}', expected: object([lit('a'), pipe(neg(lit(1)), attempt(field('b')))]) },
  { name: 'a value pipe is right-associative', source: '{a: 1 | 2 | 3}', expected: object([lit('a'), pipe(lit(1), pipe(lit(2), lit(3)))]) },
  // Patterns
  { name: 'destructuring', source: '. as [$a, {b: $c, $d, "e": $f, (.g): $h, $i: [$j]}] | 1', expected: bind(id, [{
    kind: 'array', elements: [pv('a'), { kind: 'object', entries: [
      { key: lit('b'), value: pv('c') },
      { key: lit('d'), variable: 'd' },
      { key: lit('e'), value: pv('f') },
      { key: field('g'), value: pv('h') },
      { key: lit('i'), variable: 'i', value: { kind: 'array', elements: [pv('j')] } },
    ] }],
  }], lit(1)) },
  { name: 'a keyword as a pattern key', source: '. as {if: $x} | $x', expected: bind(id, [{ kind: 'object', entries: [
    { key: lit('if'), value: pv('x') }] }], variable('x')) },
  { name: 'alternative patterns', source: '. as [$a] ?// $a | $a', expected: bind(id, [{ kind: 'array', elements: [pv('a')] }, pv('a')], variable('a')) },
  { name: 'alternative patterns in reduce', source: 'reduce .[] as [$a] ?// $a (0; 1)', expected: {
    kind: 'reduce', source: iterate(), patterns: [{ kind: 'array', elements: [pv('a')] }, pv('a')], init: lit(0), update: lit(1) } },
  { name: 'a keyword as a variable name', source: '. as $if | $if', expected: bind(id, [pv('if')], variable('if')) },
];

for (const c of cases) {
  test(`parser: ${c.name}: ${c.source}`, () => {
    assert.deepEqual(shape(parseJq(c.source)), shape(c.expected));
  });
}

test('parser: every node keeps the offset where its text starts', () => {
  const tree = parseJq('.a | f(.b)') as Extract<JqNode, { kind: 'pipe' }>;
  assert.equal(tree.at, 0);
  assert.deepEqual(tree.left, { kind: 'index', at: 0, target: { kind: 'identity', at: 0 }, key: { kind: 'literal', at: 1, value: 'a' } });
  assert.deepEqual(tree.right, { kind: 'call', at: 5, name: 'f', args: [
    { kind: 'index', at: 7, target: { kind: 'identity', at: 7 }, key: { kind: 'literal', at: 8, value: 'b' } }] });
});

test('parser: {"k"} shares one key node between the key and the index', () => {
  const tree = parseJq('{"a\\(1)"}') as Extract<JqNode, { kind: 'object' }>;
  const [entry] = tree.entries;
  assert.ok(entry !== undefined && entry.value.kind === 'index');
  assert.equal(entry.value.key, entry.key);
});

const errors: { source: string; reason: string; line: number; column: number }[] = [
  { source: '1 +', reason: 'syntax error, unexpected end of file', line: 1, column: 4 },
  { source: '1 2', reason: 'syntax error, unexpected LITERAL', line: 1, column: 3 },
  { source: '}', reason: 'syntax error, unexpected INVALID_CHARACTER', line: 1, column: 1 },
  { source: '(1]', reason: 'syntax error, unexpected INVALID_CHARACTER', line: 1, column: 3 },
  { source: 'é', reason: 'syntax error, unexpected INVALID_CHARACTER', line: 1, column: 1 },
  { source: '1\n+ )', reason: 'syntax error, unexpected INVALID_CHARACTER', line: 2, column: 3 },
  { source: '"abc', reason: 'syntax error, unexpected end of file', line: 1, column: 5 },
  { source: '$ x', reason: "syntax error, unexpected '$'", line: 1, column: 1 },
  { source: 'f()', reason: "syntax error, unexpected ')'", line: 1, column: 3 },
  { source: 'break', reason: 'syntax error, unexpected end of file', line: 1, column: 6 },
  { source: 'def if: 1; 1', reason: 'syntax error, unexpected if', line: 1, column: 5 },
  { source: '1 == 2 == 3', reason: 'syntax error, unexpected ==', line: 1, column: 8 },
  { source: '1 < 2 > 3', reason: "syntax error, unexpected '>'", line: 1, column: 7 },
  { source: '.a = .b |= 1', reason: 'syntax error, unexpected |=', line: 1, column: 9 },
  { source: 'f?.a', reason: 'syntax error, unexpected FIELD', line: 1, column: 3 },
  { source: 'if . then 1 end.a', reason: 'syntax error, unexpected FIELD', line: 1, column: 16 },
  { source: 'reduce f? as $x (0; 1)', reason: "syntax error, unexpected '?'", line: 1, column: 9 },
  { source: 'reduce . as $x (0; 1) as $y | 1', reason: 'syntax error, unexpected as', line: 1, column: 23 },
  { source: '{a: 1 + 2}', reason: "syntax error, unexpected '+'", line: 1, column: 7 },
  { source: '{a: 1 as $x | $x}', reason: 'syntax error, unexpected as', line: 1, column: 7 },
  { source: '{a: if . then 1 end}', reason: 'syntax error, unexpected if', line: 1, column: 5 },
  { source: '{$__loc__: 1}', reason: "syntax error, unexpected ':'", line: 1, column: 10 },
  { source: '{1: 2}', reason: 'syntax error, unexpected LITERAL', line: 1, column: 2 },
  { source: '{,}', reason: "syntax error, unexpected ','", line: 1, column: 2 },
  { source: '.a.[1:2]', reason: "syntax error, unexpected ':'", line: 1, column: 6 },
  { source: '.[:]', reason: "syntax error, unexpected ']'", line: 1, column: 4 },
  { source: '..a', reason: 'syntax error, unexpected IDENT', line: 1, column: 3 },
  { source: '.a?//1', reason: 'syntax error, unexpected ?//', line: 1, column: 3 },
  { source: '. as [] | 1', reason: "syntax error, unexpected ']'", line: 1, column: 7 },
  { source: '. as {} | 1', reason: "syntax error, unexpected '}'", line: 1, column: 7 },
  { source: '. as {a} | 1', reason: "syntax error, unexpected '}'", line: 1, column: 8 },
  { source: '. as $__loc__ | 1', reason: 'syntax error, unexpected $__loc__', line: 1, column: 6 },
  { source: '. as $x', reason: 'syntax error, unexpected end of file', line: 1, column: 8 },
  { source: 'if . then 1 else 2', reason: 'syntax error, unexpected end of file', line: 1, column: 19 },
  { source: 'label x | 1', reason: 'syntax error, unexpected IDENT', line: 1, column: 7 },
  { source: '"\\a"', reason: 'Invalid escape at line 1, column 4 (while parsing \'"\\a"\')', line: 1, column: 2 },
  { source: '{(0): 1}', reason: 'Cannot use number (0) as object key', line: 1, column: 2 },
  { source: '{a: ., (1 + 1): 1}', reason: 'Cannot use number (2) as object key', line: 1, column: 8 },
  { source: '{([1,2,3,4,5,6,7,8]): 1}', reason: 'Cannot use array ([1,2,3,4,5,...) as object key', line: 1, column: 2 },
  { source: '{({"a": 1}): 1}', reason: 'Cannot use object ({"a":1}) as object key', line: 1, column: 2 },
  { source: '. as {(null): $x} | $x', reason: 'Cannot use null (null) as object key', line: 1, column: 7 },
  { source: '', reason: 'Top-level program not given (try ".")', line: 1, column: 1 },
  { source: '# nothing', reason: 'Top-level program not given (try ".")', line: 1, column: 1 },
  { source: 'def f: 1;', reason: 'Top-level program not given (try ".")', line: 1, column: 1 },
  { source: 'import "a" as a; .', reason: "jq modules are not supported ('import')", line: 1, column: 1 },
  { source: 'include "a"; .', reason: "jq modules are not supported ('include')", line: 1, column: 1 },
  { source: 'module {}; .', reason: "jq modules are not supported ('module')", line: 1, column: 1 },
];

for (const c of errors) {
  test(`parser: ${JSON.stringify(c.source)} fails: ${c.reason}`, () => {
    assert.throws(
      () => parseJq(c.source),
      (error: unknown) => {
        assert.ok(error instanceof JqSyntaxError);
        assert.deepEqual({ reason: error.reason, line: error.line, column: error.column }, { reason: c.reason, line: c.line, column: c.column });
        assert.equal(error.message, `${c.reason} at line ${c.line}, column ${c.column}`);
        return true;
      },
    );
  });
}

/** jq 1.7.1's own test files live beside the repository (`../shared/jq-tests`), never inside it. */
const suiteFolder = [
  fileURLToPath(new URL('../../../../shared/jq-tests/', import.meta.url)),
  resolve(process.cwd(), '../shared/jq-tests'),
].find((candidate) => existsSync(candidate));
const SUITE_FILES = ['jq.test', 'man.test', 'onig.test', 'manonig.test', 'optional.test', 'base64.test'];
/** jq.test's programs that use modules, which Itonami does not support. */
const MODULE_PROGRAM = /^\s*(import|include)\b/;

test('parser: every program of jq 1.7.1\'s test files parses, and compile failures are rejected', {
  skip: suiteFolder === undefined ? 'jq test folder not found: ../shared/jq-tests' : false,
}, () => {
  const rejected: string[] = [];
  let parsed = 0;
  let modulePrograms = 0;
  let failCases = 0;
  let failsRejected = 0;
  for (const file of SUITE_FILES) {
    for (const c of parseJqTestFile(readFileSync(resolve(suiteFolder ?? '', file), 'utf8'), file)) {
      let error: unknown;
      try {
        parseJq(c.program);
      } catch (caught) {
        error = caught;
      }
      if (c.kind === 'fail') {
        failCases++;
        if (error !== undefined) failsRejected++;
      } else if (MODULE_PROGRAM.test(c.program)) {
        modulePrograms++;
        assert.ok(error instanceof JqSyntaxError, `${file}:${c.line}: a module program is rejected`);
      } else if (error === undefined) {
        parsed++;
      } else {
        rejected.push(`${file}:${c.line}: ${c.program}: ${error instanceof Error ? error.message : "not an Error"}`);
      }
    }
  }
  assert.deepEqual(rejected, []);
  assert.equal(parsed, 715);
  assert.equal(modulePrograms, 9);
  // 14 %%FAIL programs; the one accepted (`. as $foo | break $foo`) fails at compile time, on the unbound label.
  assert.deepEqual({ failCases, failsRejected }, { failCases: 14, failsRejected: 13 });
});
