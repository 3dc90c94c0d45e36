import assert from 'node:assert/strict';
import { test } from 'node:test';
import { row } from '../../../test/contracts/store-contract.js';
import type { AppendInput } from '../store.js';
import { groupAppends } from './append-groups.js';

const claim = { executionId: 'a', owner: 'w', epoch: 1 };
const append = (executionId: string, expectedSeq: number, fields: Partial<AppendInput> = {}): AppendInput => ({
  executionId,
  expectedSeq,
  events: [row(expectedSeq + 1)],
  ...fields,
});

test('append groups: the chained appends of one execution merge, interleaved executions keep their own order', () => {
  const batch = [append('a', 1, { claim }), append('b', 4), append('a', 2, { claim }), append('a', 3, { claim, status: 'completed', release: true })];
  const groups = groupAppends(batch);
  assert.deepEqual(groups.map((group) => group.items), [[0, 2, 3], [1]]);
  const merged = groups[0]?.merged;
  assert.deepEqual(merged?.events.map((event) => event.seq), [2, 3, 4]);
  assert.equal(merged?.expectedSeq, 1);
  assert.equal(merged?.status, 'completed');
  assert.equal(merged?.release, true);
});

const cases = [
  { name: 'a gap in seq', second: append('a', 5, { claim }) },
  { name: 'another claim', second: append('a', 2, { claim: { ...claim, epoch: 2 } }) },
  { name: 'no claim after a fenced one', second: append('a', 2) },
] as const;
for (const c of cases) {
  test(`append groups: ${c.name} starts a new group`, () => {
    assert.deepEqual(groupAppends([append('a', 1, { claim }), c.second]).map((group) => group.items), [[0], [1]]);
  });
}

test('append groups: nothing extends an append that gave its claim up', () => {
  const released = append('a', 1, { claim, release: true });
  assert.deepEqual(groupAppends([released, append('a', 2, { claim })]).map((group) => group.items), [[0], [1]]);
});
