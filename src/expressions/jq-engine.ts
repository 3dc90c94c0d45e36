import type { Json } from '../model/json.js';

/**
 * A compiled jq program. Opaque to callers: compile once at load, evaluate many times. `variables` lists the
 * `$names` the program may read, so evaluation passes only those.
 */
export interface CompiledJq {
  readonly source: string;
  readonly variables: readonly string[];
}

export interface JqEvaluateOptions {
  /**
   * What jq's `now` returns, in epoch seconds. Inside workflows this is the task's recorded start time, so replay
   * gives the same answer; never the wall clock.
   */
  readonly now?: number;
}

/**
 * The one interface the engine evaluates jq through. Narrow and synchronous on purpose: a faster compiled jq
 * (issue 4) replaces the implementation, not the callers.
 */
export interface JqEngine {
  /**
   * Compiles `source`. `variables` are the `$names` that will be bound at evaluation (without `$`); any other
   * variable is a compile error, as in jq. Throws {@link JqCompileError}.
   */
  compile(source: string, variables: readonly string[]): CompiledJq;
  /** Runs the program on `input` and returns every output, in order. Throws {@link JqRuntimeError}. */
  evaluate(
    compiled: CompiledJq,
    input: Json,
    variables: Readonly<Record<string, Json>>,
    options?: JqEvaluateOptions,
  ): Json[];
}

/** A jq program does not compile: `.a |||`, or `$undefined` not among the bound variables. */
export class JqCompileError extends Error {
  override readonly name = 'JqCompileError';
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`jq expression does not compile: ${reason} (in \`${source}\`)`);
  }
}

/**
 * A jq program raised an error while running: `error("x")`, `1 + "a"`, `.[] ` on a number. `reason` is jq's text
 * (the error's string, or `<json> (not a string)`); `value` is the jq error value itself when there is one
 * (`error({"code": 1})`, `halt_error`), absent for engine limits such as the step budget.
 */
export class JqRuntimeError extends Error {
  override readonly name = 'JqRuntimeError';
  constructor(
    readonly source: string,
    readonly reason: string,
    readonly value?: Json,
    /** The outputs the program produced before the error, in order (jq prints them before the message). */
    readonly outputs?: readonly Json[],
  ) {
    super(`jq evaluation failed: ${reason} (in \`${source}\`)`);
  }
}
