import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../model/json.js';
import { ProblemError, problemTypes } from '../model/problems.js';
import type { JqEngine } from './jq-engine.js';
import { createCompiledJqEngine } from './jq/compiled-jq-engine.js';
import {
  type EvaluationSite,
  type ExpressionScope,
  type ExpressionsOptions,
  createExpressions,
  expressionBody,
  isRuntimeExpression,
} from './runtime-expressions.js';

const jq = createCompiledJqEngine();
const at: EvaluationSite = { instance: '/do/0/greet', now: 1_700_000_000 };
const scope: ExpressionScope = {
  input: { x: 1 },
  context: { user: 'ann' },
  color: 'red',
};

/** The real jq-web engine, counting compile and evaluate calls (a wrapper, not a mock: jq still runs). */
function counting(engine: JqEngine = jq): JqEngine & { compiles: string[]; evaluations: number } {
  const counter = {
    compiles: [] as string[],
    evaluations: 0,
    compile: (source: string, variables: readonly string[]) => {
      counter.compiles.push(source);
      return engine.compile(source, variables);
    },
    evaluate: (...args: Parameters<JqEngine['evaluate']>) => {
      counter.evaluations += 1;
      return engine.evaluate(...args);
    },
  };
  return counter;
}

function expressions(options?: ExpressionsOptions) {
  return createExpressions(jq, options);
}

/** Asserts an expression problem (status 400) at `at.instance` whose detail contains every `parts`. */
function isExpressionProblem(...parts: string[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ProblemError, `expected a ProblemError, got ${String(error)}`);
    assert.equal(error.problem.type, problemTypes.expression.type);
    assert.equal(error.problem.status, 400);
    assert.equal(error.problem.instance, at.instance);
    for (const part of parts) assert.ok(error.problem.detail?.includes(part), `${error.problem.detail} has ${part}`);
    return true;
  };
}

const evaluateCases: { name: string; source: string; input: Json; expected: Json }[] = [
  { name: 'bare jq', source: '.a', input: { a: 1 }, expected: 1 },
  { name: '${ } jq', source: '${ .a }', input: { a: 1 }, expected: 1 },
  { name: '${} without spaces', source: '${.a}', input: { a: 1 }, expected: 1 },
  { name: '${ } with surrounding whitespace', source: '  ${ .a }\n', input: { a: 1 }, expected: 1 },
  { name: 'an object literal inside ${ }', source: '${ {b: .a} }', input: { a: 1 }, expected: { b: 1 } },
  { name: 'a "}" in a string inside ${ }', source: '${ "}" + .s }', input: { s: '!' }, expected: '}!' },
  { name: '$input', source: '$input.x', input: null, expected: 1 },
  { name: '$context', source: '${ $context.user }', input: null, expected: 'ann' },
  { name: 'a loop variable', source: '$color', input: null, expected: 'red' },
  {
    name: 'string interpolation',
    source: '${ "Hello \\(.user.firstName)!" }',
    input: { user: { firstName: 'Ann' } },
    expected: 'Hello Ann!',
  },
  { name: 'now as the given time', source: 'now', input: null, expected: 1_700_000_000 },
  { name: 'now formatted', source: '${ now | todate }', input: null, expected: '2023-11-14T22:13:20Z' },
  { name: 'null input', source: '.colors + ["red"]', input: null, expected: ['red'] },
  { name: 'the first of several outputs', source: '.[]', input: [3, 1, 2], expected: 3 },
  { name: 'null when there is no output', source: 'empty', input: 1, expected: null },
  { name: 'a multi-line program', source: '${\n  .a\n  | . + 1\n}', input: { a: 1 }, expected: 2 },
];

for (const c of evaluateCases) {
  test(`evaluate: ${c.name}`, () => {
    assert.deepEqual(expressions().evaluate(c.source, c.input, scope, at), c.expected);
  });
}

