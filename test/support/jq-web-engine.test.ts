import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../src/model/json.js';
import { JqCompileError, JqRuntimeError } from '../../src/expressions/jq-engine.js';
import { createJqWebEngine, referencedVariables } from './jq-web-engine.js';

const jq = await createJqWebEngine();

function run(source: string, input: Json = null, variables: Record<string, Json> = {}, now?: number): Json[] {
  const compiled = jq.compile(source, Object.keys(variables));
  return jq.evaluate(compiled, input, variables, now === undefined ? {} : { now });
}

const outputCases: { name: string; source: string; input?: Json; variables?: Record<string, Json>; expected: Json[] }[] =
  [
    { name: 'a path', source: '.a.b', input: { a: { b: 1 } }, expected: [1] },
    { name: 'every output, in order', source: '.[]', input: [3, 1, 2], expected: [3, 1, 2] },
    { name: 'no output', source: 'empty', input: 1, expected: [] },
    { name: 'no output from select', source: '.[] | select(. > 5)', input: [1, 2], expected: [] },
    { name: 'null as an output', source: '.missing', input: {}, expected: [null] },
    { name: 'null input', source: '.colors + ["red"]', input: null, expected: [['red']] },
    {
      name: 'strings with newlines, one output each',
      source: '"a\\nb", .s, "c"',
      input: { s: 'x\ny\r\nz' },
      expected: ['a\nb', 'x\ny\r\nz', 'c'],
    },
    { name: 'unicode and line separators', source: '.', input: 'é 😀 \u2028 \u0000', expected: ['é 😀 \u2028 \u0000'] },
    { name: 'object key order', source: '{z: 1, a: 2, m: .}', input: 3, expected: [{ z: 1, a: 2, m: 3 }] },
    { name: 'interpolation', source: '"Hello \\(.user.firstName)!"', input: { user: { firstName: 'Ann' } }, expected: ['Hello Ann!'] },
    { name: 'a variable', source: '$input.x + $color', variables: { input: { x: 'a' }, color: 'b' }, expected: ['ab'] },
    { name: 'a bound but unset variable is null', source: '$x', variables: { x: null }, expected: [null] },
    { name: 'a trailing comment', source: '.a # the rest of the line', input: { a: 1 }, expected: [1] },
    { name: 'a function definition', source: 'def twice: . * 2; twice', input: 4, expected: [8] },
    { name: '$__loc__ on line 1', source: '$__loc__', expected: [{ file: '<top-level>', line: 1 }] },
    { name: '$__loc__ on line 3', source: '.\n|\n$__loc__.line', expected: [3] },
    { name: '$ENV is empty (jq-web exposes host paths)', source: '$ENV', expected: [{}] },
    { name: 'env is empty', source: 'env', expected: [{}] },
    { name: 'get_jq_origin is null (it named a host directory)', source: 'get_jq_origin', expected: [null] },
    { name: 'input_filename is null', source: 'input_filename', expected: [null] },
    { name: 'debug passes its input', source: 'debug, debug("msg")', input: 1, expected: [1, 1] },
    { name: 'stderr passes its input', source: 'stderr', input: 'x', expected: ['x'] },
    { name: 'halt_error(0) halts quietly', source: '1, ("bye" | halt_error(0)), 2', expected: [1] },
    { name: 'halt stops', source: '1, halt, 2', expected: [1] },
    { name: 'big integers as JSON numbers', source: '. + 1', input: 2 ** 40, expected: [2 ** 40 + 1] },
  ];

for (const c of outputCases) {
  test(`jq-web evaluates ${c.name}`, () => {
    assert.deepEqual(run(c.source, c.input ?? null, c.variables ?? {}), c.expected);
  });
}

test('jq-web keeps object key order in the parsed outputs', () => {
  const [output] = run('{z: 1, a: 2, m: 3}');
  assert.deepEqual(Object.keys(output as object), ['z', 'a', 'm']);
});

const compileErrorCases = [
  { name: 'a syntax error', source: '.a |||', reason: "syntax error, unexpected '|'" },
  { name: 'an unterminated pipe', source: '.a |', reason: 'syntax error, unexpected end of file' },
  { name: 'an unterminated array', source: '[1, 2', reason: 'syntax error, unexpected end of file' },
  { name: 'an unbound variable', source: '$nope', reason: '$nope is not defined' },
  { name: 'two unbound variables', source: '$x + $y', reason: '$x is not defined; $y is not defined' },
  { name: 'an unknown function', source: 'frobnicate(1)', reason: 'frobnicate/1 is not defined' },
  { name: 'an error on line 2', source: '.a\n| $nope', reason: '$nope is not defined (line 2)' },
] as const;

for (const c of compileErrorCases) {
  test(`jq-web compile rejects ${c.name}`, () => {
    assert.throws(
      () => jq.compile(c.source, ['bound']),
      (error: unknown) => {
        assert.ok(error instanceof JqCompileError);
        assert.equal(error.source, c.source);
        assert.equal(error.reason, c.reason);
        assert.match(error.message, /does not compile/);
        assert.ok(error.message.includes(c.source), 'the message names the expression');
        return true;
      },
    );
  });
}

