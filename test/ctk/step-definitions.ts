/**
 * The CTK step table: every step documented in the spec's `ctk/README` (summarised in shared/spec/CTK.md), including
 * those no scenario uses yet. One regular expression per step, anchored at both ends, matched against the text after
 * the keyword (`And given the workflow input is:` has the text `given the workflow input is:`). Task steps accept a
 * task name (matched on the record's name, as Synapse does) or, for names that repeat across scopes, a JSON pointer
 * (matched on the record's reference).
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { ExecutionState } from '../../src/index.js';
import { isJsonObject, type Json } from '../../src/model/json.js';
import type { Phase } from '../../src/model/phases.js';
import { lookUpDottedPath } from './dotted-path.js';
import { assertJsonEqual, assertProblemEqual, jsonText, plainJson } from './json-assertions.js';
import type { ScenarioWorld } from './scenario-world.js';

export interface StepCall {
  /** The pattern's capture groups. */
  readonly args: readonly string[];
  /** The docstring parsed as YAML; `null` for steps that take none. */
  readonly doc: Json;
  /** The docstring as written (the definition is handed to the engine as text, as a user would). */
  readonly docText: string;
}

export interface StepDefinition {
  /** The step as documented, for "no step matches" messages. */
  readonly usage: string;
  readonly pattern: RegExp;
  readonly takesDocString: boolean;
  readonly run: (world: ScenarioWorld, call: StepCall) => Promise<void> | void;
}

type TaskRecord = ExecutionState['tasks'][number];

const TASK = String.raw`(\S+)`;
const QUOTED_PATH = String.raw`'([^']+)'`;
const PATH_LIST = String.raw`('[^']+'(?:\s*,\s*'[^']+')*)`;

