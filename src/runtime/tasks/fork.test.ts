import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertCompleted,
  assertFaulted,
  assertRebuildMatches,
  eventsOfType,
  openHarness,
} from '../../../test/support/engine-harness.js';

test('fork: without compete the output lists branch outputs in declaration order, not finishing order', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        split: {
          fork: {
            branches: [
              { slow: { do: [{ pause: { wait: { seconds: 30 } } }, { say: { set: { branch: 'slow' } } }] } },
              { fast: { set: { branch: 'fast' } } },
              { medium: { do: [{ pause: { wait: { seconds: 5 } } }, { say: { set: { branch: 'medium' } } }] } },
            ],
          },
        },
      },
    ]),
  );
  assert.deepEqual(assertCompleted(result), [{ branch: 'slow' }, { branch: 'fast' }, { branch: 'medium' }]);
  const state = await h.engine.getExecution(result.executionId);
  const completedOrder = state?.tasks
    .filter((task) => /^\/do\/0\/split\/fork\/branches\/\d+\/\w+$/.test(task.reference))
    .sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0))
    .map((task) => task.name);
  assert.deepEqual(completedOrder, ['fast', 'medium', 'slow']);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('fork: each branch gets the fork input', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ split: { fork: { branches: [{ a: { set: { a: '${ .n }' } } }, { b: { set: { b: '${ .n * 2 }' } } }] } } }]),
    { n: 21 },
  );
  assert.deepEqual(assertCompleted(result), [{ a: 21 }, { b: 42 }]);
});

test('fork: with compete the first branch to complete wins, supplies the only output, and the others are cancelled', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        race: {
          fork: {
            compete: true,
            branches: [
              { loser: { do: [{ pause: { wait: { hours: 1 } } }, { say: { set: { winner: 'loser' } } }] } },
              { winner: { do: [{ pause: { wait: { seconds: 1 } } }, { say: { set: { winner: 'winner' } } }] } },
            ],
          },
        },
      },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { winner: 'winner' });
  const state = await h.engine.getExecution(result.executionId);
  const byRef = new Map(state?.tasks.map((task) => [task.reference, task.status]));
  assert.equal(byRef.get('/do/0/race/fork/branches/1/winner'), 'completed');
  assert.equal(byRef.get('/do/0/race/fork/branches/0/loser'), 'cancelled');
  assert.equal(byRef.get('/do/0/race/fork/branches/0/loser/do/0/pause'), 'cancelled');
  assert.equal(byRef.has('/do/0/race/fork/branches/0/loser/do/1/say'), false, 'the loser never reached its next task');
  const decided = eventsOfType(await h.history(result.executionId), 'Decided');
  assert.deepEqual(decided.map((e) => e.data.decision), [{ winner: 1 }]);
  assert.equal(h.clock.pending, 0, 'the loser\'s timer was released');
});

test('fork: a faulting branch faults the fork with its error and cancels the branches still running', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        split: {
          fork: {
            branches: [
              { waiting: { wait: { hours: 1 } } },
              { failing: { raise: { error: { type: 'https://example.com/boom', status: 503, title: 'Boom' } } } },
            ],
          },
        },
      },
    ]),
  );
  const error = assertFaulted(result);
  assert.equal(error.type, 'https://example.com/boom');
  assert.equal(error.instance, '/do/0/split/fork/branches/1/failing');
  const state = await h.engine.getExecution(result.executionId);
  const byRef = new Map(state?.tasks.map((task) => [task.reference, task.status]));
  assert.equal(byRef.get('/do/0/split/fork/branches/0/waiting'), 'cancelled');
  assert.equal(byRef.get('/do/0/split/fork/branches/1/failing'), 'faulted');
  assert.equal(byRef.get('/do/0/split'), 'faulted');
});

test('fork: with compete, when every branch faults the fork faults with the first declared branch\'s error', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        race: {
          fork: {
            compete: true,
            branches: [
              { first: { do: [{ pause: { wait: { seconds: 2 } } }, { fail: { raise: { error: { type: 'https://example.com/first', status: 500 } } } }] } },
              { second: { raise: { error: { type: 'https://example.com/second', status: 500 } } } },
            ],
          },
        },
      },
    ]),
  );
  const error = assertFaulted(result);
  assert.equal(error.type, 'https://example.com/first');
});

