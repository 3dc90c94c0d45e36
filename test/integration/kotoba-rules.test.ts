/**
 * `.kotoba` rule strategies (once, exhaust, while, seq, choice, priority) end to end: written as `.kotoba` files,
 * compiled, and run by the engine with rules registered as TypeScript functions that return `{ applied, ... }`
 * (the contract in src/dsl/kotoba/compile-rules.ts). Every run is rebuilt from its history and compared.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { DefinitionInvalidError, type Json, type RegisteredFunction, problemTypes } from '../../src/index.js';
import { type Harness, assertCompleted, assertFaulted, assertRebuildMatches, openHarness } from '../support/engine-harness.js';
import { tempDir } from '../support/temp-dir.js';

interface Call {
  readonly rule: string;
  readonly input: Json;
}

/** Rules that record every call, in order, and answer from `answers` (given the call's input). */
function rules(answers: Record<string, (input: { state: Record<string, Json>; iteration: number; order?: string }) => Json>): {
  calls: Call[];
  functions: Record<string, RegisteredFunction>;
} {
  const calls: Call[] = [];
  const functions = Object.fromEntries(
    Object.entries(answers).map(([rule, answer]): [string, RegisteredFunction] => [
      rule,
      (input) => {
        calls.push({ rule, input });
        return answer(input as unknown as Parameters<typeof answer>[0]);
      },
    ]),
  );
  return { calls, functions };
}

/** A counter rule: applies while `state.count` is below `limit`, raising it by one. */
const countUpTo = (limit: number) => (input: { state: Record<string, Json> }): Json => {
  const count = Number(input.state['count'] ?? 0);
  return count < limit ? { applied: true, count: count + 1 } : { applied: false };
};
const never = (): Json => ({ applied: false });
const always = (): Json => ({ applied: true });

async function run(t: TestContext, strategy: object, functions: Record<string, RegisteredFunction>, outputs = ['count']): Promise<{ h: Harness; id: string; result: Awaited<ReturnType<Harness['run']>> }> {
  const dir = await tempDir(t, 'kotoba-rules-');
  const path = join(dir, 'rules.kotoba');
  const workflow = { id: 'rules', name: 'Rules', version: '1.0.0', inputs: [], outputs: outputs.map((name) => ({ name, type: 'any' })), strategy };
  await writeFile(path, JSON.stringify({ workflow }));
  const h = await openHarness(t, { functions });
  const definition = await h.engine.loadFile(path);
  const result = await h.run(definition, {}, { maxTasks: 5_000 });
  return { h, id: result.executionId, result };
}

test('once calls its rule once with the state and iteration 0, merging its outputs when it applied', async (t) => {
  const { calls, functions } = rules({ bump: countUpTo(5) });
  const { h, id, result } = await run(t, { op: 'once', rule: 'bump' }, functions, ['count', 'applied', 'activities']);
  const output = assertCompleted(result) as Record<string, Json>;
  assert.equal(output['count'], 1);
  assert.equal(output['applied'], undefined, 'applied is the verdict, not an output merged into the state');
  assert.deepEqual(output['activities'], { bump: { applied: true, count: 1 } });
  assert.deepEqual(calls, [{ rule: 'bump', input: { state: { inputs: {}, activities: {} }, iteration: 0 } }]);
  await assertRebuildMatches(h.engine, id);
});

test('exhaust repeats its rule until it no longer applies, passing the iteration and the order', async (t) => {
  const { calls, functions } = rules({ bump: countUpTo(3) });
  const { h, id, result } = await run(t, { op: 'exhaust', rule: 'bump', order: 'bottomup' }, functions);
  assert.deepEqual(assertCompleted(result), { count: 3 });
  assert.deepEqual(calls.map((call) => (call.input as { iteration: number }).iteration), [0, 1, 2, 3]);
  assert.ok(calls.every((call) => (call.input as { order: string }).order === 'bottomup'));
  assert.deepEqual((calls[2]?.input as { state: Json }).state, { inputs: {}, activities: { bump: { applied: true, count: 2 } }, count: 2 });
  await assertRebuildMatches(h.engine, id);
});

