import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../../model/json.js';
import { compareStrings, compareValues, isTruthy, sortedKeys, typeName, valuesEqual } from './values.js';

const typeCases: Array<[Json, string]> = [
  [null, 'null'],
  [false, 'boolean'],
  [0, 'number'],
  ['', 'string'],
  [[], 'array'],
  [{}, 'object'],
];
for (const [value, name] of typeCases) {
  test(`typeName(${JSON.stringify(value)}) is ${name}`, () => assert.equal(typeName(value), name));
}

test('only false and null are falsy', () => {
  assert.deepEqual([null, false, true, 0, '', [], {}].map(isTruthy), [false, false, true, true, true, true, true]);
});

test('jq sorts mixed values null < false < true < numbers < strings < arrays < objects', () => {
  const values: Json[] = [{ a: 1 }, [1], 'b', 3, true, false, null, 'a', [0, 5], { a: 0 }, -1];
  assert.deepEqual(values.slice().sort(compareValues), [
    null, false, true, -1, 3, 'a', 'b', [0, 5], [1], { a: 0 }, { a: 1 },
  ]);
});

const orderCases: Array<{ a: Json; b: Json; sign: -1 | 0 | 1; why: string }> = [
  { a: [1, 2], b: [1, 2, 0], sign: -1, why: 'a prefix array comes first' },
  { a: { b: 1 }, b: { a: 2, b: 1 }, sign: 1, why: 'objects compare key sets first: ["a","b"] < ["b"]' },
  { a: { a: 1, b: 2 }, b: { b: 1, a: 2 }, sign: -1, why: 'same keys compare values in key order' },
  { a: 'ab', b: 'abc', sign: -1, why: 'a prefix string comes first' },
  { a: '\uffff', b: '\u{10000}', sign: -1, why: 'strings compare by code point, not UTF-16 unit' },
  { a: '\ud7ff', b: '\u{10000}', sign: -1, why: 'a BMP char below the surrogates sorts first' },
  { a: Number.NaN, b: -Infinity, sign: -1, why: 'nan sorts below every number' },
  { a: Number.NaN, b: Number.NaN, sign: -1, why: 'nan < nan in jq (it compares as null against a number)' },
  { a: -0, b: 0, sign: 0, why: '-0 and 0 are equal' },
];
for (const c of orderCases) {
  test(`compareValues: ${c.why}`, () => assert.equal(Math.sign(compareValues(c.a, c.b)), c.sign));
}

test('compareStrings and sortedKeys use code point order', () => {
  assert.ok(compareStrings('\u{1F600}', '\uFF5E') > 0);
  assert.deepEqual(sortedKeys({ b: 1, '\u{1F600}': 2, a: 3, '\uFF5E': 4 }), ['a', 'b', '\uFF5E', '\u{1F600}']);
});

const equalCases: Array<[Json, Json, boolean]> = [
  [1, 1.0, true],
  [Number.NaN, Number.NaN, false],
  [[Number.NaN], [Number.NaN], false],
  [{ a: [1, { b: null }] }, { a: [1, { b: null }] }, true],
  [{ a: 1, b: 2 }, { b: 2, a: 1 }, true],
  [false, null, false],
  ['1', 1, false],
];
for (const [a, b, expected] of equalCases) {
  test(`valuesEqual(${JSON.stringify(a)}, ${JSON.stringify(b)}) is ${expected}`, () => {
    assert.equal(valuesEqual(a, b), expected);
  });
}
