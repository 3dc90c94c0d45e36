import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnyHistoryEvent } from './events.js';
import { firstIndexAfter, foldReplayCheckpoint } from './replay-checkpoint.js';

/** A history: a `do` task `a` (two inner tasks, the first exporting) completes; task `b` is open with a result. */
function history(): AnyHistoryEvent[] {
  const data: [string, Record<string, unknown>][] = [
    ['WorkflowStarted', { executionId: 'x' }],
    ['TaskStarted', { key: '/do/0/a#0:started', reference: '/do/0/a', indexes: [], name: 'a', input: {} }],
    ['TaskStarted', { key: '/do/0/a/do/0/x#0:started', reference: '/do/0/a/do/0/x', indexes: [], name: 'x', input: {} }],
    ['EffectCompleted', { key: '/do/0/a/do/0/x#0:call', effect: 'function', result: 1 }],
    ['TaskCompleted', { key: '/do/0/a/do/0/x#0:completed', output: 1, context: { c: 1 } }],
    ['TaskStarted', { key: '/do/0/a/do/1/y#0:started', reference: '/do/0/a/do/1/y', indexes: [], name: 'y', input: 1 }],
    ['TaskCompleted', { key: '/do/0/a/do/1/y#0:completed', output: 2 }],
    ['TaskCompleted', { key: '/do/0/a#0:completed', output: 2 }],
    ['Suspended', { reason: 'r' }],
    ['TaskStarted', { key: '/do/1/b#0:started', reference: '/do/1/b', indexes: [], name: 'b', input: 2 }],
    ['EventConsumed', { key: '/do/1/b#0:event/0', event: {}, inboxSeq: 7, isSignal: true }],
  ];
  return data.map(([type, payload], index) => ({ seq: index + 1, type, at: 1_000 + index, data: payload, hash: `h${index + 1}` }) as unknown as AnyHistoryEvent);
}

test('a completed visit keeps its start and end; its subtree is dropped, leaving its visits and its last $context write', () => {
  const checkpoint = foldReplayCheckpoint(undefined, history());
  assert.equal(checkpoint.seq, 11);
  assert.equal(checkpoint.hash, 'h11');
  assert.deepEqual(checkpoint.events.map((event) => event.seq), [1, 2, 8, 9, 10, 11]);
  assert.deepEqual(checkpoint.droppedStarts, [
    [3, '/do/0/a/do/0/x'],
    [6, '/do/0/a/do/1/y'],
  ]);
  assert.deepEqual(checkpoint.contexts, { '/do/0/a#0': [5, { c: 1 }] });
  assert.deepEqual(checkpoint.consumedSignals, [7]);
});

test('folding in steps gives the checkpoint that folding at once gives', () => {
  const events = history();
  for (const cut of [1, 3, 5, 7, 8, 10]) {
    const early = foldReplayCheckpoint(undefined, events.slice(0, cut));
    assert.deepEqual(foldReplayCheckpoint(early, events.slice(cut)), foldReplayCheckpoint(undefined, events), `cut after seq ${cut}`);
  }
});

