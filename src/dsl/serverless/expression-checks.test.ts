import assert from 'node:assert/strict';
import test from 'node:test';
import { createCompiledJqEngine } from '../../expressions/jq/compiled-jq-engine.js';
import type { Json } from '../../model/json.js';
import { type ExpressionCompiler, expressionProblems } from './expression-checks.js';

const jq = createCompiledJqEngine();
const header = { dsl: '1.0.3', namespace: 'test', name: 'sample', version: '0.1.0' };

test('every expression compiles with the variables of its scope (compiled jq)', () => {
  const document: Json = {
    document: header,
    do: [
      { a: { for: { each: 'pet', in: '.pets' }, do: [{ b: { set: { id: '${ $pet.id }', at: '${ $index }' } } }] } },
      { c: { set: { bad: '${ .a | }', unbound: '${ $pet }', fine: '${ $context | keys }' } } },
    ],
  };
  const problems = expressionProblems(document, jq);
  assert.deepEqual(
    problems.map((problem) => problem.pointer),
    ['/do/1/c/set/bad', '/do/1/c/set/unbound'],
  );
  assert.match(problems[0]?.message ?? '', /^expected a jq expression that compiles, found `\.a \|` \(.+\)$/);
  assert.match(problems[1]?.message ?? '', /\$pet is not defined/);
});

test('the same program in the same scope is compiled once', () => {
  const calls: string[] = [];
  const compiler: ExpressionCompiler = { compile: (source) => calls.push(source) };
  const document: Json = { document: header, do: [{ a: { set: { x: '${ . }', y: '${ . }', z: '${ .z }' } } }] };
  assert.deepEqual(expressionProblems(document, compiler), []);
  assert.deepEqual(calls, ['.', '.z']);
});

test("a compiler's error without a jq reason is reported by its message", () => {
  const compiler: ExpressionCompiler = {
    compile: () => {
      throw new Error('engine unavailable');
    },
  };
  const [problem] = expressionProblems({ document: header, do: [{ a: { if: '.x', wait: 'PT1S' } }] }, compiler);
  assert.equal(problem?.message, 'expected a jq expression that compiles, found `.x` (engine unavailable)');
});
