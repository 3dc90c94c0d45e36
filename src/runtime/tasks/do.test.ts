import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCompleted, assertRebuildMatches, openHarness } from '../../../test/support/engine-harness.js';

test('do: runs its tasks in order, each output the next input, and records each task under its pointer', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        steps: {
          do: [
            { one: { set: { trail: '${ [.start] }' } } },
            { two: { set: { trail: '${ .trail + ["two"] }' } } },
            { three: { set: { trail: '${ .trail + ["three"] }' } } },
          ],
        },
      },
    ]),
    { start: 'one' },
  );
  assert.deepEqual(assertCompleted(result), { trail: ['one', 'two', 'three'] });
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(
    state?.tasks.map((task) => [task.reference, task.status]),
    [
      ['/do/0/steps', 'completed'],
      ['/do/0/steps/do/0/one', 'completed'],
      ['/do/0/steps/do/1/two', 'completed'],
      ['/do/0/steps/do/2/three', 'completed'],
    ],
  );
  await assertRebuildMatches(h.engine, result.executionId);
});

test('do: an empty list passes its input through', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ nothing: { do: [] } }]), { kept: true });
  assert.deepEqual(assertCompleted(result), { kept: true });
});

const directives = [
  {
    name: 'a named then jumps forward to a sibling, skipping the tasks between',
    tasks: [
      { a: { set: { seen: ['a'] }, then: 'c' } },
      { b: { set: { seen: '${ .seen + ["b"] }' } } },
      { c: { set: { seen: '${ .seen + ["c"] }' } } },
    ],
    input: {},
    expected: { seen: ['a', 'c'] },
    ran: ['a', 'c'],
  },
  {
    name: 'then: exit in a nested do leaves only that list; the outer list goes on',
    tasks: [
      {
        inner: {
          do: [
            { first: { set: { seen: ['first'] }, then: 'exit' } },
            { skipped: { set: { seen: '${ .seen + ["skipped"] }' } } },
          ],
        },
      },
      { after: { set: { seen: '${ .seen + ["after"] }' } } },
    ],
    input: {},
    expected: { seen: ['first', 'after'] },
    ran: ['inner', 'first', 'after'],
  },
  {
    name: 'then: end in a nested do ends the whole workflow with the data so far',
    tasks: [
      {
        inner: {
          do: [
            { first: { set: { seen: ['first'] }, then: 'end' } },
            { skipped: { set: { seen: '${ .seen + ["skipped"] }' } } },
          ],
        },
      },
      { after: { set: { seen: '${ .seen + ["after"] }' } } },
    ],
    input: {},
    expected: { seen: ['first'] },
    ran: ['inner', 'first'],
  },
  {
    name: 'then: continue on the last task ends the list normally',
    tasks: [{ only: { set: { x: 1 }, then: 'continue' } }],
    input: {},
    expected: { x: 1 },
    ran: ['only'],
  },
] as const;

for (const c of directives) {
  test(`do: ${c.name}`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define(c.tasks), c.input);
    assert.deepEqual(assertCompleted(result), c.expected);
    const state = await h.engine.getExecution(result.executionId);
    assert.deepEqual(state?.tasks.map((task) => task.name), c.ran);
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

test('do: a jump backwards loops until an if guard skips the jumping task', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      { increment: { set: { count: '${ .count + 1 }' } } },
      { again: { if: '${ .count < 3 }', set: '${ . }', then: 'increment' } },
      { done: { set: { final: '${ .count }' } } },
    ]),
    { count: 0 },
    { maxTasks: 50 },
  );
  assert.deepEqual(assertCompleted(result), { final: 3 });
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(state?.tasks.map((task) => task.name), ['increment', 'again', 'increment', 'again', 'increment', 'again', 'done']);
});

test('do: a jump backwards loops while a switch guard jumps back', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      { increment: { set: { count: '${ .count + 1 }' } } },
      { again: { switch: [{ more: { when: '${ .count < 3 }', then: 'increment' } }] } },
      { done: { set: { final: '${ .count }' } } },
    ]),
    { count: 0 },
    { maxTasks: 50 },
  );
  assert.deepEqual(assertCompleted(result), { final: 3 });
  await assertRebuildMatches(h.engine, result.executionId);
});

test('do: a task skipped by its if does not follow its then; the next task runs', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      { guarded: { if: '${ false }', set: { ran: 'guarded' }, then: 'end' } },
      { next: { set: '${ . + { ran: "next" } }' } },
    ]),
    { start: true },
  );
  assert.deepEqual(assertCompleted(result), { start: true, ran: 'next' });
});

test('do: a jump back re-enters a task under a new visit, keyed apart in history', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      { increment: { set: { count: '${ .count + 1 }' } } },
      { again: { switch: [{ more: { when: '${ .count < 2 }', then: 'increment' } }] } },
    ]),
    { count: 0 },
  );
  assertCompleted(result);
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(
    state?.tasks.map((task) => task.key),
    ['/do/0/increment#0', '/do/1/again#0', '/do/0/increment#1', '/do/1/again#1'],
  );
});

test('do: a then naming no sibling is rejected when the definition loads', async (t) => {
  const h = await openHarness(t);
  const result = h.engine.validate({
    document: { dsl: '1.0.3', namespace: 'test', name: 'bad-then', version: '1.0.0' },
    do: [{ outer: { do: [{ a: { set: { x: 1 }, then: 'b' } }] } }, { b: { set: { x: 2 } } }],
  });
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(JSON.stringify(result.problems), /\/do\/0\/outer\/do\/0\/a\/then/);
});
