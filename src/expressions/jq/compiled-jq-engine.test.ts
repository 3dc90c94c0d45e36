import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../model/json.js';
import { JqCompileError, JqRuntimeError } from '../jq-engine.js';
import { createCompiledJqEngine } from './compiled-jq-engine.js';

const jq = createCompiledJqEngine();

function run(source: string, input: Json = null, variables: Record<string, Json> = {}, now?: number): Json[] {
  const compiled = jq.compile(source, Object.keys(variables));
  return jq.evaluate(compiled, input, variables, now === undefined ? {} : { now });
}

function runtimeError(source: string, input: Json = null): JqRuntimeError {
  try {
    run(source, input);
  } catch (error) {
    assert.ok(error instanceof JqRuntimeError, `expected a JqRuntimeError, got ${String(error)}`);
    return error;
  }
  assert.fail(`\`${source}\` did not fail`);
}

const outputCases: { name: string; source: string; input?: Json; variables?: Record<string, Json>; expected: Json[] }[] =
  [
    { name: 'an object from a path and a variable', source: '{a: .x, b: $input.y}', input: { x: 1 }, variables: { input: { y: 2 } }, expected: [{ a: 1, b: 2 }] },
    { name: 'select over an iteration', source: '[.items[] | select(.n > 1) | .n * 2]', input: { items: [{ n: 1 }, { n: 2 }, { n: 3 }] }, expected: [[4, 6]] },
    { name: 'the right operand is the outer loop', source: '[(1,2) + (10,20)]', expected: [[11, 12, 21, 22]] },
    { name: 'object entries: the first entry is the outer loop', source: '[{a: (1,2), b: (3,4)}]', expected: [[{ a: 1, b: 3 }, { a: 1, b: 4 }, { a: 2, b: 3 }, { a: 2, b: 4 }]] },
    { name: 'interpolations: the last is the outer loop', source: '["\\(1,2) \\(3,4)"]', expected: [['1 3', '2 3', '1 4', '2 4']] },
    { name: 'native arguments: the last is the outer loop (as jq calls C functions)', source: '[pow(2,3; 1,2)]', expected: [[2, 3, 4, 9]] },
    { name: 'jq-defined $params: the first is the outer loop', source: '[range(0,1; 3,4)]', expected: [[0, 1, 2, 0, 1, 2, 3, 1, 2, 1, 2, 3]] },
    { name: 'try catches the body only, not errors after its output', source: '[.[] | try error("x") catch .]', input: [1, 2], expected: [['x', 'x']] },
    { name: 'try stops the body at its first error', source: '[try (1, error("x"), 3) catch .]', expected: [[1, 'x']] },
    { name: 'error(null) is caught as null', source: 'try error(null) catch .', expected: [null] },
    { name: 'label and break', source: '[label $out | range(10) | ., (select(. == 2) | break $out)]', expected: [[0, 1, 2]] },
    { name: 'limit stops an infinite generator', source: '[limit(3; repeat(1))]', expected: [[1, 1, 1]] },
    { name: 'first does not run its generator further', source: 'first(1, error("x"))', expected: [1] },
    { name: 'reduce keeps the last update output; none makes null', source: '[reduce range(3) as $x (0; ., 10), reduce range(3) as $x (0; empty)]', expected: [[10, null]] },
    { name: 'foreach with extract', source: '[foreach range(4) as $x (0; . + $x; [$x, .])]', expected: [[[0, 0], [1, 1], [2, 3], [3, 6]]] },
    { name: '?// retries the next alternative on an error in the body', source: '[[3]] | .[] as [$a] ?// [$b] | if $a != null then error("err") else {$a, $b} end', expected: [{ a: null, b: 3 }] },
    { name: 'destructuring objects and arrays', source: '. as {a: $x, b: [$y, {$c}]} | [$x, $y, $c]', input: { a: 1, b: [2, { c: 3 }] }, expected: [[1, 2, 3]] },
    { name: 'path of a recursion', source: '[paths]', input: { a: [1] }, expected: [[['a'], ['a', 0]]] },
    { name: 'path through if, select and getpath', source: '[path(.a | if . then getpath(["b"]) else .c end), path(.[] | select(. == 2))]', input: { a: { b: 1 }, z: 2 }, expected: [[['a', 'b'], ['z']]] },
    { name: '|= with empty deletes every such path at the end', source: '(.[] | select(. >= 2)) |= empty', input: [1, 5, 3, 0, 7], expected: [[1, 0]] },
    { name: 'arithmetic update for each right-hand output', source: '[.a += (1,2)]', input: { a: 1 }, expected: [[{ a: 2 }, { a: 3 }]] },
    { name: '//= keeps truthy values', source: '.[] //= 5', input: [1, null, false], expected: [[1, 5, 5]] },
    { name: 'slice assignment', source: '.[1:3] = ["x"]', input: [0, 1, 2, 3], expected: [[0, 'x', 3]] },
    { name: 'def with closure and $value parameters', source: 'def f(g; $n): [g * $n]; f(.[]; 10)', input: [1, 2], expected: [[10, 20]] },
    { name: 'a closure parameter sees its caller\'s variables', source: '1 as $x | def f(g): 2 as $x | g; f($x)', expected: [1] },
    { name: 'deep tail recursion (jq has TCO)', source: 'def f: if . < 100000 then . + 1 | f else . end; f', input: 0, expected: [100000] },
    { name: 'deep tail recursion with a $parameter', source: 'def f($n): if $n > 0 then f($n - 1) else "done" end; f(100000)', expected: ['done'] },
    { name: 'a long recurse chain', source: '[recurse(if . < 50000 then . + 1 else empty end)] | length', input: 0, expected: [50001] },
    { name: 'limit over a long repeat', source: '[limit(10000; repeat(1))] | length', expected: [10000] },
    { name: '$__loc__', source: '{a: 1} | .\n| $__loc__', expected: [{ file: '<top-level>', line: 2 }] },
    { name: 'env and $ENV are empty', source: '[env, $ENV]', expected: [[{}, {}]] },
    { name: 'now is the evaluation option', source: 'now', expected: [0] },
    { name: 'input_filename is null', source: 'input_filename', expected: [null] },
    { name: 'inputs is empty', source: '[inputs]', expected: [[]] },
    { name: 'debug and stderr pass their input', source: '[debug, debug("m"), stderr]', input: 1, expected: [[1, 1, 1]] },
    { name: 'halt keeps the outputs so far', source: '1, 2, halt, 3', expected: [1, 2] },
    { name: 'to_entries and from_entries', source: 'to_entries, (to_entries | from_entries), with_entries(.value += 1)', input: { a: 1 }, expected: [[{ key: 'a', value: 1 }], { a: 1 }, { a: 2 }] },
    { name: 'string formats', source: '@base64 "x\\(.)", @json, @text', input: 'a', expected: ['xYQ==', '"a"', 'a'] },
    { name: 'an object key is checked when its pair is inserted: no value, no error', source: '[{(.a): empty}], (try {(.a): error("v")} catch .)', expected: [[], 'v'] },
    { name: 'interpolations run right to left (the last failing one raises)', source: 'try "\\(error("a")) \\(error("b"))" catch .', expected: ['b'] },
    { name: 'an index evaluates its key before its target', source: 'try error("t")[error("k")] catch .', expected: ['k'] },
    { name: 'try catches a break with the label value (jq 1.7.1 raises breaks as errors)', source: '[label $a | try break $a catch .], [label $b | (try break $b), 1]', expected: [[{ __jq: 0 }], [1]] },
    { name: 'labels are numbered as jq numbers them, builtins included', source: '[first(1), limit(1; 2), (label $a | try break $a catch .)]', expected: [[1, 2, { __jq: 2 }]] },
    { name: '?// retries on an error downstream of the body', source: '[[3]] | (.[] as [$a] ?// [$b] | {$a, $b}) | if .a != null then error("x") else . end', expected: [{ a: null, b: 3 }] },
    { name: 'foreach: an update with no output leaves null as the state', source: '[foreach (1,2,3) as $x (0; if $x == 2 then empty else . + $x end)]', expected: [[1, 3]] },
    { name: 'reduce and foreach run the source on null after the first init output', source: '[reduce .[]? as $x (0, 10; . + $x)], [foreach .[]? as $x (0, 10; . + $x)]', input: [1, 2], expected: [[3, 10], [1, 3]] },
    { name: 'last(empty) is null (jq 1.7.1 defines it with reduce)', source: '[last(empty)]', expected: [[null]] },
    { name: '@base64d replaces a cut UTF-8 sequence as jq does', source: '@base64d', input: 'null', expected: ['\ufffd\ufffd'] },
    { name: 'fromjson strips a BOM and rejects a malformed one', source: '("\\ufeff1" | fromjson), (try ("ｱ" | fromjson) catch .)', expected: [1, "Malformed BOM (while parsing 'ｱ')"] },
    { name: 'user definitions shadow builtins, builtins keep theirs', source: 'def map(f): "mine"; map(.), ({a: 1} | with_entries(.))', input: [1], expected: ['mine', { a: 1 }] },
  ];

