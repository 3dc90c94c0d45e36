import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnyHistoryEvent, EventDataMap, EventType } from '../history/events.js';
import { TaskVisits } from './task-visits.js';

/** A history built by hand: seq and time advance by one per event (hashes are not checked here). */
function historyOf(...events: [EventType, object][]): AnyHistoryEvent[] {
  return events.map(([type, data], index) => ({ seq: index + 1, type, at: 1_000 + index, data: data as EventDataMap[EventType], hash: '' }) as AnyHistoryEvent);
}

const DOCUMENT = {
  do: [
    { prepare: { set: { ready: true } } },
    { receive: { listen: { to: { all: [{ with: { type: 'paid' }, correlate: { order: { from: '${ .data.orderId }' } } }] } } } },
    { 'a/b': { wait: { seconds: 1 } } },
  ],
};

const started = (reference: string, name: string, visit = 0): [EventType, object] => [
  'TaskStarted',
  { key: `${reference}#${visit}:started`, reference, indexes: [], name, input: {} },
];

test('task visits: a suspension lists the visits still open, in start order, and the resumption the same', () => {
  const visits = new TaskVisits(
    historyOf(
      ['WorkflowStarted', {}],
      started('/do/0/prepare', 'prepare'),
      ['TaskCompleted', { key: '/do/0/prepare#0:completed', output: {} }],
      started('/do/1/receive', 'receive'),
      started('/do/2/a~1b', 'a/b'),
    ),
  );
  assert.equal(visits.size, 2);
  const [suspended, resumed] = historyOf(['Suspended', { reason: 'maintenance' }], ['Resumed', {}]).map((event) => visits.observe(event));
  assert.deepEqual(suspended?.openTasks, ['/do/1/receive', '/do/2/a~1b']);
  assert.deepEqual(resumed?.openTasks, ['/do/1/receive', '/do/2/a~1b']);
});

test('task visits: every way a task ends closes its visit and reports it as it was', () => {
  const visits = new TaskVisits();
  const ends: [EventType, object][] = [
    ['TaskCompleted', { key: '/do/0/a#0:completed', output: 1 }],
    ['TaskSkipped', { key: '/do/1/b#0:skipped' }],
    ['TaskFaulted', { key: '/do/2/c#0:faulted', error: { type: 'x', status: 500, title: 'X' } }],
    ['TaskCancelled', { key: '/do/3/d#0:cancelled', reason: 'stop' }],
  ];
  const references = ['/do/0/a', '/do/1/b', '/do/2/c', '/do/3/d'];
  for (const event of historyOf(...references.map((reference) => started(reference, reference.slice(-1))))) visits.observe(event);
  assert.equal(visits.size, 4);
  const ended = historyOf(...ends).map((event) => visits.observe(event).visit);
  assert.deepEqual(ended.map((visit) => visit?.reference), references);
  assert.deepEqual(ended.map((visit) => visit?.name), ['a', 'b', 'c', 'd']);
  assert.equal(visits.size, 0);
  assert.deepEqual(visits.observe(historyOf(['Suspended', { reason: 'r' }])[0] as AnyHistoryEvent).openTasks, []);
});

test('task visits: a retry keeps its visit open, and a second visit of the same task is tracked apart', () => {
  const visits = new TaskVisits();
  const events = historyOf(
    started('/do/0/t', 't', 0),
    ['TaskRetrying', { key: '/do/0/t#0:call/retrying/1', attempt: 1, delayMs: 10, error: { type: 'x', status: 503, title: 'X' } }],
    started('/do/0/t', 't', 1),
    ['TaskCompleted', { key: '/do/0/t#0:completed', output: null }],
  );
  for (const event of events.slice(0, 2)) visits.observe(event);
  assert.equal(visits.size, 1);
  visits.observe(events[2] as AnyHistoryEvent);
  assert.equal(visits.size, 2);
  assert.equal(visits.observe(events[3] as AnyHistoryEvent).visit?.at, events[0]?.at);
  assert.equal(visits.size, 1);
});

