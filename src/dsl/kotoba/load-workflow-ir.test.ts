import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadKotobaFile, loadKotobaText, loadSerdeWorkflowIr, loadWorkflowIrFile } from './load-workflow-ir.js';
import { readSerdeWorkflow } from './read-workflow-ir.js';
import { toSerdeWorkflow } from './write-serde.js';
import { tempDir } from '../../../test/support/temp-dir.js';

/** The seed's files live beside the repository (`../shared/kotoba`), never inside it. */
function kotobaFolder(): { path: string; skip: string | false } {
  const candidates = [fileURLToPath(new URL('../../../../shared/kotoba/', import.meta.url)), resolve(process.cwd(), '../shared/kotoba')];
  const found = candidates.find((candidate) => existsSync(candidate));
  return found === undefined ? { path: '', skip: `kotoba folder not found: ${candidates.join(' or ')}` } : { path: found, skip: false };
}
const seed = kotobaFolder();

test('every .kotoba example of the seed loads', { skip: seed.skip }, async () => {
  const files = readdirSync(seed.path).filter((file) => file.endsWith('.kotoba'));
  assert.equal(files.length, 4);
  for (const file of files) {
    const result = await loadKotobaFile(join(seed.path, file));
    assert.ok(result.ok, `${file}: ${result.ok ? '' : JSON.stringify(result.problems, null, 2)}`);
    assert.equal(result.form, 'kotoba');
    assert.match(result.hash, /^[0-9a-f]{64}$/);
  }
});

test('the examples read as the seed meant them: defaults, ISO durations, fractions, inline literals', { skip: seed.skip }, async () => {
  const order = await loadWorkflowIrFile(join(seed.path, 'order_processing.kotoba'));
  assert.ok(order.ok);
  assert.equal(order.workflow.strategy.kind, 'saga');
  assert.deepEqual(order.workflow.timeout, { secs: 600, nanos: 0 });
  assert.deepEqual(order.workflow.retryPolicy, {
    initialInterval: { secs: 30, nanos: 0 },
    backoffCoefficient: 1.2, // the seed's parser rejected this fraction ("Invalid number")
    maximumInterval: { secs: 300, nanos: 0 },
    maximumAttempts: 2,
    nonRetryableErrors: [],
  });
  assert.deepEqual(order.workflow.metadata.tags, ['ecommerce', 'saga', 'compensation']); // the seed dropped it
  assert.deepEqual(order.workflow.inputs[0], { name: 'orderId', type: 'string', isRequired: true });

  const readme = await loadKotobaFile(join(seed.path, 'readme_order_processing.kotoba'));
  assert.ok(readme.ok);
  const main = readme.workflow.strategy.kind === 'saga' ? readme.workflow.strategy.mainFlow : undefined;
  const steps = main?.kind === 'seq' ? main.strategies : [];
  assert.deepEqual(steps[1], {
    kind: 'parallel',
    completion: { kind: 'all' },
    branches: [
      { kind: 'activity', activityRef: 'process_payment', inputMapping: { amount: '$.inputs.amount' } },
      { kind: 'activity', activityRef: 'reserve_inventory', inputMapping: { order_id: '$.inputs.orderId' } },
    ],
  });
  assert.deepEqual(steps[2], { kind: 'activity', activityRef: 'send_confirmation', inputMapping: {} });
  assert.deepEqual(readme.workflow.outputs[0], { name: 'processed', type: 'boolean', isRequired: false });
});

test('the serde golden document reads with the crate\'s own checks and round-trips', { skip: seed.skip }, () => {
  const text = readFileSync(join(seed.path, 'workflow_ir.serde.json'), 'utf8');
  const result = loadSerdeWorkflowIr(text, { checks: 'shape' });
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems, null, 2));
  assert.equal(result.form, 'serde');
  const written = toSerdeWorkflow(result.workflow);
  assert.deepEqual(written, { ...(JSON.parse(text) as object), activities: [] });
  assert.equal(JSON.stringify(Object.keys(written)), JSON.stringify(['id', 'name', 'description', 'version', 'inputs', 'outputs', 'strategy', 'activities', 'timeout', 'retry_policy', 'metadata']));
  const again = readSerdeWorkflow(written, { checks: 'shape' });
  assert.deepEqual(again, { ok: true, workflow: result.workflow });
});

