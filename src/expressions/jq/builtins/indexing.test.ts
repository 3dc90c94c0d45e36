import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { deletePaths, getPath, hasIndex, indexValue, iterateValues, setPath, sliceValue } from './indexing.js';

function throwsJq(run: () => unknown, message: string): void {
  assert.throws(run, (e: unknown) => e instanceof JqError && e.value === message);
}

const range10 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

const indexCases: Array<{ target: Json; key: Json; out?: Json; error?: string }> = [
  { target: { a: 1 }, key: 'a', out: 1 },
  { target: { a: 1 }, key: 'b', out: null },
  { target: { a: 1 }, key: 'constructor', out: null },
  { target: [1, 2, 3], key: -1, out: 3 },
  { target: [1, 2, 3], key: 3, out: null },
  { target: [1, 2, 3], key: -4, out: null },
  { target: range10, key: 1.7, out: 1 },
  { target: range10, key: Number.NaN, out: null },
  { target: null, key: 'a', out: null },
  { target: null, key: 0, out: null },
  { target: [0, 1, 2, 3, 1, 4, 2, 5, 1, 2, 6, 7], key: [1, 2], out: [1, 8] },
  { target: [1], key: [1, 2], out: [] },
  { target: [1, 2], key: [], out: [] },
  { target: range10, key: { start: 1.2, end: 3.5 }, out: [1, 2, 3] },
  { target: range10, key: { start: 1.7, end: -4294967296 }, out: [] },
  { target: [0, 1, 2], key: { start: Number.NaN, end: 1 }, out: [0] },
  { target: [0, 1, 2], key: { start: 1, end: Number.NaN }, out: [1, 2] },
  { target: 'a\u{1F600}bc', key: { start: 1, end: 3 }, out: '\u{1F600}b' },
  { target: 1, key: 'a', error: 'Cannot index number with string "a"' },
  { target: { a: 1 }, key: 0, error: 'Cannot index object with number' },
  { target: 'foobar', key: 1.5, error: 'Cannot index string with number' },
  { target: [], key: 'a'.repeat(30), error: 'Cannot index array with string' },
  { target: null, key: null, error: 'Cannot index null with null' },
  { target: [1], key: { start: 'a', end: null }, error: 'Array/string slice indices must be integers' },
  { target: [1, 2], key: { n: [] }, error: 'Array/string slice indices must be integers' },
  { target: 'ab', key: { start: 1 }, error: 'Array/string slice indices must be integers' },
];
for (const c of indexCases) {
  test(`${JSON.stringify(c.target)} | .[${JSON.stringify(c.key)}]`, () => {
    if (c.error === undefined) assert.deepEqual(indexValue(c.target, c.key), c.out);
    else throwsJq(() => indexValue(c.target, c.key), c.error);
  });
}

