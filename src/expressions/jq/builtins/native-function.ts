import type { Json } from '../../../model/json.js';

/**
 * A builtin written in TypeScript that jq calls like its C functions: the arguments are evaluated to values first
 * (every combination of their outputs, the compiler's job), then the function maps input and argument values to
 * one output value, or throws `JqError`.
 */
export type NativeFunction = (input: Json, ...args: Json[]) => Json;

/** Keyed `name/arity` (`ltrimstr/1`), as jq names functions. */
export type NativeFunctionTable = Readonly<Record<string, NativeFunction>>;
