/**
 * Sagas end to end on the real engine: the `.kotoba` `advanced_saga` (each policy's compensation order, observed
 * through registered functions that append to one list; a failing compensation; conditional compensations; retries;
 * the saga timeout; the compensation report) and a saga in a Serverless Workflow document written with `try`/`catch`
 * (README, ".kotoba WorkflowIR"). Every run is rebuilt from its history and compared.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { type Json, type RegisteredFunction, problemTypes } from '../../src/index.js';
import { type Harness, assertCompleted, assertFaulted, assertRebuildMatches, openHarness } from '../support/engine-harness.js';
import { tempDir } from '../support/temp-dir.js';

type Answer = (input: Json) => Json | Promise<Json>;

/** Functions that append their name to `log` when called, then answer (default `{}`). */
function steps(names: readonly string[], answers: Record<string, Answer> = {}): { log: string[]; functions: Record<string, RegisteredFunction> } {
  const log: string[] = [];
  const functions = Object.fromEntries(
    names.map((name): [string, RegisteredFunction] => [
      name,
      async (input) => {
        log.push(name);
        return (await answers[name]?.(input)) ?? {};
      },
    ]),
  );
  return { log, functions };
}

function failing(message: string): () => never {
  return () => {
    throw new Error(message);
  };
}

const act = (ref: string, mapping: Record<string, string> = {}) => ({ op: 'activity', activity_ref: ref, input_mapping: mapping });
const seq = (...strategies: object[]) => ({ op: 'seq', strategies });

async function runSaga(t: TestContext, strategy: object, functions: Record<string, RegisteredFunction>): Promise<{ h: Harness; id: string; result: Awaited<ReturnType<Harness['run']>> }> {
  const dir = await tempDir(t, 'kotoba-sagas-');
  const path = join(dir, 'saga.kotoba');
  const workflow = { id: 'order_saga', name: 'Order saga', version: '1.0.0', inputs: [{ name: 'orderId', type: 'string', required: true }], outputs: [], strategy };
  await writeFile(path, JSON.stringify({ workflow }));
  const h = await openHarness(t, { functions });
  const result = await h.run(await h.engine.loadFile(path), { orderId: 'o-1' });
  return { h, id: result.executionId, result };
}

const SHOP = ['reserve', 'charge', 'ship', 'notify', 'release', 'refund', 'recall', 'apologise'];
const COMPENSATIONS = { reserve: act('release'), charge: act('refund'), ship: act('recall') };

interface Report {
  readonly saga: string;
  readonly policy: string;
  readonly completed: readonly string[];
  readonly compensations: readonly { readonly step: string; readonly status: string; readonly error?: Record<string, Json>; readonly condition?: string }[];
}

function reportOf(error: Record<string, unknown>): Report {
  const reports = error['compensations'] as Report[] | undefined;
  assert.ok(Array.isArray(reports) && reports.length === 1, `expected one compensation report, found ${JSON.stringify(reports)}`);
  return reports[0] as Report;
}

test('reverse_order compensates the completed steps, last first, then faults with the original error and a report', async (t) => {
  const { log, functions } = steps(SHOP, { ship: failing('carrier unavailable') });
  const saga = { op: 'advanced_saga', main_flow: seq(act('reserve'), act('charge'), act('ship'), act('notify')), compensations: COMPENSATIONS };
  const { h, id, result } = await runSaga(t, saga, functions);
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.runtime.type);
  assert.equal(error.detail, 'carrier unavailable');
  assert.equal(error.instance, '/do/1/advanced-saga/do/1/saga/try/0/seq/do/2/ship', 'the failed step, not the re-raise (as in the README)');
  assert.deepEqual(log, ['reserve', 'charge', 'ship', 'refund', 'release']);
  assert.deepEqual(reportOf(error), {
    saga: '/workflow/strategy',
    policy: 'reverse_order',
    completed: ['reserve', 'charge'],
    compensations: [
      { step: 'charge', status: 'compensated' },
      { step: 'reserve', status: 'compensated' },
    ],
  });
  await assertRebuildMatches(h.engine, id);
});

test('a saga whose main flow succeeds compensates nothing and completes', async (t) => {
  const { log, functions } = steps(SHOP, { ship: () => ({ tracking: 't-1' }) });
  const workflowOutputs = { op: 'advanced_saga', main_flow: seq(act('reserve'), act('charge'), act('ship')), compensations: COMPENSATIONS };
  const { result } = await runSaga(t, workflowOutputs, functions);
  assertCompleted(result);
  assert.deepEqual(log, ['reserve', 'charge', 'ship']);
});

