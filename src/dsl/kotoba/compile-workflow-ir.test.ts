import assert from 'node:assert/strict';
import test from 'node:test';
import { createCompiledJqEngine } from '../../expressions/jq/compiled-jq-engine.js';
import type { JsonObject } from '../../model/json.js';
import { loadDefinition } from '../serverless/load-definition.js';
import { compileWorkflowIr, isoDuration, retryPolicy, workflowName } from './compile-workflow-ir.js';
import type { WorkflowIr, WorkflowOp } from './workflow-ir.js';

const jq = createCompiledJqEngine();

function ir(strategy: WorkflowOp, extra: Partial<WorkflowIr> = {}): WorkflowIr {
  return {
    id: 'order_processing',
    name: 'Order processing',
    version: '1.0.0',
    inputs: [
      { name: 'orderId', type: 'string', isRequired: true },
      { name: 'priority', type: 'string', isRequired: false, defaultValue: 'low' },
    ],
    outputs: [{ name: 'confirmationId', type: 'string', isRequired: false }],
    strategy,
    activities: [],
    metadata: {},
    ...extra,
  };
}

const activity = (activityRef: string, inputMapping: Record<string, string> = {}): WorkflowOp => ({ kind: 'activity', activityRef, inputMapping });

/** Compiles and checks the document with the SW loader (schema, references, jq), returning the document. */
function compile(workflow: WorkflowIr, functions: readonly string[] = []): JsonObject {
  const result = compileWorkflowIr(workflow, { form: 'kotoba' });
  if (!result.ok) assert.fail(`expected it to compile, got ${JSON.stringify(result.problems)}`);
  const loaded = loadDefinition(result.document, { jq, functions });
  if (!loaded.ok) assert.fail(`the compiled document is invalid: ${JSON.stringify(loaded.problems, null, 1)}`);
  return result.document;
}

function text(value: unknown): string {
  assert.equal(typeof value, 'string');
  return value as string;
}

/** The strategy's task: the second of the top-level `do` (after the state set-up). */
function strategyTask(document: JsonObject): [string, JsonObject] {
  const item = (document['do'] as JsonObject[])[1] as JsonObject;
  const [name, task] = Object.entries(item)[0] as [string, JsonObject];
  return [name, task];
}

test('the document header, input schema, initial state and output mapping come from the workflow', () => {
  const document = compile(ir(activity('confirm'), { timeout: { secs: 600, nanos: 0 } }), ['confirm']);
  assert.deepEqual(document['document'], {
    dsl: '1.0.3',
    namespace: 'kotoba',
    name: 'order-processing',
    version: '1.0.0',
    title: 'Order processing',
    metadata: { kotoba: { id: 'order_processing', version: '1.0.0', metadata: {} } },
  });
  assert.deepEqual(document['input'], {
    schema: { format: 'json', document: { type: 'object', properties: { orderId: { type: 'string' }, priority: { type: 'string' } }, required: ['orderId'] } },
  });
  assert.deepEqual(document['timeout'], { after: 'PT600S' });
  assert.deepEqual((document['do'] as JsonObject[])[0], {
    'kotoba-state': {
      set: '${ {inputs: ({"priority":"low"} + .), activities: {}} }',
      export: { as: '${ . }' },
      metadata: { kotoba: '/workflow/inputs' },
    },
  });
  assert.match(text((document['output'] as JsonObject)['as']), /\["confirmationId"\]/);
});

test('an activity is a call of its function with the mapping as `with`, merging its output into the state', () => {
  const document = compile(ir(activity('confirm', { order_id: '$.inputs.orderId', total: '$.quote.total', level: 'high', all: '$', odd: '${ not }' })), ['confirm']);
  assert.deepEqual(strategyTask(document), [
    'confirm',
    {
      call: 'confirm',
      with: { order_id: '${ $context.inputs.orderId }', total: '${ $context.quote.total }', level: 'high', all: '${ $context }', odd: '${ "${ not }" }' },
      export: { as: text((strategyTask(document)[1]['export'] as JsonObject)['as']) },
      metadata: { kotoba: '/workflow/strategy' },
    },
  ]);
  assert.match(text((strategyTask(document)[1]['export'] as JsonObject)['as']), /\{"confirm": \$out\}/);
});

