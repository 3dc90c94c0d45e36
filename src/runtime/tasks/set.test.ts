import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCompleted, assertFaulted, assertRebuildMatches, openHarness } from '../../../test/support/engine-harness.js';
import { problemTypes } from '../../index.js';

const cases = [
  {
    name: 'an object form evaluates its ${ } leaves against the input and keeps literals',
    set: { total: '${ .a + .b }', label: 'sum', nested: { first: '${ .a }' } },
    input: { a: 1, b: 2 },
    expected: { total: 3, label: 'sum', nested: { first: 1 } },
  },
  {
    name: 'the expression form yields the value of one expression',
    set: '${ . + { c: (.a * 10) } }',
    input: { a: 4 },
    expected: { a: 4, c: 40 },
  },
  {
    name: 'the output replaces the data: input fields not named are gone',
    set: { only: true },
    input: { a: 1, b: 2 },
    expected: { only: true },
  },
  {
    name: 'an expression may yield a non-object value',
    set: '${ [.a, .a] }',
    input: { a: 'x' },
    expected: ['x', 'x'],
  },
] as const;

for (const c of cases) {
  test(`set: ${c.name}`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ assign: { set: c.set } }]), c.input);
    assert.deepEqual(assertCompleted(result), c.expected);
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

test('set: a later task sees the previous set output as its input', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ first: { set: { n: 1 } } }, { second: { set: { n: '${ .n + 1 }' } } }]));
  assert.deepEqual(assertCompleted(result), { n: 2 });
});

test('set: an expression that fails at run time faults with an expression error at the task', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ broken: { set: { x: '${ .name | ascii_downcase }' } } }]), { name: 42 });
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.expression.type);
  assert.equal(error.status, 400);
  assert.equal(error.instance, '/do/0/broken');
  const state = await h.engine.getExecution(result.executionId);
  assert.equal(state?.tasks[0]?.status, 'faulted');
});

test("jq's now is the task's recorded start, in epoch seconds, and a rebuild later sees the same instant", async (t) => {
  const h = await openHarness(t);
  const startedAt = h.clock.now();
  const result = await h.run(h.define([{ stamp: { set: { at: '${ now }', text: '${ now | todate }' } } }]));
  assert.deepEqual(assertCompleted(result), { at: startedAt / 1000, text: new Date(startedAt).toISOString().replace('.000Z', 'Z') });
  h.clock.advance(3_600_000);
  await assertRebuildMatches(h.engine, result.executionId);
});