for (const c of outputCases) {
  test(`jq: ${c.name}`, () => {
    assert.deepEqual(run(c.source, c.input ?? null, c.variables ?? {}), c.expected);
  });
}

test('jq: now returns the time given to evaluate', () => {
  assert.deepEqual(run('now', null, {}, 1700000000.5), [1700000000.5]);
});

const errorCases: { source: string; input?: Json; reason: string; value?: Json }[] = [
  { source: 'error("boom")', reason: 'boom', value: 'boom' },
  { source: 'error({"a": 1})', reason: '{"a":1} (not a string)', value: { a: 1 } },
  { source: 'error(null)', reason: 'null (not a string)', value: null },
  { source: '.a', input: 1, reason: 'Cannot index number with string "a"' },
  { source: 'path(1)', reason: 'Invalid path expression with result 1' },
  { source: 'try path(.a | map(.b) | .[0]) catch error', input: { a: [{ b: 0 }] }, reason: 'Invalid path expression near attempt to access element 0 of [0]' },
  { source: 'input', reason: 'No more inputs' },
  { source: '"ok" | halt_error', reason: 'ok', value: 'ok' },
  { source: '{"a": 1} | halt_error(1)', reason: '{"a":1}\n', value: { a: 1 } },
  { source: 'try ("ab" * infinite) catch 1', reason: 'cannot allocate memory' },
  { source: 'isempty("x" as $v ?// [$v] | .)', reason: 'Cannot index string with number' },
];

