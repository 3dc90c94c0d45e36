import assert from 'node:assert/strict';
import test from 'node:test';
import { createCompiledJqEngine } from '../../expressions/jq/compiled-jq-engine.js';
import { createExpressions } from '../../expressions/runtime-expressions.js';
import type { Json } from '../../model/json.js';
import {
  activityExport,
  conditionExpression,
  eventFieldExpression,
  initialState,
  mappingArgument,
  nonRetryableCondition,
  parallelMergeExport,
  replaceStatePaths,
  ruleExport,
  stateValueJq,
} from './state-expressions.js';

const expressions = createExpressions(createCompiledJqEngine());
const at = { instance: '/test', now: 0 };
const run = (source: string, input: Json, scope: Record<string, Json> = {}): Json => expressions.evaluate(source, input, scope, at);
const holds = (source: string, input: Json, scope: Record<string, Json> = {}): boolean => expressions.evaluateCondition(source, input, scope, at);

test('the initial state holds the input over the declared defaults, and an empty activities map', () => {
  assert.deepEqual(run(initialState({ priority: 'low', retries: 2 }), { orderId: 'o', priority: 'high' }), {
    inputs: { priority: 'high', retries: 2, orderId: 'o' },
    activities: {},
  });
});

const exports = [
  { output: { total: 3, inputs: 'mine' }, expected: { inputs: 'mine', activities: { quote: { total: 3, inputs: 'mine' } }, total: 3 } },
  { output: 7, expected: { inputs: {}, activities: { quote: 7 } } },
  { output: ['a'], expected: { inputs: {}, activities: { quote: ['a'] } } },
] as const;
for (const c of exports) {
  test(`an activity output ${JSON.stringify(c.output)} merges into the state only when it is an object`, () => {
    assert.deepEqual(run(activityExport('quote'), c.output as unknown as Json, { context: { inputs: {}, activities: {} } }), c.expected);
  });
}

test('a parallel merge takes what each branch changed, in declaration order', () => {
  const start: Record<string, Json> = { inputs: {}, activities: { seed: 1 }, shared: 'seed', winner: 'none' };
  const branches: Json[] = [
    { ...start, activities: { seed: 1, slow: { winner: 'slow' } }, winner: 'slow', shared: 'slow', slowOnly: true },
    { ...start, activities: { seed: 1, fast: { winner: 'fast' } }, winner: 'fast' },
  ];
  assert.deepEqual(run(parallelMergeExport(), branches, { context: start }), {
    inputs: {},
    activities: { seed: 1, slow: { winner: 'slow' }, fast: { winner: 'fast' } },
    shared: 'slow',
    winner: 'fast',
    slowOnly: true,
  });
});

test('a compensated step records itself as completed in each saga that compensates it, in its own export', () => {
  const state = { inputs: {}, activities: {}, sagas: { '/s': { completed: {}, compensations: {} } } };
  assert.deepEqual(run(activityExport('pay', ['/s', '/t']), { paymentId: 'p' }, { context: state }), {
    inputs: {},
    activities: { pay: { paymentId: 'p' } },
    sagas: { '/s': { completed: { pay: true }, compensations: {} }, '/t': { completed: { pay: true } } },
    paymentId: 'p',
  });
});

const ruleResults = [
  { result: { applied: true, count: 2 }, says: 'merges its outputs', expected: { inputs: {}, activities: { bump: { applied: true, count: 2 } }, count: 2 } },
  { result: { applied: false, count: 9 }, says: 'changes nothing', expected: { inputs: {}, activities: {} } },
  { result: 'applied', says: 'changes nothing', expected: { inputs: {}, activities: {} } },
] as const;
for (const c of ruleResults) {
  test(`a rule result ${JSON.stringify(c.result)} ${c.says}`, () => {
    assert.deepEqual(run(ruleExport('bump'), c.result as unknown as Json, { context: { inputs: {}, activities: {} } }), c.expected);
  });
}