test('a retry policy wraps the call in try/retry, excepting non-retryable errors and re-raising when exhausted', () => {
  const policy = { initialInterval: { secs: 1, nanos: 500_000_000 }, backoffCoefficient: 2, maximumAttempts: 4, nonRetryableErrors: ['INVALID'] };
  const document = compile(ir({ kind: 'activity', activityRef: 'pay', inputMapping: {}, retryPolicy: policy }), ['pay']);
  const [name, task] = strategyTask(document);
  assert.equal(name, 'pay');
  const catcher = task['catch'] as JsonObject;
  assert.deepEqual({ ...(catcher['retry'] as JsonObject), exceptWhen: undefined }, {
    delay: 'PT1.5S',
    backoff: { exponential: { factor: 2, maxDelay: 'PT300S' } },
    limit: { attempt: { count: 3 } },
    exceptWhen: undefined,
  });
  assert.match(text((catcher['retry'] as JsonObject)['exceptWhen']), /\["INVALID"\]/);
  assert.deepEqual(catcher['do'], [{ reraise: { raise: { error: '${ $error }' } } }]);
  assert.equal(document['use'], undefined, 'no helper function is declared');
  const seedPolicy = { ...policy, backoffCoefficient: 1.5, maximumInterval: { secs: 60, nanos: 0 }, nonRetryableErrors: [] };
  assert.deepEqual(retryPolicy(seedPolicy)['backoff'], { exponential: { factor: 1.5, maxDelay: 'PT60S' } });
});

test('the workflow retry policy is the default for activities without one; a single attempt needs no try', () => {
  const single = { initialInterval: { secs: 1, nanos: 0 }, backoffCoefficient: 2, maximumAttempts: 1, nonRetryableErrors: [] };
  const once = strategyTask(compile(ir(activity('pay'), { retryPolicy: single }), ['pay']))[1];
  assert.equal(once['call'], 'pay');
  const retried = strategyTask(compile(ir(activity('pay'), { retryPolicy: { ...single, maximumAttempts: 2 } }), ['pay']))[1];
  assert.ok('try' in retried);
});

test('seq is a do; task names are unique across the document and keep their IR pointers', () => {
  const document = compile(ir({ kind: 'seq', strategies: [activity('a'), { kind: 'seq', strategies: [activity('a')] }] }), ['a']);
  assert.deepEqual(strategyTask(document), [
    'seq',
    {
      do: [
        { a: { call: 'a', with: {}, export: { as: expectExport('a') }, metadata: { kotoba: '/workflow/strategy/strategies/0' } } },
        { 'seq-2': { do: [{ 'a-2': { call: 'a', with: {}, export: { as: expectExport('a') }, metadata: { kotoba: '/workflow/strategy/strategies/1/strategies/0' } } }], metadata: { kotoba: '/workflow/strategy/strategies/1' } } },
      ],
      metadata: { kotoba: '/workflow/strategy' },
    },
  ]);
});

function expectExport(ref: string): string {
  const document = compile(ir(activity(ref)), [ref]);
  return text((strategyTask(document)[1]['export'] as JsonObject)['as']);
}

test('parallel all is a fork whose branches end with their state and whose export merges them in order', () => {
  const [, task] = strategyTask(compile(ir({ kind: 'parallel', branches: [activity('a'), activity('b')], completion: { kind: 'all' } }), ['a', 'b']));
  const fork = task['fork'] as JsonObject;
  assert.equal(fork['compete'], undefined);
  const branches = fork['branches'] as JsonObject[];
  assert.deepEqual(branches.map((branch) => Object.keys(branch)[0]), ['branch-0', 'branch-1']);
  const first = (branches[0] as JsonObject)['branch-0'] as JsonObject;
  assert.deepEqual((first['do'] as JsonObject[]).map((item) => Object.keys(item)[0]), ['a', 'branch-state']);
  assert.deepEqual(first['metadata'], { kotoba: '/workflow/strategy/branches/0' });
  assert.match(text((task['export'] as JsonObject)['as']), /reduce \(\.\[\] \| select\(\. != null\)\) as \$branch/);
});