export const stepDefinitions: readonly StepDefinition[] = [
  {
    usage: 'a workflow with definition: """yaml',
    pattern: /^a workflow with definition:$/,
    takesDocString: true,
    run: async (world, { doc, docText }) => {
      assert.ok(isJsonObject(doc), `the definition must be a YAML mapping, found ${jsonText(doc)}`);
      const engine = await world.engine();
      world.definition = engine.load(docText);
    },
  },
  {
    usage: 'given the workflow input is: """yaml',
    // The CTK writes "And given the workflow input is:"; a plain "Given the workflow input is:" means the same.
    pattern: /^(?:given )?the workflow input is:$/,
    takesDocString: true,
    run: (world, { doc }) => {
      world.input = { value: doc };
    },
  },
  {
    usage: 'the workflow is executed',
    pattern: /^the workflow is executed$/,
    takesDocString: false,
    run: async (world) => {
      assert.ok(world.definition !== undefined, 'no definition: a "Given a workflow with definition:" step must come first');
      const engine = await world.engine();
      const result = await engine.run(world.definition, world.input === undefined ? {} : { input: world.input.value });
      const state = await engine.getExecution(result.executionId);
      assert.ok(state, `engine.getExecution("${result.executionId}") returned nothing right after engine.run finished it`);
      assertRunMatchesState(result, state);
      world.execution = { result, state };
    },
  },
  {
    usage: 'the workflow should complete',
    pattern: /^the workflow should complete$/,
    takesDocString: false,
    run: (world) => void workflowIn(world, 'completed'),
  },
  {
    usage: 'the workflow should complete with output: """yaml',
    pattern: /^the workflow should complete with output:$/,
    takesDocString: true,
    run: (world, { doc }) => assertJsonEqual(workflowIn(world, 'completed').output, doc, 'the workflow output'),
  },
  {
    usage: 'the workflow should fault',
    pattern: /^the workflow should fault$/,
    takesDocString: false,
    run: (world) => {
      const { error } = workflowIn(world, 'faulted');
      assert.ok(isProblemLike(error), `the workflow faulted without an RFC 7807 error (type and status); its error is ${jsonText(error)}`);
    },
  },
  {
    usage: 'the workflow should fault with error: """yaml',
    pattern: /^the workflow should fault with error:$/,
    takesDocString: true,
    run: (world, { doc }) => assertProblemEqual(workflowIn(world, 'faulted').error, doc, 'the workflow error'),
  },
  {
    usage: 'the workflow should cancel',
    pattern: /^the workflow should cancel$/,
    takesDocString: false,
    run: (world) => void workflowIn(world, 'cancelled'),
  },
  {
    usage: "the workflow output should have properties '<path>', '<path>'…",
    pattern: new RegExp(`^the workflow output should have properties ${PATH_LIST}$`),
    takesDocString: false,
    run: (world, { args }) => {
      const output = workflowOutput(world);
      const paths = [...(args[0] ?? '').matchAll(/'([^']+)'/g)].map((match) => match[1] ?? '');
      const missing = paths.filter((path) => !lookUpDottedPath(output, path).found);
      if (missing.length > 0) {
        assert.fail(`the workflow output lacks ${missing.map((path) => `'${path}'`).join(', ')}; the output is ${jsonText(output)}`);
      }
    },
  },
  {
    usage: "the workflow output should have a '<path>' property with value: \"\"\"yaml",
    pattern: new RegExp(`^the workflow output should have a ${QUOTED_PATH} property with value:$`),
    takesDocString: true,
    run: (world, { args, doc }) => {
      const path = args[0] ?? '';
      assertJsonEqual(valueAt(workflowOutput(world), path), doc, `the workflow output's '${path}'`);
    },
  },
  {
    usage: "the workflow output should have a '<path>' property containing <N> items",
    pattern: new RegExp(`^the workflow output should have a ${QUOTED_PATH} property containing (\\d+) items?$`),
    takesDocString: false,
    run: (world, { args }) => {
      const path = args[0] ?? '';
      const value = valueAt(workflowOutput(world), path);
      assert.ok(Array.isArray(value), `the workflow output's '${path}' should be an array, found ${jsonText(value)}`);
      assert.ok(value.length === Number(args[1]), `the workflow output's '${path}' should hold ${args[1]} items, found ${value.length}: ${jsonText(value)}`);
    },
  },
  {
    usage: '<task> should run first|last',
    pattern: new RegExp(`^${TASK} should run (first|last)$`),
    takesDocString: false,
    run: (world, { args: [task = '', which] }) => {
      const { tasks } = world.executed().state;
      const record = which === 'first' ? tasks[0] : tasks[tasks.length - 1];
      assert.ok(record && matchesTask(record, task), `expected ${task} to run ${which}; the tasks ran in the order ${taskLog(tasks)}`);
    },
  },
  {
    usage: '<task> should run after|before <task>',
    pattern: new RegExp(`^${TASK} should run (after|before) ${TASK}$`),
    takesDocString: false,
    run: (world, { args: [task = '', relation, other = ''] }) => {
      const { tasks } = world.executed().state;
      // First runs are compared, as Synapse compares indexOf(a) with indexOf(b).
      const position = firstPosition(tasks, task);
      const otherPosition = firstPosition(tasks, other);
      const holds = relation === 'after' ? position > otherPosition : position < otherPosition;
      assert.ok(holds, `expected ${task} to run ${relation} ${other}; the tasks ran in the order ${taskLog(tasks)}`);
    },
  },
  {
    usage: '<task> should cancel|complete|fault',
    pattern: new RegExp(`^${TASK} should (cancel|complete|fault)$`),
    takesDocString: false,
    run: (world, { args: [task = '', verb = ''] }) => void taskIn(world, task, phaseOf(verb)),
  },
  {
    usage: '<task> should complete with output: """yaml',
    pattern: new RegExp(`^${TASK} should complete with output:$`),
    takesDocString: true,
    run: (world, { args: [task = ''], doc }) => assertJsonEqual(taskIn(world, task, 'completed').output, doc, `the output of ${task}`),
  },
  {
    usage: '<task> should fault with error: """yaml',
    pattern: new RegExp(`^${TASK} should fault with error:$`),
    takesDocString: true,
    run: (world, { args: [task = ''], doc }) => assertProblemEqual(taskIn(world, task, 'faulted').error, doc, `the error of ${task}`),
  },
];