test('a parallel merge merges saga records deeply, so each branch adds its completed steps', () => {
  const start: Record<string, Json> = { inputs: {}, activities: {}, sagas: { '/s': { completed: { a: true }, compensations: {} } } };
  const branch = (step: string): Json => ({ state: { ...start, sagas: { '/s': { completed: { a: true, [step]: true }, compensations: {} } } } });
  assert.deepEqual(run(parallelMergeExport('.state'), [branch('b'), null, branch('c')], { context: start }), {
    inputs: {},
    activities: {},
    sagas: { '/s': { completed: { a: true, b: true, c: true }, compensations: {} } },
  });
});

test('a state value is a field (bare identifier) or jq over the state', () => {
  assert.equal(run(`\${ ${stateValueJq('left')} }`, null, { context: { left: 3 } }), 3);
  assert.equal(run(`\${ ${stateValueJq('10 - $.count')} }`, null, { context: { count: 4 } }), 6);
});

const conditions = [
  { condition: 'is_high', state: { is_high: true }, expected: true },
  { condition: 'is_high', state: { is_high: 'yes' }, expected: true },
  { condition: 'is_high', state: { is_high: 0 }, expected: false },
  { condition: 'is_high', state: { is_high: '' }, expected: false },
  { condition: 'is_high', state: {}, expected: false },
  { condition: '$.amount > 100', state: { amount: 101 }, expected: true },
  { condition: '.amount > 100 and $.inputs.kind == "$.x"', state: { amount: 101, inputs: { kind: '$.x' } }, expected: true },
  { condition: '$.amount > 100', state: { amount: 99 }, expected: false },
] as const;
for (const c of conditions) {
  test(`condition ${c.condition} on ${JSON.stringify(c.state)} is ${c.expected}`, () => {
    assert.equal(holds(conditionExpression(c.condition), null, { context: c.state as unknown as Json }), c.expected);
  });
}

test('$. is replaced outside string literals only', () => {
  assert.equal(replaceStatePaths('$.a == "$.b\\"$.c" or $.d'), '$context.a == "$.b\\"$.c" or $context.d');
});

test('mapping values: state paths become expressions, literals stay, literals that look like expressions are quoted', () => {
  assert.equal(mappingArgument('$.inputs.order-id'), '${ $context.inputs["order-id"] }');
  assert.equal(mappingArgument('high'), 'high');
  assert.equal(run(mappingArgument('${ 1 }'), null), '${ 1 }');
});

test('an event field is read from the attributes first, then from object data', () => {
  const field = eventFieldExpression('document_id');
  assert.equal(run(field, { type: 't', document_id: 'attr', data: { document_id: 'data' } }), 'attr');
  assert.equal(run(field, { type: 't', data: { document_id: 'data' } }), 'data');
  assert.equal(run(field, { type: 't', data: 'text' }), null);
});

const errors = [
  { error: { type: 'x', status: 500, detail: 'card INSUFFICIENT_FUNDS now' }, isNonRetryable: true },
  { error: { type: 'x', status: 500, name: 'INSUFFICIENT_FUNDS' }, isNonRetryable: true },
  { error: { type: 'x', status: 500, code: 'INSUFFICIENT_FUNDS' }, isNonRetryable: true },
  { error: { type: 'https://example/errors/INSUFFICIENT_FUNDS', status: 402 }, isNonRetryable: true },
  { error: { type: 'x', status: 500, title: 'INSUFFICIENT_FUNDS' }, isNonRetryable: true },
  { error: { type: 'x', status: 500, detail: 'timeout' }, isNonRetryable: false },
] as const;
for (const c of errors) {
  test(`non-retryable INSUFFICIENT_FUNDS ${c.isNonRetryable ? 'matches' : 'does not match'} ${JSON.stringify(c.error)}`, () => {
    assert.equal(holds(nonRetryableCondition(['INSUFFICIENT_FUNDS', 'OUT_OF_STOCK']), null, { error: c.error }), c.isNonRetryable);
  });
}