test('the serde golden document could not run: full checks say why, with line and column', { skip: seed.skip }, () => {
  const result = loadSerdeWorkflowIr(readFileSync(join(seed.path, 'workflow_ir.serde.json'), 'utf8'));
  assert.equal(result.ok, false);
  const problems = result.ok ? [] : result.problems.map(({ pointer, line, column }) => ({ pointer, line, column }));
  assert.deepEqual(problems, [
    { pointer: '/inputs/0/default_value', line: 11, column: 24 }, // 3 is no string
    { pointer: '/strategy/main_flow/strategies/1/completion_condition', line: 51, column: 35 }, // AtLeast 2 of 1 branch
    { pointer: '/strategy/compensation/branches', line: 106, column: 19 }, // Any of no branches
  ]);
});

/** One workflow using every op, written in both forms: they must read to the same model (IR.md §2a/§2b). */
const EVERY_OP_KOTOBA = `
local retry = { initial_interval: 'PT1S', maximum_interval: 'PT30.5S', non_retryable_errors: ['X'] };
local act(ref, mapping={}) = { op: 'activity', activity_ref: ref, input_mapping: mapping };
{
  workflow: {
    id: 'wf', name: 'every op', version: '1.0.0',
    inputs: [{ name: 'orderId', type: 'string', required: true, default_value: 'o-1' }, { name: 'n', type: 'integer' }],
    outputs: [{ name: 'done', type: 'boolean' }],
    strategy: {
      op: 'saga',
      main_flow: { op: 'seq', strategies: [
        act('a', { order_id: '$.inputs.orderId', priority: 'high' }) + { retry_policy: retry },
        { op: 'parallel', completion_condition: { at_least: 1 }, branches: [{ op: 'subworkflow', workflow_ref: 'child' }, act('b')] },
        { op: 'decision',
          conditions: [{ condition: 'is_high', branch: { op: 'wait', condition: { type: 'timer', duration: 'PT10S' } } }],
          default_branch: { op: 'wait', condition: { type: 'event', event_type: 'e', filter: { id: '$.inputs.orderId', n: 1 } }, timeout: 'PT5S' } },
        { op: 'wait', condition: { type: 'signal', signal_name: 's' }, timeout: 'PT1H' },
        { op: 'exhaust', rule: 'r', order: 'bottomup', measure: 'm', max_iterations: 50 },
        { op: 'once', rule: 'r1' },
        { op: 'while', rule: 'r2', pred: 'p' },
        { op: 'choice', strategies: [{ op: 'once', rule: 'r3' }, { op: 'seq', strategies: [{ op: 'once', rule: 'r4' }] }] },
        { op: 'priority', strategies: [{ strategy: { op: 'once', rule: 'r5' }, priority: -2 }] },
        { op: 'advanced_saga', main_flow: { op: 'seq', strategies: [act('pay'), act('ship')] },
          compensations: { pay: act('refund'), ship: act('recall') },
          policy: 'parallel', conditions: { pay: 'paid' }, parallelism: 2, dependencies: { ship: ['pay'] } },
      ] },
      compensation: { op: 'parallel', completion_condition: 'any', branches: [act('undo')] },
    },
    timeout: 'PT10M',
    retry_policy: { initial_interval: 'PT30S' },
    metadata: { author: 'me', tags: ['a', 'b'], n: 3, none: null },
  },
}`;