export interface StepMatch {
  readonly definition: StepDefinition;
  readonly args: readonly string[];
}

/** Every definition whose pattern matches `text`; the runner requires exactly one. */
export function matchStep(text: string): StepMatch[] {
  const matches: StepMatch[] = [];
  for (const definition of stepDefinitions) {
    const match = definition.pattern.exec(text);
    if (match !== null) matches.push({ definition, args: match.slice(1).map((arg) => arg ?? '') });
  }
  return matches;
}

function assertRunMatchesState(result: { status: string; output?: unknown; error?: unknown }, state: ExecutionState): void {
  const fromRun = { status: result.status, output: plainJson(result.output), error: plainJson(result.error) };
  const stored = { status: state.status, output: plainJson(state.output), error: plainJson(state.error) };
  if (!isDeepStrictEqual(fromRun, stored)) {
    assert.fail(`engine.run returned ${jsonText(fromRun)} but engine.getExecution holds ${jsonText(stored)}`);
  }
}

function workflowIn(world: ScenarioWorld, phase: Phase): ExecutionState {
  const { state } = world.executed();
  if (state.status !== phase) {
    const outcome = state.error === undefined ? `output ${jsonText(state.output)}` : `error ${jsonText(state.error)}`;
    assert.fail(`expected the workflow to be ${phase}, but it is ${state.status} with ${outcome}`);
  }
  return state;
}

/** Output assertions presuppose a completed workflow; saying so beats "property missing from undefined". */
function workflowOutput(world: ScenarioWorld): Json | undefined {
  return plainJson(workflowIn(world, 'completed').output);
}

function valueAt(output: Json | undefined, path: string): Json {
  const lookup = lookUpDottedPath(output, path);
  if (!lookup.found) {
    const where = lookup.existingPrefix === '' ? 'the output' : `'${lookup.existingPrefix}'`;
    assert.fail(`the workflow output has no '${path}' (it stops at ${where}); the output is ${jsonText(output)}`);
  }
  return lookup.value;
}

function matchesTask(record: TaskRecord, task: string): boolean {
  return task.startsWith('/') ? record.reference === task : record.name === task;
}

function firstPosition(tasks: readonly TaskRecord[], task: string): number {
  const position = tasks.findIndex((record) => matchesTask(record, task));
  assert.ok(position >= 0, `${task} never ran; the tasks ran in the order ${taskLog(tasks)}`);
  return position;
}

/** The last run of the task: a retried or looped task is judged by how it ended. */
function taskIn(world: ScenarioWorld, task: string, phase: Phase): TaskRecord {
  const { tasks } = world.executed().state;
  const record = tasks.findLast((candidate) => matchesTask(candidate, task));
  assert.ok(record, `${task} never ran; the tasks ran in the order ${taskLog(tasks)}`);
  if (record.status !== phase) {
    const outcome = record.error === undefined ? `output ${jsonText(record.output)}` : `error ${jsonText(record.error)}`;
    assert.fail(`expected ${task} (${record.reference}) to be ${phase}, but it is ${record.status} with ${outcome}`);
  }
  return record;
}

function phaseOf(verb: string): Phase {
  if (verb === 'cancel') return 'cancelled';
  if (verb === 'fault') return 'faulted';
  return 'completed';
}

function isProblemLike(error: unknown): boolean {
  return isJsonObject(plainJson(error) ?? null) && typeof (error as { type?: unknown }).type === 'string' &&
    typeof (error as { status?: unknown }).status === 'number';
}

function taskLog(tasks: readonly TaskRecord[]): string {
  return tasks.length === 0 ? '(no task ran)' : tasks.map((record) => `${record.name} (${record.reference}, ${record.status})`).join(' → ');
}
