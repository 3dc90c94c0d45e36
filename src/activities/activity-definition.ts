import type { RegisteredFunction } from './effects.js';

/**
 * An activity written in TypeScript or JavaScript: what `defineActivity` returns and what `--activities MODULE`
 * registers, under `name`, for `call: <name>` (Serverless Workflow) and `activity_ref` (`.kotoba`).
 */
export interface ActivityDefinition {
  readonly name: string;
  readonly run: RegisteredFunction;
}

/**
 * Declares an activity. A module of them needs no import of `itonami` (`{ name, run }` objects are enough); this adds
 * types and checks the name.
 *
 * @example
 * export const chargeCard = defineActivity({
 *   name: 'charge_card',
 *   run: async (input, ctx) => ({ paymentId: await charge(input, { signal: ctx.signal, idempotencyKey: ctx.idempotencyKey }) }),
 * });
 */
export function defineActivity(definition: ActivityDefinition): ActivityDefinition {
  if (!isActivityDefinition(definition)) throw new TypeError('an activity needs a non-empty string name and a run function');
  return definition;
}

/**
 * Whether a module export is an activity definition: an object with a non-empty string `name` and a `run` function.
 *
 * @example
 * const activities = Object.values(await import('./activities.mjs')).filter(isActivityDefinition);
 */
export function isActivityDefinition(value: unknown): value is ActivityDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const { name, run } = value as { name?: unknown; run?: unknown };
  return typeof name === 'string' && name.trim() !== '' && typeof run === 'function';
}
