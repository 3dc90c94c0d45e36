import assert from 'node:assert/strict';
import test from 'node:test';
import { CanonicalJsonError, canonicalJson } from './canonical-json.js';
import type { Json } from './json.js';

test('RFC 8785 §3.2.2 example: numbers, string escapes and literals', () => {
  const parsed = JSON.parse(
    '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
      '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
      '"literals": [null, true, false]}',
  ) as Json;
  assert.equal(
    canonicalJson(parsed),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

test('RFC 8785 §3.2.3 example: members sorted by UTF-16 code units, not code points', () => {
  const parsed = JSON.parse(
    '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",' +
      '"1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",' +
      '"\\u00f6": "Latin Small Letter O With Diaeresis"}',
  ) as Json;
  const keys = [...canonicalJson(parsed).matchAll(/"([^"]*)":"[^"]*"/g)].map((match) => match[1]);
  // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33 although its code point is larger.
  assert.deepEqual(keys, ['\\r', '1', '\u0080', 'ö', '€', '😀', 'דּ']);
});

const numberCases: { value: number; expected: string }[] = [
  // RFC 8785 Appendix B (the IEEE 754 values written as JS numbers).
  { value: 0, expected: '0' },
  { value: -0, expected: '0' },
  { value: 5e-324, expected: '5e-324' },
  { value: -5e-324, expected: '-5e-324' },
  { value: 1.7976931348623157e308, expected: '1.7976931348623157e+308' },
  { value: 9007199254740992, expected: '9007199254740992' },
  { value: -9007199254740992, expected: '-9007199254740992' },
  { value: 295147905179352830000, expected: '295147905179352830000' },
  { value: 1e21, expected: '1e+21' },
  { value: 1e-7, expected: '1e-7' },
  { value: 0.000001, expected: '0.000001' },
  { value: 999999999999999900000, expected: '999999999999999900000' },
  { value: 1e23, expected: '1e+23' },
  { value: 4.5, expected: '4.5' },
];
for (const c of numberCases) {
  test(`the number ${c.expected} is written in ECMAScript form`, () => {
    assert.equal(canonicalJson(c.value), c.expected);
  });
}

test('nested objects and arrays are sorted at every level and arrays keep their order', () => {
  const value: Json = { b: [{ z: 1, a: { y: null, x: [3, 1, 2] } }], a: 'x', '': true };
  assert.equal(canonicalJson(value), '{"":true,"a":"x","b":[{"a":{"x":[3,1,2],"y":null},"z":1}]}');
});

test('key order of the input does not change the output', () => {
  assert.equal(canonicalJson({ a: 1, b: { c: 2, d: 3 } }), canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
});

test('strings keep non-ASCII text as-is and escape only quote, backslash and control characters', () => {
  assert.equal(canonicalJson('é\u2028\t"\\\u001f'), '"é\u2028\\t\\"\\\\\\u001f"');
});

test('an own __proto__ member (as JSON.parse makes it) is an ordinary member', () => {
  assert.equal(canonicalJson(JSON.parse('{"__proto__": 1, "a": 2}') as Json), '{"__proto__":1,"a":2}');
});

const badCases: { name: string; value: unknown; pointer: string }[] = [
  { name: 'NaN', value: { a: [1, Number.NaN] }, pointer: '/a/1' },
  { name: 'Infinity', value: Number.POSITIVE_INFINITY, pointer: '' },
  { name: 'undefined member', value: { a: undefined }, pointer: '/a' },
  { name: 'a Date', value: { 'a/b': new Date(0) }, pointer: '/a~1b' },
  { name: 'a lone surrogate', value: ['\ud800x'], pointer: '/0' },
  { name: 'a function', value: { f: () => 1 }, pointer: '/f' },
];
for (const c of badCases) {
  test(`${c.name} is rejected with the pointer of the value`, () => {
    assert.throws(
      () => canonicalJson(c.value as Json),
      (error: unknown) => error instanceof CanonicalJsonError && error.pointer === c.pointer,
    );
  });
}