test('slices take null bounds and fractional bounds as jq (#2815)', () => {
  assert.deepEqual(sliceValue(range10, 1.7, 4294967295), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(sliceValue([1, 2], 0, 1e18), [1, 2]);
  assert.deepEqual(sliceValue([1, 2], null, -1), [1]);
  assert.equal(sliceValue('abcdef', -2, null), 'ef');
  assert.equal(sliceValue(null, 1, 2), null);
  throwsJq(() => sliceValue(5, 1, 2), 'Cannot index number with object');
});

test('iterate arrays and object values; anything else fails with the value shown', () => {
  assert.deepEqual(iterateValues({ b: 1, a: 2 }), [1, 2]);
  throwsJq(() => iterateValues(123), 'Cannot iterate over number (123)');
  throwsJq(() => iterateValues(null), 'Cannot iterate over null (null)');
});

test('has/1 as jv_has', () => {
  assert.deepEqual([hasIndex({ a: 1 }, 'a'), hasIndex([1], 0), hasIndex([1], 1), hasIndex(null, 'x')], [true, true, false, false]);
  throwsJq(() => hasIndex([1], 'a'), 'Cannot check whether array has a string key');
});

const pathCases: Array<{ input: Json; run: (input: Json) => Json; out?: Json; error?: string; name: string }> = [
  { name: 'getpath through a missing key', input: null, run: (v) => getPath(v, ['a', 'b']), out: null },
  { name: 'getpath on an object', input: { a: { b: 0, c: 1 } }, run: (v) => getPath(v, ['a', 'c']), out: 1 },
  { name: 'getpath into a number', input: { a: 1 }, run: (v) => getPath(v, ['a', 'b']), error: 'Cannot index number with string "b"' },
  { name: 'getpath needs an array', input: {}, run: (v) => getPath(v, 'a'), error: 'Path must be specified as an array' },
  { name: 'setpath creates objects', input: null, run: (v) => setPath(v, ['a', 'b'], 1), out: { a: { b: 1 } } },
  { name: 'setpath creates arrays', input: null, run: (v) => setPath(v, [0, 'a'], 1), out: [{ a: 1 }] },
  { name: 'setpath pads with null', input: [0], run: (v) => setPath(v, [2], 42), out: [0, null, 42] },
  { name: 'setpath with a negative index', input: [0], run: (v) => setPath(v, [-1], 1), out: [1] },
  { name: 'setpath truncates an index', input: range10.slice(0, 5), run: (v) => setPath(v, [1.1], 5), out: [0, 5, 2, 3, 4] },
  { name: 'setpath on a slice', input: range10, run: (v) => setPath(v, [{ start: 1.5, end: 3.5 }], ['xyz']), out: [0, 'xyz', 4, 5, 6, 7, 8, 9] },
  { name: 'setpath on a slice of null', input: null, run: (v) => setPath(v, [{ start: 0, end: 1 }], [1]), out: [1] },
  { name: 'setpath slice needs an array', input: [1], run: (v) => setPath(v, [{ start: 0, end: 1 }], 1), error: 'A slice of an array can only be assigned another array' },
  { name: 'setpath past the start', input: null, run: (v) => setPath(v, ['foo', -1], 0), error: 'Out of bounds negative array index' },
  { name: 'setpath at NaN', input: [0, 1, 2], run: (v) => setPath(v, [Number.NaN], 9), error: 'Cannot set array element at NaN index' },
  { name: 'setpath on a string slice', input: 'foobar', run: (v) => setPath(v, [{ start: 1.5, end: 3.5 }], 'xyz'), error: 'Cannot update string slices' },
  { name: 'setpath reads before it writes', input: { hi: 'hello' }, run: (v) => setPath(v, [1], 1), error: 'Cannot index object with number' },
  { name: 'setpath field of a boolean', input: true, run: (v) => setPath(v, [{ start: 0, end: 1 }], [1]), error: 'Cannot index boolean with object' },
  { name: 'setpath too far', input: [], run: (v) => setPath(v, [999999999], 0), error: 'Array index too large' },
  { name: 'setpath keeps key order', input: { a: 1, b: 2 }, run: (v) => Object.keys(setPath(v, ['a'], 3) as object), out: ['a', 'b'] },
  { name: 'setpath __proto__ is a key', input: {}, run: (v) => setPath(v, ['__proto__'], 1), out: JSON.parse('{"__proto__":1}') as Json },
  { name: 'delpaths mixes indices and slices', input: range10, run: (v) => deletePaths(v, [[1], [-6], [2], [{ start: -3, end: 9 }]]), out: [0, 3, 5, 6, 9] },
  { name: 'delpaths of slices', input: [0, 1, 2, 3, 4, 5, 6, 7], run: (v) => deletePaths(v, [[{ start: 2, end: 4 }], [0], [{ start: -2, end: null }]]), out: [1, 4, 5] },
  { name: 'delpaths nested', input: { a: { b: 1 }, x: { y: 2 } }, run: (v) => deletePaths(v, [['a', 'b']]), out: { a: {}, x: { y: 2 } } },
  { name: 'delpaths far negative', input: [1, 2, 3], run: (v) => deletePaths(v, [[-200]]), out: [1, 2, 3] },
  { name: 'delpaths everything', input: [1], run: (v) => deletePaths(v, [[0], []]), out: null },
  { name: 'delpaths through null', input: { a: null }, run: (v) => deletePaths(v, [['a', 'b'], ['c', 0]]), out: { a: null } },
  { name: 'delpaths of a missing key', input: [{ bar: 2 }], run: (v) => deletePaths(v, [[0, 'foo']]), out: [{ bar: 2 }] },
  { name: 'delpaths needs an array', input: {}, run: (v) => deletePaths(v, 0), error: 'Paths must be specified as an array' },
  { name: 'delpaths needs array paths', input: {}, run: (v) => deletePaths(v, ['a']), error: 'Path must be specified as array, not string' },
  { name: 'delpaths string key of array', input: [1], run: (v) => deletePaths(v, [['a']]), error: 'Cannot delete string element of array' },
  { name: 'delpaths number key of object', input: { a: 1 }, run: (v) => deletePaths(v, [[0]]), error: 'Cannot delete number field of object' },
  { name: 'delpaths from a number', input: 1, run: (v) => deletePaths(v, [[0]]), error: 'Cannot delete fields from number' },
];
for (const c of pathCases) {
  test(c.name, () => {
    if (c.error === undefined) assert.deepEqual(c.run(c.input), c.out);
    else throwsJq(() => c.run(c.input), c.error);
  });
}

test('setpath and delpaths leave their input unchanged', () => {
  const input = { a: [1, { b: 2 }] };
  const before = JSON.stringify(input);
  setPath(input, ['a', 1, 'b'], 3);
  deletePaths(input, [['a', 0]]);
  assert.equal(JSON.stringify(input), before);
});
