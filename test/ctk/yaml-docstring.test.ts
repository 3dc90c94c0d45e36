import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYamlDocString } from './yaml-docstring.js';

const cases = [
  { yaml: '1', expected: 1 },
  { yaml: 'https://fake-source.com', expected: 'https://fake-source.com' },
  { yaml: 'ids: [ 1, 2 ]', expected: { ids: [1, 2] } },
  { yaml: 'on: yes\noff: no', expected: { on: 'yes', off: 'no' } }, // YAML 1.2: no 1.1 booleans
  { yaml: 'at: 2024-01-01', expected: { at: '2024-01-01' } }, // core schema: no timestamps
  { yaml: "version: '1.0.0'\nn: ~", expected: { version: '1.0.0', n: null } },
  { yaml: '', expected: null },
] as const;
for (const c of cases) {
  test(`${JSON.stringify(c.yaml)} parses to ${JSON.stringify(c.expected)}`, () => assert.deepEqual(parseYamlDocString(c.yaml, 'yaml'), c.expected));
}

test('a JSON docstring parses too', () => assert.deepEqual(parseYamlDocString('{"a": [true]}', 'json'), { a: [true] }));

const bad = [
  { yaml: 'a: [1', mediaType: 'yaml', error: /not valid YAML 1\.2/ },
  { yaml: 'a: 1\na: 2', mediaType: 'yaml', error: /not valid YAML 1\.2: Map keys must be unique at line 2/ },
  { yaml: 'size: .inf', mediaType: 'yaml', error: /value at "\/size" is Infinity, which JSON cannot hold/ },
  { yaml: 'a: 1', mediaType: 'xml', error: /media type "xml" is not supported/ },
] as const;
for (const c of bad) {
  test(`${JSON.stringify(c.yaml)} as ${c.mediaType} is rejected`, () => assert.throws(() => parseYamlDocString(c.yaml, c.mediaType), c.error));
}
