import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JqError } from '../errors.js';
import { applyFormat, formatFunctions } from './formats.js';
import { runNativeCases, type NativeCase } from './native-test-case.js';

const tricky = "!()<>&'\"\t";
const cases: NativeCase[] = [
  // jq.test: @text,@json,([1,.]|@csv,@tsv),@html,@uri,@sh,(@base64|.,@base64d)
  { name: 'format/1', input: tricky, args: ['text'], out: tricky },
  { name: 'format/1', input: tricky, args: ['json'], out: '"!()<>&\'\\"\\t"' },
  { name: 'format/1', input: [1, tricky], args: ['csv'], out: '1,"!()<>&\'""\t"' },
  { name: 'format/1', input: [1, tricky], args: ['tsv'], out: '1\t!()<>&\'"\\t' },
  { name: 'format/1', input: tricky, args: ['html'], out: '!()&lt;&gt;&amp;&apos;&quot;\t' },
  { name: 'format/1', input: tricky, args: ['uri'], out: '%21%28%29%3C%3E%26%27%22%09' },
  { name: 'format/1', input: tricky, args: ['sh'], out: "'!()<>&'\\''\"\t'" },
  { name: 'format/1', input: tricky, args: ['base64'], out: 'ISgpPD4mJyIJ' },
  { name: 'format/1', input: 'ISgpPD4mJyIJ', args: ['base64d'], out: tricky },
  { name: 'format/1', input: '\u03bc', args: ['uri'], out: '%CE%BC' },
  { name: 'format/1', input: 'fo\u00f3bar\n', args: ['base64'], out: 'Zm/Ds2Jhcgo=' },
  { name: 'format/1', input: 'Zm/Ds2Jhcgo=', args: ['base64d'], out: 'fo\u00f3bar\n' },
  { name: 'format/1', input: 'cWl4YmF6Cg', args: ['base64d'], out: 'qixbaz\n', why: 'padding is optional' },
  { name: 'format/1', input: 'Not base64 data', args: ['base64d'], error: 'string ("Not base64...) is not valid base64 data' },
  { name: 'format/1', input: 'QUJDa', args: ['base64d'], error: 'string ("QUJDa") trailing base64 byte found' },
  { name: 'format/1', input: '/w==', args: ['base64d'], out: '\ufffd', why: 'bytes that are not UTF-8 become U+FFFD' },
  { name: 'format/1', input: 'nulw', args: ['base64d'], out: '\ufffd\ufffd', why: 'a sequence cut short by the end takes the rest, as jvp_utf8_next does' },
  { name: 'format/1', input: '4ICA', args: ['base64d'], out: '\ufffd', why: 'an overlong sequence is one U+FFFD in jq' },
  { name: 'format/1', input: '7aCAQQ==', args: ['base64d'], out: '\ufffdA', why: 'so is an encoded surrogate' },
  { name: 'format/1', input: [1, null, true, Number.NaN, 'a"b'], args: ['csv'], out: '1,,true,,"a""b"' },
  { name: 'format/1', input: ['a\\b\nc\u0000'], args: ['tsv'], out: 'a\\\\b\\nc\\0' },
  { name: 'format/1', input: [[1]], args: ['csv'], error: 'array ([1]) is not valid in a csv row' },
  { name: 'format/1', input: { a: 1 }, args: ['tsv'], error: 'object ({"a":1}) cannot be tsv-formatted, only array' },
  { name: 'format/1', input: [1, 'a b', null, false], args: ['sh'], out: "1 'a b' null false" },
  { name: 'format/1', input: [{}], args: ['sh'], error: 'object ({}) can not be escaped for shell' },
  { name: 'format/1', input: { a: '<' }, args: ['html'], out: '{&quot;a&quot;:&quot;&lt;&quot;}' },
  { name: 'format/1', input: 'foobar', args: ['base32'], out: 'MZXW6YTBOI======' },
  { name: 'format/1', input: 'f', args: ['base32'], out: 'MY======' },
  { name: 'format/1', input: 'MZXW6YTBOI======', args: ['base32d'], out: 'foobar' },
  { name: 'format/1', input: 'MZXW6!', args: ['base32d'], error: 'string ("MZXW6!") is not valid base32 data' },
  { name: 'format/1', input: 1, args: ['xml'], error: 'xml is not a valid format' },
  { name: 'format/1', input: 1, args: [1], error: 'number (1) is not a valid format' },
];
runNativeCases(formatFunctions, cases);

test('applyFormat formats one interpolated value, as `@sh "echo \\(.)"` needs', () => {
  assert.equal(`echo ${applyFormat('sh', "O'Hara's Ale")}`, "echo 'O'\\''Hara'\\''s Ale'");
  assert.throws(() => applyFormat('constructor', 1), (e: unknown) => e instanceof JqError && e.value === 'constructor is not a valid format');
});
