import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lookUpDottedPath } from './dotted-path.js';

const output = { request: { method: 'get', headers: {} }, content: { id: 1, tag: null }, ids: [1, 2], 'a.b': 3 };

const cases = [
  { path: 'request', expected: { found: true, value: { method: 'get', headers: {} } } },
  { path: 'request.method', expected: { found: true, value: 'get' } },
  { path: 'request.headers', expected: { found: true, value: {} } },
  { path: 'content.tag', expected: { found: true, value: null } },
  { path: 'ids.1', expected: { found: true, value: 2 } },
  { path: 'ids.2', expected: { found: false, existingPrefix: 'ids' } },
  { path: 'ids.01', expected: { found: false, existingPrefix: 'ids' } },
  { path: 'content.id.x', expected: { found: false, existingPrefix: 'content.id' } },
  { path: 'missing', expected: { found: false, existingPrefix: '' } },
  { path: 'a.b', expected: { found: false, existingPrefix: '' } }, // a dot always nests, as in Synapse's /a/b
  { path: 'toString', expected: { found: false, existingPrefix: '' } },
] as const;
for (const c of cases) {
  test(`'${c.path}' is ${c.expected.found ? 'found' : 'missing'}`, () => assert.deepEqual(lookUpDottedPath(output, c.path), c.expected));
}

test('a scalar or absent root has no properties', () => {
  assert.deepEqual(lookUpDottedPath(1, 'id'), { found: false, existingPrefix: '' });
  assert.deepEqual(lookUpDottedPath(undefined, 'id'), { found: false, existingPrefix: '' });
});
