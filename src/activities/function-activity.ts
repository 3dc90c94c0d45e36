import type { Json } from '../model/json.js';
import { type ActivityDefinition, defineActivity } from './activity-definition.js';
import type { ActivityOptions } from './activity-options.js';
import { activityOptionsOf } from './activity-options-of.js';
import type { ActivityContext } from './effects.js';

/** An activity body with its input and output types spelled out. */
export type ActivityFunction<TInput extends Json = Json, TOutput extends Json = Json> = (
  input: TInput,
  ctx: ActivityContext,
) => Promise<TOutput> | TOutput;

/** `functionActivity`'s object form: `defineActivity`'s, with a typed `run`. */
export interface FunctionActivityOptions<TInput extends Json = Json, TOutput extends Json = Json> extends ActivityOptions {
  readonly name: string;
  readonly run: ActivityFunction<TInput, TOutput>;
}

/**
 * An activity from a plain function: `functionActivity(name, fn, options?)` or `functionActivity({ name, run, … })`.
 * It only delegates to `defineActivity` (same checks, same options: `inputSchema`, `timeout`, `retry`,
 * `heartbeatTimeout`). It exists so that code-defined activities read like the built-in ones (`sqlActivity`,
 * `httpActivity`) and so that `run` may declare its input and output types: the output must be JSON, so returning a
 * `Date` or a `Map` is a compile error here rather than a `runtime` problem in a workflow. The input type is the
 * caller's promise, not checked at run time: declare an `inputSchema` where it matters.
 *
 * @example
 * import { createEngine, functionActivity } from 'itonami';
 * const greet = functionActivity('greet', (input: { name: string }) => ({ greeting: `Hello, ${input.name}!` }), { timeout: 'PT5S' });
 * const engine = await createEngine({ functions: { [greet.name]: greet } });
 */
export function functionActivity<TInput extends Json = Json, TOutput extends Json = Json>(
  name: string,
  run: ActivityFunction<TInput, TOutput>,
  options?: ActivityOptions,
): ActivityDefinition;
export function functionActivity<TInput extends Json = Json, TOutput extends Json = Json>(definition: FunctionActivityOptions<TInput, TOutput>): ActivityDefinition;
export function functionActivity<TInput extends Json, TOutput extends Json>(
  nameOrDefinition: string | FunctionActivityOptions<TInput, TOutput>,
  fn?: ActivityFunction<TInput, TOutput>,
  options: ActivityOptions = {},
): ActivityDefinition {
  const given: Partial<FunctionActivityOptions<TInput, TOutput>> =
    typeof nameOrDefinition === 'string' ? { ...options, name: nameOrDefinition, ...(fn === undefined ? {} : { run: fn }) } : (nameOrDefinition ?? {});
  const body = given.run;
  if (typeof body !== 'function') throw new TypeError(`activity '${String(given.name)}' is invalid: an activity needs a non-empty string name and a run function`);
  // The input is whatever `with` evaluated to; narrowing it to TInput is the caller's declaration, not a check.
  return defineActivity({ ...activityOptionsOf(given), name: given.name as string, run: (input, ctx) => body(input as TInput, ctx) });
}
