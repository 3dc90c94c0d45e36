import assert from 'node:assert/strict';
import test from 'node:test';
import { parseSource } from './source-document.js';

test('YAML text: value and the position of each node by pointer', () => {
  const parsed = parseSource('a:\n  b: [1, {c: x}]\n  "d/e": yes\n');
  assert.deepEqual(parsed.value, { a: { b: [1, { c: 'x' }], 'd/e': 'yes' } });
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.positionOf('/a/b/1/c', 'value'), { line: 2, column: 14 });
  assert.deepEqual(parsed.positionOf('/a/b/1/c', 'key'), { line: 2, column: 11 });
  assert.deepEqual(parsed.positionOf('/a/d~1e', 'key'), { line: 3, column: 3 });
  assert.deepEqual(parsed.positionOf('/a', 'key'), { line: 1, column: 1 });
});

test('a pointer with no node of its own falls back to its nearest ancestor unless exact', () => {
  const parsed = parseSource('a:\n  b: 1\n');
  assert.deepEqual(parsed.positionOf('/a/missing/deeper', 'value'), { line: 2, column: 3 });
  assert.equal(parsed.positionOf('/a/missing', 'key', true), undefined);
});

test('JSON text is read by the same parser, tabs and escapes included', () => {
  const parsed = parseSource('{\n\t"a": ["\\u00e9\\ud83d\\ude00", 1e2],\n\t"b": {"c": null}\n}');
  assert.deepEqual(parsed.value, { a: ['é😀', 100], b: { c: null } });
  assert.deepEqual(parsed.positionOf('/b/c', 'value'), { line: 3, column: 13 });
});

test('a syntax error is a problem with line and column, and no value', () => {
  const parsed = parseSource('a: [1, 2\nb: 3\n');
  assert.equal(parsed.value, undefined);
  const [problem] = parsed.problems;
  assert.equal(problem?.pointer, '');
  assert.match(problem?.message ?? '', /^cannot parse the document: /);
  assert.equal(problem?.expected, 'well-formed YAML or JSON');
  assert.deepEqual([problem?.line, problem?.column], [2, 1]);
});

test('several documents in one text are a problem', () => {
  const parsed = parseSource('a: 1\n---\nb: 2\n');
  assert.equal(parsed.value, undefined);
  assert.match(parsed.problems[0]?.message ?? '', /multiple documents/);
});

test('a duplicate key is a problem at its pointer; the later value is kept so checking can go on', () => {
  const parsed = parseSource('a:\n  x: 1\n  y: 2\n  x: 3\n');
  assert.deepEqual(parsed.value, { a: { x: 3, y: 2 } });
  assert.deepEqual(parsed.problems, [
    {
      pointer: '/a/x',
      message: "duplicate key 'x': expected each key once per object (the later value would silently replace the earlier)",
      expected: 'each key once per object',
      found: "'x' twice",
      line: 4,
      column: 3,
    },
  ]);
});

test('a collection used as a key is a problem', () => {
  const parsed = parseSource('? [a, b]\n: 1\n');
  assert.equal(parsed.problems[0]?.message, 'expected a string key, found a collection used as a key');
});

test('scalar keys become strings as the parser itself spells them', () => {
  assert.deepEqual(parseSource('1: a\ntrue: b\n~: c\n').value, { '1': 'a', true: 'b', '': 'c' });
});

test('aliases are expanded, and too many expansions are refused', () => {
  assert.deepEqual(parseSource('a: &x {k: 1}\nb: *x\n').value, { a: { k: 1 }, b: { k: 1 } });
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 0; level < 5; level += 1) {
    const alias = String.fromCharCode(97 + level);
    lines.push(`${String.fromCharCode(98 + level)}: &${String.fromCharCode(98 + level)} [${Array(10).fill(`*${alias}`).join(', ')}]`);
  }
  const parsed = parseSource(`${lines.join('\n')}\n`);
  assert.equal(parsed.value, undefined);
  assert.match(parsed.problems[0]?.message ?? '', /^cannot read the document: /);
});