const runtimeErrorCases = [
  { name: 'error with a string', source: 'error("boom")', reason: 'boom' },
  { name: 'error with newlines', source: 'error("line 1\\nline 2")', reason: 'line 1\nline 2' },
  { name: 'error with an object', source: 'error({a: 1})', reason: '{"a":1} (not a string)' },
  { name: 'error with null', source: 'error(null)', reason: 'null (not a string)' },
  { name: 'a type error', source: '1 + "a"', reason: 'number (1) and string ("a") cannot be added' },
  { name: 'indexing a number', source: '.a', input: 5, reason: 'Cannot index number with string "a"' },
  { name: 'a bad regex', source: '"x" | test("[")', reason: 'Regex failure: premature end of char-class' },
  { name: 'halt_error with code 3 (not a compile error)', source: '"bye" | halt_error(3)', reason: 'bye' },
  { name: 'halt_error', source: '"bye\\n" | halt_error', reason: 'bye' },
  { name: 'input (there is only one)', source: 'input', reason: 'No more inputs' },
] as const;

for (const c of runtimeErrorCases) {
  test(`jq-web evaluate raises a runtime error for ${c.name}`, () => {
    const compiled = jq.compile(c.source, []);
    assert.throws(
      () => jq.evaluate(compiled, 'input' in c ? c.input : null, {}),
      (error: unknown) => {
        assert.ok(error instanceof JqRuntimeError, String(error));
        assert.equal(error.source, c.source);
        assert.equal(error.reason, c.reason);
        assert.ok(error.message.includes(c.source), 'the message names the expression');
        return true;
      },
    );
  });
}

test('jq-web compile binds only the variables the program mentions', () => {
  const compiled = jq.compile('$input.a + $color', ['context', 'input', 'secrets', 'color']);
  assert.deepEqual([...compiled.variables].sort(), ['color', 'input']);
  assert.equal(compiled.source, '$input.a + $color');
});

test('jq-web evaluate never serialises a variable the program does not mention', () => {
  const compiled = jq.compile('$a', ['a', 'huge']);
  // A bigint makes JSON.stringify throw, so passing `huge` to jq would fail the call.
  const variables = { a: 1, huge: 10n as unknown as Json };
  assert.deepEqual(jq.evaluate(compiled, null, variables), [1]);
});

test('jq-web evaluate binds a missing variable value as null', () => {
  const compiled = jq.compile('$a', ['a']);
  assert.deepEqual(jq.evaluate(compiled, null, {}), [null]);
});

test('jq-web now returns the given time, not the wall clock', () => {
  assert.deepEqual(run('now', null, {}, 1_700_000_000.25), [1_700_000_000.25]);
  assert.deepEqual(run('now | todate', null, {}, 1_700_000_000), ['2023-11-14T22:13:20Z']);
  assert.deepEqual(run('now | localtime | mktime', null, {}, 1_700_000_000), [1_700_000_000]);
});

test('jq-web now is 0 when no time is given', () => {
  assert.deepEqual(run('now'), [0]);
});

test('jq-web compiles once and evaluates many inputs', () => {
  const compiled = jq.compile('. * $k', ['k']);
  assert.deepEqual(
    [1, 2, 3].map((n) => jq.evaluate(compiled, n, { k: 10 })),
    [[10], [20], [30]],
  );
});

test('jq-web writes nothing to the console for debug, stderr or halt_error(0)', (t) => {
  const warn = t.mock.method(console, 'warn', () => undefined);
  const log = t.mock.method(console, 'log', () => undefined);
  run('debug, debug("m"), stderr, ("x\\n" | halt_error(0))', 1);
  assert.equal(warn.mock.callCount(), 0);
  assert.equal(log.mock.callCount(), 0);
});

test('jq-web a failure leaves the engine usable', () => {
  assert.throws(() => run('error("x")'), JqRuntimeError);
  assert.throws(() => jq.compile('.a |||', []), JqCompileError);
  assert.deepEqual(run('.a', { a: 1 }), [1]);
});

test('two jq-web engines evaluate independently', async () => {
  const other = await createJqWebEngine();
  const compiled = other.compile('. + 1', []);
  assert.deepEqual(other.evaluate(compiled, 1, {}), [2]);
  assert.deepEqual(run('. + 2', 1), [3]);
});

const referencedCases = [
  { source: '.a', expected: [] },
  { source: '$input.a + $context.b', expected: ['input', 'context'] },
  { source: '$a + $a', expected: ['a'] },
  { source: '$__loc__, $ENV', expected: [] },
  { source: '. as $x | $x', expected: ['x'] },
  { source: '"$literal"', expected: ['literal'] },
  { source: '$_under_score9', expected: ['_under_score9'] },
] as const;

for (const c of referencedCases) {
  test(`referencedVariables(${JSON.stringify(c.source)}) is ${JSON.stringify(c.expected)}`, () => {
    assert.deepEqual(referencedVariables(c.source), c.expected);
  });
}