const conditionCases: { source: string; input?: Json; expected: boolean }[] = [
  { source: 'true', expected: true },
  { source: 'false', expected: false },
  { source: 'null', expected: false },
  { source: '0', expected: true },
  { source: '""', expected: true },
  { source: '[]', expected: true },
  { source: '{}', expected: true },
  { source: 'empty', expected: false },
  { source: '.missing', input: {}, expected: false },
  { source: 'false, true', expected: false },
  { source: '${ .n > 2 }', input: { n: 3 }, expected: true },
  { source: '.n > 2', input: { n: 1 }, expected: false },
  { source: '$color == "red"', expected: true },
];

for (const c of conditionCases) {
  test(`evaluateCondition(${JSON.stringify(c.source)}) is ${c.expected} (jq truthiness)`, () => {
    assert.equal(expressions().evaluateCondition(c.source, c.input ?? null, scope, at), c.expected);
  });
}

const templateCases: { name: string; template: unknown; input: Json; expected: Json }[] = [
  { name: 'a literal string', template: 'hello', input: null, expected: 'hello' },
  { name: 'bare jq in a value position is literal', template: '.a', input: { a: 1 }, expected: '.a' },
  { name: 'a ${ } string', template: '${ .a }', input: { a: 1 }, expected: 1 },
  { name: 'a ${ } string yielding an object', template: '${ .a }', input: { a: { b: [1] } }, expected: { b: [1] } },
  { name: '${ in the middle is literal (strict)', template: 'abc ${ .x }', input: { x: 1 }, expected: 'abc ${ .x }' },
  { name: '${} (empty) is literal', template: '${}', input: null, expected: '${}' },
  { name: 'numbers, booleans and null', template: [1, 2.5, -0, true, false, null], input: null, expected: [1, 2.5, -0, true, false, null] },
  { name: 'the empty object', template: {}, input: null, expected: {} },
  {
    name: 'nested objects and arrays',
    template: {
      greeting: '${ "Hello \\(.user.firstName)!" }',
      colors: ['${ $color }', 'blue', { nested: ['${ .user.firstName }', 3] }],
      literal: 'plain',
      fromInput: '${ $input.x }',
      fromContext: '${ $context }',
    },
    input: { user: { firstName: 'Ann' } },
    expected: {
      greeting: 'Hello Ann!',
      colors: ['red', 'blue', { nested: ['Ann', 3] }],
      literal: 'plain',
      fromInput: 1,
      fromContext: { user: 'ann' },
    },
  },
  { name: 'an expression yielding nothing', template: { a: '${ empty }' }, input: null, expected: { a: null } },
  { name: 'null input', template: { colors: '${ .colors + ["red"] }' }, input: null, expected: { colors: ['red'] } },
];

for (const c of templateCases) {
  test(`evaluateTemplate: ${c.name}`, () => {
    assert.deepEqual(expressions().evaluateTemplate(c.template, c.input, scope, at), c.expected);
  });
}

test('evaluateTemplate keeps key order', () => {
  const result = expressions().evaluateTemplate({ z: '${ 1 }', a: 'x', m: { y: 1, b: '${ 2 }' } }, null, scope, at);
  assert.equal(JSON.stringify(result), '{"z":1,"a":"x","m":{"y":1,"b":2}}');
});

test('evaluateTemplate keeps a __proto__ key as data', () => {
  const template = JSON.parse('{"__proto__": "${ .a }", "b": 1}') as unknown;
  const result = expressions().evaluateTemplate(template, { a: 7 }, scope, at);
  assert.equal(Object.getPrototypeOf(result), Object.prototype);
  assert.deepEqual(Object.keys(result as object), ['__proto__', 'b']);
  assert.equal(JSON.stringify(result), '{"__proto__":7,"b":1}');
});

test('evaluateTemplate does not change the template', () => {
  const template = { a: ['${ .x }'] };
  expressions().evaluateTemplate(template, { x: 1 }, scope, at);
  assert.deepEqual(template, { a: ['${ .x }'] });
});

/** `[1, <hole>, 3]`: the hole is the point, it is not JSON. */
function sparseArray(): unknown[] {
  const array: unknown[] = new Array(3);
  array[0] = 1;
  array[2] = 3;
  return array;
}