const duration = (secs: number, nanos = 0) => ({ secs, nanos });
const act = (ref: string, mapping: Record<string, string> = {}) => ({ op: 'Activity', activity_ref: ref, input_mapping: mapping, retry_policy: null });
const once = (rule: string) => ({ op: 'Once', rule });
const EVERY_OP_SERDE = {
  id: 'wf', name: 'every op', description: null, version: '1.0.0',
  inputs: [
    { name: 'orderId', param_type: 'string', required: true, default_value: 'o-1' },
    { name: 'n', param_type: 'integer', required: false, default_value: null },
  ],
  outputs: [{ name: 'done', param_type: 'boolean', required: false, default_value: null }],
  strategy: {
    op: 'Saga',
    main_flow: { op: 'Seq', strategies: [
      { ...act('a', { order_id: '$.inputs.orderId', priority: 'high' }), retry_policy: {
        initial_interval: duration(1), backoff_coefficient: 2, maximum_interval: duration(30, 500_000_000), maximum_attempts: 3, non_retryable_errors: ['X'],
      } },
      { op: 'Parallel', branches: [{ op: 'SubWorkflow', workflow_ref: 'child', input_mapping: {} }, act('b')], completion_condition: { AtLeast: 1 } },
      { op: 'Decision',
        conditions: [{ condition: 'is_high', branch: { op: 'Wait', condition: { type: 'Timer', duration: duration(10) }, timeout: null } }],
        default_branch: { op: 'Wait', condition: { type: 'Event', event_type: 'e', filter: { id: '$.inputs.orderId', n: 1 } }, timeout: duration(5) } },
      { op: 'Wait', condition: { type: 'Signal', signal_name: 's' }, timeout: duration(3600) },
      { op: 'Basic', strategy: { op: 'Exhaust', rule: 'r', order: 'bottomup', measure: 'm', max_iterations: 50 } },
      { op: 'Basic', strategy: once('r1') },
      { op: 'Basic', strategy: { op: 'While', rule: 'r2', pred: 'p', order: 'topdown' } },
      { op: 'Basic', strategy: { op: 'Choice', strategies: [once('r3'), { op: 'Seq', strategies: [once('r4')] }] } },
      { op: 'Basic', strategy: { op: 'Priority', strategies: [{ strategy: once('r5'), priority: -2 }] } },
      { op: 'AdvancedSaga', main_flow: { op: 'Seq', strategies: [act('pay'), act('ship')] },
        compensations: { pay: act('refund'), ship: act('recall') }, policy: 'Parallel',
        conditions: { pay: 'paid' }, parallelism: 2, dependencies: { ship: ['pay'] }, retry_policy: null, timeout: null },
    ] },
    compensation: { op: 'Parallel', branches: [act('undo')], completion_condition: 'Any' },
  },
  activities: [],
  timeout: duration(600),
  retry_policy: { initial_interval: duration(30), backoff_coefficient: 2, maximum_interval: null, maximum_attempts: 3, non_retryable_errors: [] },
  metadata: { author: 'me', tags: ['a', 'b'], n: 3, none: null },
};

test('a workflow written in both forms normalises to one model, and writes back as the serde document', async () => {
  const kotoba = await loadKotobaText(EVERY_OP_KOTOBA);
  assert.ok(kotoba.ok, kotoba.ok ? '' : JSON.stringify(kotoba.problems, null, 2));
  const serde = loadSerdeWorkflowIr(JSON.stringify(EVERY_OP_SERDE, null, 2));
  assert.ok(serde.ok, serde.ok ? '' : JSON.stringify(serde.problems, null, 2));
  assert.deepEqual(kotoba.workflow, serde.workflow);
  assert.deepEqual(toSerdeWorkflow(kotoba.workflow), EVERY_OP_SERDE);
});

