import { childPointer } from '../../model/task-ref.js';
import { quote } from '../serverless/schema-descriptions.js';
import type { IrReader } from './ir-reader.js';
import type { WorkflowOp } from './workflow-ir.js';

type AdvancedSaga = Extract<WorkflowOp, { kind: 'advancedSaga' }>;

/**
 * What makes an advanced saga impossible to compensate as written: a compensation, a custom order entry, a
 * condition or a dependency naming no step (an `activity_ref` of the main flow), a compensated step that occurs
 * twice in the main flow (which occurrence would it undo?), and conditions under a policy that ignores them.
 */
export function checkAdvancedSaga(
  reader: IrReader,
  saga: AdvancedSaga,
  pointer: string,
  steps: readonly { readonly ref: string; readonly pointer: string }[],
  /** The custom policy's key as written (`custom`, `Custom`), for pointers into its list. */
  customKey = 'custom',
): void {
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
  }
  for (const name of Object.keys(saga.conditions)) {
    const at = childPointer(pointer, 'conditions', name);
    if (!compensated.includes(name)) undefinedName(at, name, 'compensated step', compensationList, true);
    else if (saga.policy.kind !== 'conditional') {
      const expected = 'conditions only with the conditional policy';
      reader.check({ pointer: at, at: 'key', message: `condition for ${quote(name)} would be ignored: expected ${expected}`, expected, found: `policy ${saga.policy.kind}` });
    }
  }
  for (const [name, needs] of Object.entries(saga.dependencies)) {
    const at = childPointer(pointer, 'dependencies', name);
    if (!stepNames.includes(name)) undefinedName(at, name, 'step of main_flow', stepList, true);
    needs.forEach((need, index) => {
      if (!stepNames.includes(need)) undefinedName(childPointer(at, index), need, 'step of main_flow', stepList);
    });
  }
}
