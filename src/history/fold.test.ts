import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../model/json.js';
import type { AnyHistoryEvent, EventDataMap, EventType } from './events.js';
import { foldHistory, visitOf } from './fold.js';
import { GENESIS_HASH, eventHash } from './hash-chain.js';

/** A `[type, data]` pair; the data is checked by the fold under test, not by the compiler. */
type Step = readonly [EventType, object];

/** Builds a chained history from `[type, data]` pairs, one ms apart from t = 1000. */
function history(...steps: Step[]): AnyHistoryEvent[] {
  const events: AnyHistoryEvent[] = [];
  let hash = GENESIS_HASH;
  steps.forEach(([type, data], index) => {
    const seq = index + 1;
    const at = 1_000 + index;
    hash = eventHash(hash, { seq, type, at, data: data as Json });
    events.push({ seq, type, at, data, hash } as unknown as AnyHistoryEvent);
  });
  return events;
}

const start: Step = ['WorkflowStarted', {
  executionId: 'e1',
  definitionHash: 'abc',
  namespace: 'ns',
  name: 'wf',
  version: '1.0.0',
  engineVersion: '0.1.0',
  replayFlags: [],
  input: { in: 1 },
  secretNames: [],
} satisfies EventDataMap['WorkflowStarted']];
const taskStarted = (key: string, name: string, input: Json = {}, indexes: number[] = []): Step =>
  ['TaskStarted', { key: `${key}:started`, reference: key.slice(0, key.indexOf('#')).replace(/\[.*\]$/, ''), indexes, name, input } satisfies EventDataMap['TaskStarted']];

test('fold: a history must start with WorkflowStarted', () => {
  assert.throws(() => foldHistory([]), /starts with WorkflowStarted/);
  const [, second] = history(start, taskStarted('/do/0/a#0', 'a'));
  assert.throws(() => foldHistory([second as AnyHistoryEvent]), /starts with WorkflowStarted/);
});

test('fold: a just-started execution is running, with its identity, input and version 1', () => {
  const events = history(start);
  const state = foldHistory(events);
  assert.equal(state.status, 'running');
  assert.equal(state.executionId, 'e1');
  assert.equal(state.definitionHash, 'abc');
  assert.deepEqual([state.namespace, state.name, state.version], ['ns', 'wf', '1.0.0']);
  assert.deepEqual(state.input, { in: 1 });
  assert.equal(state.seq, 1);
  assert.equal(state.hash, events[0]?.hash);
  assert.equal(state.startedAt, 1_000);
  assert.deepEqual(state.tasks, []);
});

const endings = [
  { name: 'WorkflowCompleted completes it with its output', end: ['WorkflowCompleted', { key: 'workflow:completed', output: { out: 2 } }], status: 'completed', field: ['output', { out: 2 }] },
  { name: 'WorkflowFaulted faults it with its error', end: ['WorkflowFaulted', { key: 'workflow:faulted', error: { type: 'x', status: 500 } }], status: 'faulted', field: ['error', { type: 'x', status: 500 }] },
  { name: 'WorkflowCancelled cancels it with its reason', end: ['WorkflowCancelled', { key: 'workflow:cancelled', reason: 'stop' }], status: 'cancelled', field: ['cancelReason', 'stop'] },
] as const;

for (const e of endings) {
  test(`fold: ${e.name}, and records when it ended`, () => {
    const state = foldHistory(history(start, e.end));
    assert.equal(state.status, e.status);
    assert.deepEqual((state as unknown as Record<string, Json>)[e.field[0]], e.field[1]);
    assert.equal(state.endedAt, 1_001);
    assert.equal(state.seq, 2);
  });
}

test('fold: tasks are listed in start order, each with its outcome', () => {
  const state = foldHistory(
    history(
      start,
      taskStarted('/do/0/a#0', 'a', { n: 1 }),
      taskStarted('/do/1/b#0', 'b'),
      ['TaskFaulted', { key: '/do/1/b#0:faulted', error: { type: 'boom', status: 500 } }],
      ['TaskCompleted', { key: '/do/0/a#0:completed', output: { n: 2 } }],
      taskStarted('/do/2/c#0', 'c'),
      ['TaskCancelled', { key: '/do/2/c#0:cancelled', reason: 'r' }],
    ),
  );
  assert.deepEqual(
    state.tasks.map((task) => [task.key, task.name, task.reference, task.status, task.output ?? null, task.error ?? null]),
    [
      ['/do/0/a#0', 'a', '/do/0/a', 'completed', { n: 2 }, null],
      ['/do/1/b#0', 'b', '/do/1/b', 'faulted', null, { type: 'boom', status: 500 }],
      ['/do/2/c#0', 'c', '/do/2/c', 'cancelled', null, null],
    ],
  );
  assert.equal(state.tasks[0]?.startedAt, 1_001);
  assert.equal(state.tasks[0]?.endedAt, 1_004);
  assert.equal(state.status, 'running');
});