test('task visits: a listen starts correlating at its start and completes once, at its unsubscribe, with the last keys recorded', () => {
  const visits = new TaskVisits([], DOCUMENT);
  const changes = historyOf(
    started('/do/0/prepare', 'prepare'),
    started('/do/1/receive', 'receive'),
    ['EffectCompleted', { key: '/do/1/receive#0:subscribe', effect: 'subscribe', result: null }],
    ['EventConsumed', { key: '/do/1/receive#0:event/0', event: {}, inboxSeq: 3 }],
    ['EventConsumed', { key: '/do/1/receive#0:event/1', event: {}, inboxSeq: 4, correlationKeys: { order: 'o-1' } }],
    ['EffectCompleted', { key: '/do/1/receive#0:unsubscribe', effect: 'unsubscribe', result: null }],
    ['TaskCompleted', { key: '/do/1/receive#0:completed', output: [] }],
  ).map((event) => visits.observe(event));
  assert.equal(changes[0]?.correlationStarted, undefined, 'a set task does not correlate');
  assert.deepEqual(changes[1]?.correlationStarted, { task: '/do/1/receive' });
  assert.deepEqual(
    changes.map((change) => change.correlationCompleted),
    [undefined, undefined, undefined, undefined, undefined, { task: '/do/1/receive', keys: { order: 'o-1' } }, undefined],
  );
});

test('task visits: a listen with no unsubscribe (a signal wait) completes its correlation with its task, without keys', () => {
  const visits = new TaskVisits([], DOCUMENT);
  const changes = historyOf(
    started('/do/1/receive', 'receive'),
    ['EventConsumed', { key: '/do/1/receive#0:event/0', event: {}, inboxSeq: 1, isSignal: true }],
    ['TaskCompleted', { key: '/do/1/receive#0:completed', output: [] }],
  ).map((event) => visits.observe(event));
  assert.deepEqual(changes[2]?.correlationCompleted, { task: '/do/1/receive' });
  assert.equal(changes[2]?.visit?.name, 'receive');
});

test('task visits: a listen that faults or is cancelled never completes its correlation', () => {
  for (const end of [
    ['TaskFaulted', { key: '/do/1/receive#0:faulted', error: { type: 'x', status: 408, title: 'Timeout' } }],
    ['TaskCancelled', { key: '/do/1/receive#0:cancelled', reason: 'stop' }],
  ] as [EventType, object][]) {
    const visits = new TaskVisits([], DOCUMENT);
    const changes = historyOf(started('/do/1/receive', 'receive'), end).map((event) => visits.observe(event));
    assert.equal(changes[1]?.correlationCompleted, undefined, end[0]);
  }
});

test('task visits: seeded from a history, a listen started before a restart completes its correlation with the keys it recorded', () => {
  const history = historyOf(
    started('/do/1/receive', 'receive'),
    ['EventConsumed', { key: '/do/1/receive#0:event/0', event: {}, inboxSeq: 1, correlationKeys: { order: 'o-7' } }],
  );
  const visits = new TaskVisits(history, DOCUMENT);
  const [unsubscribed] = historyOf(['EffectCompleted', { key: '/do/1/receive#0:unsubscribe', effect: 'unsubscribe', result: null }]);
  assert.deepEqual(visits.observe(unsubscribed as AnyHistoryEvent).correlationCompleted, { task: '/do/1/receive', keys: { order: 'o-7' } });
});

test('task visits: without the definition, or at a pointer it lacks, no task is taken for a listen', () => {
  for (const [document, reference] of [
    [undefined, '/do/1/receive'],
    [DOCUMENT, '/do/9/missing'],
    [DOCUMENT, '/do/1/receive/listen/to/all/0/with/type'],
  ] as const) {
    const visits = new TaskVisits([], document);
    const [event] = historyOf(started(reference, 'receive'));
    assert.equal(visits.observe(event as AnyHistoryEvent).correlationStarted, undefined, reference);
  }
});
