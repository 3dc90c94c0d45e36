import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeOrderedUuid } from './time-ordered-uuid.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a time-ordered uuid is a well-formed version 7 uuid whose first 48 bits are the time in ms', () => {
  const at = Date.UTC(2026, 10, 26, 1, 2, 3, 456);
  const id = timeOrderedUuid(at);
  assert.match(id, UUID_V7);
  assert.equal(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16), at);
});

test('ids of later milliseconds sort after earlier ones as text, so their rows sit together in an index', () => {
  const ids = [0, 1, 255, 256, 65_535, Date.now(), Date.now() + 1].map((at) => timeOrderedUuid(at));
  assert.deepEqual([...ids].sort(), ids);
});

test('ids of the same millisecond differ', () => {
  const at = Date.now();
  const ids = new Set(Array.from({ length: 1_000 }, () => timeOrderedUuid(at)));
  assert.equal(ids.size, 1_000);
});