test('custom compensates in the listed order, only the steps that completed', async (t) => {
  const { log, functions } = steps(SHOP, { notify: failing('mail down') });
  const saga = {
    op: 'advanced_saga',
    main_flow: seq(act('reserve'), act('charge'), act('ship'), act('notify')),
    compensations: COMPENSATIONS,
    policy: { custom: ['reserve', 'ship', 'charge'] },
  };
  const { h, id, result } = await runSaga(t, saga, functions);
  const error = assertFaulted(result);
  assert.equal(error.detail, 'mail down');
  assert.deepEqual(log.slice(4), ['release', 'recall', 'refund']);
  assert.deepEqual(reportOf(error).compensations.map((entry) => entry.step), ['reserve', 'ship', 'charge']);
  assert.equal(reportOf(error).policy, 'custom');
  await assertRebuildMatches(h.engine, id);
});

test('parallel compensates in dependency waves, up to parallelism at once', async (t) => {
  // Two compensations of one wave each wait until both have started: run one after the other, they would time out.
  let started = 0;
  let release: () => void = () => undefined;
  const bothStarted = new Promise<void>((resolve) => {
    release = resolve;
  });
  const together = async (): Promise<Json> => {
    started += 1;
    if (started === 2) release();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the other compensation of the wave never started')), 5_000).unref());
    await Promise.race([bothStarted, timeout]);
    return {};
  };
  const names = ['a', 'b', 'c', 'd', 'e', 'undo_a', 'undo_b', 'undo_c', 'undo_d'];
  const { log, functions } = steps(names, { e: failing('e failed'), undo_d: together, undo_c: together });
  const saga = {
    op: 'advanced_saga',
    main_flow: seq(act('a'), act('b'), act('c'), act('d'), act('e')),
    compensations: { a: act('undo_a'), b: act('undo_b'), c: act('undo_c'), d: act('undo_d') },
    policy: 'parallel',
    parallelism: 2,
    // b and c depend on a: both are compensated before a.
    dependencies: { b: ['a'], c: ['a'] },
  };
  const { h, id, result } = await runSaga(t, saga, functions);
  const error = assertFaulted(result);
  assert.equal(error.detail, 'e failed');
  const undone = log.slice(5);
  assert.deepEqual(new Set(undone.slice(0, 2)), new Set(['undo_d', 'undo_c']), 'the first wave: d and c together');
  assert.deepEqual(undone.slice(2), ['undo_b', 'undo_a'], 'then b (the rest of the wave), then a, which b and c depend on');
  const report = reportOf(error);
  assert.equal(report.policy, 'parallel');
  assert.deepEqual(report.compensations, ['d', 'c', 'b', 'a'].map((step) => ({ step, status: 'compensated' })));
  await assertRebuildMatches(h.engine, id);
});

test('a failing compensation is reported with its error; the others still run and the original error is raised', async (t) => {
  const { log, functions } = steps(SHOP, { ship: failing('carrier unavailable'), refund: failing('refund gateway down') });
  const saga = { op: 'advanced_saga', main_flow: seq(act('reserve'), act('charge'), act('ship')), compensations: COMPENSATIONS };
  const { h, id, result } = await runSaga(t, saga, functions);
  const error = assertFaulted(result);
  assert.equal(error.detail, 'carrier unavailable', 'the failing compensation never hides the original error');
  assert.match(error.instance ?? '', /\/ship$/);
  assert.deepEqual(log.slice(3), ['refund', 'release']);
  const [refund, release] = reportOf(error).compensations;
  assert.equal(refund?.step, 'charge');
  assert.equal(refund?.status, 'failed');
  assert.equal(refund?.error?.['type'], problemTypes.runtime.type);
  assert.equal(refund?.error?.['detail'], 'refund gateway down');
  assert.match(refund?.error?.['instance'] as string, /\/refund$/);
  assert.deepEqual(release, { step: 'reserve', status: 'compensated' });
  await assertRebuildMatches(h.engine, id);
});

test('a conditional compensation is skipped when its condition is false on the state, and reported so', async (t) => {
  const { log, functions } = steps(SHOP, { charge: () => ({ charged: 0 }), ship: failing('carrier unavailable') });
  const saga = {
    op: 'advanced_saga',
    main_flow: seq(act('reserve'), act('charge'), act('ship')),
    compensations: COMPENSATIONS,
    conditions: { charge: '$.charged > 0', reserve: 'inputs' },
  };
  const { h, id, result } = await runSaga(t, saga, functions);
  const error = assertFaulted(result);
  assert.deepEqual(log.slice(3), ['release'], 'nothing was charged: no refund');
  assert.deepEqual(reportOf(error).compensations, [
    { step: 'charge', status: 'skipped', condition: '$.charged > 0' },
    { step: 'reserve', status: 'compensated' },
  ]);
  await assertRebuildMatches(h.engine, id);
});

