/**
 * `.kotoba` WorkflowIR end to end: loaded through `engine.loadFile`, compiled into a Serverless Workflow document and
 * run by the one interpreter with registered TypeScript functions as activities. The seed's examples are read from
 * ../shared/kotoba beside the repository at test time (skipped with a notice when the folder is absent); the rest
 * are written here.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test, { type TestContext } from 'node:test';
import { DefinitionInvalidError, type Json, ProblemError, type RegisteredFunction, problemTypes } from '../../src/index.js';
import { explain, runCli, singleJsonLine } from '../cli/cli-process.js';
import { type Harness, assertCompleted, assertFaulted, assertRebuildMatches, openHarness, waitForRunningTask } from '../support/engine-harness.js';
import { tempDir } from '../support/temp-dir.js';

/** Beside the repository, never inside it (another project's files). */
const SEED = fileURLToPath(new URL('../../../shared/kotoba', import.meta.url));
const hasSeed = existsSync(SEED);
if (!hasSeed) process.stderr.write(`kotoba-run: ${SEED} is absent; the seed example tests are skipped\n`);
const seedOnly = { skip: hasSeed ? false : `${SEED} is absent` };

type Calls = { name: string; input: Json }[];

/** Registered functions that record their calls, each answering from `answers` (a function, a value, or {}). */
type Answer = Json | ((input: Json, context: { signal: AbortSignal }) => Json | Promise<Json>);

function activities(names: readonly string[], answers: Record<string, Answer> = {}): { calls: Calls; functions: Record<string, RegisteredFunction> } {
  const calls: Calls = [];
  const functions = Object.fromEntries(
    names.map((name): [string, RegisteredFunction] => [
      name,
      async (input, context) => {
        calls.push({ name, input });
        const answer = answers[name];
        return typeof answer === 'function' ? answer(input, context) : (answer ?? {});
      },
    ]),
  );
  return { calls, functions };
}

function failing(message: string): () => never {
  return () => {
    throw new Error(message);
  };
}

async function workspace(t: TestContext): Promise<string> {
  const dir = await tempDir(t, 'kotoba-run-');
  return dir;
}

/** Writes `{ workflow }` as a `.kotoba` file (JSON is Jsonnet) and returns its path. */
async function kotobaFile(dir: string, name: string, workflow: object): Promise<string> {
  const path = join(dir, `${name}.kotoba`);
  await writeFile(path, JSON.stringify({ workflow }, null, 2));
  return path;
}

function workflow(strategy: object, extra: object = {}): object {
  return { id: 'test_flow', name: 'Test flow', version: '1.0.0', inputs: [{ name: 'orderId', type: 'string', required: true }], outputs: [], strategy, ...extra };
}

const act = (ref: string, mapping: Record<string, string> = {}) => ({ op: 'activity', activity_ref: ref, input_mapping: mapping });

async function runFile(h: Harness, path: string, input: Json): Promise<{ id: string; result: Awaited<ReturnType<Harness['run']>> }> {
  const definition = await h.engine.loadFile(path);
  const result = await h.run(definition, input);
  return { id: result.executionId, result };
}

const USER_REGISTRATION = ['validate_user_data', 'check_username_availability', 'create_user_account', 'send_welcome_email'];

test('simple_sequence.kotoba runs its activities in order, each with its mapped inputs, and produces its outputs', seedOnly, async (t) => {
  const { calls, functions } = activities(USER_REGISTRATION, { create_user_account: { userId: 'u-1' }, send_welcome_email: { registrationComplete: true } });
  const h = await openHarness(t, { functions });
  const input = { username: 'ann', email: 'ann@example.com', password: 'pw' };
  const { id, result } = await runFile(h, join(SEED, 'simple_sequence.kotoba'), input);
  assert.deepEqual(assertCompleted(result), { userId: 'u-1', registrationComplete: true });
  assert.deepEqual(calls.map((call) => call.name), USER_REGISTRATION);
  assert.deepEqual(calls[0]?.input, input);
  assert.deepEqual(calls[3]?.input, { email: 'ann@example.com', username: 'ann' });
  await assertRebuildMatches(h.engine, id);
});

test('workflow inputs are checked (required, types) before anything runs', seedOnly, async (t) => {
  const { calls, functions } = activities(USER_REGISTRATION);
  const h = await openHarness(t, { functions });
  const { result } = await runFile(h, join(SEED, 'simple_sequence.kotoba'), { username: 'ann', email: 7 });
  assert.equal(assertFaulted(result).type, problemTypes.validation.type);
  assert.deepEqual(calls, []);
});

