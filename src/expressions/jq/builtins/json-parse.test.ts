import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { JsonTextError, parseJsonText, parseJsonValues } from './json-parse.js';

const values: Array<[string, Json]> = [
  [' {"a" : [true, false, null, -1.5e3, "x\\u00e9\\ud83d\\ude00\\/"]} ', { a: [true, false, null, -1500, 'xé\u{1F600}/'] }],
  ['nan', Number.NaN],
  ['NaN', Number.NaN],
  ['nan1234', Number.NaN],
  ['-Infinity', -Infinity],
  ['01', 1],
  ['.5', 0.5],
  ['+1', 1],
  ['"\\udc00"', '\ufffd'],
  ['{"__proto__":1}', JSON.parse('{"__proto__":1}') as Json],
];
for (const [text, value] of values) {
  test(`jq reads ${text}`, () => assert.deepEqual(parseJsonText(text), value));
}

const errors: Array<[string, string]> = [
  ['1 2', 'Unexpected extra JSON values'],
  ['', 'Expected JSON value'],
  ['abc', 'Invalid numeric literal at EOF at line 1, column 3'],
  ['tru', 'Invalid literal at EOF at line 1, column 3'],
  ['[1,2', 'Unfinished JSON term at EOF at line 1, column 4'],
  ['"ab', 'Unfinished string at EOF at line 1, column 3'],
  ['{"a":1,}', 'Expected another key-value pair at line 1, column 8'],
  ['[1,]', 'Expected another array element at line 1, column 4'],
  ['"\\ "', 'Invalid escape at line 1, column 4'],
  ['[1 2]', 'Expected separator between values at line 1, column 5'],
  ['{1:2}', 'Object keys must be strings at line 1, column 3'],
  ['{"a"}', 'Objects must consist of key:value pairs at line 1, column 5'],
  [']', "Unmatched ']' at line 1, column 1"],
  ['[\n  x]', 'Invalid numeric literal at line 2, column 4'],
  ['"a\u0001"', 'Invalid string: control characters from U+0000 through U+001F must be escaped at line 1, column 4'],
  ['"\u00e9\\x"', 'Invalid escape at line 1, column 6'],
  ['['.repeat(257), 'Exceeds depth limit for parsing at line 1, column 257'],
];
for (const [text, message] of errors) {
  test(`jq rejects ${JSON.stringify(text.slice(0, 12))}: ${message}`, () => {
    assert.throws(() => parseJsonText(text),
      (e: unknown) => e instanceof JqError && e.value === `${message} (while parsing '${text}')`);
  });
}

test('a stream of values reads each, then fails where jq fails', () => {
  assert.deepEqual([...parseJsonValues('1 [2]{"a":3}"x"')], [1, [2], { a: 3 }, 'x']);
  const seen: Json[] = [];
  assert.throws(() => {
    for (const value of parseJsonValues('1 2 ]')) seen.push(value);
  }, JsonTextError);
  assert.deepEqual(seen, [1, 2]);
});