for (const c of errorCases) {
  test(`jq: \`${c.source}\` fails with "${c.reason.trim()}"`, () => {
    const error = runtimeError(c.source, c.input ?? null);
    assert.equal(error.reason, c.reason);
    if ('value' in c) assert.deepEqual(error.value, c.value);
  });
}

test('jq: the outputs before an error travel with it', () => {
  assert.deepEqual(runtimeError('1, 2, error("x")').outputs, [1, 2]);
});

test('jq: the step budget stops a runaway program, and try cannot catch it', () => {
  const small = createCompiledJqEngine({ maxSteps: 1000 });
  for (const source of ['repeat(1)', 'try last(range(1e9)) catch "caught"', 'def f: f; f', '[.[]?] | until(false; .)']) {
    assert.throws(() => small.evaluate(small.compile(source, []), [], {}), (error: unknown) => {
      assert.ok(error instanceof JqRuntimeError);
      assert.match(error.reason, /more than 1000 evaluation steps/);
      return true;
    });
  }
});

const compileErrorCases = [
  { source: '$nope', reason: /\$nope is not defined at line 1, column 1/ },
  { source: '.a | nope(1)', reason: /nope\/1 is not defined at line 1, column 6/ },
  { source: '.\n| break $out', reason: /label-out is not defined at line 2/ },
  { source: 'def f: g; f', reason: /g\/0 is not defined/ },
  { source: '{($__loc__): 1}', reason: /Cannot use object \({"file":"<t...\) as object key/ },
  { source: '{([[1], {}]): 1}', reason: /Cannot use array \(\[\[1\],{}\]\) as object key/ },
] as const;

for (const c of compileErrorCases) {
  test(`jq: \`${c.source.replace('\n', ' ')}\` does not compile`, () => {
    assert.throws(() => jq.compile(c.source, []), (error: unknown) => {
      assert.ok(error instanceof JqCompileError);
      assert.match(error.reason, c.reason);
      return true;
    });
  });
}

test('jq: compiled programs are cached by source and variable names, per engine', () => {
  assert.equal(jq.compile('.a', []), jq.compile('.a', []));
  assert.notEqual(jq.compile('.a', []), jq.compile('.a', ['x']));
  assert.notEqual(createCompiledJqEngine().compile('.a', []), jq.compile('.a', []));
});

test('jq: a compiled program lists only the variables it reads', () => {
  assert.deepEqual(jq.compile('$a + 1', ['a', 'b']).variables, ['a']);
});

test('jq: an unset bound variable is null', () => {
  const compiled = jq.compile('$x', ['x']);
  assert.deepEqual(jq.evaluate(compiled, null, {}), [null]);
});
