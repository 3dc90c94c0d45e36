/**
 * The runner's step semantics and replay check, driven by a scripted fake engine (the real one is tested by
 * ctk.test.ts; this proves the runner passes what should pass and fails what should fail, with clear messages).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionResult, ExecutionState } from '../../src/index.js';
import type { Json } from '../../src/model/json.js';
import { parseFeature, type CtkScenario } from './feature-loader.js';
import { ReplayMismatchError } from './replay-check.js';
import { runScenario, StepFailedError } from './run-scenario.js';
import type { CtkEngine, LoadedDefinition } from './scenario-world.js';

type TaskRecord = ExecutionState['tasks'][number];

interface Script {
  readonly state: ExecutionState;
  /** What engine.run returns; derived from `state` unless a case wants them to disagree. */
  readonly result?: ExecutionResult;
  readonly rebuilt?: ExecutionState | Error;
}

interface FakeEngine extends CtkEngine {
  readonly loaded: unknown[];
  readonly runs: unknown[];
  closed: boolean;
}

function fakeEngine(script: Script): FakeEngine {
  const { state } = script;
  const result = script.result ?? ({ executionId: state.executionId, status: state.status, output: state.output, error: state.error } as unknown as ExecutionResult);
  const engine: FakeEngine = {
    loaded: [],
    runs: [],
    closed: false,
    load: (source) => {
      engine.loaded.push(source);
      return { fake: 'definition' } as unknown as LoadedDefinition;
    },
    run: async (_definition, options) => {
      engine.runs.push(options);
      return result;
    },
    getExecution: async (id) => (id === state.executionId ? state : undefined),
    rebuild: async () => {
      if (script.rebuilt instanceof Error) throw script.rebuilt;
      return structuredClone(script.rebuilt ?? state);
    },
    close: async () => {
      engine.closed = true;
    },
  };
  return engine;
}

function task(name: string, index: number, output: Json, status: TaskRecord['status'] = 'completed', error?: Json): TaskRecord {
  return { name, reference: `/do/${index}/${name}`, indexes: [], status, input: {}, output, error, startedAt: index, endedAt: index } as unknown as TaskRecord;
}

function state(fields: Partial<ExecutionState>): ExecutionState {
  return { executionId: 'exec-1', definitionHash: 'hash', namespace: 'default', name: 't', version: '1.0.0', status: 'completed', input: {}, seq: 7, hash: 'h', startedAt: 0, updatedAt: 0, tasks: [], openTimers: [], ...fields };
}

/** A scenario from Gherkin lines; the definition and When steps come first unless `bare`. */
function scenario(lines: string, bare = false): CtkScenario {
  const prefix = bare ? '' : `
    Given a workflow with definition:
    """yaml
    document: { dsl: '1.0.3', namespace: default, name: t, version: '1.0.0' }
    do: [ { a: { set: { x: 1 } } } ]
    """
    When the workflow is executed
`;
  const parsed = parseFeature(`Feature: Self test\n  Scenario: Case\n${prefix}${lines}`, 'self-test.feature');
  const [only] = parsed.scenarios;
  assert.ok(only);
  return only;
}