const ORDER = ['validate_order', 'process_payment', 'reserve_inventory', 'send_confirmation', 'cancel_payment', 'release_inventory', 'send_failure_notification'];

test('readme_order_processing.kotoba completes; the parallel merges both branches', seedOnly, async (t) => {
  const { calls, functions } = activities(ORDER, { process_payment: { paymentId: 'p-1' }, reserve_inventory: { reservationId: 'r-1' }, send_confirmation: { processed: true, confirmationId: 'c-1' } });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, join(SEED, 'readme_order_processing.kotoba'), { orderId: 'o-1', customerId: 'c', amount: 5 });
  assert.deepEqual(assertCompleted(result), { processed: true, confirmationId: 'c-1' });
  assert.deepEqual(calls.map((call) => call.name).sort(), ['process_payment', 'reserve_inventory', 'send_confirmation', 'validate_order']);
  await assertRebuildMatches(h.engine, id);
});

test('readme_order_processing.kotoba: a failing payment runs the compensation in its own order, then faults with the original error', seedOnly, async (t) => {
  const { calls, functions } = activities(ORDER, { process_payment: failing('card declined') });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, join(SEED, 'readme_order_processing.kotoba'), { orderId: 'o-1', customerId: 'c', amount: 5 });
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.runtime.type);
  assert.equal(error.status, 500);
  assert.equal(error.detail, 'card declined');
  assert.match(error.instance ?? '', /\/process_payment$/, 'the instance is the failed activity, not the re-raise');
  const names = calls.map((call) => call.name);
  assert.deepEqual(names.slice(names.indexOf('cancel_payment')), ['cancel_payment', 'release_inventory', 'send_failure_notification']);
  assert.ok(!names.includes('send_confirmation'));
  await assertRebuildMatches(h.engine, id);
});

test('order_processing.kotoba completes after its timer, retrying a transient failure', seedOnly, async (t) => {
  let validations = 0;
  const { calls, functions } = activities([...ORDER, 'fraud_check'], {
    validate_order: () => {
      validations += 1;
      if (validations === 1) throw new Error('temporarily unavailable');
      return { valid: true };
    },
    send_confirmation: { processed: true, confirmationId: 'c-9', totalAmount: 42 },
  });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, join(SEED, 'order_processing.kotoba'), { orderId: 'o-1', customerId: 'c', amount: 42, items: ['x'] });
  assert.deepEqual(assertCompleted(result), { processed: true, confirmationId: 'c-9', totalAmount: 42 });
  assert.equal(validations, 2);
  assert.ok(calls.some((call) => call.name === 'fraud_check'));
  await assertRebuildMatches(h.engine, id);
});

test('order_processing.kotoba: a non-retryable payment error is not retried; compensation runs; the original error ends it', seedOnly, async (t) => {
  const { calls, functions } = activities([...ORDER, 'fraud_check'], { process_payment: failing('INSUFFICIENT_FUNDS: balance 3') });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, join(SEED, 'order_processing.kotoba'), { orderId: 'o-1', customerId: 'c', amount: 42, items: ['x'] });
  assert.equal(assertFaulted(result).detail, 'INSUFFICIENT_FUNDS: balance 3');
  assert.equal(calls.filter((call) => call.name === 'process_payment').length, 1);
  const names = calls.map((call) => call.name);
  assert.deepEqual(names.slice(names.indexOf('cancel_payment')), ['cancel_payment', 'release_inventory', 'send_failure_notification']);
  await assertRebuildMatches(h.engine, id);
});

const DOCUMENTS = ['validate_document', 'auto_approve_high_priority', 'assign_reviewer', 'queue_for_review', 'finalize_document', 'notify_requester', 'update_audit_log'];
const DOCUMENT_INPUT = { documentId: 'd-1', documentType: 'contract', priority: 'x', content: 'text', requester: 'ann' };
const DOCUMENT_OUTPUTS = { finalize_document: { processed: true, processingTime: 12 } };

