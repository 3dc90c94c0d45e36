import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../../model/json.js';
import { formatNumber, toJsonText, valueForMessage } from './json-text.js';

const numberCases: Array<[number, string]> = [
  [3.0, '3'],
  [-0, '-0'],
  [Number.NaN, 'null'],
  [Infinity, '1.7976931348623157e+308'],
  [-Infinity, '-1.7976931348623157e+308'],
  [Number.MAX_VALUE * 10, '1.7976931348623157e+308'],
  [1e17, '1e+17'], // a computed double: jq 1.7.1 keeps `100000000000000000` only as an unmodified literal
  [1e16, '1e+16'],
  [1e15, '1000000000000000'],
  [123e15, '123000000000000000'],
  [2 ** 53 + 1, '9007199254740992'],
  [13911860366432382, '13911860366432382'],
  [0.1 + 0.2, '0.30000000000000004'],
  [0.0001, '0.0001'],
  [0.00001, '1e-05'],
  [1.05e-19, '1.05e-19'],
  [-1.5e300, '-1.5e+300'],
  [5e-324, '5e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [100, '100'],
  [-12.5, '-12.5'],
];
for (const [value, text] of numberCases) {
  test(`jq prints the double ${String(value)} as ${text}`, () => assert.equal(formatNumber(value), text));
}

const textCases: Array<[Json, string]> = [
  [{ a: [1, 'x', null, true], b: {} }, '{"a":[1,"x",null,true],"b":{}}'],
  ['\u007f\u0000\u001f"\\/\b\f\n\r\té\u{1F600}', '"\\u007f\\u0000\\u001f\\"\\\\/\\b\\f\\n\\r\\té\u{1F600}"'],
  [[Number.NaN, -0], '[null,-0]'],
];
for (const [value, text] of textCases) {
  test(`toJsonText writes ${text}`, () => assert.equal(toJsonText(value), text));
}

const messageCases: Array<[Json, string]> = [
  ['very-long-string', '"very-long-...'], // jq.test: string ("very-long-...) cannot be negated
  [{ a: { b: { c: 33 } } }, '{"a":{"b":{...'],
  ['1,2,', '"1,2,"'],
  [[3, 4, 5], '[3,4,5]'],
  ['1234567890\u00e9', '"1234567890\u00e9"'], // 14 bytes fit exactly
  ['123456789\u00e9xyz', '"123456789\ufffd...'], // é cut after its first byte
  ['1234567890\u00e9xyz', '"1234567890...'],
];
for (const [value, text] of messageCases) {
  test(`valueForMessage(${JSON.stringify(value)}) is ${text}`, () => assert.equal(valueForMessage(value), text));
}
