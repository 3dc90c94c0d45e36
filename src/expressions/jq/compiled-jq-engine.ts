import type { Json } from '../../model/json.js';
import { type CompiledJq, type JqEngine, type JqEvaluateOptions, JqCompileError, JqRuntimeError } from '../jq-engine.js';
import { intrinsics } from './builtins/intrinsics.js';
import { toJsonText } from './builtins/json-text.js';
import { nativeFunctions } from './builtins/native-functions.js';
import { JQ_BUILTINS } from './builtins-jq.js';
import { Compiler, type CompilerTables } from './compiler.js';
import { BreakSignal, type Code, HaltSignal, pushEnv, Run, StepLimitError } from './environment.js';
import { JqError, JqOutOfMemoryError, JqSyntaxError } from './errors.js';
import { parseJq } from './parser.js';
import { FunctionInfo, Scope } from './scope.js';

/** Options of {@link createCompiledJqEngine}. */
export interface CompiledJqEngineOptions {
  /**
   * Evaluation steps (function calls and loop iterations) one evaluation may take before it fails with a
   * `JqRuntimeError` that `try` cannot catch: runaway protection that counts work, never wall time, so a replay
   * decides the same way. Ten million steps is about a second of the busiest loops.
   * @default 10_000_000
   */
  readonly maxSteps?: number;
  /**
   * Compiled programs kept per engine (by source text and bound variable names); the oldest goes first.
   * @default 10_000
   */
  readonly cacheSize?: number;
}

const DEFAULT_MAX_STEPS = 10_000_000;
const DEFAULT_CACHE_SIZE = 10_000;

interface Program {
  readonly code: Code;
  /** Every bound name, in the order their environment links are pushed (the compiler's depths rely on it). */
  readonly bound: readonly string[];
}

/**
 * jq 1.7.1 compiled to JavaScript closures (issue 4): parsed and compiled once per distinct source text, then
 * evaluated synchronously. Each engine holds its own cache and its own compiled builtins; nothing is shared
 * between engines.
 */
export function createCompiledJqEngine(options: CompiledJqEngineOptions = {}): JqEngine {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  const tables: CompilerTables = { natives: nativeFunctions, intrinsics, builtins: loadBuiltins() };
  const cache = new Map<string, CompiledJq>();
  const programs = new WeakMap<CompiledJq, Program>();

  const compile = (source: string, variables: readonly string[]): CompiledJq => {
    const key = `${variables.join(',')}\u0000${source}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const bound = [...new Set(variables)];
    let scope = Scope.root();
    for (const name of bound) scope = scope.with({ kind: 'variable', name });
    const compiler = new Compiler(source, tables, bound);
    let code: Code;
    try {
      code = compiler.compile(parseJq(source), scope);
    } catch (error) {
      if (error instanceof JqSyntaxError) throw new JqCompileError(source, error.message);
      throw error;
    }
    const compiled: CompiledJq = { source, variables: bound.filter((name) => compiler.usedGlobals.has(name)) };
    programs.set(compiled, { code, bound });
    if (cache.size >= cacheSize) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, compiled);
    return compiled;
  };

  const evaluate = (
    compiled: CompiledJq,
    input: Json,
    variables: Readonly<Record<string, Json>>,
    evaluateOptions: JqEvaluateOptions = {},
  ): Json[] => {
    const program = programs.get(compiled) ?? programs.get(compile(compiled.source, compiled.variables));
    if (program === undefined) throw new Error('jq engine: a compiled program lost its code');
    const run = new Run(maxSteps, evaluateOptions.now ?? 0);
    let env = run.root;
    for (const name of program.bound) {
      env = pushEnv(env, Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : null);
    }
    const outputs: Json[] = [];
    try {
      program.code.run(input, env, (value) => {
        outputs.push(value);
      });
    } catch (error) {
      if (error instanceof HaltSignal && !error.isError) return outputs;
      throw runtimeError(compiled.source, error, outputs);
    }
    return outputs;
  };

  return { compile, evaluate };
}

/** An uncaught jq error as the engine reports it: jq's message text, and the error value kept. */
function runtimeError(source: string, error: unknown, outputs: readonly Json[]): Error {
  if (error instanceof JqError) return new JqRuntimeError(source, errorReason(error.value), error.value, outputs);
  if (error instanceof HaltSignal) {
    // halt_error prints a string as it is and anything else as JSON.
    const text = typeof error.value === 'string' ? error.value : `${toJsonText(error.value)}\n`;
    return new JqRuntimeError(source, text, error.value, outputs);
  }
  if (error instanceof StepLimitError || error instanceof JqOutOfMemoryError) {
    return new JqRuntimeError(source, error.message, undefined, outputs);
  }
  if (error instanceof BreakSignal) return new JqRuntimeError(source, 'break used outside its label', undefined, outputs);
  if (error instanceof RangeError) {
    // The JavaScript stack (deep non-tail recursion) or a string/array past the engine's size limits.
    return new JqRuntimeError(source, `the expression ran out of resources: ${error.message}`, undefined, outputs);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** jq's text for an error value: a string as it is, anything else as `<json> (not a string)`. */
export function errorReason(value: Json): string {
  return typeof value === 'string' ? value : `${toJsonText(value)} (not a string)`;
}

/** The builtins written in jq, parsed once per engine; each body compiles on its first call. */
function loadBuiltins(): Map<string, FunctionInfo> {
  const program = parseJq(`${JQ_BUILTINS} .`);
  const builtins = new Map<string, FunctionInfo>();
  if (program.kind !== 'functionDefinitions') return builtins;
  for (const definition of program.definitions) {
    const info = new FunctionInfo(definition, Scope.root(), 0);
    builtins.set(`${definition.name}/${definition.params.length}`, info);
  }
  return builtins;
}