test('complex_workflow.kotoba: a high-priority document takes the first branch, where auto-approval wins the parallel any', seedOnly, async (t) => {
  const { calls, functions } = activities(DOCUMENTS, {
    ...DOCUMENT_OUTPUTS,
    validate_document: { is_high_priority: true },
    auto_approve_high_priority: { approved: true, reviewer: 'auto' },
    // The other branch's reviewer assignment is never answered: it loses and is cancelled through its signal.
    assign_reviewer: (_input, { signal }) => new Promise<Json>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, join(SEED, 'complex_workflow.kotoba'), DOCUMENT_INPUT);
  assert.deepEqual(assertCompleted(result), { processed: true, approved: true, processingTime: 12, reviewer: 'auto' });
  assert.deepEqual(calls.find((call) => call.name === 'finalize_document')?.input, { document_id: 'd-1', approved: 'true' });
  assert.deepEqual(calls.find((call) => call.name === 'update_audit_log')?.input, { document_id: 'd-1', action: 'document_processed', timestamp: 'now' });
  assert.ok(!calls.some((call) => call.name === 'queue_for_review'));
  await assertRebuildMatches(h.engine, id);
});

test('complex_workflow.kotoba: a medium-priority document waits for its review_completed event (filtered by document id)', seedOnly, async (t) => {
  const { calls, functions } = activities(DOCUMENTS, {
    ...DOCUMENT_OUTPUTS,
    validate_document: { is_high_priority: false, is_medium_priority: 1 },
    assign_reviewer: { reviewer: 'bob', approved: true },
  });
  const h = await openHarness(t, { functions });
  const handle = await h.engine.start(await h.engine.loadFile(join(SEED, 'complex_workflow.kotoba')), { input: DOCUMENT_INPUT });
  // The second wait on review_completed in the document (the high-priority branch's is the first).
  await waitForRunningTask(h.engine, handle.executionId, 'wait-review_completed-2');
  await h.engine.publish({ source: 'test', type: 'review_completed', data: { document_id: 'another' } });
  await h.engine.publish({ source: 'test', type: 'review_completed', data: { document_id: 'd-1' } });
  const result = await h.clock.drive(handle.result());
  assert.deepEqual(assertCompleted(result), { processed: true, approved: true, processingTime: 12, reviewer: 'bob' });
  assert.deepEqual(calls.find((call) => call.name === 'assign_reviewer')?.input, { document_type: 'contract', priority: 'medium' });
  await assertRebuildMatches(h.engine, handle.executionId);
});

test('complex_workflow.kotoba: a low-priority document takes the default branch, and an event wait that times out faults with timeout', seedOnly, async (t) => {
  const { calls, functions } = activities(DOCUMENTS, { validate_document: { is_high_priority: false, is_medium_priority: '' } });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, join(SEED, 'complex_workflow.kotoba'), DOCUMENT_INPUT);
  assert.equal(assertFaulted(result).type, problemTypes.timeout.type);
  assert.deepEqual(calls.map((call) => call.name), ['validate_document', 'queue_for_review']);
  await assertRebuildMatches(h.engine, id);
});

test('later mappings read earlier outputs; outputs are merged into the state and kept under activities', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'flow', workflow(
    { op: 'seq', strategies: [act('quote', { id: '$.inputs.orderId' }), act('count'), act('confirm', { total: '$.total', counted: '$.activities.count', quoted: '$.activities.quote.total' })] },
    { outputs: [{ name: 'total', type: 'number' }, { name: 'confirmationId', type: 'string' }, { name: 'missing', type: 'string' }] },
  ));
  const { calls, functions } = activities(['quote', 'count', 'confirm'], { quote: { total: 10 }, count: 3, confirm: (input) => ({ confirmationId: `c-${(input as { total: number }).total}` }) });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, path, { orderId: 'o-1' });
  assert.deepEqual(calls[2]?.input, { total: 10, counted: 3, quoted: 10 });
  // Declared outputs in declaration order; one the state lacks (`missing`) is left out.
  assert.deepEqual(assertCompleted(result), { total: 10, confirmationId: 'c-10' });
  await assertRebuildMatches(h.engine, id);
});

