import { childPointer } from '../../model/task-ref.js';
import { quote } from '../serverless/schema-descriptions.js';
import type { IrReader } from './ir-reader.js';
import type { WorkflowOp } from './workflow-ir.js';

type AdvancedSaga = Extract<WorkflowOp, { kind: 'advancedSaga' }>;

export interface AdvancedSagaCheckOptions {
  /** The custom policy's key as written (`custom`, `Custom`), for pointers into its list. */
  readonly customKey?: string;
  /** Whether the document gives `parallelism` (it only matters under the parallel policy). */
  readonly hasParallelism?: boolean;
}

/**
 * What makes an advanced saga impossible to compensate as written: a compensation, a custom order entry, a
 * condition or a dependency naming no step (an `activity_ref` of the main flow), a compensated step that occurs
 * twice in the main flow (which occurrence would it undo?), a custom order that leaves a compensated step out,
 * dependencies that form a cycle, and `dependencies` or `parallelism` under a policy that ignores them.
 */
export function checkAdvancedSaga(
  reader: IrReader,
  saga: AdvancedSaga,
  pointer: string,
  steps: readonly { readonly ref: string; readonly pointer: string }[],
  options: AdvancedSagaCheckOptions = {},
): void {
  const customKey = options.customKey ?? 'custom';
  const stepNames = [...new Set(steps.map((step) => step.ref))];
  const stepList = stepNames.length === 0 ? 'none (the main flow has no activity)' : stepNames.map((name) => quote(name)).join(', ');
  const compensated = Object.keys(saga.compensations);
  const undefinedName = (at: string, name: string, what: string, known: string, atKey = false): void => {
    const expected = `${what}: one of ${known}`;
    reader.check({
      pointer: at,
      ...(atKey ? { at: 'key' as const } : {}),
      message: `${quote(name)} names no ${what}; expected one of ${known}`,
      expected,
      found: quote(name),
    });
  };

  for (const name of compensated) {
    if (!stepNames.includes(name)) undefinedName(childPointer(pointer, 'compensations', name), name, 'step of main_flow', stepList, true);
  }
  const seen = new Map<string, string>();
  for (const step of steps) {
    const first = seen.get(step.ref);
    if (first !== undefined && compensated.includes(step.ref)) {
      const expected = 'each compensated step once in main_flow';
      reader.check({
        pointer: step.pointer,
        message: `duplicate activity_ref ${quote(step.ref)} in main_flow (first at ${first}): expected ${expected}, so its compensation undoes one step`,
        expected,
        found: `${quote(step.ref)} twice`,
      });
    }
    if (first === undefined) seen.set(step.ref, step.pointer);
  }

  const compensationList = compensated.length === 0 ? 'none' : compensated.map((name) => quote(name)).join(', ');
  if (saga.policy.kind === 'custom') {
    const at = childPointer(pointer, 'policy', customKey);
    const listed = new Set<string>();
    saga.policy.order.forEach((name, index) => {
      if (!compensated.includes(name)) undefinedName(childPointer(at, index), name, 'compensated step', compensationList);
      else if (listed.has(name)) {
        const expected = 'each step once in the custom order';
        reader.check({ pointer: childPointer(at, index), message: `duplicate step ${quote(name)}: expected ${expected}`, expected, found: `${quote(name)} twice` });
      }
      listed.add(name);
    });
    const missing = compensated.filter((name) => !listed.has(name));
    if (missing.length > 0) {
      const expected = 'a custom order that names every compensated step';
      const found = `${missing.map((name) => quote(name)).join(', ')} left out`;
      reader.check({ pointer: at, message: `expected ${expected}, found ${found}: a completed step would never be compensated`, expected, found });
    }
  }
  for (const name of Object.keys(saga.conditions)) {
    if (!compensated.includes(name)) undefinedName(childPointer(pointer, 'conditions', name), name, 'compensated step', compensationList, true);
  }
  for (const [name, needs] of Object.entries(saga.dependencies)) {
    const at = childPointer(pointer, 'dependencies', name);
    if (!stepNames.includes(name)) undefinedName(at, name, 'step of main_flow', stepList, true);
    needs.forEach((need, index) => {
      if (!stepNames.includes(need)) undefinedName(childPointer(at, index), need, 'step of main_flow', stepList);
    });
  }
  checkDependencyCycle(reader, saga, pointer);
  const policyName = reader.spelling(saga.policy.kind === 'reverseOrder' ? 'reverseorder' : saga.policy.kind);
  const ignored = (key: string, found: string): void => {
    const expected = `${key} only with the ${reader.spelling('parallel')} policy`;
    reader.check({ pointer: childPointer(pointer, key), message: `${key} would be ignored under policy ${policyName}: expected ${expected}`, expected, found });
  };
  if (saga.policy.kind !== 'parallel') {
    if (Object.keys(saga.dependencies).length > 0) ignored('dependencies', `dependencies under ${policyName}`);
    if (options.hasParallelism === true) ignored('parallelism', `parallelism under ${policyName}`);
  }
}

/** Dependencies decide which compensation waits for which: a cycle would leave every step in it waiting. */
function checkDependencyCycle(reader: IrReader, saga: AdvancedSaga, pointer: string): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const need of saga.dependencies[name] ?? []) {
      const cycle = visit(need);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(saga.dependencies)) {
    const cycle = visit(name);
    if (cycle === undefined) continue;
    const expected = 'dependencies without a cycle';
    const found = cycle.map((step) => quote(step)).join(' → ');
    reader.check({ pointer: childPointer(pointer, 'dependencies', cycle[0] ?? name), at: 'key', message: `expected ${expected}, found ${found}: no step of it could be compensated first`, expected, found });
    return;
  }
}