test('exhaust faults with a runtime problem when its rule still applies at max_iterations', async (t) => {
  const { calls, functions } = rules({ forever: always });
  const { h, id, result } = await run(t, { op: 'exhaust', rule: 'forever', max_iterations: 4 }, functions);
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.runtime.type);
  assert.equal(error.detail, 'exhaust of rule "forever": the rule still applied after 4 calls (max_iterations 4)');
  assert.equal(calls.length, 4);
  await assertRebuildMatches(h.engine, id);
});

test('exhaust with a measure faults when an application does not decrease it', async (t) => {
  let remaining = 3;
  const { functions } = rules({
    shrink: () => {
      remaining -= 1;
      // The third application leaves the measure where it was: a rule that would never terminate.
      return remaining >= 1 ? { applied: true, left: remaining } : { applied: true, left: 1 };
    },
  });
  const { result } = await run(t, { op: 'exhaust', rule: 'shrink', measure: 'left' }, functions);
  assert.equal(assertFaulted(result).detail, 'exhaust of rule "shrink": measure "left" went from 1 to 1; it must be a number that decreases with every application');
});

test('exhaust with a decreasing measure (jq over the state) completes', async (t) => {
  const { functions } = rules({ bump: countUpTo(4) });
  const { result } = await run(t, { op: 'exhaust', rule: 'bump', measure: '10 - ($.count // 0)' }, functions);
  assert.deepEqual(assertCompleted(result), { count: 4 });
});

test('while repeats while pred holds on the state, checked before each call', async (t) => {
  const { calls, functions } = rules({ bump: countUpTo(100) });
  const { h, id, result } = await run(t, { op: 'while', rule: 'bump', pred: '($.count // 0) < 3' }, functions);
  assert.deepEqual(assertCompleted(result), { count: 3 });
  assert.equal(calls.length, 3, 'pred no longer holds after the third application: no fourth call');
  await assertRebuildMatches(h.engine, id);
});

test('while stops when the rule does not apply, and never calls it when pred is false at once', async (t) => {
  const stopping = rules({ bump: countUpTo(2) });
  const { result } = await run(t, { op: 'while', rule: 'bump', pred: '($.count // 0) < 10' }, stopping.functions);
  assert.deepEqual(assertCompleted(result), { count: 2 });
  assert.equal(stopping.calls.length, 3);
  const idle = rules({ bump: countUpTo(2) });
  const { result: skipped } = await run(t, { op: 'while', rule: 'bump', pred: 'ready' }, idle.functions);
  assert.deepEqual(assertCompleted(skipped), {});
  assert.equal(idle.calls.length, 0, 'a bare identifier is a truthy state field; ready is absent');
});

test('while faults when pred still holds after max_iterations applications', async (t) => {
  const { functions } = rules({ bump: countUpTo(100) });
  const { result } = await run(t, { op: 'while', rule: 'bump', pred: '$.count < 50 or $.count == null', max_iterations: 5 }, functions);
  assert.equal(assertFaulted(result).detail, 'while of rule "bump": the rule still applied and pred still held after 5 calls (max_iterations 5)');
});

test('choice takes the first strategy that applies and tries no further', async (t) => {
  const { calls, functions } = rules({ no: never, yes: countUpTo(1), later: always });
  const strategy = { op: 'choice', strategies: [{ op: 'once', rule: 'no' }, { op: 'exhaust', rule: 'yes' }, { op: 'once', rule: 'later' }] };
  const { h, id, result } = await run(t, strategy, functions);
  assert.deepEqual(assertCompleted(result), { count: 1 });
  assert.deepEqual(calls.map((call) => call.rule), ['no', 'yes', 'yes']);
  await assertRebuildMatches(h.engine, id);
});

test('priority tries higher priorities first, ties in declaration order', async (t) => {
  const { calls, functions } = rules({ low: always, tieA: never, tieB: never, high: never });
  const strategy = {
    op: 'priority',
    strategies: [
      { strategy: { op: 'once', rule: 'low' }, priority: -1 },
      { strategy: { op: 'once', rule: 'tieA' }, priority: 5 },
      { strategy: { op: 'once', rule: 'high' }, priority: 9 },
      { strategy: { op: 'once', rule: 'tieB' }, priority: 5 },
    ],
  };
  const { result } = await run(t, strategy, functions);
  assertCompleted(result);
  assert.deepEqual(calls.map((call) => call.rule), ['high', 'tieA', 'tieB', 'low']);
});

