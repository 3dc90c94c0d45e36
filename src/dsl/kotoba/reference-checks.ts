import { quote } from '../serverless/schema-descriptions.js';
import type { IrReader } from './ir-reader.js';
import { mappingValue } from './mapping-values.js';
import type { OpFacts } from './read-ops.js';
import type { WorkflowParam } from './workflow-ir.js';

/** Activity names an `activity_ref` or a rule may name: the workflow's declared ones plus the engine's registered ones. */
export interface KnownActivities {
  readonly declared: readonly string[];
  /** `undefined`: the caller did not say what is registered, so refs resolve at run time. */
  readonly registered?: readonly string[];
}

/**
 * Names that must resolve once the whole workflow is read: every `activity_ref` and rule names a declared or
 * registered activity (checked only when the workflow declares activities or the caller lists the registered ones:
 * the seed's files declare none and name functions registered in code), and every `$.`-path is well formed, a
 * `$.inputs.<name>` naming a declared input.
 */
export function checkReferences(reader: IrReader, facts: OpFacts, known: KnownActivities, inputs: readonly WorkflowParam[]): void {
  const names = [...new Set([...known.declared, ...(known.registered ?? [])])];
  if (known.declared.length > 0 || known.registered !== undefined) {
    const expected = names.length === 0 ? 'a declared or registered activity (there are none)' : `a declared or registered activity: one of ${names.map((n) => quote(n)).join(', ')}`;
    const unresolved = [
      ...facts.activityRefs.map(({ ref, pointer }) => ({ name: ref, pointer, what: 'activity_ref' })),
      ...facts.rules.map(({ rule, pointer }) => ({ name: rule, pointer, what: 'rule' })),
    ].filter(({ name }) => !names.includes(name));
    for (const { name, pointer, what } of unresolved) {
      reader.check({ pointer, message: `${what} ${quote(name)} names no activity; expected ${expected}`, expected, found: quote(name) });
    }
  }
  const inputNames = inputs.map((input) => input.name);
  for (const { value, pointer } of facts.mappings) {
    const mapping = mappingValue(value);
    if (mapping.kind === 'invalid') {
      reader.check({ pointer, message: `expected ${mapping.reason}, found ${quote(value)}`, expected: mapping.reason, found: quote(value) });
      continue;
    }
    if (mapping.kind !== 'path' || mapping.segments[0] !== 'inputs') continue;
    const input = mapping.segments[1];
    if (input === undefined || inputNames.includes(input)) continue;
    const expected = inputNames.length === 0 ? 'a declared input (the workflow declares none)' : `a declared input: one of ${inputNames.join(', ')}`;
    reader.check({ pointer, message: `${quote(value)} reads input ${quote(input)}, which is not declared; expected ${expected}`, expected, found: quote(input) });
  }
}