const nonJsonCases: { name: string; template: unknown; found: string; path: string }[] = [
  { name: 'undefined', template: undefined, found: 'found undefined', path: '' },
  { name: 'a function', template: { a: () => 1 }, found: 'a function', path: 'at /a of the template' },
  { name: 'NaN', template: [1, Number.NaN], found: 'the number NaN', path: 'at /1 of the template' },
  { name: 'Infinity (YAML .inf)', template: { x: Infinity }, found: 'the number Infinity', path: 'at /x' },
  { name: 'a bigint', template: { n: 1n }, found: 'the bigint 1n', path: 'at /n' },
  { name: 'a symbol', template: [Symbol('s')], found: 'a symbol', path: 'at /0' },
  { name: 'a Date', template: { d: new Date(0) }, found: 'an instance of Date', path: 'at /d' },
  { name: 'a Map', template: { 'a/b~c': new Map() }, found: 'an instance of Map', path: 'at /a~1b~0c' },
  { name: 'a sparse array hole', template: sparseArray(), found: 'found undefined', path: 'at /1' },
  { name: 'undefined deep inside', template: { a: [{ b: undefined }] }, found: 'found undefined', path: 'at /a/0/b' },
];

for (const c of nonJsonCases) {
  test(`evaluateTemplate rejects ${c.name} as an expression problem`, () => {
    assert.throws(
      () => expressions().evaluateTemplate(c.template, null, scope, at),
      isExpressionProblem('expected a JSON value', c.found, c.path),
    );
  });
}

const transformCases: { name: string; value: unknown; input: Json; expected: Json }[] = [
  { name: 'a bare string is an expression', value: '.a', input: { a: 1 }, expected: 1 },
  { name: 'a ${ } string is an expression', value: '${ .a }', input: { a: 1 }, expected: 1 },
  { name: 'an object is a template', value: { b: '${ .a }', c: '.a' }, input: { a: 1 }, expected: { b: 1, c: '.a' } },
  { name: 'an array is a template', value: ['${ .a }', 2], input: { a: 1 }, expected: [1, 2] },
  { name: 'a number passes through', value: 5, input: null, expected: 5 },
  { name: '$input in output.as', value: { was: '${ $input.x }', now: '${ . }' }, input: 2, expected: { was: 1, now: 2 } },
];

for (const c of transformCases) {
  test(`evaluateTransform: ${c.name}`, () => {
    assert.deepEqual(expressions().evaluateTransform(c.value, c.input, scope, at), c.expected);
  });
}

const errorCases: { name: string; call: (e: ReturnType<typeof expressions>) => unknown; parts: string[] }[] = [
  { name: 'a syntax error', call: (e) => e.evaluate('.a |||', null, scope, at), parts: ["unexpected '|'", '.a |||'] },
  { name: 'an unbound variable', call: (e) => e.evaluate('$nope', null, scope, at), parts: ['$nope is not defined'] },
  { name: 'a runtime error', call: (e) => e.evaluate('${ error("boom") }', null, scope, at), parts: ['boom', 'error("boom")'] },
  { name: 'a type error', call: (e) => e.evaluate('.a + 1', { a: 'x' }, scope, at), parts: ['cannot be added', '.a + 1'] },
  { name: 'an empty ${ }', call: (e) => e.evaluate('${ }', null, scope, at), parts: ['the expression is empty'] },
  { name: 'an empty bare expression', call: (e) => e.evaluate('  ', null, scope, at), parts: ['the expression is empty'] },
  { name: 'a non-string expression', call: (e) => e.evaluate(1 as unknown as string, null, scope, at), parts: ['must be a string, found 1'] },
  { name: 'a condition', call: (e) => e.evaluateCondition('.a.b', { a: 1 }, scope, at), parts: ['Cannot index number'] },
  {
    name: 'a template, with the path',
    call: (e) => e.evaluateTemplate({ body: [{ x: '${ .a.b }' }] }, { a: 'x' }, scope, at),
    parts: ['Cannot index string', '.a.b', 'at /body/0/x of the template'],
  },
  { name: 'a string transform', call: (e) => e.evaluateTransform('.[', null, scope, at), parts: ['syntax error'] },
  {
    name: 'two ${ } in one string (the anchored pattern takes it as one expression)',
    call: (e) => e.evaluateTemplate('${ .a } and ${ .b }', {}, scope, at),
    parts: ['does not compile'],
  },
];

