import type { Json } from '../../model/json.js';
import { JqError } from './errors.js';

/**
 * The runtime shapes of compiled jq: every AST node becomes a {@link Code}, whose `run` pushes each output to a
 * callback (continuation style, no generators: an output costs one call). Variables, closure parameters and labels
 * live in a linked list of {@link Env} nodes; the compiler knows each one's distance from the current node, so a
 * lookup walks a fixed number of links and never searches by name.
 */

export type Emit = (value: Json) => void;
/** A path as `path(f)` outputs it, or null for a value that did not come from a path expression. */
export type Path = readonly Json[];
export type PathEmit = (value: Json, path: Path | null) => void;
export type Filter = (input: Json, env: Env, emit: Emit) => void;
export type PathFilter = (input: Json, path: Path | null, env: Env, emit: PathEmit) => void;
/** A node that always has exactly one output (or raises): `.a.b`, `{a: .x}`, `$x + 1`. Called without a callback. */
export type SingleFilter = (input: Json, env: Env) => Json;

/** What a {@link MaybeFilter} returns for "no output". */
export const NONE: unique symbol = Symbol('no output');
/** A node with at most one output (`select(.n > 1)`, `.a | select(…) | .b`), called without a callback. */
export type MaybeFilter = (input: Json, env: Env) => Json | typeof NONE;

export interface Code {
  readonly run: Filter;
  /** Present when the node has exactly one output: callers skip the callback. */
  readonly single: SingleFilter | undefined;
  /** Present when the node has at most one output (always when `single` is). */
  readonly maybe: MaybeFilter | undefined;
  /** Present when the node's outputs are the elements of one array (`.items[]`): a pipe loops over it directly. */
  readonly spread: ((input: Json, env: Env) => readonly Json[]) | undefined;
  /** The path-mode version (`path(f)`, assignments), compiled on first use: most programs never need it. */
  paths(): PathFilter;
}

/** One link of the environment: a variable's value, a closure parameter or a label's token. */
export interface Env {
  readonly parent: Env | null;
  readonly value: unknown;
  readonly run: Run;
}

/** A closure parameter (`def f(g): …`): the argument's code and the caller's environment. */
export class Closure {
  constructor(
    readonly code: Code,
    readonly env: Env,
  ) {}
}

/** The state of one evaluation: the step budget and what `now` returns. */
export class Run {
  steps = 0;
  /** jq's `next_label`: each `label` run (also inside builtins jq writes with one) takes the next number. */
  labels = 0;
  readonly root: Env;
  constructor(
    readonly maxSteps: number,
    readonly now: number,
  ) {
    this.root = { parent: null, value: null, run: this };
  }
}

export function pushEnv(env: Env, value: unknown): Env {
  return { parent: env, value, run: env.run };
}

/** The environment `distance` links up (the compiler guarantees it exists). */
export function upEnv(env: Env, distance: number): Env {
  let current = env;
  for (let i = 0; i < distance; i++) current = current.parent as Env;
  return current;
}

/**
 * A fresh label token: jq's GENLABEL value `{"__jq": n}`. `break` raises it as an error, so `try … catch .` sees
 * it and `?//` retries on it (jq 1.7.1 catches breaks like errors: see {@link BreakSignal}).
 */
export function newLabel(run: Run): { readonly __jq: number } {
  return { __jq: run.labels++ };
}

/** Counts one step (a function call, a loop iteration); past the budget the evaluation stops for good. */
export function tick(run: Run): void {
  if (++run.steps > run.maxSteps) throw new StepLimitError(run.maxSteps);
}

/** The step budget is spent. Not a jq error: `try` does not catch it, so a runaway program always stops. */
export class StepLimitError extends Error {
  override readonly name = 'StepLimitError';
  constructor(readonly maxSteps: number) {
    super(`the expression took more than ${maxSteps} evaluation steps (a runaway loop or recursion?)`);
  }
}

/**
 * Stops generators early: `break $label`, `limit`, `first`. In jq 1.7.1 `break` is `error($label)`, so every
 * error handler on the way sees it: `try` (and `?`) catch it with the label's `{"__jq": n}` as the error value,
 * and `?//` moves to its next alternative; only the label itself ends it quietly. `token` is that label value
 * (compared by identity). Made with {@link BreakSignal.to}, which skips Error's constructor: capturing a stack
 * trace costs more than the rest of a `first(f)` (20 µs against 1 µs, measured 2025-11 on node 20).
 */
export class BreakSignal extends Error {
  declare readonly token: Json;

  static to(token: Json): BreakSignal {
    return Object.assign(Object.create(BreakSignal.prototype) as BreakSignal, { token });
  }
}

/** `halt` and `halt_error`: the program stops; the outputs so far stand. `value` is halt_error's message value. */
export class HaltSignal extends Error {
  override readonly name = 'HaltSignal';
  constructor(
    readonly isError: boolean,
    readonly value: Json,
  ) {
    super('halt');
  }
}

/** A value-mode filter used in path mode: its outputs are values, not paths (jq's "Invalid path expression"). */
export function nonPathFilter(run: Filter): PathFilter {
  return (input, _path, env, emit) => run(input, env, (value) => emit(value, null));
}

export function makeCode(
  run: Filter,
  paths: () => PathFilter,
  single?: SingleFilter,
  shortcuts: { readonly maybe?: MaybeFilter; readonly spread?: (input: Json, env: Env) => readonly Json[] } = {},
): Code {
  let cached: PathFilter | undefined;
  return { run, single, maybe: single ?? shortcuts.maybe, spread: shortcuts.spread, paths: () => (cached ??= paths()) };
}

/** A node with at most one output; in path mode it is not a path expression unless `paths` says otherwise. */
export function maybeCode(maybe: MaybeFilter, paths?: () => PathFilter): Code {
  const run: Filter = (input, env, emit) => {
    const value = maybe(input, env);
    if (value !== NONE) emit(value);
  };
  return makeCode(run, paths ?? (() => nonPathFilter(run)), undefined, { maybe });
}

/** A node with exactly one output; in path mode it is not a path expression unless `paths` says otherwise. */
export function singleCode(single: SingleFilter, paths?: () => PathFilter): Code {
  const run: Filter = (input, env, emit) => emit(single(input, env));
  return makeCode(run, paths ?? (() => nonPathFilter(run)), single);
}

/** A node that is not a path expression. */
export function valueCode(run: Filter): Code {
  return makeCode(run, () => nonPathFilter(run));
}

/** Whether jq's error handlers (`try`, `?`, `?//`) see `error`: jq errors, and breaks (jq raises those as errors). */
export function isCatchable(error: unknown): error is JqError | BreakSignal {
  return error instanceof JqError || error instanceof BreakSignal;
}

/** The value `catch` receives for a {@link isCatchable} error. */
export function caughtValue(error: JqError | BreakSignal): Json {
  return error instanceof JqError ? error.value : error.token;
}
