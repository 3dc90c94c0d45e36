import assert from 'node:assert/strict';
import test from 'node:test';
import { createCompiledJqEngine } from '../../expressions/jq/compiled-jq-engine.js';
import type { JsonObject } from '../../model/json.js';
import { loadDefinition } from '../serverless/load-definition.js';
import { compileWorkflowIr } from './compile-workflow-ir.js';
import type { IrForm, RuleStrategy, WorkflowIr } from './workflow-ir.js';

const jq = createCompiledJqEngine();

function ir(strategy: RuleStrategy): WorkflowIr {
  return { id: 'rules', name: 'Rules', version: '1.0.0', inputs: [], outputs: [], strategy: { kind: 'rules', strategy }, activities: [], metadata: {} };
}

/** Compiles and loads the document (schema, references, every jq expression), returning the strategy's task. */
function compiled(strategy: RuleStrategy, functions: readonly string[], form: IrForm = 'kotoba'): JsonObject {
  const result = compileWorkflowIr(ir(strategy), { form });
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  const loaded = loadDefinition(result.document, { jq, functions });
  if (!loaded.ok) assert.fail(`the compiled document is invalid: ${JSON.stringify(loaded.problems, null, 1)}`);
  const item = (result.document['do'] as JsonObject[])[1] as JsonObject;
  return Object.values(item)[0] as JsonObject;
}

function text(value: unknown): string {
  assert.equal(typeof value, 'string');
  return value as string;
}

/** The tasks of a `do`, as [name, task] pairs. */
function list(task: JsonObject): [string, JsonObject][] {
  return (task['do'] as JsonObject[]).map((entry) => Object.entries(entry)[0] as [string, JsonObject]);
}

test('once is a call of the rule with the state and iteration 0, then the contract check', () => {
  const task = compiled({ kind: 'once', rule: 'bump' }, ['bump']);
  const [[callName, call], [checkName, check]] = list(task) as [[string, JsonObject], [string, JsonObject]];
  assert.equal(callName, 'bump');
  assert.deepEqual(call['with'], { state: '${ $context }', iteration: 0 });
  assert.deepEqual(call['metadata'], { kotoba: '/workflow/strategy' });
  assert.equal(checkName, 'rule-result');
  assert.match(text(check['if']), /\.applied \| type\) != "boolean"/);
  assert.deepEqual(task['metadata'], { kotoba: '/workflow/strategy' });
});

const bounds = [
  { strategy: { kind: 'exhaust', rule: 'r', order: 'fair' } as const, range: '${ [range(1000)] }' },
  { strategy: { kind: 'exhaust', rule: 'r', order: 'topdown', maxIterations: 7 } as const, range: '${ [range(7)] }' },
  { strategy: { kind: 'while', rule: 'r', pred: 'go', order: 'topdown', maxIterations: 3 } as const, range: '${ [range(3)] }' },
];
for (const c of bounds) {
  test(`${c.strategy.kind} with max_iterations ${c.strategy.maxIterations ?? '(default)'} loops over ${c.range}`, () => {
    const task = compiled(c.strategy, ['r']);
    const names = list(task).map(([name]) => name);
    assert.deepEqual(names, ['rules-start', 'repeat', 'bounded', 'rules-result']);
    const repeat = list(task)[1]?.[1] as JsonObject;
    assert.deepEqual(repeat['for'], { in: c.range, at: 'iteration' });
    assert.equal(repeat['while'], '${ .again }');
    const call = list(list(repeat)[0]?.[1] as JsonObject)[0]?.[1] as JsonObject;
    assert.deepEqual(call['with'], { state: '${ $context }', iteration: '${ $iteration }', order: c.strategy.order });
  });
}

