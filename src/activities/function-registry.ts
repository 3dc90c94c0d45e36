import type { Json } from '../model/json.js';
import { type ActivityDefinition, activityDefinitionProblems } from './activity-definition.js';
import type { ActivityOptions } from './activity-options.js';
import type { FunctionCallRequest, RegisteredFunction } from './effects.js';

/** What `createEngine({ functions })` accepts per name: a plain function, or an activity definition with its options. */
export type FunctionRegistration = RegisteredFunction | ActivityDefinition;

/** The functions an engine may call by name, checked once when the engine is created. */
export interface FunctionRegistry {
  readonly names: readonly string[];
  /** Calls `request.name`; undefined when nothing has that name. */
  call(request: FunctionCallRequest): Promise<Json> | undefined;
  /** The options of the activity registered as `name`; undefined for a plain function or an unknown name. */
  options(name: string): ActivityOptions | undefined;
}

/**
 * Checks every registration — an activity definition goes through the same check as `defineActivity`, and must be
 * registered under its own name — and throws one `TypeError` listing every problem.
 *
 * @example
 * const registry = createFunctionRegistry({ charge_card: chargeCard, greet: (input) => ({ hello: input }) });
 */
export function createFunctionRegistry(functions: Readonly<Record<string, FunctionRegistration>>): FunctionRegistry {
  const problems: string[] = [];
  const runs = new Map<string, RegisteredFunction>();
  const options = new Map<string, ActivityOptions>();
  for (const [name, registration] of Object.entries(functions)) {
    if (typeof registration === 'function') {
      runs.set(name, registration);
      continue;
    }
    const found = activityDefinitionProblems(registration);
    if (found.length > 0) problems.push(...found.map((problem) => `functions.${name}: ${problem}`));
    else if (registration.name !== name) problems.push(`functions.${name}: holds the activity '${registration.name}'; register it under its own name`);
    else {
      runs.set(name, registration.run);
      options.set(name, registration);
    }
  }
  if (problems.length > 0) throw new TypeError(`invalid functions: ${problems.join('; ')}`);
  return {
    names: [...runs.keys()],
    call(request) {
      const run = runs.get(request.name);
      if (run === undefined) return undefined;
      const { signal, idempotencyKey, executionId, taskReference, attempt, heartbeat, lastHeartbeat } = request;
      const context =
        lastHeartbeat === undefined
          ? { signal, idempotencyKey, executionId, taskReference, attempt, heartbeat }
          : { signal, idempotencyKey, executionId, taskReference, attempt, heartbeat, lastHeartbeat };
      // A function that throws synchronously fails its call like one that rejects.
      return Promise.resolve().then(() => run(request.input, context));
    },
    options: (name) => options.get(name),
  };
}
