import assert from 'node:assert/strict';
import test from 'node:test';
import { createCompiledJqEngine } from '../../expressions/jq/compiled-jq-engine.js';
import { isWorkflowIrValue, loadKotobaDefinitionText, loadSerdeDefinition, toIrProblem } from './load-kotoba-definition.js';

const jq = createCompiledJqEngine();

test('a problem of the compiled document moves to the IR pointer of the nearest generated task', () => {
  const document = { do: [{ seq: { do: [{ pay: { call: 'pay', metadata: { kotoba: '/workflow/strategy/strategies/0' } } }], metadata: { kotoba: '/workflow/strategy' } } }] };
  const moved = toIrProblem({ pointer: '/do/0/seq/do/0/pay/call', message: 'unknown function', line: 3, column: 4 }, document, 'kotoba');
  assert.deepEqual(moved, { pointer: '/workflow/strategy/strategies/0', message: 'unknown function (compiled Serverless Workflow at /do/0/seq/do/0/pay/call)' });
  assert.equal(toIrProblem({ pointer: '/output/as', message: 'm' }, document, 'serde').pointer, '');
});

const recognised = [
  { value: { id: 'a', strategy: { op: 'Seq', strategies: [] } }, isIr: true },
  { value: { document: { dsl: '1.0.3' }, do: [] }, isIr: false },
  { value: { document: {}, strategy: {} }, isIr: false },
  { value: [], isIr: false },
  { value: undefined, isIr: false },
];
for (const c of recognised) {
  test(`${JSON.stringify(c.value)} ${c.isIr ? 'is' : 'is not'} a serde WorkflowIR`, () => assert.equal(isWorkflowIrValue(c.value), c.isIr));
}

test('.kotoba text loads into a definition named by the workflow id, in the kotoba namespace', async () => {
  const text = "{ workflow: { id: 'hello_world', name: 'Hello', version: '2', inputs: [], outputs: [], strategy: { op: 'activity', activity_ref: 'greet' } } }";
  const result = await loadKotobaDefinitionText(text, { jq, functions: ['greet'] });
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual([result.definition.namespace, result.definition.name, result.definition.version], ['kotoba', 'hello-world', '2.0.0']);
});

test('IR problems keep their pointer (and line) into the serde source', () => {
  const text = '{"id": "a", "name": "A", "version": "1.0.0", "inputs": [], "outputs": [], "metadata": {},\n "strategy": {"op": "Activity", "activity_ref": "nobody", "input_mapping": {}, "retry_policy": null}}';
  const result = loadSerdeDefinition(text, { jq, functions: ['greet'] });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(result.problems.map((problem) => [problem.pointer, problem.line]), [['/strategy/activity_ref', 2]]);
});
