import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJqTestFile } from './jq-test-file.js';
import { jqEqual, jqText, parseJqJson } from './jq-values.js';

const SAMPLE = [
  '# a comment',
  '',
  '.[]',
  '[1,2]',
  '1',
  '2',
  '',
  'empty',
  'null',
  '# a comment ends the expected outputs (none here)',
  '%%FAIL',
  '{(0):1}',
  'jq: error: Cannot use number (0) as object key at <top-level>, line 1:',
  '',
  '%%FAIL IGNORE MSG',
  '. as [] | null',
  'jq: error: syntax error, whatever',
  '',
  '.a',
  '{"a": 3}',
  '3',
].join('\n');

test('a .test file reads as jq --run-tests reads it: run cases, %%FAIL cases, comments and blank lines between', () => {
  assert.deepEqual(parseJqTestFile(`${SAMPLE}\n`, 'x.test'), [
    { kind: 'run', file: 'x.test', line: 3, program: '.[]', input: '[1,2]', expected: ['1', '2'] },
    { kind: 'run', file: 'x.test', line: 8, program: 'empty', input: 'null', expected: [] },
    {
      kind: 'fail',
      file: 'x.test',
      line: 12,
      program: '{(0):1}',
      message: 'jq: error: Cannot use number (0) as object key at <top-level>, line 1:',
    },
    { kind: 'fail', file: 'x.test', line: 16, program: '. as [] | null', message: undefined },
    { kind: 'run', file: 'x.test', line: 19, program: '.a', input: '{"a": 3}', expected: ['3'] },
  ]);
});

test('a program without its input line is a broken file', () => {
  assert.throws(() => parseJqTestFile('.a\n', 'x.test'), /x\.test:1: program without an input line/);
});

test("jq's JSON reader extras: non-finite literals and a byte order mark", () => {
  assert.deepEqual(parseJqJson('[1,nan,"nan",-Infinity]'), [1, Number.NaN, 'nan', -Infinity]);
  assert.equal(parseJqJson('\uFEFF"x"'), 'x');
});

test("jq's equality: numbers by value, objects whatever their key order, NaN equal to nothing", () => {
  assert.ok(jqEqual(parseJqJson('1.0'), 1));
  assert.ok(jqEqual({ a: 1, b: [2] }, { b: [2], a: 1 }));
  assert.ok(!jqEqual({ a: 1 }, { a: 1, b: null }));
  assert.ok(!jqEqual([Number.NaN], [Number.NaN]));
  assert.ok(!jqEqual([1], { 0: 1 }));
});

test('jq text keeps key order and prints non-finite numbers as jq does', () => {
  assert.equal(jqText({ b: 1, a: [Number.NaN, Infinity] }), '{"b":1,"a":[null,1.7976931348623157e+308]}');
});