test('a rule-level seq runs every strategy; inside a choice it counts as applied when any part did', async (t) => {
  const { calls, functions } = rules({ no: never, bump: countUpTo(1), after: always });
  const strategy = {
    op: 'choice',
    strategies: [
      { op: 'seq', strategies: [{ op: 'once', rule: 'no' }, { op: 'once', rule: 'no' }] },
      { op: 'seq', strategies: [{ op: 'once', rule: 'bump' }, { op: 'once', rule: 'no' }] },
      { op: 'once', rule: 'after' },
    ],
  };
  const { result } = await run(t, strategy, functions);
  assert.deepEqual(assertCompleted(result), { count: 1 });
  assert.deepEqual(calls.map((call) => call.rule), ['no', 'no', 'bump', 'no']);
});

test('a rule that breaks the contract faults with a runtime problem naming it', async (t) => {
  const { functions } = rules({ sloppy: () => ({ done: true }) });
  const { result } = await run(t, { op: 'once', rule: 'sloppy' }, functions);
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.runtime.type);
  assert.equal(error.detail, 'rule "sloppy" returned {"done":true}; expected an object {applied: true or false, ...outputs}');
});

test('the serde form (Basic-wrapped strategies) runs the same way', async (t) => {
  const dir = await tempDir(t, 'kotoba-rules-');
  const path = join(dir, 'rules.json');
  await writeFile(path, JSON.stringify({
    id: 'rules', name: 'Rules', description: null, version: '1.0.0', inputs: [],
    outputs: [{ name: 'count', param_type: 'integer', required: false, default_value: null }],
    strategy: { op: 'Basic', strategy: { op: 'Exhaust', rule: 'bump', order: 'topdown' } },
    timeout: null, retry_policy: null, metadata: {},
  }));
  const { functions } = rules({ bump: countUpTo(2) });
  const h = await openHarness(t, { functions });
  const result = await h.run(await h.engine.loadFile(path), {});
  assert.deepEqual(assertCompleted(result), { count: 2 });
});

test('a rule naming no registered function is a problem at its pointer', async (t) => {
  const dir = await tempDir(t, 'kotoba-rules-');
  const path = join(dir, 'rules.kotoba');
  const strategy = { op: 'choice', strategies: [{ op: 'once', rule: 'bump' }, { op: 'while', rule: 'ghost', pred: 'go' }] };
  await writeFile(path, JSON.stringify({ workflow: { id: 'rules', name: 'Rules', version: '1.0.0', inputs: [], outputs: [], strategy } }));
  const h = await openHarness(t, rules({ bump: countUpTo(1) }));
  const error = await h.engine.loadFile(path).then(() => assert.fail('expected a rejection'), (e: unknown) => e);
  assert.ok(error instanceof DefinitionInvalidError);
  assert.deepEqual(error.problems.map((problem) => problem.pointer), ['/workflow/strategy/strategies/1/rule']);
});

test("the README's rule strategy example runs as written", async (t) => {
  const dir = await tempDir(t, 'kotoba-rules-');
  const path = join(dir, 'drain.kotoba');
  // README, ".kotoba WorkflowIR" → "Rule strategies", verbatim.
  await writeFile(path, `{ workflow: { id: 'drain', name: 'Drain', version: '1.0.0',
  inputs: [{ name: 'items', type: 'integer', required: true }], outputs: [{ name: 'left', type: 'integer' }],
  strategy: { op: 'priority', strategies: [
    { strategy: { op: 'exhaust', rule: 'take_one', measure: 'left', max_iterations: 100 }, priority: 10 },
    { strategy: { op: 'once', rule: 'give_up' }, priority: 0 },
  ] } } }`);
  const calls: string[] = [];
  const h = await openHarness(t, {
    functions: {
      take_one: (input): Json => {
        calls.push('take_one');
        const { state } = input as { state: { left?: number; inputs: { items: number } } };
        const left = state.left ?? state.inputs.items;
        return left > 0 ? { applied: true, left: left - 1 } : { applied: false };
      },
      give_up: () => {
        calls.push('give_up');
        return { applied: false };
      },
    },
  });
  const result = await h.run(await h.engine.loadFile(path), { items: 3 });
  assert.deepEqual(assertCompleted(result), { left: 0 });
  assert.deepEqual(calls, ['take_one', 'take_one', 'take_one', 'take_one']);
});
