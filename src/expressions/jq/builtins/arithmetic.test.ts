import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { add, divide, modulo, multiply, negate, subtract } from './arithmetic.js';

type Operator = (a: Json, b: Json) => Json;
const operators: Record<string, Operator> = { '+': add, '-': subtract, '*': multiply, '/': divide, '%': modulo };

const cases: Array<{ a: Json; op: string; b: Json; out?: Json; error?: string }> = [
  { a: null, op: '+', b: 1, out: 1 },
  { a: { a: 1 }, op: '+', b: null, out: { a: 1 } },
  { a: 'ab', op: '+', b: 'c', out: 'abc' },
  { a: [1, 2], op: '+', b: [2], out: [1, 2, 2] },
  { a: { a: 1, b: 2 }, op: '+', b: { b: 3, c: 4 }, out: { a: 1, b: 3, c: 4 } },
  { a: 1, op: '+', b: 'a', error: 'number (1) and string ("a") cannot be added' },
  { a: '1,2,', op: '+', b: { a: { b: { c: 33 } } }, error: 'string ("1,2,") and object ({"a":{"b":{...) cannot be added' },
  { a: [1, 2, 3, 1], op: '-', b: [1, 4], out: [2, 3] },
  { a: 'a', op: '-', b: 'a', error: 'string ("a") and string ("a") cannot be subtracted' },
  { a: 'abc', op: '*', b: 3, out: 'abcabcabc' },
  { a: 3.7, op: '*', b: 'abc', out: 'abcabcabc' },
  { a: 'abc', op: '*', b: 0, out: '' },
  { a: 'abc', op: '*', b: 0.5, out: '' },
  { a: 'abc', op: '*', b: -0.5, out: null },
  { a: 'abc', op: '*', b: Number.NaN, out: null },
  { a: { k: { a: 1, b: 2 }, hello: { x: 1 } }, op: '*', b: { k: { a: 0, c: 3 }, hello: 1 },
    out: { k: { a: 0, b: 2, c: 3 }, hello: 1 } },
  { a: [], op: '*', b: 2, error: 'array ([]) and number (2) cannot be multiplied' },
  { a: 20, op: '/', b: 4, out: 5 },
  { a: 1, op: '/', b: 0, error: 'number (1) and number (0) cannot be divided because the divisor is zero' },
  { a: 0, op: '/', b: 0, error: 'number (0) and number (0) cannot be divided because the divisor is zero' },
  { a: 'a, b,c', op: '/', b: ', ', out: ['a', 'b,c'] },
  { a: '', op: '/', b: ',', out: [] },
  { a: 'a,', op: '/', b: ',', out: ['a', ''] },
  { a: 'abc', op: '/', b: '', out: ['a', 'b', 'c'] },
  { a: [], op: '/', b: 1, error: 'array ([]) and number (1) cannot be divided' },
  { a: 5, op: '%', b: 2, out: 1 },
  { a: -5, op: '%', b: 2, out: -1 },
  { a: 5, op: '%', b: -2, out: 1 },
  { a: 5.9, op: '%', b: 2.9, out: 1 },
  { a: -4, op: '%', b: 2, out: 0 },
  { a: 5, op: '%', b: -1, out: 0 },
  { a: 1e19, op: '%', b: 7, out: 0 }, // int64 max 9223372036854775807 = 7 * 1317624576693539401,
  { a: Number.NaN, op: '%', b: 1, out: Number.NaN },
  { a: 1, op: '%', b: 0, error: 'number (1) and number (0) cannot be divided (remainder) because the divisor is zero' },
  { a: 1, op: '%', b: 0.5, error: 'number (1) and number (0.5) cannot be divided (remainder) because the divisor is zero' },
  { a: '1', op: '%', b: 1, error: 'string ("1") and number (1) cannot be divided (remainder)' },
];

for (const c of cases) {
  const name = `${JSON.stringify(c.a)} ${c.op} ${JSON.stringify(c.b)}`;
  test(`${name} ${c.error === undefined ? `is ${JSON.stringify(c.out)}` : 'fails as jq does'}`, () => {
    const operator = operators[c.op] as Operator;
    if (c.error === undefined) assert.deepEqual(operator(c.a, c.b), c.out);
    else assert.throws(() => operator(c.a, c.b), (e: unknown) => e instanceof JqError && e.value === c.error);
  });
}

test('an integer remainder is never -0', () => assert.ok(Object.is(modulo(-4, 2), 0)));

test('negate: numbers only, with the truncated value in the message', () => {
  assert.equal(negate(2), -2);
  assert.throws(() => negate('very-long-string'),
    (e: unknown) => e instanceof JqError && e.value === 'string ("very-long-...) cannot be negated');
});
