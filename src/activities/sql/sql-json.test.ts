import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../model/json.js';
import { sqlValueToJson } from './sql-json.js';

class Interval {
  constructor(readonly hours: number) {}
}

const cases: { name: string; value: unknown; expected: Json }[] = [
  { name: 'a bigint that fits a double is a number', value: -9007199254740991n, expected: -9007199254740991 },
  { name: 'a bigint past 2^53 is its decimal text', value: 9007199254740993n, expected: '9007199254740993' },
  { name: 'a negative bigint past -2^53 is its decimal text', value: -9007199254740993n, expected: '-9007199254740993' },
  { name: 'NaN is the string NaN', value: Number.NaN, expected: 'NaN' },
  { name: '-Infinity is the string -Infinity', value: Number.NEGATIVE_INFINITY, expected: '-Infinity' },
  { name: 'a Date is ISO 8601 UTC, whatever the time zone', value: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)), expected: '2025-01-02T03:04:05.006Z' },
  { name: 'an invalid Date is null', value: new Date(Number.NaN), expected: null },
  { name: 'a Buffer is base64', value: Buffer.from('hi'), expected: 'aGk=' },
  { name: 'a Uint8Array view is base64 of its own bytes only', value: new Uint8Array([0, 104, 105, 0]).subarray(1, 3), expected: 'aGk=' },
  { name: 'undefined is null', value: undefined, expected: null },
  { name: 'a class instance is its own enumerable properties', value: new Interval(2), expected: { hours: 2 } },
  { name: 'toJSON is used when present', value: { toJSON: () => 7n }, expected: 7 },
  { name: 'arrays and objects are converted member by member', value: { ids: [1n, 2n ** 60n], at: [new Date(0)] }, expected: { ids: [1, '1152921504606846976'], at: ['1970-01-01T00:00:00.000Z'] } },
];

for (const c of cases) {
  test(`sqlValueToJson: ${c.name}`, () => {
    assert.deepEqual(sqlValueToJson(c.value), c.expected);
  });
}

test('sqlValueToJson: a column named __proto__ is data, not the prototype', () => {
  const row = JSON.parse('{"__proto__": 5, "id": 1}') as object;
  const converted = sqlValueToJson(row) as Record<string, Json>;
  assert.equal(Object.getPrototypeOf(converted), Object.prototype);
  assert.deepEqual(Object.entries(converted), [['__proto__', 5], ['id', 1]]);
});