const faulted = { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', status: 404, title: 'Not Found', instance: '/do/0/a' };
const three = state({
  output: { colors: ['red', 'green'], content: { id: 1, name: null }, ids: [1, 2] },
  tasks: [task('a', 0, 1), task('b', 1, { y: 2 }), task('c', 2, null, 'faulted', faulted)],
});

const passing = [
  {
    name: 'workflow outcome, properties, values and item counts',
    script: { state: three },
    steps: `
    Then the workflow should complete
    And the workflow output should have properties 'colors', 'content.id', 'content.name', 'ids.1'
    And the workflow output should have a 'content' property with value:
    """yaml
    id: 1
    name: null
    """
    And the workflow output should have a 'ids' property containing 2 items
    And the workflow output should have a 'colors.0' property with value:
    """yaml
    red
    """`,
  },
  {
    name: 'task order and task outcomes, by name or by reference',
    script: { state: three },
    steps: `
    And a should run first
    And c should run last
    And b should run after a
    And a should run before /do/2/c
    And a should complete
    And b should complete with output:
    """yaml
    y: 2
    """
    And c should fault
    And /do/2/c should fault with error:
    """yaml
    type: https://serverlessworkflow.io/dsl/errors/types/communication
    status: 404
    title: Not Found
    instance: /do/0/a
    """`,
  },
  {
    name: 'a scalar workflow output',
    script: { state: state({ output: 1 }) },
    steps: `
    Then the workflow should complete with output:
    """yaml
    1
    """`,
  },
  {
    name: 'a fault with the exact error',
    script: { state: state({ status: 'faulted', error: { status: 400, type: 'https://example.com/x', title: 'X', instance: '/do/0/a' } }) },
    steps: `
    Then the workflow should fault
    Then the workflow should fault with error:
    """yaml
    status: 400
    type: https://example.com/x
    title: X
    instance: /do/0/a
    """`,
  },
  { name: 'a cancellation', script: { state: state({ status: 'cancelled' }) }, steps: '    Then the workflow should cancel' },
];
for (const c of passing) {
  test(`the runner passes ${c.name}`, async () => {
    const engine = fakeEngine(c.script);
    const parsed = scenario(c.steps);
    assert.equal(parsed.steps.length, 2 + c.steps.split('\n').filter((line) => /^\s+(Then|And) /.test(line)).length);
    await runScenario('self-test.feature', parsed, async () => engine);
    assert.equal(engine.closed, true);
  });
}

test('the definition reaches engine.load as the docstring text and the input reaches engine.run', async () => {
  const engine = fakeEngine({ state: state({ output: {} }) });
  const withInput = scenario(`
    Given a workflow with definition:
    """yaml
    do: []
    """
    And given the workflow input is:
    """yaml
    on: yes
    """
    When the workflow is executed`, true);
  await runScenario('self-test.feature', withInput, async () => engine);
  assert.deepEqual(engine.loaded, ['do: []']);
  assert.deepEqual(engine.runs, [{ input: { on: 'yes' } }], 'YAML 1.2: `on` and `yes` stay strings');
});

test('a scenario without an input step runs with no input key, leaving the default to the engine', async () => {
  const engine = fakeEngine({ state: state({ output: {} }) });
  await runScenario('self-test.feature', scenario(''), async () => engine);
  assert.deepEqual(engine.runs, [{}]);
});

const failing = [
  {
    name: 'a different output',
    script: { state: state({ output: { colors: ['red'] } }) },
    steps: '    Then the workflow should complete with output:\n    """yaml\n    colors: [ red, green ]\n    """',
    error: /self-test\.feature:\d+ "Then the workflow should complete with output:" failed: the workflow output: expected \{"colors":\["red","green"\]\}, found \{"colors":\["red"\]\}/,
  },
  {
    name: 'a fault where completion is expected',
    script: { state: state({ status: 'faulted', error: faulted }) },
    steps: '    Then the workflow should complete',
    error: /expected the workflow to be completed, but it is faulted with error \{"type":"https:\/\/serverlessworkflow\.io\/spec\/1\.0\.0\/errors\/communication"/,
  },
  {
    name: 'a missing property',
    script: { state: three },
    steps: "    And the workflow output should have properties 'colors', 'content.missing', 'nope'",
    error: /the workflow output lacks 'content\.missing', 'nope'/,
  },
  {
    name: 'a property with a different value',
    script: { state: three },
    steps: "    And the workflow output should have a 'content.id' property with value:\n    \"\"\"yaml\n    '1'\n    \"\"\"",
    error: /the workflow output's 'content\.id': expected "1", found 1/,
  },
  {
    name: 'a property path that does not exist',
    script: { state: three },
    steps: "    And the workflow output should have a 'content.deep.er' property with value:\n    \"\"\"yaml\n    1\n    \"\"\"",
    error: /has no 'content\.deep\.er' \(it stops at 'content'\)/,
  },
  {
    name: 'a wrong item count',
    script: { state: three },
    steps: "    And the workflow output should have a 'ids' property containing 1 items",
    error: /'ids' should hold 1 items, found 2: \[1,2\]/,
  },
  {
    name: 'an error with an unexpected detail',
    script: { state: state({ status: 'faulted', error: { ...faulted, detail: 'extra' } }) },
    steps: `    Then the workflow should fault with error:\n    """yaml\n    ${Object.entries(faulted).map(([k, v]) => `${k}: ${v}`).join('\n    ')}\n    """`,
    error: /the workflow error: expected exactly .* \(no other fields\), found .*"detail":"extra"/,
  },
  {
    name: 'a fault without a problem',
    script: { state: state({ status: 'faulted', error: undefined }) },
    steps: '    Then the workflow should fault',
    error: /faulted without an RFC 7807 error/,
  },
  {
    name: 'a wrong order',
    script: { state: three },
    steps: '    And a should run after b',
    error: /expected a to run after b; the tasks ran in the order a \(\/do\/0\/a, completed\) → b/,
  },
  { name: 'a task that never ran', script: { state: three }, steps: '    And zzz should run first', error: /expected zzz to run first/ },
  { name: 'a task that never ran (order)', script: { state: three }, steps: '    And zzz should run after a', error: /zzz never ran/ },
  { name: 'a task in another phase', script: { state: three }, steps: '    And c should complete', error: /expected c \(\/do\/2\/c\) to be completed, but it is faulted/ },
  { name: 'an unknown step', script: { state: three }, steps: '    And the moon should rise', error: /"And the moon should rise" failed: no step definition matches it; the runner knows: a workflow with definition:/ },
  { name: 'a missing docstring', script: { state: three }, steps: '    Then the workflow should complete with output:', error: /needs a """yaml docstring and has none/ },
  { name: 'an invalid YAML docstring', script: { state: three }, steps: '    Then the workflow should complete with output:\n    """yaml\n    a: [1\n    """', error: /TypeError: the docstring is not valid YAML 1\.2/ },
  {
    name: 'a run result that getExecution contradicts',
    script: { state: state({ output: 1 }), result: { executionId: 'exec-1', status: 'completed', output: 2 } as ExecutionResult },
    steps: '',
    error: /engine\.run returned \{"status":"completed","output":2\} but engine\.getExecution holds \{"status":"completed","output":1\}/,
  },
  {
    name: 'a replay that loses a task output',
    script: { state: three, rebuilt: { ...three, tasks: [three.tasks[0], { ...three.tasks[1], output: null }, three.tasks[2]] } as ExecutionState },
    steps: '',
    error: /replay of execution exec-1 diverged at tasks\[1\] \(\/do\/1\/b\): live \{.*"output":\{"y":2\}.*rebuilt \{.*"output":null/,
  },
  {
    name: 'a replay with another status',
    script: { state: three, rebuilt: { ...three, status: 'faulted' } as ExecutionState },
    steps: '',
    error: /diverged at status: live "completed", rebuilt "faulted"/,
  },
  { name: 'a rebuild that throws', script: { state: three, rebuilt: new Error('a call ran during replay') }, steps: '', error: /engine\.rebuild \(it threw\).*a call ran during replay/ },
];
for (const c of failing) {
  test(`the runner fails ${c.name}, and still closes the engine`, async () => {
    const engine = fakeEngine(c.script);
    await assert.rejects(runScenario('self-test.feature', scenario(c.steps), async () => engine), (error: unknown) => {
      assert.ok(error instanceof StepFailedError || error instanceof ReplayMismatchError, String(error));
      assert.match(error.message, c.error);
      return true;
    });
    assert.equal(engine.closed, true);
  });
}

test('a Then step before the When step says the workflow has not been executed', async () => {
  const engine = fakeEngine({ state: three });
  await assert.rejects(runScenario('self-test.feature', scenario('    Then the workflow should complete', true), async () => engine), /has not been executed/);
});

test('an engine that cannot be opened fails the first step that needs it, naming the cause', async () => {
  await assert.rejects(
    runScenario('self-test.feature', scenario(''), async () => {
      throw new Error('no engine yet');
    }),
    /"Given a workflow with definition:" failed: no engine yet/,
  );
});
