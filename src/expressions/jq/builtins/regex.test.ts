import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { compileRegex, regexFunctions, runRegex } from './regex.js';

const match = (input: Json, regex: string, flags: Json = null): Json =>
  (regexFunctions['_match_impl/3'] as (...args: Json[]) => Json)(input, regex, flags, false);
const matches = (input: Json, regex: string, flags: Json = null): boolean =>
  (regexFunctions['_match_impl/3'] as (...args: Json[]) => Json)(input, regex, flags, true) === true;

const combiningA = 'a\u0304'; // "ā" as two code points, as in jq's onig.test

const cases: Array<{ why: string; input: string; regex: string; flags?: Json; out: Json }> = [
  {
    why: 'an empty match records each group as an empty string (jq 1.7.1 key order) and moves on',
    input: 'abc', regex: '( )*', flags: 'g',
    out: [0, 1, 2, 3].map((offset) => ({ offset, length: 0, string: '', captures: [{ offset, string: '', length: 0, name: null }] })),
  },
  { why: 'n drops empty matches', input: 'abc', regex: '( )*', flags: 'gn', out: [] },
  {
    why: 'an empty regex matches between every character and at the end',
    input: 'ab', regex: '', flags: 'g',
    out: [0, 1, 2].map((offset) => ({ offset, length: 0, string: '', captures: [] })),
  },
  { why: 'no case folding of accented letters', input: '\u0101\u00e1\u00e0\u00e4', regex: 'a', flags: 'gi', out: [] },
  {
    why: 'offsets count code points, combining ones included',
    input: `${combiningA} bar with a combining codepoint U+0304`, regex: 'bar',
    out: [{ offset: 3, length: 3, string: 'bar', captures: [] }],
  },
  {
    why: 'lengths count combining code points',
    input: `a b${combiningA}r`, regex: `b${combiningA}r`,
    out: [{ offset: 2, length: 4, string: `b${combiningA}r`, captures: [] }],
  },
  {
    why: '\\b treats combining marks as word characters, as Oniguruma does',
    input: `${combiningA} two-codepoint grapheme`, regex: '.+?\\b',
    out: [{ offset: 0, length: 2, string: combiningA, captures: [] }],
  },
  {
    why: 'a named group that did not take part has offset -1 and string null',
    input: 'foo bar foo foo  foo', regex: 'foo (?<bar123>bar)? foo', flags: 'ig',
    out: [
      { offset: 0, length: 11, string: 'foo bar foo', captures: [{ offset: 4, length: 3, string: 'bar', name: 'bar123' }] },
      { offset: 12, length: 8, string: 'foo  foo', captures: [{ offset: -1, string: null, length: 0, name: 'bar123' }] },
    ],
  },
  {
    why: 'offsets past an astral character count it once',
    input: '\u{1F600}xy', regex: '(y)',
    out: [{ offset: 2, length: 1, string: 'y', captures: [{ offset: 2, length: 1, string: 'y', name: null }] }],
  },
  {
    why: 'unnamed and named groups are numbered together',
    input: 'a1', regex: '(?<l>[a-z])(\\d)',
    out: [{ offset: 0, length: 2, string: 'a1', captures: [
      { offset: 0, length: 1, string: 'a', name: 'l' }, { offset: 1, length: 1, string: '1', name: null }] }],
  },
  { why: "(?'name') is Oniguruma's other spelling", input: 'x', regex: "(?'n'x)", out: [{ offset: 0, length: 1, string: 'x', captures: [{ offset: 0, length: 1, string: 'x', name: 'n' }] }] },
  { why: 'without g only the first match', input: 'aa', regex: 'a', out: [{ offset: 0, length: 1, string: 'a', captures: [] }] },
  {
    why: 'after a non-empty match the next search starts at its end',
    input: 'baa', regex: 'a*', flags: 'g',
    out: [
      { offset: 0, length: 0, string: '', captures: [] },
      { offset: 1, length: 2, string: 'aa', captures: [] },
      { offset: 3, length: 0, string: '', captures: [] },
    ],
  },
];
for (const c of cases) test(`match: ${c.why}`, () => assert.deepEqual(match(c.input, c.regex, c.flags ?? null), c.out));

test('match objects keep jq key order', () => {
  const [first] = match('foo bar', '(?<x>bar)') as Json[];
  assert.equal(JSON.stringify(first), '{"offset":4,"length":3,"string":"bar","captures":[{"offset":4,"length":3,"string":"bar","name":"x"}]}');
});

const testCases: Array<[string, string, Json, boolean]> = [
  ['abc', '( )*', 'gn', false],
  ['\u0101', '\u0101', null, true],
  ['xabcd', 'a b c # spaces are ignored', 'ix', true],
  ['ABC', 'a b c # spaces are ignored', 'ix', true],
  ['a\nb', 'a.b', null, false],
  ['a\nb', 'a.b', 'p', true],
  ['a\nb', '^b', null, false],
  ['ab', '\\Aab\\z', null, true],
  ['ab\n', 'ab\\Z', null, true],
  ['f0', '\\h\\h', null, true],
  ['x', '[[:alpha:]]', null, true],
  ['1', '[[:alpha:]]', null, false],
  ['a-b', 'a\\-b', null, true],
  ['AB', '(?i)ab', null, true],
  ['\u0663', '\\d', null, true],
];
for (const [input, regex, flags, expected] of testCases) {
  test(`test(${JSON.stringify(regex)}; ${JSON.stringify(flags)}) on ${JSON.stringify(input)} is ${expected}`, () => {
    assert.equal(matches(input, regex, flags), expected);
  });
}

const errorCases: Array<[Json, Json, Json, string]> = [
  [1, 'a', null, 'number (1) cannot be matched, as it is not a string'],
  ['a', 1, null, 'number (1) is not a string'],
  ['a', 'a', 1, 'number (1) is not a string'],
  ['a', 'a', 'gq', 'gq is not a valid modifier string'],
  ['a', '(', null, '( (at offset 0) is not a valid regex: Unterminated group'],
];
for (const [input, regex, flags, message] of errorCases) {
  test(`_match_impl fails with ${message}`, () => {
    assert.throws(() => (regexFunctions['_match_impl/3'] as (...args: Json[]) => Json)(input, regex, flags, false),
      (e: unknown) => e instanceof JqError && e.value === message);
  });
}

test('Oniguruma differences that remain: $ before a final newline, atomic groups, possessive quantifiers', () => {
  assert.equal(matches('ab\n', 'ab$'), false); // Oniguruma: true ($ also matches before a final newline)
  assert.throws(() => compileRegex('(?>a)', null), JqError); // Oniguruma: an atomic group
  assert.throws(() => compileRegex('a*+', null), JqError); // Oniguruma: a possessive quantifier
});

test('a compiled regex can be reused', () => {
  const compiled = compileRegex('a', 'g');
  assert.equal((runRegex('aa', compiled, false) as Json[]).length, 2);
  assert.equal((runRegex('aaa', compiled, false) as Json[]).length, 3);
});