test('declared activities of every implementation read alike in both forms; refs must name one', async () => {
  const kotoba = await loadKotobaText(`{ workflow: {
    id: 'w', name: 'w', version: '1', inputs: [], outputs: [],
    strategy: { op: 'seq', strategies: [{ op: 'activity', activity_ref: n } for n in ['f', 'h', 'p', 'g', 'g2']] },
    activities: [
      { name: 'f', implementation: { type: 'function', function_name: 'doF' }, timeout: 'PT2S' },
      { name: 'h', inputs: [{ name: 'x', type: 'string', required: true }], implementation: { type: 'http', url: 'https://example.com/h', method: 'POST' } },
      { name: 'p', implementation: { type: 'process', command: 'echo', args: ['hi'] } },
      { name: 'g', description: 'gql', implementation: { type: 'GraphQL', query: '{ a }', endpoint: 'http://localhost/graphql' } },
      { name: 'g2', implementation: { type: 'graphql', query: 'query A { a } query B { b }', endpoint: 'http://localhost/graphql', operation_name: 'B', headers: { authorization: 'Bearer t' } } },
    ],
  } }`);
  assert.ok(kotoba.ok, kotoba.ok ? '' : JSON.stringify(kotoba.problems, null, 2));
  const written = toSerdeWorkflow(kotoba.workflow);
  const serde = readSerdeWorkflow(written);
  assert.deepEqual(serde, { ok: true, workflow: kotoba.workflow });
  assert.deepEqual(kotoba.workflow.activities[2]?.implementation, { kind: 'process', command: 'echo', args: ['hi'], env: {} });
  // The seed's GraphQL (query, endpoint) writes back as it was; Itonami's operation_name and headers only when used.
  const implementations = (written['activities'] as { implementation: unknown }[]).map((activity) => activity.implementation);
  assert.deepEqual(implementations.slice(3), [
    { type: 'GraphQL', query: '{ a }', endpoint: 'http://localhost/graphql' },
    { type: 'GraphQL', query: 'query A { a } query B { b }', endpoint: 'http://localhost/graphql', operation_name: 'B', headers: { authorization: 'Bearer t' } },
  ]);

  const registered = await loadKotobaText("{ workflow: { id: 'w', name: 'w', version: '1', inputs: [], outputs: [], strategy: { op: 'activity', activity_ref: 'x' } } }", {
    activities: ['y'],
  });
  assert.deepEqual(registered.ok ? [] : registered.problems.map((p) => [p.pointer, p.message]), [
    ['/workflow/strategy/activity_ref', "activity_ref 'x' names no activity; expected a declared or registered activity: one of 'y'"],
  ]);
});

/** A valid `.kotoba` value to break one node of at a time. */
const BASE = {
  workflow: {
    id: 'w', name: 'w', version: '1.0.0',
    inputs: [{ name: 'orderId', type: 'string', required: true }],
    outputs: [],
    strategy: {
      op: 'seq',
      strategies: [
        { op: 'activity', activity_ref: 'a', input_mapping: { id: '$.inputs.orderId' }, retry_policy: { initial_interval: 'PT1S', maximum_interval: 'PT10S' } },
        { op: 'parallel', completion_condition: 'all', branches: [{ op: 'activity', activity_ref: 'b' }, { op: 'activity', activity_ref: 'c' }] },
        { op: 'wait', condition: { type: 'timer', duration: 'PT10S' }, timeout: 'PT1M' },
        { op: 'advanced_saga', main_flow: { op: 'seq', strategies: [{ op: 'activity', activity_ref: 'pay' }] }, compensations: { pay: { op: 'activity', activity_ref: 'refund' } }, policy: 'parallel' },
      ],
    },
    timeout: 'PT5M',
    metadata: { tags: ['x'] },
  },
};
const S = '/workflow/strategy/strategies';

