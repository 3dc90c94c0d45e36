/**
 * The advanced saga (kotoba-workflow's `AdvancedSagaPattern`) compiled to plain Serverless Workflow tasks; the state
 * keeps its record, so everything replays like any other compiled op.
 *
 * - **Recording.** The state field `sagas.<saga pointer>` starts as `{completed: {}, compensations: {}}`. Each step
 *   (an `activity_ref` of the main flow) that has a compensation records `completed.<step> = true` in the same
 *   export that merges its output, so a step is recorded exactly when it completed.
 * - **Main flow.** A `try` around it (with the saga's `timeout`, if any, as its deadline). A `parallel` (all) of the
 *   main flow that holds compensated steps runs every branch to its end even when one faults — a faulted fork drops
 *   its branches' states, and with them the record of what the others completed — then raises the first fault in
 *   declaration order. A competing `parallel` (any, at_least) there is rejected: its losers are cancelled halfway,
 *   and what they completed could not be known.
 * - **Compensation.** In the `catch`: each completed step's compensation, per policy — `reverse_order` and
 *   `conditional` last completed first (completion order is main-flow order, parallel branches in declaration
 *   order), `custom` in the listed order, `parallel` in waves (a step before the steps it depends on), at most
 *   `parallelism` at once. A step whose condition is false on the state is skipped. Each compensation is a durable
 *   step, retried as a whole by the saga's `retry_policy` (its activities keep their own policies); its failure is
 *   caught and recorded, and the next compensation still runs.
 * - **Outcome.** The original error is raised again, unchanged but for one member: `compensations`, a list with one
 *   report per advanced saga it passed through (innermost first):
 *   `{ saga, policy, completed: [steps], compensations: [{ step, status: compensated | failed | skipped, error?,
 *   condition? }] }` — `completed` in completion order, `compensations` in the order they were started.
 */
import type { JsonObject } from '../../model/json.js';
import { childPointer } from '../../model/task-ref.js';
import { BRANCH_STATE, conditionJq, expression, parallelMergeExport, sagaRecordPath } from './state-expressions.js';
import { type CompileHost, type CompiledTask, isoDuration, item, jqString, retried, setState, withPointer } from './sw-fragments.js';
import type { WorkflowOp } from './workflow-ir.js';

type AdvancedSaga = Extract<WorkflowOp, { kind: 'advancedSaga' }>;

/** Compiles the advanced saga at `pointer`; its record lives under `sagas[pointer]`. */
export function compileAdvancedSaga(host: CompileHost, saga: AdvancedSaga, pointer: string): CompiledTask {
  const key = pointer;
  const compensated = Object.keys(saga.compensations);
  const inMainFlow = [...new Set(stepRefs(saga.mainFlow))].filter((step) => compensated.includes(step));
  // Under `shape` checks a compensation may name no step of the main flow: it is never recorded, so never run.
  const completionOrder = [...inMainFlow, ...compensated.filter((step) => !inMainFlow.includes(step))];
  const mainPointer = childPointer(pointer, 'main_flow');
  const main = host.withinSaga({ key, steps: new Set(compensated) }, () => host.op(saga.mainFlow, mainPointer));
  const mainItem = saga.timeout === undefined ? item(main) : { [host.name('saga-flow')]: { do: [item(main)], timeout: { after: isoDuration(saga.timeout) }, metadata: { kotoba: mainPointer } } };

  const waves = compensationWaves(saga, completionOrder);
  const compensations = waves.map((wave) => (wave.length === 1 ? compensateStep(host, saga, key, wave[0] ?? '', pointer) : compensateTogether(host, saga, key, wave, pointer)));
  const started = waves.flat();
  const path = `$context${sagaRecordPath(key)}`;
  const report =
    `${path} as $s | {saga: ${jqString(key)}, policy: ${jqString(policyName(saga))},` +
    ` completed: [${JSON.stringify(completionOrder)}[] | select($s.completed[.] // false)],` +
    ` compensations: [${JSON.stringify(started)}[] as $step | ($s.compensations[$step] // empty) | {step: $step} + .]}`;
  const fault = { raise: { error: expression(`$sagaError + {compensations: (($sagaError.compensations // []) + [${report}])}`) } };
  return {
    name: host.name('advanced-saga'),
    task: {
      do: [
        { [host.name('saga-start')]: setState(`$context | ${sagaRecordPath(key)} = {completed: {}, compensations: {}}`) },
        {
          [host.name('saga')]: {
            try: [mainItem],
            catch: { as: 'sagaError', do: [...compensations, { [host.name('saga-fault')]: fault }] },
          },
        },
      ],
    },
  };
}

/** The activity refs an op runs, in declaration order (the order its steps complete in, parallels merged in order). */
export function stepRefs(op: WorkflowOp): string[] {
  switch (op.kind) {
    case 'activity':
      return [op.activityRef];
    case 'seq':
      return op.strategies.flatMap(stepRefs);
    case 'parallel':
      return op.branches.flatMap(stepRefs);
    case 'decision':
      return [...op.conditions.flatMap((condition) => stepRefs(condition.branch)), ...(op.defaultBranch === undefined ? [] : stepRefs(op.defaultBranch))];
    case 'saga':
      return [...stepRefs(op.mainFlow), ...stepRefs(op.compensation)];
    case 'advancedSaga':
      return [...stepRefs(op.mainFlow), ...Object.values(op.compensations).flatMap(stepRefs)];
    case 'wait':
    case 'subworkflow':
    case 'rules':
      return [];
  }
}

/**
 * A `parallel` (all) inside a saga's main flow: each branch catches its own fault and ends with `{state, error?}`,
 * so every branch's state (and saga record) merges at the join; then the first fault, in declaration order, is
 * raised unchanged.
 */
