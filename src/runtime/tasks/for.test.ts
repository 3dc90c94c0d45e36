import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCompleted, assertFaulted, assertRebuildMatches, openHarness } from '../../../test/support/engine-harness.js';
import { type Json, problemTypes } from '../../index.js';

const cases: { name: string; loop: object; input: Json; expected: Json }[] = [
  {
    name: 'binds $item and $index by default and chains each iteration output into the next',
    loop: { for: { in: '${ .colors }' }, do: [{ add: { set: '${ . + { seen: (.seen + [{ color: $item, at: $index }]) } }' } }] },
    input: { colors: ['red', 'green'], seen: [] },
    expected: { colors: ['red', 'green'], seen: [{ color: 'red', at: 0 }, { color: 'green', at: 1 }] },
  },
  {
    name: 'custom each and at names bind the item and index',
    loop: { for: { each: 'pet', at: 'position', in: '${ .pets }' }, do: [{ add: { set: '${ . + { names: (.names + ["\\($position):\\($pet.name)"]) } }' } }] },
    input: { pets: [{ name: 'rex' }, { name: 'tom' }], names: [] },
    expected: { pets: [{ name: 'rex' }, { name: 'tom' }], names: ['0:rex', '1:tom'] },
  },
  {
    name: 'while is checked before each iteration and stops the loop once false',
    loop: { for: { in: '${ .numbers }' }, while: '${ .total < 5 }', do: [{ add: { set: '${ . + { total: (.total + $item) } }' } }] },
    input: { numbers: [2, 2, 2, 2], total: 0 },
    expected: { numbers: [2, 2, 2, 2], total: 6 },
  },
  {
    name: 'an empty collection runs no iteration and passes the input through',
    loop: { for: { in: '${ .none }' }, do: [{ add: { set: { touched: true } } }] },
    input: { none: [] },
    expected: { none: [] },
  },
  {
    name: 'a null collection runs no iteration',
    loop: { for: { in: '${ .missing }' }, do: [{ add: { set: { touched: true } } }] },
    input: { other: 1 },
    expected: { other: 1 },
  },
];

for (const c of cases) {
  test(`for: ${c.name}`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ loop: c.loop }]), c.input);
    assert.deepEqual(assertCompleted(result), c.expected);
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

test('for: each iteration is recorded with its index in the task reference', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ loop: { for: { in: '${ [10, 20] }' }, do: [{ step: { set: { v: '${ $item }' } } }] } }]));
  assert.deepEqual(assertCompleted(result), { v: 20 });
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(
    state?.tasks.map((task) => [task.reference, task.indexes, task.output]),
    [
      ['/do/0/loop', [], { v: 20 }],
      ['/do/0/loop/do/0/step', [0], { v: 10 }],
      ['/do/0/loop/do/0/step', [1], { v: 20 }],
    ],
  );
});

test('for: then: end inside an iteration ends the workflow', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      { loop: { for: { in: '${ [1, 2, 3] }' }, do: [{ step: { set: { last: '${ $item }' }, then: 'end' } }] } },
      { after: { set: { after: true } } },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { last: 1 });
});

const badCollections = [
  { name: 'an object', input: { items: { a: 1 } }, found: 'object' },
  { name: 'a string', input: { items: 'abc' }, found: 'string' },
  { name: 'a number', input: { items: 3 }, found: 'number' },
] as const;

for (const c of badCollections) {
  test(`for: in yielding ${c.name} faults with an expression error naming what it found`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ loop: { for: { in: '${ .items }' }, do: [{ step: { set: { x: 1 } } }] } }]), c.input);
    const error = assertFaulted(result);
    assert.equal(error.type, problemTypes.expression.type);
    assert.equal(error.instance, '/do/0/loop');
    assert.match(String(error.detail), new RegExp(`array, found ${c.found}`));
  });
}

test('for: an iteration that faults faults the loop with the inner instance and stops iterating', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        loop: {
          for: { in: '${ [1, 2, 3] }' },
          do: [{ check: { if: '${ $item == 2 }', raise: { error: { type: 'https://example.com/two', status: 422 } } } }],
        },
      },
    ]),
  );
  const error = assertFaulted(result);
  assert.equal(error.type, 'https://example.com/two');
  assert.equal(error.instance, '/do/0/loop/do/0/check');
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(state?.tasks.filter((task) => task.name === 'check').map((task) => task.indexes), [[0], [1]]);
});