test('an input left out takes its default_value; a required one without a default is still required', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'defaults', {
    id: 'defaults',
    name: 'Defaults',
    version: '1.0.0',
    inputs: [
      { name: 'orderId', type: 'string', required: true },
      { name: 'priority', type: 'string', required: true, default_value: 'normal' },
      { name: 'copies', type: 'integer', default_value: 1 },
    ],
    outputs: [{ name: 'echo', type: 'object' }],
    strategy: act('echo', { priority: '$.inputs.priority', copies: '$.inputs.copies', orderId: '$.inputs.orderId' }),
    activities: [],
  });
  const { calls, functions } = activities(['echo'], { echo: (input) => ({ echo: input }) });
  const h = await openHarness(t, { functions });
  const { result } = await runFile(h, path, { orderId: 'o-1' });
  assert.deepEqual(assertCompleted(result), { echo: { priority: 'normal', copies: 1, orderId: 'o-1' } });
  const given = await runFile(h, path, { orderId: 'o-2', priority: 'high', copies: 3 });
  assert.deepEqual(assertCompleted(given.result), { echo: { priority: 'high', copies: 3, orderId: 'o-2' } });
  const missing = await runFile(h, path, { priority: 'high' });
  assert.equal(assertFaulted(missing.result).type, problemTypes.validation.type);
  assert.equal(calls.length, 2, 'nothing ran for the input without its required orderId');
});

test('a parallel merges its branches in declaration order, whatever order they finish in', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'parallel', workflow(
    { op: 'seq', strategies: [act('seed'), { op: 'parallel', branches: [act('slow'), act('fast')] }, act('read', { winner: '$.winner', slowOnly: '$.slowOnly', shared: '$.shared' })] },
  ));
  let finishSlow: () => void = () => undefined;
  const order: string[] = [];
  const { calls, functions } = activities(['seed', 'slow', 'fast', 'read'], {
    seed: { shared: 'seed', winner: 'none' },
    slow: () => new Promise<Json>((resolve) => {
      finishSlow = () => {
        order.push('slow');
        resolve({ winner: 'slow', slowOnly: true, shared: 'slow' });
      };
    }),
    fast: () => {
      order.push('fast');
      setTimeout(() => finishSlow(), 10);
      return { winner: 'fast' };
    },
  });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, path, { orderId: 'o-1' });
  assertCompleted(result);
  assert.deepEqual(order, ['fast', 'slow']);
  // fast is declared last, so its `winner` wins; slow's `shared` stays although fast carried the older copy.
  assert.deepEqual(calls.find((call) => call.name === 'read')?.input, { winner: 'fast', slowOnly: true, shared: 'slow' });
  await assertRebuildMatches(h.engine, id);
});

test('decision conditions are tried in order: a jq condition over the state with $.-paths, then the default', async (t) => {
  const dir = await workspace(t);
  const decision = {
    op: 'decision',
    conditions: [
      { condition: '$.score > 10', branch: act('big') },
      { condition: 'is_vip', branch: act('vip') },
    ],
    default_branch: act('plain'),
  };
  const path = await kotobaFile(dir, 'decide', workflow({ op: 'seq', strategies: [act('score'), decision, act('after')] }));
  const cases = [
    { score: { score: 11, is_vip: true }, took: 'big' },
    { score: { score: 3, is_vip: true }, took: 'vip' },
    { score: { score: 3, is_vip: 0 }, took: 'plain' },
  ];
  for (const c of cases) {
    const { calls, functions } = activities(['score', 'big', 'vip', 'plain', 'after'], { score: c.score });
    const h = await openHarness(t, { functions });
    const { id, result } = await runFile(h, path, { orderId: 'o-1' });
    assertCompleted(result);
    assert.deepEqual(calls.map((call) => call.name), ['score', c.took, 'after'], JSON.stringify(c.score));
    await assertRebuildMatches(h.engine, id);
  }
});

test('a failing compensation does not hide the original error', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'saga', workflow({ op: 'saga', main_flow: act('pay'), compensation: { op: 'seq', strategies: [act('refund'), act('notify')] } }));
  const { calls, functions } = activities(['pay', 'refund', 'notify'], {
    pay: () => {
      throw new ProblemError({ ...problemTypes.timeout, detail: 'the bank did not answer' });
    },
    refund: failing('refund service down'),
  });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, path, { orderId: 'o-1' });
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.timeout.type);
  assert.equal(error.status, 408);
  assert.equal(error.detail, 'the bank did not answer');
  assert.deepEqual(calls.map((call) => call.name), ['pay', 'refund']);
  await assertRebuildMatches(h.engine, id);
});