for (const c of errorCases) {
  test(`a failing expression becomes an expression problem: ${c.name}`, () => {
    assert.throws(() => c.call(expressions()), isExpressionProblem(...c.parts));
  });
}

test('an expression problem keeps the jq error as its cause', () => {
  try {
    expressions().evaluate('error("x")', null, scope, at);
    assert.fail('expected a throw');
  } catch (error) {
    assert.ok(error instanceof ProblemError);
    assert.equal((error.cause as Error).name, 'JqRuntimeError');
  }
});

test('an engine failure that is not a jq error goes up unchanged', () => {
  const broken: JqEngine = {
    compile: (source, variables) => jq.compile(source, variables),
    evaluate: () => {
      throw new RangeError('engine bug');
    },
  };
  assert.throws(() => createExpressions(broken).evaluate('.', null, scope, at), RangeError);
});

const looseCases: { name: string; template: unknown; input: Json; expected: Json }[] = [
  { name: 'bare jq is evaluated', template: '.a', input: { a: 1 }, expected: 1 },
  { name: '${ } is evaluated', template: '${ .a }', input: { a: 1 }, expected: 1 },
  { name: 'text that does not compile stays literal', template: 'hello world', input: null, expected: 'hello world' },
  { name: 'an unknown name stays literal', template: 'hello', input: null, expected: 'hello' },
  { name: 'a URL stays literal', template: 'https://example.com/a?b=c', input: null, expected: 'https://example.com/a?b=c' },
  { name: 'embedded ${ } stays literal', template: 'abc ${ .x }', input: { x: 1 }, expected: 'abc ${ .x }' },
  { name: 'a runtime failure keeps the original text', template: '${ .a + 1 }', input: { a: 'x' }, expected: '${ .a + 1 }' },
  { name: 'an unbound variable stays literal', template: '$nope', input: null, expected: '$nope' },
  { name: 'the empty string stays literal', template: '', input: null, expected: '' },
  { name: '"null" is jq null', template: 'null', input: null, expected: null },
  { name: '"42" is jq 42', template: '42', input: null, expected: 42 },
  {
    name: 'objects and arrays are walked',
    template: { a: ['.x', 'some text', '${ $color }'], b: 1 },
    input: { x: 'X' },
    expected: { a: ['X', 'some text', 'red'], b: 1 },
  },
];

for (const c of looseCases) {
  test(`loose mode: ${c.name}`, () => {
    assert.deepEqual(expressions({ mode: 'loose' }).evaluateTemplate(c.template, c.input, scope, at), c.expected);
  });
}

test('loose mode: always-expression fields still raise on failure', () => {
  const loose = expressions({ mode: 'loose' });
  assert.throws(() => loose.evaluate('hello world', null, scope, at), isExpressionProblem('does not compile'));
  assert.throws(() => loose.evaluateCondition('.a.b', { a: 1 }, scope, at), isExpressionProblem('Cannot index'));
  assert.throws(() => loose.evaluateTransform('.[', null, scope, at), isExpressionProblem('syntax error'));
});

test('loose mode: non-JSON template values are still rejected', () => {
  assert.throws(
    () => expressions({ mode: 'loose' }).evaluateTemplate({ a: undefined }, null, scope, at),
    isExpressionProblem('expected a JSON value'),
  );
});

test('a program is compiled once for the same source and variable names', () => {
  const engine = counting();
  const e = createExpressions(engine);
  for (const n of [1, 2, 3]) assert.equal(e.evaluate('.n + $input.x', { n }, scope, at), n + 1);
  assert.equal(e.evaluate('${ .n + $input.x }', { n: 1 }, scope, at), 2, 'the body is the key, not the wrapper');
  assert.equal(e.evaluateTemplate('${.n + $input.x}', { n: 1 }, scope, at), 2);
  // Same names in another order: the key sorts them.
  assert.equal(e.evaluate('.n + $input.x', { n: 1 }, { color: 'x', context: {}, input: { x: 1 } }, at), 2);
  assert.deepEqual(engine.compiles, ['.n + $input.x']);
  assert.equal(engine.evaluations, 6);
});