test('compensations are retried by the saga retry_policy, each attempt a durable step', async (t) => {
  let refunds = 0;
  const { log, functions } = steps(SHOP, {
    ship: failing('carrier unavailable'),
    refund: () => {
      refunds += 1;
      if (refunds === 1) throw new Error('refund gateway busy');
      return { refunded: true };
    },
  });
  const saga = {
    op: 'advanced_saga',
    main_flow: seq(act('reserve'), act('charge'), act('ship')),
    compensations: COMPENSATIONS,
    retry_policy: { initial_interval: 'PT1S', maximum_attempts: 3 },
  };
  const { h, id, result } = await runSaga(t, saga, functions);
  const error = assertFaulted(result);
  assert.equal(refunds, 2);
  assert.deepEqual(log.slice(3), ['refund', 'refund', 'release']);
  assert.deepEqual(reportOf(error).compensations.map((entry) => entry.status), ['compensated', 'compensated']);
  await assertRebuildMatches(h.engine, id);
});

test('a main flow that outlives the saga timeout faults with timeout and is compensated', async (t) => {
  const { log, functions } = steps(SHOP);
  const saga = {
    op: 'advanced_saga',
    main_flow: seq(act('reserve'), act('charge'), { op: 'wait', condition: { type: 'timer', duration: 'PT1H' } }, act('ship')),
    compensations: COMPENSATIONS,
    timeout: 'PT1M',
  };
  const { h, id, result } = await runSaga(t, saga, functions);
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.timeout.type);
  assert.deepEqual(log, ['reserve', 'charge', 'refund', 'release']);
  assert.deepEqual(reportOf(error).completed, ['reserve', 'charge']);
  await assertRebuildMatches(h.engine, id);
});

test('a step completed in one parallel branch is compensated when another branch fails', async (t) => {
  const { log, functions } = steps(SHOP, { ship: failing('carrier unavailable') });
  const saga = {
    op: 'advanced_saga',
    main_flow: seq(act('reserve'), { op: 'parallel', branches: [act('charge'), act('ship')] }),
    compensations: COMPENSATIONS,
  };
  const { h, id, result } = await runSaga(t, saga, functions);
  const error = assertFaulted(result);
  assert.equal(error.detail, 'carrier unavailable');
  assert.match(error.instance ?? '', /\/ship$/);
  assert.deepEqual(log.slice(-2), ['refund', 'release']);
  assert.deepEqual(reportOf(error).completed, ['reserve', 'charge']);
  await assertRebuildMatches(h.engine, id);
});

test('nested advanced sagas each add their report, innermost first', async (t) => {
  const { log, functions } = steps(SHOP, { ship: failing('carrier unavailable') });
  const inner = { op: 'advanced_saga', main_flow: seq(act('charge'), act('ship')), compensations: { charge: act('refund') } };
  const outer = { op: 'advanced_saga', main_flow: seq(act('reserve'), inner), compensations: { reserve: act('release') } };
  const { h, id, result } = await runSaga(t, outer, functions);
  const error = assertFaulted(result);
  assert.equal(error.detail, 'carrier unavailable');
  assert.deepEqual(log.slice(-2), ['refund', 'release']);
  const reports = error['compensations'] as unknown as Report[];
  assert.deepEqual(reports.map((report) => [report.saga, report.compensations.map((entry) => entry.step)]), [
    ['/workflow/strategy/main_flow/strategies/1', ['charge']],
    ['/workflow/strategy', ['reserve']],
  ]);
  await assertRebuildMatches(h.engine, id);
});

test('a Serverless Workflow document expresses a saga with try/catch and the raise extension', async (t) => {
  const { log, functions } = steps(SHOP, { ship: failing('carrier unavailable') });
  const h = await openHarness(t, { functions });
  // The README's example (".kotoba WorkflowIR", "Sagas in Serverless Workflow documents"), verbatim.
  const definition = h.engine.load(`
document: { dsl: '1.0.3', namespace: shop, name: order-saga, version: '1.0.0' }
do:
  - order:
      try:
        - reserve: { call: reserve, export: { as: '\${ $context + { reserved: true } }' } }
        - charge: { call: charge, export: { as: '\${ $context + { charged: true } }' } }
        - ship: { call: ship }
      catch:
        as: error
        do:
          - refund: { if: '\${ $context.charged == true }', call: refund }
          - release: { if: '\${ $context.reserved == true }', call: release }
          - fail: { raise: { error: '\${ $error }' } }
`);
  const result = await h.run(definition, {});
  const error = assertFaulted(result);
  assert.equal(error.detail, 'carrier unavailable');
  assert.match(error.instance ?? '', /\/ship$/);
  assert.deepEqual(log, ['reserve', 'charge', 'ship', 'refund', 'release']);
  await assertRebuildMatches(h.engine, result.executionId);
});