test('parallel any is a competing fork without a merge', () => {
  const [, task] = strategyTask(compile(ir({ kind: 'parallel', branches: [activity('a'), activity('b')], completion: { kind: 'any' } }), ['a', 'b']));
  assert.equal((task['fork'] as JsonObject)['compete'], true);
  assert.equal(task['export'], undefined);
  const branch = ((task['fork'] as JsonObject)['branches'] as JsonObject[])[1] as JsonObject;
  assert.deepEqual((((branch['branch-1'] as JsonObject)['do'] as JsonObject[]).map((item) => Object.keys(item)[0])), ['b']);
});

test('decision is a switch over the conditions, then each branch ending with exit', () => {
  const decision: WorkflowOp = {
    kind: 'decision',
    conditions: [
      { condition: 'is_high', branch: activity('high') },
      { condition: '$.score > 10 and .flag == "$.x"', branch: activity('scored') },
    ],
    defaultBranch: activity('low'),
  };
  const [name, task] = strategyTask(compile(ir(decision), ['high', 'scored', 'low']));
  assert.equal(name, 'decision');
  const list = task['do'] as JsonObject[];
  assert.deepEqual(list.map((item) => Object.keys(item)[0]), ['choose', 'high', 'scored', 'low']);
  const choose = (list[0] as JsonObject)['choose'] as JsonObject;
  assert.deepEqual(choose['switch'], [
    { 'condition-0': { when: '${ $context.is_high as $v | ($v != null and $v != false and $v != 0 and $v != "") }', then: 'high' } },
    { 'condition-1': { when: '${ $context | ($context.score > 10 and .flag == "$.x") }', then: 'scored' } },
    { default: { then: 'low' } },
  ]);
  assert.deepEqual(choose['metadata'], { kotoba: '/workflow/strategy/conditions' });
  for (const item of list.slice(1)) assert.equal((Object.values(item)[0] as JsonObject)['then'], 'exit');
  assert.deepEqual(((list[3] as JsonObject)['low'] as JsonObject)['metadata'], { kotoba: '/workflow/strategy/default_branch' });
});

test('a decision without a default branch exits when no condition holds', () => {
  const [, task] = strategyTask(compile(ir({ kind: 'decision', conditions: [{ condition: 'go', branch: activity('a') }] }), ['a']));
  const choose = ((task['do'] as JsonObject[])[0] as JsonObject)['choose'] as JsonObject;
  assert.deepEqual((choose['switch'] as JsonObject[])[1], { default: { then: 'exit' } });
});

test('a timer wait is a wait; an event wait is a listen correlating each filter entry, with the timeout', () => {
  const timer = strategyTask(compile(ir({ kind: 'wait', condition: { kind: 'timer', duration: { secs: 10, nanos: 0 } } })));
  assert.deepEqual(timer, ['wait', { wait: 'PT10S', metadata: { kotoba: '/workflow/strategy' } }]);
  const event: WorkflowOp = {
    kind: 'wait',
    condition: { kind: 'event', eventType: 'review_completed', filter: { document_id: '$.inputs.orderId', kind: 'final', round: 2 } },
    timeout: { secs: 3_600, nanos: 0 },
  };
  const [name, task] = strategyTask(compile(ir(event)));
  assert.equal(name, 'wait-review_completed');
  assert.deepEqual(task['timeout'], { after: 'PT3600S' });
  const one = ((task['listen'] as JsonObject)['to'] as JsonObject)['one'] as JsonObject;
  assert.deepEqual(one['with'], { type: 'review_completed' });
  const correlate = one['correlate'] as Record<string, JsonObject>;
  assert.deepEqual(Object.keys(correlate), ['document_id', 'kind', 'round']);
  assert.equal(correlate['document_id']?.['expect'], '${ $context.inputs.orderId }');
  assert.equal(correlate['kind']?.['expect'], '${ "final" }');
  assert.equal(correlate['round']?.['expect'], '${ 2 }');
});

