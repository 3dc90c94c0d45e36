import assert from 'node:assert/strict';
import test from 'node:test';
import { createCompiledJqEngine } from '../../expressions/jq/compiled-jq-engine.js';
import type { JsonObject } from '../../model/json.js';
import { loadDefinition } from '../serverless/load-definition.js';
import { stepRefs } from './compile-advanced-saga.js';
import { compileWorkflowIr } from './compile-workflow-ir.js';
import type { CompensationPolicy, WorkflowIr, WorkflowOp } from './workflow-ir.js';

const jq = createCompiledJqEngine();
const activity = (activityRef: string): WorkflowOp => ({ kind: 'activity', activityRef, inputMapping: {} });
const FUNCTIONS = ['a', 'b', 'c', 'd', 'undo_a', 'undo_b', 'undo_c', 'undo_d'];

type Saga = Extract<WorkflowOp, { kind: 'advancedSaga' }>;

function saga(extra: Partial<Saga> = {}): Saga {
  return {
    kind: 'advancedSaga',
    mainFlow: { kind: 'seq', strategies: [activity('a'), activity('b'), activity('c'), activity('d')] },
    compensations: { a: activity('undo_a'), b: activity('undo_b'), c: activity('undo_c') },
    policy: { kind: 'reverseOrder' },
    conditions: {},
    parallelism: 1,
    dependencies: {},
    ...extra,
  };
}

function ir(strategy: WorkflowOp): WorkflowIr {
  return { id: 'saga', name: 'Saga', version: '1.0.0', inputs: [], outputs: [], strategy, activities: [], metadata: {} };
}

/** Compiles and loads the document (schema, flow directives, every jq expression), returning the saga's task. */
function compiled(op: WorkflowOp): JsonObject {
  const result = compileWorkflowIr(ir(op), { form: 'kotoba' });
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  const loaded = loadDefinition(result.document, { jq, functions: FUNCTIONS });
  if (!loaded.ok) assert.fail(`the compiled document is invalid: ${JSON.stringify(loaded.problems, null, 1)}`);
  return Object.values((result.document['do'] as JsonObject[])[1] as JsonObject)[0] as JsonObject;
}

function text(value: unknown): string {
  assert.equal(typeof value, 'string');
  return value as string;
}

function entries(tasks: unknown): [string, JsonObject][] {
  return (tasks as JsonObject[]).map((entry) => Object.entries(entry)[0] as [string, JsonObject]);
}

/** The compensations of the saga's catch, as the steps they undo; a wave of several is a list. */
function compensationOrder(task: JsonObject): (string | string[])[] {
  const tryTask = entries(task['do'])[1]?.[1] as JsonObject;
  const steps = entries((tryTask['catch'] as JsonObject)['do']).slice(0, -1);
  const stepOf = (name: string): string => name.replace(/^undo-/, '');
  return steps.map(([name, body]) => {
    const fork = body['fork'] as JsonObject | undefined;
    if (fork === undefined) return stepOf(name);
    return entries(fork['branches']).map(([, branch]) => stepOf(entries(branch['do'])[0]?.[0] ?? ''));
  });
}

const policies: { policy: CompensationPolicy; parallelism?: number; dependencies?: Record<string, string[]>; order: (string | string[])[] }[] = [
  { policy: { kind: 'reverseOrder' }, order: ['c', 'b', 'a'] },
  { policy: { kind: 'conditional' }, order: ['c', 'b', 'a'] },
  { policy: { kind: 'custom', order: ['b', 'a', 'c'] }, order: ['b', 'a', 'c'] },
  { policy: { kind: 'parallel' }, order: ['c', 'b', 'a'] },
  { policy: { kind: 'parallel' }, parallelism: 3, order: [['c', 'b', 'a']] },
  { policy: { kind: 'parallel' }, parallelism: 2, dependencies: { c: ['a'], b: ['a'] }, order: [['c', 'b'], 'a'] },
  { policy: { kind: 'parallel' }, parallelism: 3, dependencies: { c: ['b'], b: ['a'] }, order: ['c', 'b', 'a'] },
];
for (const c of policies) {
  const label = `${c.policy.kind}${c.parallelism === undefined ? '' : ` ×${c.parallelism}`}${c.dependencies === undefined ? '' : ` with ${JSON.stringify(c.dependencies)}`}`;
  test(`${label} compensates in the order ${JSON.stringify(c.order)}`, () => {
    const op = saga({ policy: c.policy, parallelism: c.parallelism ?? 1, dependencies: c.dependencies ?? {} });
    assert.deepEqual(compensationOrder(compiled(op)), c.order);
  });
}

