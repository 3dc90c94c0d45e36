import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EPOCH_MS,
  assertCompleted,
  assertFaulted,
  assertRebuildMatches,
  eventsOfType,
  openHarness,
} from '../../test/support/engine-harness.js';
import { type CloudEvent, type Json, problemTypes } from '../index.js';

test('data flow: input.from shapes what the task sees; the raw input is what its if sees', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ pick: { if: '${ .enabled }', input: { from: '${ .payload }' }, set: { seen: '${ . }' } } }]),
    { enabled: true, payload: { a: 1 } },
  );
  assert.deepEqual(assertCompleted(result), { seen: { a: 1 } });
});

test('data flow: input.from may be an object whose leaves are expressions', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ pick: { input: { from: { only: '${ .a }' } }, set: '${ . }' } }]), { a: 5, b: 6 });
  assert.deepEqual(assertCompleted(result), { only: 5 });
});

test('data flow: output.as transforms the task output before the next task sees it', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ make: { set: { a: 1, b: 2 }, output: { as: '${ .a + .b }' } } }, { wrap: { set: { sum: '${ . }' } } }]),
  );
  assert.deepEqual(assertCompleted(result), { sum: 3 });
  const state = await h.engine.getExecution(result.executionId);
  assert.equal(state?.tasks[0]?.output, 3, 'the recorded output is the transformed one');
});

test('data flow: export.as sets $context, visible to the tasks after it', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      { remember: { set: { token: 'abc' }, export: { as: '${ { token: .token } }' } } },
      { forget: { set: { other: true } } },
      { recall: { set: { token: '${ $context.token }', data: '${ . }' } } },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { token: 'abc', data: { other: true } });
});

test('data flow: export.as sees the transformed output as . and $output', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      { make: { set: { n: 2 }, output: { as: '${ .n * 10 }' }, export: { as: '${ { fromDot: ., fromOutput: $output } }' } } },
      { read: { set: '${ $context }' } },
    ]),
  );
  assert.deepEqual(assertCompleted(result), { fromDot: 20, fromOutput: 20 });
});

test('data flow: a false if skips the task and passes its raw input through', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ maybe: { if: '${ .enabled }', set: { replaced: true } } }]), { enabled: false });
  assert.deepEqual(assertCompleted(result), { enabled: false });
  const state = await h.engine.getExecution(result.executionId);
  assert.equal(state?.tasks[0]?.isSkipped, true);
  assert.deepEqual(state?.tasks[0]?.output, { enabled: false });
  assert.equal(eventsOfType(await h.history(result.executionId), 'TaskSkipped').length, 1);
  await assertRebuildMatches(h.engine, result.executionId);
});

const schemaFailures = [
  {
    name: 'an input that does not match the task input schema',
    task: { check: { input: { schema: { format: 'json', document: { type: 'object', required: ['name'] } } }, set: { ok: true } } },
    detail: /input does not match its schema/,
  },
  {
    name: 'an output that does not match the task output schema',
    task: { check: { set: { count: 'many' }, output: { schema: { document: { type: 'object', properties: { count: { type: 'integer' } } } } } } },
    detail: /output does not match its schema/,
  },
  {
    name: 'an export that does not match the export schema',
    task: { check: { set: { n: 1 }, export: { as: '${ .n }', schema: { document: { type: 'string' } } } } },
    detail: /export does not match its schema/,
  },
] as const;

for (const s of schemaFailures) {
  test(`data flow: ${s.name} faults with a validation error at the task`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([s.task]), { other: 1 });
    const error = assertFaulted(result);
    assert.equal(error.type, problemTypes.validation.type);
    assert.equal(error.status, 400);
    assert.equal(error.instance, '/do/0/check');
    assert.match(String(error.detail), s.detail);
  });
}

test('data flow: a workflow input that does not match the input schema faults before any task runs', async (t) => {
  const h = await openHarness(t);
  const definition = h.define([{ never: { set: { ran: true } } }], {
    input: { schema: { format: 'json', document: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } } } },
  });
  const result = await h.run(definition, { orderId: 7 });
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.validation.type);
  assert.equal(error.instance, '/input');
  assert.match(String(error.detail), /orderId/);
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(state?.tasks, []);
  assert.deepEqual(assertCompleted(await h.run(definition, { orderId: 'o-1' })), { ran: true });
});

test('data flow: workflow input.from and output.as shape the workflow input and output', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ inner: { set: { seen: '${ . }' } } }], { input: { from: '${ .request }' }, output: { as: '${ .seen.value }' } }),
    { request: { value: 'v' }, noise: true },
  );
  assert.equal(assertCompleted(result), 'v');
});

test('data flow: the workflow output schema is checked on the final output', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ make: { set: { n: 1 } } }], { output: { schema: { document: { type: 'array' } } } }));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.validation.type);
  assert.equal(error.instance, '/output');
});