test('while reads pred like a decision condition, before the first call and after each one', () => {
  const task = compiled({ kind: 'while', rule: 'r', pred: 'go', order: 'topdown' }, ['r']);
  const [, start] = list(task)[0] as [string, JsonObject];
  assert.match(text((start['set'] as JsonObject)['again']), /^\$\{ if \(\$context\.go as \$v/);
  const tally = list(list(task)[1]?.[1] as JsonObject)[1]?.[1] as JsonObject;
  assert.match(text((tally['set'] as JsonObject)['again']), /^\$\{ \.applied and \(\$context\.go as \$v/);
});

test('an exhaust measure is read before the loop and after each application, and checked to decrease', () => {
  const task = compiled({ kind: 'exhaust', rule: 'r', order: 'topdown', measure: '$.size' }, ['r']);
  const body = list(list(task)[1]?.[1] as JsonObject);
  assert.deepEqual(body.map(([name]) => name), ['apply', 'tally', 'decreasing']);
  assert.deepEqual(body[0]?.[1]['output'], { as: '${ {applied: .applied, before: $task.input.measure} }' });
  assert.equal((body[1]?.[1]['set'] as JsonObject)['measure'], '${ ($context | ($context.size)) }');
});

test('choice leaves after the first strategy that applied; priority orders by priority, ties in declaration order', () => {
  const choice = compiled({ kind: 'choice', strategies: [{ kind: 'once', rule: 'a' }, { kind: 'once', rule: 'b' }] }, ['a', 'b']);
  assert.deepEqual(list(choice).map(([name]) => name), ['once', 'applied', 'once-2']);
  assert.deepEqual(list(choice)[1]?.[1]['switch'], [{ applied: { when: '${ .applied }', then: 'exit' } }]);

  const priority = compiled(
    {
      kind: 'priority',
      strategies: [
        { strategy: { kind: 'once', rule: 'low' }, priority: 1 },
        { strategy: { kind: 'once', rule: 'tie1' }, priority: 5 },
        { strategy: { kind: 'once', rule: 'tie2' }, priority: 5 },
      ],
    },
    ['low', 'tie1', 'tie2'],
  );
  const tried = list(priority).filter(([name]) => name.startsWith('once')).map(([, task]) => task['metadata']);
  assert.deepEqual(tried, [
    { kotoba: '/workflow/strategy/strategies/1/strategy' },
    { kotoba: '/workflow/strategy/strategies/2/strategy' },
    { kotoba: '/workflow/strategy/strategies/0/strategy' },
  ]);
});

test('a rule-level seq starts from not-applied and or-s each strategy into it', () => {
  const seq = compiled({ kind: 'seq', strategies: [{ kind: 'once', rule: 'a' }, { kind: 'exhaust', rule: 'b', order: 'topdown' }] }, ['a', 'b']);
  const items = list(seq);
  assert.deepEqual(items.map(([name]) => name.replace(/-\d+$/, '')), ['rules-start', 'once', 'exhaust']);
  assert.deepEqual(items[0]?.[1]['set'], { applied: false });
  for (const [, task] of items.slice(1)) assert.deepEqual(task['output'], { as: '${ {applied: (.applied == true or $task.input.applied == true)} }' });
});

test('in the serde form the pointers go through Basic.strategy', () => {
  const task = compiled({ kind: 'choice', strategies: [{ kind: 'once', rule: 'a' }] }, ['a'], 'serde');
  assert.deepEqual(task['metadata'], { kotoba: '/strategy' }, 'the Basic op');
  assert.deepEqual(list(task)[0]?.[1]['metadata'], { kotoba: '/strategy/strategy/strategies/0' });
});

test('a rule declared as a Process activity gets its input as JSON on stdin', () => {
  const result = compileWorkflowIr(
    { ...ir({ kind: 'once', rule: 'p' }), activities: [{ name: 'p', inputs: [], outputs: [], implementation: { kind: 'process', command: 'cat', args: [], env: {} } }] },
    { form: 'kotoba' },
  );
  assert.ok(result.ok);
  const text = JSON.stringify(result.document);
  assert.match(text, /"stdin":"\$\{ \{state: \$context, iteration: 0\} \| tojson \}"/);
});

test('a rule named like a built-in call is a problem at its rule', () => {
  const result = compileWorkflowIr(ir({ kind: 'choice', strategies: [{ kind: 'once', rule: 'http' }] }), { form: 'kotoba' });
  assert.deepEqual(result.ok ? [] : result.problems.map((problem) => problem.pointer), ['/workflow/strategy/strategies/0/rule']);
});