test('the saga starts its record, tries the main flow within its timeout, and raises the original error with its report', () => {
  const task = compiled(saga({ timeout: { secs: 60, nanos: 0 } }));
  const [[startName, start], [tryName, tryTask]] = entries(task['do']) as [[string, JsonObject], [string, JsonObject]];
  assert.equal(startName, 'saga-start');
  assert.equal(start['set'], '${ $context | .sagas["/workflow/strategy"] = {completed: {}, compensations: {}} }');
  assert.equal(tryName, 'saga');
  const [[flowName, flow]] = entries(tryTask['try']) as [[string, JsonObject]];
  assert.equal(flowName, 'saga-flow');
  assert.deepEqual(flow['timeout'], { after: 'PT60S' });
  const handler = tryTask['catch'] as JsonObject;
  assert.equal(handler['as'], 'sagaError');
  const [faultName, fault] = entries(handler['do']).at(-1) ?? [];
  assert.equal(faultName, 'saga-fault');
  const raised = text((fault?.['raise'] as JsonObject)['error']);
  assert.match(raised, /^\$\{ \$sagaError \+ \{compensations: \(\(\$sagaError\.compensations \/\/ \[\]\) \+ \[/);
  assert.match(raised, /policy: "reverse_order"/);
});

test('a compensated step records itself in its export; an uncompensated one does not', () => {
  const text = JSON.stringify(compiled(saga()));
  assert.match(text, /completed\[\\"a\\"\] = true/);
  assert.doesNotMatch(text, /completed\[\\"d\\"\] = true/);
});

test('a conditional compensation is guarded by its condition and records itself skipped', () => {
  const task = compiled(saga({ conditions: { b: '$.charged > 0' } }));
  const tryTask = entries(task['do'])[1]?.[1] as JsonObject;
  const [, undoB] = entries((tryTask['catch'] as JsonObject)['do'])[1] as [string, JsonObject];
  const [[, guard], , [skippedName, skipped]] = entries(undoB['do']) as [[string, JsonObject], unknown, [string, JsonObject]];
  assert.deepEqual((guard['switch'] as JsonObject[])[1], { declined: { when: '${ ($context | ($context.charged > 0)) | not }', then: skippedName } });
  assert.match(text(skipped['set']), /\{status: "skipped", condition: "\$\.charged > 0"\}/);
  assert.deepEqual(undoB['metadata'], { kotoba: '/workflow/strategy/compensations/b' });
});

test('a saga retry policy wraps each compensation in try/retry', () => {
  const retryPolicy = { initialInterval: { secs: 1, nanos: 0 }, backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrors: [] };
  const text = JSON.stringify(compiled(saga({ retryPolicy })));
  assert.match(text, /"retry-a":\{"try":\[\{"undo_a"/);
  assert.match(text, /"limit":\{"attempt":\{"count":2\}\}/);
});

test('a parallel (all) holding compensated steps catches each branch and raises the first fault after the join', () => {
  const op = saga({ mainFlow: { kind: 'parallel', branches: [activity('a'), activity('d')], completion: { kind: 'all' } } });
  const tryTask = entries(compiled(op)['do'])[1]?.[1] as JsonObject;
  const [, parallel] = entries(tryTask['try'])[0] as [string, JsonObject];
  const [[, fork], [, fault]] = entries(parallel['do']) as [[string, JsonObject], [string, JsonObject]];
  assert.match(text((fork['export'] as JsonObject)['as']), /select\(\. != null\) \| \.state\)/);
  assert.equal(fault['if'], '${ any(.[]; .error != null) }');
  const plain = compiled({ kind: 'parallel', branches: [activity('a'), activity('d')], completion: { kind: 'all' } });
  assert.ok('fork' in plain, 'outside a saga a parallel stays one fork');
});

test('steps are the activity refs of an op in declaration order', () => {
  const op: WorkflowOp = {
    kind: 'seq',
    strategies: [
      activity('a'),
      { kind: 'parallel', branches: [activity('b'), { kind: 'decision', conditions: [{ condition: 'x', branch: activity('c') }], defaultBranch: activity('d') }], completion: { kind: 'all' } },
      { kind: 'saga', mainFlow: activity('e'), compensation: activity('f') },
      { kind: 'rules', strategy: { kind: 'once', rule: 'r' } },
    ],
  };
  assert.deepEqual(stepRefs(op), ['a', 'b', 'c', 'd', 'e', 'f']);
});