test('a saga tries the main flow and catches into the compensation (its own failure caught), then re-raises', () => {
  const [name, task] = strategyTask(compile(ir({ kind: 'saga', mainFlow: activity('pay'), compensation: activity('refund') }), ['pay', 'refund']));
  assert.equal(name, 'saga');
  assert.deepEqual(Object.keys((task['try'] as JsonObject[])[0] as JsonObject), ['pay']);
  const steps = (task['catch'] as JsonObject)['do'] as JsonObject[];
  assert.deepEqual(steps.map((item) => Object.keys(item)[0]), ['compensate', 'reraise']);
  const compensate = (steps[0] as JsonObject)['compensate'] as JsonObject;
  assert.deepEqual(compensate['catch'], { as: 'compensationError' });
  assert.deepEqual(compensate['metadata'], { kotoba: '/workflow/strategy/compensation' });
});

test('a subworkflow runs the kotoba workflow of that id, its output merged like an activity output', () => {
  const [name, task] = strategyTask(compile(ir({ kind: 'subworkflow', workflowRef: 'ship_order', inputMapping: { id: '$.inputs.orderId' } })));
  assert.equal(name, 'ship_order');
  assert.deepEqual(task['run'], { workflow: { namespace: 'kotoba', name: 'ship-order', version: 'latest', input: { id: '${ $context.inputs.orderId }' } } });
});

test('declared Http and Process activities compile to call http and run shell', () => {
  const activities = [
    { name: 'fetch_rate', inputs: [], outputs: [], implementation: { kind: 'http', url: 'https://rates.example/api', method: 'GET', headers: { accept: 'application/json' } } },
    { name: 'stamp', inputs: [], outputs: [], timeout: { secs: 5, nanos: 0 }, implementation: { kind: 'process', command: 'date', args: ['-u'], env: { TZ: 'UTC' } } },
  ] as const;
  const document = compile(ir({ kind: 'seq', strategies: [activity('fetch_rate', { currency: 'EUR' }), activity('stamp', { id: '$.inputs.orderId' })] }, { activities }));
  const [fetchRate, stamp] = (strategyTask(document)[1]['do'] as JsonObject[]).map((item) => Object.values(item)[0] as JsonObject);
  assert.deepEqual(fetchRate?.['with'], { method: 'get', endpoint: 'https://rates.example/api', headers: { accept: 'application/json' }, query: { currency: 'EUR' } });
  assert.deepEqual(stamp?.['run'], { shell: { command: 'date', arguments: ['-u'], environment: { TZ: 'UTC' }, stdin: '${ {"id": $context.inputs.orderId} | tojson }' } });
  assert.deepEqual(stamp?.['timeout'], { after: 'PT5S' });
});

test('a GraphQL activity POSTs { query, variables, operationName } by call http, then raises on errors and outputs data', () => {
  const implementation = {
    kind: 'graphql',
    query: 'query Order($id: ID!) { order(id: $id) { status } } query Other { a }',
    endpoint: 'https://g.example/graphql',
    operationName: 'Order',
    headers: { Accept: 'application/graphql-response+json', authorization: 'Bearer t' },
  } as const;
  const activities = [{ name: 'lookup', inputs: [], outputs: [], timeout: { secs: 5, nanos: 0 }, implementation }];
  const document = compile(ir(activity('lookup', { id: '$.inputs.orderId', note: 'x' }), { activities }));
  const [name, task] = strategyTask(document);
  assert.equal(name, 'lookup');
  assert.deepEqual(task['timeout'], { after: 'PT5S' });
  assert.deepEqual(task['output'], { as: '${ .data }' });
  const steps = (task['do'] as JsonObject[]).map((item) => Object.entries(item)[0] ?? []);
  assert.deepEqual(steps.map(([step]) => step), ['lookup-request', 'lookup-not-graphql', 'lookup-errors']);
  const request = (steps[0]?.[1] as JsonObject)['with'] as JsonObject;
  assert.deepEqual(request['headers'], { 'content-type': 'application/json', Accept: 'application/graphql-response+json', authorization: 'Bearer t' }, 'the author\'s Accept replaces the default');
  assert.equal(request['method'], 'post');
  assert.equal(request['endpoint'], 'https://g.example/graphql');
  const body = jq.evaluate(jq.compile(text(request['body']).slice(3, -2), ['context']), {}, { context: { inputs: { orderId: 'o-1' } } });
  assert.deepEqual(body, [{ query: implementation.query, variables: { id: 'o-1', note: 'x' }, operationName: 'Order' }]);
});

