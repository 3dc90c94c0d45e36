import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import test from 'node:test';
import { parse } from 'yaml';
import type { Json } from '../../model/json.js';
import { definitionHash } from './definition-hash.js';

test('the hash is SHA-256 (hex) of the canonical JSON', () => {
  const expected = createHash('sha256').update('{"a":[1,"é"],"b":null}').digest('hex');
  assert.equal(definitionHash({ b: null, a: [1, 'é'] }), expected);
});

test('key order, whitespace, comments and YAML-vs-JSON spelling do not change the hash', () => {
  const yaml = parse('# a comment\ndo:\n  - a: { set: { x: 1.0, y: "z" } }\ndocument: { name: n }\n') as Json;
  const json = JSON.parse('{ "document": {"name":"n"}, "do": [ {"a": {"set": {"y": "z", "x": 1}}} ] }') as Json;
  assert.equal(definitionHash(yaml), definitionHash(json));
});

test('any change of content or of list order changes the hash', () => {
  const base = definitionHash({ do: [{ a: 1 }, { b: 2 }] });
  assert.notEqual(definitionHash({ do: [{ b: 2 }, { a: 1 }] }), base);
  assert.notEqual(definitionHash({ do: [{ a: 1 }, { b: 3 }] }), base);
});