test('a saga re-raises the original error unchanged: status, type, title, detail and extension members', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'saga', workflow({ op: 'saga', main_flow: act('pay'), compensation: act('refund') }));
  const original = { type: 'https://example.com/errors/teapot', status: 418, title: 'Odd', detail: 'odd status', code: 'TEAPOT' };
  const { functions } = activities(['pay', 'refund'], {
    pay: () => {
      throw new ProblemError(original);
    },
  });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, path, { orderId: 'o-1' });
  const { instance, ...error } = assertFaulted(result);
  assert.deepEqual(error, original);
  assert.match(instance ?? '', /\/pay$/);
  await assertRebuildMatches(h.engine, id);
});

test("an activity that keeps failing is retried by the seed's formula (interval × coefficient, capped), then its last error ends the execution", async (t) => {
  const dir = await workspace(t);
  const policy = { initial_interval: 'PT1S', backoff_coefficient: 1.5, maximum_interval: 'PT2S', maximum_attempts: 5, non_retryable_errors: ['FATAL'] };
  const path = await kotobaFile(dir, 'retry', workflow({ op: 'activity', activity_ref: 'flaky', input_mapping: {}, retry_policy: policy }));
  let attempts = 0;
  const { functions } = activities(['flaky'], {
    flaky: () => {
      attempts += 1;
      throw new Error(`attempt ${attempts} failed`);
    },
  });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, path, { orderId: 'o-1' });
  assert.equal(assertFaulted(result).detail, 'attempt 5 failed');
  assert.equal(attempts, 5);
  const retries = (await h.history(id)).filter((event) => event.type === 'TaskRetrying');
  assert.deepEqual(retries.map((event) => (event.data as { delayMs: number }).delayMs), [1_000, 1_500, 2_000, 2_000]);
  await assertRebuildMatches(h.engine, id);
});

test('a subworkflow runs the loaded workflow of that id; its outputs merge into the state', async (t) => {
  const dir = await workspace(t);
  const child = await kotobaFile(dir, 'child', {
    ...workflow(act('ship', { order: '$.inputs.orderId' })),
    id: 'ship_order',
    outputs: [{ name: 'trackingId', type: 'string' }],
  });
  const parent = await kotobaFile(dir, 'parent', workflow(
    { op: 'seq', strategies: [{ op: 'subworkflow', workflow_ref: 'ship_order', input_mapping: { orderId: '$.inputs.orderId' } }, act('notify', { tracking: '$.trackingId' })] },
    { outputs: [{ name: 'trackingId', type: 'string' }] },
  ));
  const { calls, functions } = activities(['ship', 'notify'], { ship: (input) => ({ trackingId: `t-${(input as { order: string }).order}` }) });
  const h = await openHarness(t, { functions });
  await h.engine.loadFile(child);
  const { id, result } = await runFile(h, parent, { orderId: 'o-3' });
  assert.deepEqual(assertCompleted(result), { trackingId: 't-o-3' });
  assert.deepEqual(calls.map((call) => [call.name, call.input]), [['ship', { order: 'o-3' }], ['notify', { tracking: 't-o-3' }]]);
  await assertRebuildMatches(h.engine, id);
});

test('the serde JSON form is recognised by its content and runs the same way', async (t) => {
  const dir = await workspace(t);
  const path = join(dir, 'flow.json');
  await writeFile(path, JSON.stringify({
    id: 'serde_flow', name: 'Serde flow', description: null, version: '1.0.0',
    inputs: [{ name: 'orderId', param_type: 'string', required: true, default_value: null }],
    outputs: [{ name: 'ok', param_type: 'boolean', required: false, default_value: null }],
    strategy: { op: 'Seq', strategies: [{ op: 'Activity', activity_ref: 'check', input_mapping: { id: '$.inputs.orderId' }, retry_policy: null }] },
    timeout: null, retry_policy: null, metadata: {},
  }));
  const { calls, functions } = activities(['check'], { check: { ok: true } });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, path, { orderId: 'o-7' });
  assert.deepEqual(assertCompleted(result), { ok: true });
  assert.deepEqual(calls[0]?.input, { id: 'o-7' });
  await assertRebuildMatches(h.engine, id);
});