test('fork: branch $context exports are merged in declaration order at the join', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        split: {
          fork: {
            branches: [
              { a: { do: [{ pause: { wait: { seconds: 5 } } }, { mark: { set: { x: 1 }, export: { as: '${ $context + { a: true, last: "a" } }' } } }] } },
              { b: { set: { x: 2 }, export: { as: '${ $context + { b: true, last: "b" } }' } } },
            ],
          },
        },
      },
      { read: { set: '${ $context }' } },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { a: true, b: true, last: 'b' });
});

const replayCases = [
  {
    name: 'a compete race',
    fork: {
      compete: true,
      branches: [
        { loser: { do: [{ pause: { wait: { hours: 1 } } }] } },
        { winner: { do: [{ pause: { wait: { seconds: 1 } } }, { say: { set: { winner: 'winner' } } }] } },
      ],
    },
  },
  {
    name: 'a fork faulted by one branch',
    fork: {
      branches: [{ waiting: { wait: { hours: 1 } } }, { failing: { raise: { error: { type: 'https://example.com/boom', status: 503 } } } }],
    },
  },
] as const;

for (const c of replayCases) {
  test(`fork: rebuilding ${c.name} from history gives the live state, cancelled branches included`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ split: { fork: c.fork } }]));
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

const branch = (name: string, seconds: number, then: object) => ({ [name]: { do: [{ pause: { wait: { seconds } } }, { [`${name}-done`]: then }] } });

test('fork atLeast: completes once n branches completed, cancelling the rest; outputs in declaration order, null for the others', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        quorum: {
          fork: {
            compete: true,
            branches: [branch('slow', 3_600, { set: { vote: 'slow' } }), branch('first', 1, { set: { vote: 'first' } }), branch('second', 2, { set: { vote: 'second' } })],
          },
          metadata: { itonami: { atLeast: 2 } },
        },
      },
    ]),
  );
  assert.deepEqual(assertCompleted(result), [null, { vote: 'first' }, { vote: 'second' }]);
  const history = await h.history(result.executionId);
  assert.deepEqual(eventsOfType(history, 'Decided').map((event) => event.data.decision), [{ winners: [1, 2] }]);
  const cancelled = eventsOfType(history, 'TaskCancelled').map((event) => event.data.reason);
  assert.ok(cancelled.length > 0 && cancelled.every((reason) => reason.endsWith('enough branches completed')), cancelled.join(', '));
  await assertRebuildMatches(h.engine, result.executionId);
});

test('fork atLeast: faults once too many branches faulted for n to complete, with the fault that decided it', async (t) => {
  const h = await openHarness(t);
  const fail = (title: string) => ({ raise: { error: { type: 'https://example.com/errors/vote', status: 409, title } } });
  const result = await h.run(
    h.define([
      {
        quorum: {
          fork: { compete: true, branches: [branch('no-1', 1, fail('first no')), branch('yes', 3_600, { set: { vote: 'yes' } }), branch('no-2', 2, fail('second no'))] },
          metadata: { itonami: { atLeast: 2 } },
        },
      },
    ]),
  );
  assert.equal(assertFaulted(result).title, 'second no');
  await assertRebuildMatches(h.engine, result.executionId);
});

const badQuorums = [
  { name: 'without compete', fork: { branches: [{ a: { set: { a: 1 } } }] }, atLeast: 1 },
  { name: 'larger than the branches', fork: { compete: true, branches: [{ a: { set: { a: 1 } } }] }, atLeast: 2 },
  { name: 'not an integer', fork: { compete: true, branches: [{ a: { set: { a: 1 } } }] }, atLeast: 0.5 },
];
for (const c of badQuorums) {
  test(`fork atLeast ${c.name} is a configuration error at the fork`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ quorum: { fork: c.fork, metadata: { itonami: { atLeast: c.atLeast } } } }]));
    const error = assertFaulted(result);
    assert.match(String(error.detail), /metadata\.itonami\.atLeast/);
    assert.equal(error.instance, '/do/0/quorum');
  });
}