export function recordingParallel(host: CompileHost, branches: readonly CompiledTask[], pointer: string): CompiledTask {
  const wrapped = branches.map((branch, index) => {
    const at = childPointer(pointer, 'branches', index);
    const ended = { [host.name('branch-state')]: { set: expression('{state: $context}') } };
    const failed = { [host.name('branch-failed')]: { set: expression('{state: $context, error: $branchError}') } };
    const attempt = { [host.name('branch-attempt')]: { try: [item(branch), ended], catch: { as: 'branchError', do: [failed] } } };
    return { [`branch-${index}`]: { do: [attempt], metadata: { kotoba: at } } };
  });
  const raiseFirst = {
    if: expression('any(.[]; .error != null)'),
    raise: { error: expression('first(.[] | select(.error != null) | .error)') },
  };
  return {
    name: host.name('parallel'),
    task: {
      do: [
        { [host.name('fork')]: { fork: { branches: wrapped }, export: { as: parallelMergeExport('.state') } } },
        { [host.name('branch-fault')]: raiseFirst },
      ],
    },
  };
}

/** The order compensations start in: one wave after another, the steps of a wave at once. */
function compensationWaves(saga: AdvancedSaga, completionOrder: readonly string[]): string[][] {
  const reverse = [...completionOrder].reverse();
  switch (saga.policy.kind) {
    case 'reverseOrder':
    case 'conditional':
      return reverse.map((step) => [step]);
    case 'custom': {
      const listed = saga.policy.order.filter((step) => completionOrder.includes(step));
      return [...listed, ...reverse.filter((step) => !listed.includes(step))].map((step) => [step]);
    }
    case 'parallel': {
      const level = dependencyLevels(saga.dependencies);
      const levels = [...new Set(reverse.map((step) => level(step)))].sort((a, b) => a - b);
      return levels.flatMap((at) => chunks(reverse.filter((step) => level(step) === at), saga.parallelism));
    }
  }
}

/**
 * A step is compensated before the steps it depends on: level 0 for a step nobody depends on, else one more than
 * the highest level of its dependents. A cycle (rejected at load) is cut where it closes.
 */
function dependencyLevels(dependencies: Readonly<Record<string, readonly string[]>>): (step: string) => number {
  const dependents = new Map<string, string[]>();
  for (const [step, needs] of Object.entries(dependencies)) {
    for (const need of needs) dependents.set(need, [...(dependents.get(need) ?? []), step]);
  }
  const levels = new Map<string, number>();
  const visiting = new Set<string>();
  const level = (step: string): number => {
    const known = levels.get(step);
    if (known !== undefined) return known;
    if (visiting.has(step)) return 0;
    visiting.add(step);
    const value = Math.max(-1, ...(dependents.get(step) ?? []).map(level)) + 1;
    visiting.delete(step);
    levels.set(step, value);
    return value;
  };
  return level;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

/**
 * One step's compensation: nothing when the step did not complete; `skipped` when its condition is false; else the
 * compensation flow (retried by the saga's policy), recorded `compensated`, or `failed` with the error it raised.
 */
function compensateStep(host: CompileHost, saga: AdvancedSaga, key: string, step: string, sagaPointer: string): JsonObject {
  const at = childPointer(sagaPointer, 'compensations', step);
  const compensation = saga.compensations[step];
  const flow = compensation === undefined ? undefined : host.op(compensation, at);
  const record = (result: string): JsonObject => setState(`$context | ${sagaRecordPath(key)}.compensations[${jqString(step)}] = ${result}`);
  const condition = saga.conditions[step];
  const skippedName = host.name(`skipped-${step}`);
  const guard: JsonObject[] = [
    { 'not-completed': { when: expression(`($context${sagaRecordPath(key)}.completed[${jqString(step)}] // false) | not`), then: 'exit' } },
    ...(condition === undefined ? [] : [{ declined: { when: expression(`${conditionJq(condition)} | not`), then: skippedName } }]),
  ];
  const run = flow === undefined ? [] : [retried(host.name(`retry-${step}`), item(flow), saga.retryPolicy)];
  const attempt = {
    try: [...run, { [host.name(`compensated-${step}`)]: record('{status: "compensated"}') }],
    catch: { as: 'compensationError', do: [{ [host.name(`failed-${step}`)]: record('{status: "failed", error: $compensationError}') }] },
    then: 'exit',
  };
  const list: JsonObject[] = [{ [host.name(`completed-${step}`)]: { switch: guard } }, { [host.name(`compensate-${step}`)]: attempt }];
  if (condition !== undefined) list.push({ [skippedName]: record(`{status: "skipped", condition: ${jqString(condition)}}`) });
  const compiled = withPointer({ name: host.name(`undo-${step}`), task: { do: list } }, at);
  return item(compiled);
}

/** A wave of several compensations: a fork, each branch ending with its state, merged in declaration order. */
function compensateTogether(host: CompileHost, saga: AdvancedSaga, key: string, wave: readonly string[], sagaPointer: string): JsonObject {
  const branches = wave.map((step, index) => ({
    [`branch-${index}`]: { do: [compensateStep(host, saga, key, step, sagaPointer), { [host.name('branch-state')]: { set: BRANCH_STATE } }] },
  }));
  const metadata = { kotoba: childPointer(sagaPointer, 'compensations') };
  return { [host.name('compensate-wave')]: { fork: { branches }, export: { as: parallelMergeExport() }, metadata } };
}

function policyName(saga: AdvancedSaga): string {
  switch (saga.policy.kind) {
    case 'reverseOrder':
      return 'reverse_order';
    case 'custom':
    case 'parallel':
    case 'conditional':
      return saga.policy.kind;
  }
}
