import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnyHistoryEvent, EventDataMap, EventType } from '../history/events.js';
import type { CloudEvent } from '../model/cloud-event.js';
import { type LifecycleContext, lifecycleEventsFor, referenceOfKey } from './lifecycle-events.js';

const AT = Date.UTC(2025, 0, 1, 12);
const EXECUTION = { executionId: 'e-1', namespace: 'samples', name: 'orders', version: '1.0.0' };
const WORKFLOW = 'orders-e-1.samples';

function eventsFor(type: EventType, data: object, context?: LifecycleContext): CloudEvent[] {
  let ids = 0;
  const event = { seq: 2, type, at: AT, data: data as EventDataMap[EventType], hash: '' } as AnyHistoryEvent;
  return lifecycleEventsFor(event, EXECUTION, () => `id-${(ids += 1)}`, context);
}

const shortType = (event: CloudEvent) => event.type.replace(/^io\.serverlessworkflow\.(.*)\.v1$/, '$1');

test('lifecycle events: the envelope is a structured CloudEvent about the execution', () => {
  const [event] = eventsFor('Resumed', {});
  assert.deepEqual(event, {
    specversion: '1.0',
    id: 'id-1',
    source: 'https://itonami.dev/engine',
    type: 'io.serverlessworkflow.workflow.resumed.v1',
    time: '2025-01-01T12:00:00.000Z',
    subject: 'e-1',
    datacontenttype: 'application/json',
    data: { name: WORKFLOW, resumedAt: '2025-01-01T12:00:00.000Z' },
  });
});

test('lifecycle events: a suspension suspends the workflow, then each open task, with the spec payloads', () => {
  const events = eventsFor('Suspended', { reason: 'maintenance' }, { openTasks: ['/do/0/work', '/do/0/work/do/1/call'] });
  assert.deepEqual(events.map(shortType), ['workflow.suspended', 'task.suspended', 'task.suspended']);
  assert.deepEqual(
    events.map((event) => event.data),
    [
      { name: WORKFLOW, suspendedAt: '2025-01-01T12:00:00.000Z', reason: 'maintenance' },
      { workflow: WORKFLOW, task: '/do/0/work', suspendedAt: '2025-01-01T12:00:00.000Z' },
      { workflow: WORKFLOW, task: '/do/0/work/do/1/call', suspendedAt: '2025-01-01T12:00:00.000Z' },
    ],
  );
  assert.equal(new Set(events.map((event) => event.id)).size, 3, 'each event has its own id');
});

test('lifecycle events: a resumption resumes the workflow, then each open task', () => {
  const events = eventsFor('Resumed', {}, { openTasks: ['/do/1/receive'] });
  assert.deepEqual(events.map(shortType), ['workflow.resumed', 'task.resumed']);
  assert.deepEqual(events[1]?.data, { workflow: WORKFLOW, task: '/do/1/receive', resumedAt: '2025-01-01T12:00:00.000Z' });
});

test('lifecycle events: a listen starting announces correlation-started after its task events', () => {
  const events = eventsFor(
    'TaskStarted',
    { key: '/do/1/receive#0:started', reference: '/do/1/receive', indexes: [], name: 'receive', input: {} },
    { correlationStarted: { task: '/do/1/receive' } },
  );
  assert.deepEqual(events.map(shortType), ['task.created', 'task.started', 'workflow.correlation-started']);
  assert.deepEqual(events[2]?.data, { name: WORKFLOW, startedAt: '2025-01-01T12:00:00.000Z', task: '/do/1/receive' });
});

test('lifecycle events: correlation-completed carries the resolved keys and comes before the task completes', () => {
  const events = eventsFor(
    'TaskCompleted',
    { key: '/do/1/receive#0:completed', output: [] },
    { correlationCompleted: { task: '/do/1/receive', keys: { order: 'o-1', petId: 7 } } },
  );
  assert.deepEqual(events.map(shortType), ['workflow.correlation-completed', 'task.completed']);
  assert.deepEqual(events[0]?.data, {
    name: WORKFLOW,
    completedAt: '2025-01-01T12:00:00.000Z',
    task: '/do/1/receive',
    correlationKeys: { order: 'o-1', petId: 7 },
  });
});

test('lifecycle events: correlation-completed without resolved keys leaves correlationKeys out', () => {
  const events = eventsFor(
    'EffectCompleted',
    { key: '/do/1/receive#0:unsubscribe', effect: 'unsubscribe', result: null },
    { correlationCompleted: { task: '/do/1/receive' } },
  );
  assert.deepEqual(events.map(shortType), ['workflow.correlation-completed']);
  assert.deepEqual(events[0]?.data, { name: WORKFLOW, completedAt: '2025-01-01T12:00:00.000Z', task: '/do/1/receive' });
});

test('lifecycle events: without context, a suspension names no task and an effect announces nothing', () => {
  assert.deepEqual(eventsFor('Suspended', { reason: 'r' }).map(shortType), ['workflow.suspended']);
  assert.deepEqual(eventsFor('EffectCompleted', { key: '/do/0/a#0:call', effect: 'http', result: null }), []);
});

test('lifecycle events: the task reference of a key drops loop indexes, visit and slot', () => {
  const cases = [
    { key: '/do/0/a#0:completed', reference: '/do/0/a' },
    { key: '/do/0/loop/for/do/0/a[1,2]#3:started', reference: '/do/0/loop/for/do/0/a' },
    { key: 'workflow:completed', reference: undefined },
  ];
  for (const c of cases) assert.equal(referenceOfKey(c.key), c.reference, c.key);
});