test('fold: a skipped task is completed, marked skipped, with its input as output', () => {
  const state = foldHistory(history(start, taskStarted('/do/0/a#0', 'a', { raw: true }), ['TaskSkipped', { key: '/do/0/a#0:skipped' }]));
  assert.equal(state.tasks[0]?.status, 'completed');
  assert.equal(state.tasks[0]?.isSkipped, true);
  assert.deepEqual(state.tasks[0]?.output, { raw: true });
});

test('fold: each visit of a task is its own record; loop indexes are kept', () => {
  const state = foldHistory(
    history(
      start,
      taskStarted('/do/0/loop/do/0/s[0]#0', 's', {}, [0]),
      taskStarted('/do/0/loop/do/0/s[1]#0', 's', {}, [1]),
      taskStarted('/do/0/loop/do/0/s[1]#1', 's', {}, [1]),
    ),
  );
  assert.deepEqual(state.tasks.map((task) => [task.key, task.indexes]), [
    ['/do/0/loop/do/0/s[0]#0', [0]],
    ['/do/0/loop/do/0/s[1]#0', [1]],
    ['/do/0/loop/do/0/s[1]#1', [1]],
  ]);
});

test('fold: an open timer makes the task and the execution waiting; its firing makes them running again', () => {
  const base: Step[] = [start, taskStarted('/do/0/w#0', 'w'), ['TimerStarted', { key: '/do/0/w#0:timer/started', firesAt: 9_999 }]];
  const parked = foldHistory(history(...base));
  assert.equal(parked.status, 'waiting');
  assert.equal(parked.tasks[0]?.status, 'waiting');
  const fired = foldHistory(history(...base, ['TimerFired', { key: '/do/0/w#0:timer/fired' }]));
  assert.equal(fired.tasks[0]?.status, 'running');
});

test('fold: once its timer fired (keys …:timer/started, …:timer/fired, as recorded) the execution is running again', () => {
  const state = foldHistory(
    history(
      start,
      taskStarted('/do/0/w#0', 'w'),
      ['TimerStarted', { key: '/do/0/w#0:timer/started', firesAt: 9_999 }],
      ['TimerFired', { key: '/do/0/w#0:timer/fired' }],
      ['TaskCompleted', { key: '/do/0/w#0:completed', output: {} }],
      taskStarted('/do/1/next#0', 'next'),
    ),
  );
  assert.equal(state.status, 'running');
});

test('fold: TaskRetrying counts the retries of the try task', () => {
  const error = { type: 'x', status: 500 };
  const state = foldHistory(
    history(
      start,
      taskStarted('/do/0/t#0', 't'),
      ['TaskRetrying', { key: '/do/0/t#0:retrying/1', attempt: 1, delayMs: 10, error }],
      ['TaskRetrying', { key: '/do/0/t#0:retrying/2', attempt: 2, delayMs: 20, error }],
    ),
  );
  assert.equal(state.tasks[0]?.retries, 2);
});

test('fold: CancelRequested keeps the reason while the execution still runs', () => {
  const state = foldHistory(history(start, ['CancelRequested', { reason: 'asked' }]));
  assert.equal(state.status, 'running');
  assert.equal(state.cancelReason, 'asked');
});

test('fold: the state at version v is the fold of the events up to v', () => {
  const events = history(start, taskStarted('/do/0/a#0', 'a'), ['TaskCompleted', { key: '/do/0/a#0:completed', output: 1 }], ['WorkflowCompleted', { key: 'workflow:completed', output: 1 }]);
  const atTwo = foldHistory(events.slice(0, 2));
  assert.equal(atTwo.seq, 2);
  assert.equal(atTwo.hash, events[1]?.hash);
  assert.equal(atTwo.tasks[0]?.status, 'running');
  assert.equal(atTwo.status, 'running');
  assert.equal(foldHistory(events).status, 'completed');
});

test('fold: an event for a task that never started is ignored, not a crash', () => {
  const state = foldHistory(history(start, ['TaskCompleted', { key: '/do/9/ghost#0:completed', output: 1 }]));
  assert.deepEqual(state.tasks, []);
  assert.equal(state.seq, 2);
});

test('fold: the parent of a child execution is kept', () => {
  const [type, data] = start;
  const state = foldHistory(history([type, { ...data, parent: { executionId: 'p', key: '/do/0/sub#0:child/started' } }]));
  assert.deepEqual(state.parent, { executionId: 'p', key: '/do/0/sub#0:child/started' });
});

const visits = [
  ['/do/0/a#0:completed', '/do/0/a#0'],
  ['/do/0/a[1,2]#3:timer/started', '/do/0/a[1,2]#3'],
  ['no-slot', 'no-slot'],
] as const;

for (const [key, visit] of visits) {
  test(`visitOf: ${key} is visit ${visit}`, () => {
    assert.equal(visitOf(key), visit);
  });
}