const rejections = [
  {
    name: 'a compensated step inside a competing parallel of an advanced saga',
    strategy: { op: 'advanced_saga', main_flow: { op: 'parallel', completion_condition: 'any', branches: [act('a')] }, compensations: { a: act('a') } },
    pointer: '/workflow/strategy/main_flow/completion_condition',
  },
];
for (const c of rejections) {
  test(`loading a workflow with ${c.name} is rejected, naming the op's pointer`, async (t) => {
    const dir = await workspace(t);
    const path = await kotobaFile(dir, 'rejected', workflow(c.strategy));
    const h = await openHarness(t, activities(['a']));
    const error = await h.engine.loadFile(path).then(() => assert.fail('expected a rejection'), (e: unknown) => e);
    assert.ok(error instanceof DefinitionInvalidError);
    assert.deepEqual(error.problems.map((problem) => problem.pointer), [c.pointer]);
    const validated = await h.engine.validateFile(path);
    assert.equal(validated.ok, false);
  });
}

test('an activity that is not registered is a problem at its activity_ref', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'unknown', workflow({ op: 'seq', strategies: [act('a'), act('nobody')] }));
  const h = await openHarness(t, activities(['a']));
  const result = await h.engine.validateFile(path);
  assert.deepEqual(result.ok ? [] : result.problems.map((problem) => problem.pointer), ['/workflow/strategy/strategies/1/activity_ref']);
});

test('a jq condition that does not compile is a problem at the decision', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'badjq', workflow({ op: 'decision', conditions: [{ condition: '$.a ==', branch: act('a') }] }));
  const h = await openHarness(t, activities(['a']));
  const result = await h.engine.validateFile(path);
  assert.deepEqual(result.ok ? [] : result.problems.map((problem) => problem.pointer), ['/workflow/strategy/conditions']);
});

test('itonami run runs a .kotoba file (real Jsonnet, a declared Process activity) and prints its outputs', { timeout: 60_000 }, async (t) => {
  const dir = await workspace(t);
  await writeFile(join(dir, 'hello.kotoba'), `
    // A Jsonnet function builds the activity op; the process gets its mapped input as JSON on stdin.
    local echo(who) = { op: 'activity', activity_ref: 'echo', input_mapping: { name: who, greeting: 'hello' } };
    {
      workflow: {
        id: 'cli_hello', name: 'CLI hello', version: '1.0.0',
        inputs: [{ name: 'name', type: 'string', required: true }],
        outputs: [{ name: 'greeting', type: 'string' }, { name: 'name', type: 'string' }],
        activities: [{ name: 'echo', implementation: { type: 'Process', command: 'cat' } }],
        strategy: { op: 'seq', strategies: [{ op: 'wait', condition: { type: 'timer', duration: 'PT0S' } }, echo('$.inputs.name')] },
      },
    }
  `);
  const result = await runCli(['run', 'hello.kotoba', '--input', '{"name": "ann"}', '--quiet', '--db', 'hello.db'], { cwd: dir });
  assert.equal(result.code, 0, explain(result));
  assert.deepEqual(singleJsonLine(result.stdout), { greeting: 'hello', name: 'ann' });
  const valid = await runCli(['validate', 'hello.kotoba'], { cwd: dir });
  assert.equal(valid.code, 0, explain(valid));
  const deployed = await runCli(['deploy', 'hello.kotoba', '--db', 'hello.db'], { cwd: dir });
  assert.equal(deployed.code, 0, explain(deployed));
  assert.match(deployed.stdout, /^kotoba\/cli-hello@1\.0\.0 [0-9a-f]{64}\n$/);

  await kotobaFile(dir, 'rules', workflow({ op: 'exhaust', rule: 'a' }));
  const rejected = await runCli(['validate', 'rules.kotoba'], { cwd: dir });
  assert.equal(rejected.code, 2, explain(rejected));
  assert.match(rejected.stderr, /^rules\.kotoba: \/workflow\/strategy\/rule: rule 'a' names no activity/);
});