/** `BASE` with the node at `pointer` replaced (or removed, for `undefined`). */
function changed(pointer: string, value: unknown): unknown {
  const copy = structuredClone(BASE) as unknown;
  const segments = pointer.split('/').slice(1);
  const last = segments.pop() ?? '';
  let node = copy as Record<string, unknown>;
  for (const segment of segments) node = node[segment] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** Function activities declared under these names. */
const declared = (...names: string[]) => names.map((name) => ({ name, implementation: { type: 'function', function_name: name } }));

const badKotoba: { name: string; at: string; value: unknown; pointer: string; message: RegExp }[] = [
  { name: 'an unknown op', at: `${S}/0/op`, value: 'activty', pointer: `${S}/0/op`, message: /^expected an op: seq, parallel, .*, found 'activty' \(string\)$/ },
  { name: "serde's Basic in .kotoba", at: `${S}/0/op`, value: 'Basic', pointer: `${S}/0/op`, message: /\(Basic is the serde wrapper; in \.kotoba write once, exhaust/ },
  { name: 'a missing activity_ref', at: `${S}/0/activity_ref`, value: undefined, pointer: `${S}/0`, message: /^missing required property 'activity_ref'$/ },
  { name: 'a missing strategy', at: '/workflow/strategy', value: undefined, pointer: '/workflow', message: /^missing required property 'strategy'$/ },
  { name: 'no workflow at the root', at: '/workflow', value: undefined, pointer: '', message: /^missing required property 'workflow'$/ },
  { name: 'inputs of the wrong type', at: '/workflow/inputs', value: {}, pointer: '/workflow/inputs', message: /^expected an array, found an empty object$/ },
  { name: 'an activity_ref that is a number', at: `${S}/0/activity_ref`, value: 7, pointer: `${S}/0/activity_ref`, message: /^expected a string, found 7 \(number\)$/ },
  { name: 'an empty activity_ref', at: `${S}/0/activity_ref`, value: '', pointer: `${S}/0/activity_ref`, message: /^expected a non-empty string/ },
  { name: 'a misspelt property', at: `${S}/0/input_mappings`, value: {}, pointer: `${S}/0`, message: /^unexpected property 'input_mappings'; expected one of op, activity_ref, input_mapping, retry_policy$/ },
  { name: 'a duplicate activity declaration', at: '/workflow/activities', value: declared('a', 'a', 'b', 'c', 'pay', 'refund'), pointer: '/workflow/activities/1/name', message: /^duplicate activity 'a' \(first at \/workflow\/activities\/0\)/ },
  { name: 'a ref to an undeclared activity', at: '/workflow/activities', value: declared('a', 'c', 'pay', 'refund'), pointer: `${S}/1/branches/0/activity_ref`, message: /^activity_ref 'b' names no activity; expected a declared or registered activity: one of 'a', 'c', 'pay', 'refund'$/ },
  { name: 'at_least above the branch count', at: `${S}/1/completion_condition`, value: { at_least: 3 }, pointer: `${S}/1/completion_condition`, message: /^expected at_least of at most 2 \(the number of branches\), found 3/ },
  { name: 'at_least of 0', at: `${S}/1/completion_condition`, value: { at_least: 0 }, pointer: `${S}/1/completion_condition/at_least`, message: /^expected at_least of at least 1, found 0$/ },
  { name: 'an unknown completion condition', at: `${S}/1/completion_condition`, value: 'most', pointer: `${S}/1/completion_condition`, message: /^expected a completion condition: all, any, at_least or \{at_least: <count>\}, found 'most'/ },
  { name: 'a shrinking backoff', at: `${S}/0/retry_policy/backoff_coefficient`, value: 0.5, pointer: `${S}/0/retry_policy/backoff_coefficient`, message: /^expected a backoff coefficient of at least 1/ },
  { name: 'zero attempts', at: `${S}/0/retry_policy/maximum_attempts`, value: 0, pointer: `${S}/0/retry_policy/maximum_attempts`, message: /^expected at least 1 attempt/ },
  { name: 'fractional attempts', at: `${S}/0/retry_policy/maximum_attempts`, value: 2.5, pointer: `${S}/0/retry_policy/maximum_attempts`, message: /^expected an integer from 0 to 4294967295, found 2\.5/ },
  { name: 'a maximum interval below the initial one', at: `${S}/0/retry_policy/maximum_interval`, value: 'PT0.5S', pointer: `${S}/0/retry_policy/maximum_interval`, message: /^expected a maximum interval no shorter than initial_interval, found 500 ms < 1000 ms$/ },
  { name: 'a retry policy without initial_interval', at: `${S}/0/retry_policy/initial_interval`, value: undefined, pointer: `${S}/0/retry_policy`, message: /^missing required property 'initial_interval'$/ },
  { name: 'an invalid duration', at: '/workflow/timeout', value: 'PT5X', pointer: '/workflow/timeout', message: /^expected an ISO 8601 duration such as PT30S or PT1H30M, found 'PT5X'/ },
  { name: 'a negative duration', at: `${S}/2/timeout`, value: '-PT1S', pointer: `${S}/2/timeout`, message: /^expected an ISO 8601 duration/ },
  { name: 'a serde duration in .kotoba', at: `${S}/2/condition/duration`, value: { secs: 1, nanos: 0 }, pointer: `${S}/2/condition/duration`, message: /\(\{secs, nanos\} is the serde form; write e\.g\. PT30S\)$/ },
  { name: 'an unknown wait type', at: `${S}/2/condition/type`, value: 'sleep', pointer: `${S}/2/condition/type`, message: /^expected a wait condition type: timer, event or signal, found 'sleep'/ },
  { name: 'a float in metadata', at: '/workflow/metadata/ratio', value: 1.5, pointer: '/workflow/metadata/ratio', message: /^expected null, a boolean, an integer, a string or an array of strings, found 1\.5 \(number\) \(kotoba values have no fractions/ },
  { name: 'an object in metadata', at: '/workflow/metadata/owner', value: { a: 1 }, pointer: '/workflow/metadata/owner', message: /^expected null, a boolean, an integer, a string or an array of strings, found an object/ },
  { name: 'a mapping reading an undeclared input', at: `${S}/0/input_mapping/id`, value: '$.inputs.orderID', pointer: `${S}/0/input_mapping/id`, message: /^'\$\.inputs\.orderID' reads input 'orderID', which is not declared; expected a declared input: one of orderId$/ },
  { name: 'a malformed state path', at: `${S}/0/input_mapping/id`, value: '$.a..b', pointer: `${S}/0/input_mapping/id`, message: /^expected a state path has a name between each '\.'/ },
  { name: 'an unknown parameter type', at: '/workflow/inputs/0/type', value: 'strng', pointer: '/workflow/inputs/0/type', message: /^expected a parameter type: one of string, number, integer, boolean, array, object, any, found 'strng'$/ },
  { name: 'a default of another type', at: '/workflow/inputs/0/default_value', value: true, pointer: '/workflow/inputs/0/default_value', message: /^expected a default of type string, found true$/ },
  { name: 'a duplicate input', at: '/workflow/inputs/1', value: { name: 'orderId', type: 'string' }, pointer: '/workflow/inputs/1/name', message: /^duplicate parameter 'orderId'/ },
  { name: 'a compensation for no step', at: `${S}/3/compensations/ghost`, value: { op: 'activity', activity_ref: 'x' }, pointer: `${S}/3/compensations/ghost`, message: /^'ghost' names no step of main_flow; expected one of 'pay'$/ },
  { name: 'a custom order naming no compensated step', at: `${S}/3/policy`, value: { custom: ['pay', 'ship'] }, pointer: `${S}/3/policy/custom/1`, message: /^'ship' names no compensated step; expected one of 'pay'$/ },
  { name: 'a compensated step twice in the main flow', at: `${S}/3/main_flow/strategies/1`, value: { op: 'activity', activity_ref: 'pay' }, pointer: `${S}/3/main_flow/strategies/1/activity_ref`, message: /^duplicate activity_ref 'pay' in main_flow \(first at .*\/strategies\/0\/activity_ref\)/ },
  { name: 'a dependency on no step', at: `${S}/3/dependencies`, value: { pay: ['nope'] }, pointer: `${S}/3/dependencies/pay/0`, message: /^'nope' names no step of main_flow/ },
  { name: 'a condition for no compensated step', at: `${S}/3/conditions`, value: { ship: 'paid' }, pointer: `${S}/3/conditions/ship`, message: /^'ship' names no compensated step; expected one of 'pay'$/ },
  { name: 'a custom order leaving a compensated step out', at: `${S}/3/policy`, value: { custom: [] }, pointer: `${S}/3/policy/custom`, message: /^expected a custom order that names every compensated step, found 'pay' left out: a completed step would never be compensated$/ },
  { name: 'dependencies under a policy that ignores them', at: `${S}/3`, value: { op: 'advanced_saga', main_flow: { op: 'activity', activity_ref: 'pay' }, compensations: { pay: { op: 'activity', activity_ref: 'refund' } }, dependencies: { pay: [] } }, pointer: `${S}/3/dependencies`, message: /^dependencies would be ignored under policy reverse_order: expected dependencies only with the parallel policy$/ },
  { name: 'a dependency cycle', at: `${S}/3/dependencies`, value: { pay: ['pay'] }, pointer: `${S}/3/dependencies/pay`, message: /^expected dependencies without a cycle, found 'pay' → 'pay': no step of it could be compensated first$/ },
  { name: 'a loop bound of 0', at: `${S}/4`, value: { op: 'exhaust', rule: 'a', max_iterations: 0 }, pointer: `${S}/4/max_iterations`, message: /^expected an integer from 1 to 1000000, found 0/ },
  { name: 'an unknown compensation policy', at: `${S}/3/policy`, value: 'backwards', pointer: `${S}/3/policy`, message: /^expected a compensation policy: reverse_order, parallel, conditional or \{'custom': \[steps\]\}, found 'backwards'/ },
  { name: 'an http activity with a relative url', at: '/workflow/activities', value: [
    { name: 'a', implementation: { type: 'http', url: '/relative', method: 'GET' } }, ...declared('b', 'c', 'pay', 'refund'),
  ], pointer: '/workflow/activities/0/implementation/url', message: /^expected an absolute http or https URL, found '\/relative'$/ },
  { name: 'a GraphQL activity with a relative endpoint', at: '/workflow/activities', value: [
    { name: 'a', implementation: { type: 'graphql', query: '{ a }', endpoint: 'graphql' } }, ...declared('b', 'c', 'pay', 'refund'),
  ], pointer: '/workflow/activities/0/implementation/endpoint', message: /^expected an absolute http or https URL, found 'graphql'$/ },
  { name: 'a GraphQL activity with headers that are not strings', at: '/workflow/activities', value: [
    { name: 'a', implementation: { type: 'graphql', query: '{ a }', endpoint: 'http://g.example/', headers: { 'x-n': 1 } } }, ...declared('b', 'c', 'pay', 'refund'),
  ], pointer: '/workflow/activities/0/implementation/headers/x-n', message: /^expected a string, found 1 \(number\)$/ },
  { name: 'a GraphQL activity with a misspelt variables field', at: '/workflow/activities', value: [
    { name: 'a', implementation: { type: 'graphql', query: '{ a }', endpoint: 'http://g.example/', variables: {} } }, ...declared('b', 'c', 'pay', 'refund'),
  ], pointer: '/workflow/activities/0/implementation', message: /^unexpected property 'variables'; expected one of type, query, endpoint, operation_name, headers$/ },
];

test('the valid base of the bad-document table loads', async () => {
  const result = await loadKotobaText(JSON.stringify(BASE));
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems, null, 2));
});
for (const c of badKotoba) {
  test(`.kotoba: ${c.name} is one problem at ${c.pointer || '(root)'}`, async () => {
    // Through Jsonnet, as a user's file goes: JSON is Jsonnet.
    const result = await loadKotobaText(JSON.stringify(changed(c.at, c.value)));
    assert.equal(result.ok, false, 'expected the document to be rejected');
    const problems = result.ok ? [] : result.problems;
    assert.equal(problems.length, 1, JSON.stringify(problems, null, 2));
    assert.equal(problems[0]?.pointer, c.pointer);
    assert.match(problems[0]?.message ?? '', c.message);
  });
}

const SERDE_BASE = JSON.stringify({
  id: 'w', name: 'w', version: '1', inputs: [{ name: 'x', param_type: 'string', required: true, default_value: null }], outputs: [],
  strategy: { op: 'Seq', strategies: [{ op: 'Activity', activity_ref: 'a', input_mapping: { x: '$.inputs.x' }, retry_policy: null }] },
  timeout: null, retry_policy: null, metadata: {},
}, null, 2);

const badSerde: { name: string; from: string; to: string; pointer: string; line: number; column: number; message: RegExp }[] = [
  { name: 'a lower-case .kotoba op', from: '"op": "Seq"', to: '"op": "seq_uence"', pointer: '/strategy/op', line: 15, column: 11, message: /^expected an op: Seq, Parallel, .*, found 'seq_uence'/ },
  { name: 'an inline rule strategy', from: '"op": "Seq"', to: '"op": "once"', pointer: '/strategy/op', line: 15, column: 11, message: /in the serde form a rule strategy sits inside \{"op": "Basic"/ },
  { name: 'an ISO duration', from: '"timeout": null', to: '"timeout": "PT5M"', pointer: '/timeout', line: 27, column: 14, message: /\(ISO strings are the \.kotoba form; serde writes \{"secs", "nanos"\}\)$/ },
  { name: 'nanos out of range', from: '"timeout": null', to: '"timeout": {"secs": 1, "nanos": 1000000000}', pointer: '/timeout', line: 27, column: 14, message: /^expected a duration \{"secs"/ },
  { name: 'a missing input_mapping (required in serde)', from: '"input_mapping": {\n          "x": "$.inputs.x"\n        },', to: '', pointer: '/strategy/strategies/0', line: 17, column: 7, message: /^missing required property 'input_mapping'$/ },
  { name: 'a missing required flag (required in serde)', from: '"required": true,', to: '', pointer: '/inputs/0', line: 6, column: 5, message: /^missing required property 'required'$/ },
  { name: 'a float default value', from: '"default_value": null', to: '"default_value": 1.5', pointer: '/inputs/0/default_value', line: 10, column: 24, message: /kotoba values have no fractions/ },
  { name: 'a missing metadata (required in serde)', from: ',\n  "metadata": {}', to: '', pointer: '', line: 1, column: 1, message: /^missing required property 'metadata'$/ },
  { name: 'a duplicate key', from: '"name": "w",', to: '"name": "w", "name": "v",', pointer: '/name', line: 3, column: 16, message: /^duplicate key 'name'/ },
  { name: 'a syntax error', from: '"outputs": [],', to: '"outputs": [,', pointer: '', line: 13, column: 15, message: /^cannot parse the document/ },
];
test('the valid base of the serde table loads', () => {
  const result = loadSerdeWorkflowIr(SERDE_BASE);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems, null, 2));
});
for (const c of badSerde) {
  test(`serde: ${c.name} is a problem at ${c.pointer || '(root)'}, line ${c.line}`, () => {
    assert.ok(SERDE_BASE.includes(c.from), `the base holds ${c.from}`);
    const result = loadSerdeWorkflowIr(SERDE_BASE.replace(c.from, c.to));
    assert.equal(result.ok, false, 'expected the document to be rejected');
    const problem = result.ok ? undefined : result.problems[0];
    assert.deepEqual({ pointer: problem?.pointer, line: problem?.line, column: problem?.column }, { pointer: c.pointer, line: c.line, column: c.column });
    assert.match(problem?.message ?? '', c.message);
  });
}

test('a .json file is read as the serde form, anything else as .kotoba', async (t) => {
  const root = await tempDir(t, 'itonami-kotoba-');
  await writeFile(join(root, 'w.json'), SERDE_BASE);
  await writeFile(join(root, 'steps.libsonnet'), "[{ op: 'activity', activity_ref: 'a', input_mapping: { x: '$.inputs.x' } }]");
  await writeFile(join(root, 'w.kotoba'), `{ workflow: { id: 'w', name: 'w', version: '1', inputs: [{ name: 'x', type: 'string', required: true }],
    outputs: [], strategy: { op: 'seq', strategies: import 'steps.libsonnet' } } }`);
  const json = await loadWorkflowIrFile(join(root, 'w.json'));
  const kotoba = await loadWorkflowIrFile(join(root, 'w.kotoba'));
  assert.ok(json.ok && kotoba.ok);
  assert.deepEqual([json.form, kotoba.form], ['serde', 'kotoba']);
  assert.deepEqual(json.workflow, kotoba.workflow);
});