test('a signal wait listens on the execution signal mailbox and keeps the payload under signals.<name>', () => {
  const document = compile(ir({ kind: 'seq', strategies: [{ kind: 'wait', condition: { kind: 'signal', signalName: 'approve' }, timeout: { secs: 60, nanos: 0 } }] }));
  const [wait] = (strategyTask(document)[1]['do'] as JsonObject[]).map((item) => Object.entries(item)[0]);
  assert.equal(wait?.[0], 'signal-approve');
  assert.deepEqual(wait?.[1], {
    listen: { to: { one: { with: { type: 'io.itonami.signal', subject: 'approve' } } } },
    export: { as: '${ $context + {signals: (($context.signals // {}) + {"approve": .[0]})} }' },
    timeout: { after: 'PT60S' },
    metadata: { kotoba: '/workflow/strategy/strategies/0' },
  });
});

test('parallel at_least n compiles to a competing fork with the quorum extension, merged like all', () => {
  const document = compile(ir({ kind: 'parallel', branches: [activity('a'), activity('b'), activity('c')], completion: { kind: 'atLeast', count: 2 } }), ['a', 'b', 'c']);
  const [, task] = strategyTask(document);
  assert.equal((task['fork'] as JsonObject)['compete'], true);
  assert.deepEqual(task['metadata'], { itonami: { atLeast: 2 }, kotoba: '/workflow/strategy' });
  assert.match(text((task['export'] as JsonObject)['as']), /select\(\. != null\)/);
});

const rejected: { name: string; op: WorkflowOp; extra?: Partial<WorkflowIr>; pointer: string; says: RegExp }[] = [
  {
    name: 'a compensated step inside a competing parallel of an advanced saga',
    op: {
      kind: 'advancedSaga',
      mainFlow: { kind: 'parallel', branches: [activity('a'), activity('b')], completion: { kind: 'any' } },
      compensations: { a: activity('undo') },
      policy: { kind: 'reverseOrder' },
      conditions: {},
      parallelism: 1,
      dependencies: {},
    },
    pointer: '/workflow/strategy/main_flow/completion_condition',
    says: /^expected completion all for a parallel holding steps an advanced saga compensates, found any around "a"/,
  },
  { name: 'an activity named like a built-in call', op: activity('http'), pointer: '/workflow/strategy/activity_ref', says: /reserved/ },
  { name: 'a version that is not semantic', op: activity('a'), extra: { version: 'v2' }, pointer: '/workflow/version', says: /semantic version/ },
];
for (const c of rejected) {
  test(`${c.name} is rejected with a problem naming the op and its pointer`, () => {
    const result = compileWorkflowIr(ir(c.op, c.extra), { form: 'kotoba' });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.problems.length, 1, JSON.stringify(result.problems));
    assert.equal(result.problems[0]?.pointer, c.pointer);
    assert.match(result.problems[0]?.message ?? '', c.says);
  });
}

test('serde pointers start at the root', () => {
  const result = compileWorkflowIr(ir({ kind: 'seq', strategies: [activity('http')] }), { form: 'serde' });
  assert.equal(result.ok ? '' : result.problems[0]?.pointer, '/strategy/strategies/0/activity_ref');
});

test('every problem is reported, not only the first', () => {
  const op: WorkflowOp = { kind: 'seq', strategies: [activity('http'), activity('grpc')] };
  const result = compileWorkflowIr(ir(op), { form: 'kotoba' });
  assert.deepEqual(result.ok ? [] : result.problems.map((p) => p.pointer), ['/workflow/strategy/strategies/0/activity_ref', '/workflow/strategy/strategies/1/activity_ref']);
});

const names = [
  { id: 'order_processing_saga', name: 'order-processing-saga' },
  { id: '__x__', name: 'x' },
  { id: '日本', name: 'workflow' },
  { id: 'a'.repeat(70), name: 'a'.repeat(63) },
];
for (const c of names) test(`workflow id ${JSON.stringify(c.id.slice(0, 12))} is named ${c.name.slice(0, 12)}`, () => assert.equal(workflowName(c.id), c.name));

test('durations are ISO seconds to the millisecond', () => {
  assert.equal(isoDuration({ secs: 0, nanos: 0 }), 'PT0S');
  assert.equal(isoDuration({ secs: 90, nanos: 250_000_000 }), 'PT90.25S');
});