test('itonami run --workflows DIR finds .kotoba sub-workflows there', { timeout: 60_000 }, async (t) => {
  const dir = await workspace(t);
  const processActivity = (name: string) => ({ name, implementation: { type: 'Process', command: 'cat' } });
  await mkdir(join(dir, 'flows'));
  await writeFile(join(dir, 'flows', 'child.kotoba'), JSON.stringify({
    workflow: {
      id: 'echo_child', name: 'Echo child', version: '1.0.0',
      inputs: [{ name: 'word', type: 'string', required: true }],
      outputs: [{ name: 'echoed', type: 'string' }],
      activities: [processActivity('echo')],
      strategy: { op: 'activity', activity_ref: 'echo', input_mapping: { echoed: '$.inputs.word' } },
    },
  }));
  await writeFile(join(dir, 'parent.kotoba'), JSON.stringify({
    workflow: {
      id: 'echo_parent', name: 'Echo parent', version: '1.0.0',
      inputs: [{ name: 'word', type: 'string', required: true }],
      outputs: [{ name: 'echoed', type: 'string' }],
      strategy: { op: 'subworkflow', workflow_ref: 'echo_child', input_mapping: { word: '$.inputs.word' } },
    },
  }));
  const result = await runCli(['run', 'parent.kotoba', '--workflows', 'flows', '--input', '{"word": "hi"}', '--quiet', '--db', 'flows.db'], { cwd: dir });
  assert.equal(result.code, 0, explain(result));
  assert.deepEqual(singleJsonLine(result.stdout), { echoed: 'hi' });
});

test('a signal wait consumes a signal sent before it was reached, keeps its payload in the state, and a decision reads it', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'approval', workflow(
    {
      op: 'seq',
      strategies: [
        act('prepare'),
        { op: 'wait', condition: { type: 'signal', signal_name: 'approve' }, timeout: 'PT1H' },
        { op: 'decision', conditions: [{ condition: '$.signals.approve.ok', branch: act('ship') }], default_branch: act('refund') },
      ],
    },
    { outputs: [{ name: 'signals', type: 'object' }] },
  ));
  let release: () => void = () => undefined;
  const prepared = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { calls, functions } = activities(['prepare', 'ship', 'refund'], { prepare: async () => (await prepared, { prepared: true }) });
  const h = await openHarness(t, { functions });
  const definition = await h.engine.loadFile(path);
  const handle = await h.engine.start(definition, { input: { orderId: 'o-9' } });
  // Sent while the workflow is still preparing: kept until the wait comes.
  assert.equal(await h.engine.signal(handle.executionId, 'approve', { ok: true }), true);
  release();
  const result = await handle.result();
  assert.deepEqual(assertCompleted(result), { signals: { approve: { ok: true } } });
  assert.deepEqual(calls.map((call) => call.name), ['prepare', 'ship']);
  await assertRebuildMatches(h.engine, handle.executionId);
});

test('a signal wait whose timeout expires faults with timeout, and the saga around it compensates', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'approval-timeout', workflow({
    op: 'saga',
    main_flow: {
      op: 'seq',
      strategies: [act('reserve'), { op: 'wait', condition: { type: 'signal', signal_name: 'approve' }, timeout: 'PT1H' }, act('ship')],
    },
    compensation: act('release'),
  }));
  const { calls, functions } = activities(['reserve', 'ship', 'release']);
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, path, { orderId: 'o-1' });
  // Nobody sends `approve`: after an hour (the harness drives its clock) the wait faults, `release` undoes `reserve`.
  assert.equal(assertFaulted(result).type, problemTypes.timeout.type);
  assert.deepEqual(calls.map((call) => call.name), ['reserve', 'release']);
  await assertRebuildMatches(h.engine, id);
});

test('parallel at_least 2 completes with the first two branches, cancels the third, and merges the two in declaration order', async (t) => {
  const dir = await workspace(t);
  const path = await kotobaFile(dir, 'quorum', workflow(
    { op: 'parallel', completion_condition: { at_least: 2 }, branches: [act('slow'), act('one'), act('two')] },
    { outputs: [{ name: 'votes', type: 'array' }, { name: 'last', type: 'string' }] },
  ));
  let aborted = false;
  const { calls, functions } = activities(['slow', 'one', 'two'], {
    slow: (_input, { signal }) => new Promise<Json>((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        aborted = true;
        reject(signal.reason as Error);
      }, { once: true });
    }),
    one: { last: 'one', votes: ['one'] },
    two: async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { last: 'two' };
    },
  });
  const h = await openHarness(t, { functions });
  const { id, result } = await runFile(h, path, { orderId: 'o-q' });
  // Declaration order: `one` then `two`, so two's `last` wins; `votes` comes from one alone.
  assert.deepEqual(assertCompleted(result), { votes: ['one'], last: 'two' });
  assert.equal(aborted, true, 'the third branch is cancelled through its signal');
  assert.deepEqual(calls.map((call) => call.name).sort(), ['one', 'slow', 'two']);
  await assertRebuildMatches(h.engine, id);
});