test('other variable names compile again: `$x` compiles only where `x` is bound', () => {
  const engine = counting();
  const e = createExpressions(engine);
  assert.equal(e.evaluate('$item', null, { item: 1 }, at), 1);
  assert.throws(() => e.evaluate('$item', null, {}, at), isExpressionProblem('$item is not defined'));
  assert.equal(e.evaluate('$item', null, { item: 2, index: 0 }, at), 2);
  assert.equal(engine.compiles.length, 3);
});

test('a compile failure is cached too', () => {
  const engine = counting();
  const loose = createExpressions(engine, { mode: 'loose' });
  for (let round = 0; round < 3; round += 1) {
    assert.equal(loose.evaluateTemplate('some text', null, scope, at), 'some text');
    assert.throws(() => loose.evaluate('some text', null, scope, at), isExpressionProblem('does not compile'));
  }
  assert.deepEqual(engine.compiles, ['some text']);
  assert.equal(engine.evaluations, 0);
});

test('the cache evicts the least recently used program', () => {
  const engine = counting();
  const e = createExpressions(engine, { cacheSize: 2 });
  for (const source of ['1', '2', '1', '3', '1', '2']) e.evaluate(source, null, {}, at);
  // 1, 2 compiled; 1 hit; 3 evicts 2; 1 hit; 2 compiled again.
  assert.deepEqual(engine.compiles, ['1', '2', '3', '2']);
});

test('two instances keep separate caches', () => {
  const engine = counting();
  createExpressions(engine).evaluate('.', null, {}, at);
  createExpressions(engine).evaluate('.', null, {}, at);
  assert.equal(engine.compiles.length, 2);
});

test('now is passed only when the site has one', () => {
  assert.equal(expressions().evaluate('now', null, {}, { instance: '/do/0/x' }), 0);
  assert.equal(expressions().evaluate('now', null, {}, { instance: '/do/0/x', now: 12.5 }), 12.5);
});

const badOptions: { options: ExpressionsOptions; message: RegExp }[] = [
  { options: { mode: 'lax' as 'loose' }, message: /mode must be 'strict' or 'loose', found "lax"/ },
  { options: { cacheSize: 0 }, message: /cacheSize must be a positive integer, found 0/ },
  { options: { cacheSize: 1.5 }, message: /found 1.5/ },
];

for (const c of badOptions) {
  test(`createExpressions rejects ${JSON.stringify(c.options)}`, () => {
    assert.throws(() => createExpressions(jq, c.options), c.message);
  });
}

const patternCases: { value: string; isExpression: boolean; body: string }[] = [
  { value: '${ .a }', isExpression: true, body: '.a' },
  { value: '${.a}', isExpression: true, body: '.a' },
  { value: '  ${ .a }  ', isExpression: true, body: '.a' },
  { value: '${\n  .a\n}', isExpression: true, body: '.a' },
  { value: '${ {a: 1} }', isExpression: true, body: '{a: 1}' },
  { value: '${ }', isExpression: true, body: '' },
  { value: '${}', isExpression: false, body: '${}' },
  { value: '.a', isExpression: false, body: '.a' },
  { value: ' .a ', isExpression: false, body: '.a' },
  { value: 'abc ${ .a }', isExpression: false, body: 'abc ${ .a }' },
  { value: '${ .a } abc', isExpression: false, body: '${ .a } abc' },
  { value: '$ { .a }', isExpression: false, body: '$ { .a }' },
];

for (const c of patternCases) {
  test(`isRuntimeExpression(${JSON.stringify(c.value)}) is ${c.isExpression}, body ${JSON.stringify(c.body)}`, () => {
    assert.equal(isRuntimeExpression(c.value), c.isExpression);
    assert.equal(expressionBody(c.value), c.body);
  });
}
