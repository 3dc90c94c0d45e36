import { type ActivityOptions, activityOptionProblems } from './activity-options.js';
import type { RegisteredFunction } from './effects.js';

/**
 * An activity written in TypeScript or JavaScript: what `defineActivity` returns and what `--activities MODULE`
 * registers, under `name`, for `call: <name>` (Serverless Workflow) and `activity_ref` (`.kotoba`). Besides `name`
 * and `run` it may declare `inputSchema`, `timeout`, `retry` and `heartbeatTimeout` ({@link ActivityOptions}).
 */
export interface ActivityDefinition extends ActivityOptions {
  readonly name: string;
  readonly run: RegisteredFunction;
}

/**
 * Declares an activity, checking its name and options: a bad one throws a `TypeError` naming each problem by JSON
 * pointer. A module of them needs no import of `itonami` (`{ name, run, … }` objects are enough): the engine and
 * `--activities` run the same check when they register it.
 *
 * @example
 * export const chargeCard = defineActivity({
 *   name: 'charge_card',
 *   inputSchema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
 *   timeout: 'PT30S',
 *   retry: { delay: 'PT1S', backoff: { exponential: {} }, limit: { attempt: { count: 4 } } },
 *   heartbeatTimeout: { seconds: 10 },
 *   run: async (input, ctx) => ({ paymentId: await charge(input, { signal: ctx.signal, idempotencyKey: ctx.idempotencyKey }) }),
 * });
 */
export function defineActivity<T extends ActivityDefinition>(definition: T): T {
  const problems = activityDefinitionProblems(definition);
  if (problems.length > 0) throw new TypeError(`activity ${describe(definition)} is invalid: ${problems.join('; ')}`);
  return definition;
}

/**
 * What is wrong with an activity definition: not an activity at all (`name`, `run`), or options that cannot be used.
 * Empty when it is valid.
 *
 * @example
 * activityDefinitionProblems({ name: 'x', run: () => null, retry: { limit: { attempt: { count: -1 } } } });
 * // ['/retry/limit/attempt/count: expected a whole number ≥ 0 (the retries after the first attempt), found -1']
 */
export function activityDefinitionProblems(value: unknown): string[] {
  if (!isActivityDefinition(value)) return ['an activity needs a non-empty string name and a run function'];
  return activityOptionProblems(value as unknown as Readonly<Record<string, unknown>>);
}

/**
 * Whether a module export is an activity definition: an object with a non-empty string `name` and a `run` function.
 * Its options are checked when it is registered (see {@link activityDefinitionProblems}).
 *
 * @example
 * const activities = Object.values(await import('./activities.mjs')).filter(isActivityDefinition);
 */
export function isActivityDefinition(value: unknown): value is ActivityDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const { name, run } = value as { name?: unknown; run?: unknown };
  return typeof name === 'string' && name.trim() !== '' && typeof run === 'function';
}

function describe(value: unknown): string {
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? `'${name}'` : '(unnamed)';
}