test('a completed visit inside another: the outer one drops the inner one and takes over its $context write', () => {
  const data: [string, Record<string, unknown>][] = [
    ['WorkflowStarted', { executionId: 'x' }],
    ['TaskStarted', { key: '/do/0/o#0:started', reference: '/do/0/o', indexes: [], name: 'o', input: {} }],
    ['TaskStarted', { key: '/do/0/o/do/0/a#0:started', reference: '/do/0/o/do/0/a', indexes: [], name: 'a', input: {} }],
    ['TaskStarted', { key: '/do/0/o/do/0/a/do/0/x#0:started', reference: '/do/0/o/do/0/a/do/0/x', indexes: [], name: 'x', input: {} }],
    ['TaskCompleted', { key: '/do/0/o/do/0/a/do/0/x#0:completed', output: 1, context: { c: 1 } }],
    ['TaskCompleted', { key: '/do/0/o/do/0/a#0:completed', output: 1 }],
    ['TaskCompleted', { key: '/do/0/o#0:completed', output: 1 }],
  ];
  const events = data.map(([type, payload], index) => ({ seq: index + 1, type, at: index, data: payload, hash: `h${index + 1}` }) as unknown as AnyHistoryEvent);
  const inner = foldReplayCheckpoint(undefined, events.slice(0, 6));
  assert.deepEqual(inner.events.map((event) => event.seq), [1, 2, 3, 6]);
  assert.deepEqual(inner.contexts, { '/do/0/o/do/0/a#0': [5, { c: 1 }] });
  const outer = foldReplayCheckpoint(inner, events.slice(6));
  assert.deepEqual(outer.events.map((event) => event.seq), [1, 2, 7]);
  assert.deepEqual(outer.contexts, { '/do/0/o#0': [5, { c: 1 }] }, 'the inner entry moved up to the outer visit');
  assert.deepEqual(outer.droppedStarts, [
    [3, '/do/0/o/do/0/a'],
    [4, '/do/0/o/do/0/a/do/0/x'],
  ]);
});

test('bad input: no WorkflowStarted first, or events that do not follow the checkpoint, are refused', () => {
  const events = history();
  assert.throws(() => foldReplayCheckpoint(undefined, events.slice(1)), /starts at WorkflowStarted/);
  const early = foldReplayCheckpoint(undefined, events.slice(0, 4));
  assert.throws(() => foldReplayCheckpoint(early, events.slice(5)), /folds events from 5, not 6/);
  assert.equal(foldReplayCheckpoint(early, []), early);
});

test('firstIndexAfter finds the first item past a seq by binary search', () => {
  const items = [1, 2, 5, 9].map((seq) => ({ seq }));
  assert.deepEqual([0, 1, 2, 4, 5, 9, 10].map((seq) => firstIndexAfter(items, seq)), [0, 1, 2, 2, 3, 4, 4]);
  assert.equal(firstIndexAfter([[3, 'a'] as const], 2, ([seq]) => seq), 0);
});

test('a carried/… record survives the drop of the visit that recorded it: a later visit of that task reads it', () => {
  const data: [string, Record<string, unknown>][] = [
    ['WorkflowStarted', { executionId: 'x' }],
    ['TaskStarted', { key: '/do/0/a#0:started', reference: '/do/0/a', indexes: [], name: 'a', input: {} }],
    ['Decided', { key: '/do/0/a#0:call/retry/1', decision: { at: 0, delayMs: 1 } }],
    ['Decided', { key: '/do/0/a#0:carried/attempts', decision: { lastAttempt: 2 } }],
    ['TaskCompleted', { key: '/do/0/a#0:completed', output: 1 }],
  ];
  const events = data.map(([type, payload], index) => ({ seq: index + 1, type, at: index, data: payload, hash: `h${index + 1}` }) as unknown as AnyHistoryEvent);
  assert.deepEqual(foldReplayCheckpoint(undefined, events).events.map((event) => event.seq), [1, 2, 4, 5]);
});

test("a visit's own $context write wins over the writes of the tasks inside it", () => {
  const data: [string, Record<string, unknown>][] = [
    ['WorkflowStarted', { executionId: 'x' }],
    ['TaskStarted', { key: '/do/0/a#0:started', reference: '/do/0/a', indexes: [], name: 'a', input: {} }],
    ['TaskStarted', { key: '/do/0/a/do/0/x#0:started', reference: '/do/0/a/do/0/x', indexes: [], name: 'x', input: {} }],
    ['TaskCompleted', { key: '/do/0/a/do/0/x#0:completed', output: 1, context: { inner: true } }],
    ['TaskCompleted', { key: '/do/0/a#0:completed', output: 1, context: { outer: true } }],
  ];
  const events = data.map(([type, payload], index) => ({ seq: index + 1, type, at: index, data: payload, hash: `h${index + 1}` }) as unknown as AnyHistoryEvent);
  assert.deepEqual(foldReplayCheckpoint(undefined, events).contexts, { '/do/0/a#0': [5, { outer: true }] });
});