test('data flow: $task, $workflow and $runtime describe the running task and execution', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        describe: {
          set: {
            task: '${ $task.name }',
            reference: '${ $task.reference }',
            startedAt: '${ $task.startedAt.epoch.milliseconds }',
            execution: '${ $workflow.id }',
            input: '${ $workflow.input }',
            runtime: '${ $runtime.name }',
          },
        },
      },
    ]),
    { hello: 'world' },
  );
  assert.deepEqual(assertCompleted(result), {
    task: 'describe',
    reference: '/do/0/describe',
    startedAt: EPOCH_MS,
    execution: result.executionId,
    input: { hello: 'world' },
    runtime: 'itonami',
  });
});

test('secrets: a secret declared in use.secrets but not provided faults the workflow with an authorization error (403)', async (t) => {
  const h = await openHarness(t, { secrets: { present: 'yes' } });
  const result = await h.run(h.define([{ never: { set: { ran: true } } }], { use: { secrets: ['present', 'absent'] } }));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.authorization.type);
  assert.equal(error.status, 403);
  assert.equal(error.instance, '/use/secrets');
  assert.match(String(error.detail), /'absent'/);
  assert.doesNotMatch(String(error.detail), /'present'/);
});

test('secrets: a secret quoted in an error is redacted before the error is recorded or caught', async (t) => {
  const h = await openHarness(t, { secrets: { apiKey: 's3cr3t-key' } });
  const result = await h.run(
    h.define(
      [
        { guarded: { try: [{ useKey: { set: { n: '${ $secrets.apiKey + 1 }' } } }], catch: { as: 'failure', do: [{ keep: { set: { caught: '${ $failure.detail }' } } }] } } },
        { again: { set: { n: '${ $secrets.apiKey + 1 }' } } },
      ],
      { use: { secrets: ['apiKey'] } },
    ),
  );
  const error = assertFaulted(result);
  assert.match(String(error.detail), /\*\*\*/);
  const history = JSON.stringify(await h.engine.history(result.executionId));
  assert.ok(!history.includes('s3cr3t-key'), 'the history holds the secret value');
  assert.ok(history.includes('***'));
});

test('secrets: $secrets holds only the declared secrets', async (t) => {
  const h = await openHarness(t, { secrets: { declared: 'd', undeclared: 'u' } });
  const result = await h.run(h.define([{ read: { set: '${ $secrets }' } }], { use: { secrets: ['declared'] } }));
  assert.deepEqual(assertCompleted(result), { declared: 'd' });
});

test('lifecycle: workflow and task lifecycle CloudEvents are published in order', async (t) => {
  const h = await openHarness(t);
  const events: CloudEvent[] = [];
  const unsubscribe = h.engine.onLifecycleEvent((event) => events.push(event));
  t.after(unsubscribe);
  const result = await h.run(h.define([{ only: { set: { done: true } } }]));
  assertCompleted(result);
  assert.deepEqual(
    events.map((e) => e.type),
    [
      'io.serverlessworkflow.workflow.started.v1',
      'io.serverlessworkflow.task.created.v1',
      'io.serverlessworkflow.task.started.v1',
      'io.serverlessworkflow.task.completed.v1',
      'io.serverlessworkflow.workflow.completed.v1',
    ],
  );
  for (const event of events) {
    assert.equal(event.specversion, '1.0');
    assert.equal(event.subject, result.executionId);
  }
  assert.equal((events[3]?.data as { task: Json }).task, '/do/0/only');
  assert.deepEqual((events[4]?.data as { output: Json }).output, { done: true });
});

test('lifecycle: a faulted task and workflow publish task.faulted and workflow.faulted', async (t) => {
  const h = await openHarness(t);
  const types: string[] = [];
  t.after(h.engine.onLifecycleEvent((event) => types.push(event.type)));
  assertFaulted(await h.run(h.define([{ boom: { raise: { error: { type: 'https://example.com/x', status: 500 } } } }])));
  assert.deepEqual(types.slice(-2), ['io.serverlessworkflow.task.faulted.v1', 'io.serverlessworkflow.workflow.faulted.v1']);
});

test('engine events: task:started and task:completed announce each task with its reference', async (t) => {
  const h = await openHarness(t);
  const seen: string[] = [];
  h.engine.on('task:started', (e) => seen.push(`started ${e.reference}`));
  h.engine.on('task:completed', (e) => seen.push(`completed ${e.reference}`));
  assertCompleted(await h.run(h.define([{ a: { set: { a: 1 } } }, { b: { set: { b: 1 } } }])));
  assert.deepEqual(seen, ['started /do/0/a', 'completed /do/0/a', 'started /do/1/b', 'completed /do/1/b']);
});

test('executions: starting with an existing id, definition and input returns the same execution', async (t) => {
  const h = await openHarness(t);
  const definition = h.define([{ a: { set: { a: 1 } } }]);
  const first = await h.engine.start(definition, { executionId: 'fixed', input: { n: 1 } });
  await first.result();
  const again = await h.engine.start(definition, { executionId: 'fixed', input: { n: 1 } });
  assert.deepEqual(await again.result(), await first.result());
  await assert.rejects(h.engine.start(definition, { executionId: 'fixed', input: { n: 2 } }), { name: 'ExecutionExistsError' });
});
