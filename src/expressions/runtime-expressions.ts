import { expressionBody, isRuntimeExpression } from '../model/expression-syntax.js';
import type { Json } from '../model/json.js';

export { expressionBody, isRuntimeExpression };
import { ProblemError, problem } from '../model/problems.js';
import { type CompiledJq, type JqEngine, JqCompileError, JqRuntimeError } from './jq-engine.js';

/**
 * Runtime expressions (DSL 1.0.3 "Runtime Expressions"): jq over the task's data, with the spec's arguments bound as
 * `$variables`. Two kinds of position take them:
 * - **always-expression fields** (`if`, `switch…when`, `for.in`, `while`, catch/retry `when`, the string form of
 *   `input.from`/`output.as`/`export.as`, …) accept bare jq or `${ }`, as the spec's examples and the CTK use both;
 * - **value positions** (`set`, `with`, `body`, event `data`, …) are templates: in `strict` mode only a string that
 *   is wholly `${ … }` (the schema's anchored pattern `^\s*\$\{.+\}\s*$`) is evaluated, so `"abc ${ .x }"` stays the
 *   literal text; in `loose` mode every string is tried as jq and keeps its literal text when that fails.
 *
 * A failed compile or evaluation is an `expression` problem (status 400) naming the task.
 */
export interface Expressions {
  /** An always-expression field: bare jq or `${ }`. The first output, null when there is none. */
  evaluate(source: string, input: Json, scope: ExpressionScope, at: EvaluationSite): Json;
  /** The same, as a condition with jq truthiness: only `false`, `null` and no output are false; 0 and "" are true. */
  evaluateCondition(source: string, input: Json, scope: ExpressionScope, at: EvaluationSite): boolean;
  /**
   * A value position: `${ }` strings are evaluated (in `loose` mode, every string is tried), objects and arrays are
   * walked recursively keeping key order, numbers, booleans and null pass through. Anything that is not JSON
   * (undefined, a function, a non-finite number, a class instance) is an `expression` problem.
   */
  evaluateTemplate(template: unknown, input: Json, scope: ExpressionScope, at: EvaluationSite): Json;
  /** `input.from`, `output.as`, `export.as`: a string (bare or `${ }`) is an expression, anything else a template. */
  evaluateTransform(value: unknown, input: Json, scope: ExpressionScope, at: EvaluationSite): Json;
}

/**
 * The `$variables` an expression may read, by name without `$`: `context`, `input`, `output`, `secrets`, `task`,
 * `workflow`, `runtime`, `authorization`, and loop or catch variables (`item`, `index`, `error`, custom names).
 */
export type ExpressionScope = Readonly<Record<string, Json>>;

/** Where an expression runs. */
export interface EvaluationSite {
  /** The task reference (JSON pointer) that a failure's problem names as its `instance`. */
  readonly instance: string;
  /** What jq's `now` returns, in epoch seconds: the recorded time, so replay agrees; 0 without it. */
  readonly now?: number;
}

export interface ExpressionsOptions {
  /**
   * `evaluate.mode` of the document: `strict` evaluates only `${ }` strings in value positions; `loose` tries every
   * string and falls back to its literal text when compiling or running it fails.
   * @default 'strict'
   */
  readonly mode?: 'strict' | 'loose';
  /**
   * How many compiled programs (and compile failures) to keep, least recently used first out.
   * @default 4096
   */
  readonly cacheSize?: number;
}

const DEFAULT_CACHE_SIZE = 4096;
/** What {@link createExpressions}' `literalLeaf` says of a value that must be walked (or rejected). */
const NOT_LITERAL: unique symbol = Symbol('not a literal leaf');
type CacheEntry = { ok: true; compiled: CompiledJq } | { ok: false; error: JqCompileError };

/** Builds the expression layer of one engine: its compile cache lives here, never at module level. */
export function createExpressions(jq: JqEngine, options: ExpressionsOptions = {}): Expressions {
  const mode = options.mode ?? 'strict';
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  if (mode !== 'strict' && mode !== 'loose') {
    throw new TypeError(`expression mode must be 'strict' or 'loose', found ${JSON.stringify(mode)}`);
  }
  if (!Number.isInteger(cacheSize) || cacheSize < 1) {
    throw new TypeError(`cacheSize must be a positive integer, found ${String(cacheSize)}`);
  }
  // A Map iterates in insertion order, so re-inserting on a hit makes its first key the least recently used.
  const cache = new Map<string, CacheEntry>();

  function compile(body: string, names: readonly string[]): CacheEntry {
    // The variable names are part of the key: `$x` compiles only where `x` is bound. A JSON array ends where it
    // ends, so no name (`a,b` is a legal scope key) can blur into the next or into the body.
    const key = JSON.stringify(names) + body;
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    let entry: CacheEntry;
    try {
      entry = { ok: true, compiled: jq.compile(body, names) };
    } catch (error) {
      if (!(error instanceof JqCompileError)) throw error;
      // Failures are kept too: loose mode tries every literal string, and most of them never compile.
      entry = { ok: false, error };
    }
    cache.set(key, entry);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return entry;
  }

  /** Every output of `body`; throws the jq error (compile or runtime) for the caller to map. */
  function run(body: string, input: Json, scope: ExpressionScope, at: EvaluationSite): Json[] {
    if (body === '') throw new JqCompileError(body, 'the expression is empty');
    const entry = compile(body, Object.keys(scope).sort());
    if (!entry.ok) throw entry.error;
    return jq.evaluate(entry.compiled, input, scope, at.now === undefined ? {} : { now: at.now });
  }

  function first(body: string, input: Json, scope: ExpressionScope, at: EvaluationSite, path: string): Json {
    try {
      return run(body, input, scope, at)[0] ?? null;
    } catch (error) {
      throw expressionProblem(error, at, path);
    }
  }

  function evaluate(source: string, input: Json, scope: ExpressionScope, at: EvaluationSite): Json {
    if (typeof source !== 'string') {
      throw templateProblem(`an expression must be a string, found ${describe(source)}`, at, '');
    }
    return first(expressionBody(source), input, scope, at, '');
  }

  function evaluateString(text: string, input: Json, scope: ExpressionScope, at: EvaluationSite, path: string): Json {
    if (mode === 'strict') {
      return isRuntimeExpression(text) ? first(expressionBody(text), input, scope, at, path) : text;
    }
    try {
      return run(expressionBody(text), input, scope, at)[0] ?? null;
    } catch (error) {
      if (error instanceof JqCompileError || error instanceof JqRuntimeError) return text;
      throw error;
    }
  }

  /**
   * A leaf that stays as it is — null, a boolean, a finite number, a string this mode does not evaluate — or
   * NOT_LITERAL. Most of a `with` or `set` is such leaves: they need no path (paths only name failures) and no walk.
   */
  function literalLeaf(value: unknown): Json | typeof NOT_LITERAL {
    switch (typeof value) {
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : NOT_LITERAL;
      case 'string':
        return mode === 'strict' && !isRuntimeExpression(value) ? value : NOT_LITERAL;
      case 'object':
        return value === null ? null : NOT_LITERAL;
      default:
        return NOT_LITERAL;
    }
  }

  function walk(value: unknown, input: Json, scope: ExpressionScope, at: EvaluationSite, path: string): Json {
    switch (typeof value) {
      case 'string':
        return evaluateString(value, input, scope, at, path);
      case 'boolean':
        return value;
      case 'number':
        if (Number.isFinite(value)) return value;
        throw templateProblem(`expected a JSON value, found the number ${String(value)}`, at, path);
      case 'object': {
        if (value === null) return null;
        if (Array.isArray(value)) {
          const items: Json[] = [];
          // An index loop, not `map`: `map` skips the holes of a sparse array, which are not JSON.
          for (let index = 0; index < value.length; index += 1) {
            const item: unknown = value[index];
            const literal = literalLeaf(item);
            items.push(literal !== NOT_LITERAL ? literal : walk(item, input, scope, at, `${path}/${index}`));
          }
          return items;
        }
        const prototype = Object.getPrototypeOf(value) as unknown;
        if (prototype !== Object.prototype && prototype !== null) {
          throw templateProblem(`expected a JSON value, found ${describe(value)}`, at, path);
        }
        const result: Record<string, Json> = {};
        const members = value as Record<string, unknown>;
        for (const key of Object.keys(members)) {
          const item = members[key];
          const literal = literalLeaf(item);
          const evaluated = literal !== NOT_LITERAL ? literal : walk(item, input, scope, at, `${path}/${escapePointer(key)}`);
          // defineProperty: a `__proto__` key from JSON is data, and plain assignment would set the prototype. Any
          // other key of a fresh object is assigned as an own, enumerable, writable data property either way.
          if (key === '__proto__') Object.defineProperty(result, key, dataProperty(evaluated));
          else result[key] = evaluated;
        }
        return result;
      }
      default:
        throw templateProblem(`expected a JSON value, found ${describe(value)}`, at, path);
    }
  }

  return {
    evaluate,
    evaluateCondition(source, input, scope, at) {
      const value = evaluate(source, input, scope, at);
      return value !== null && value !== false;
    },
    evaluateTemplate(template, input, scope, at) {
      return walk(template, input, scope, at, '');
    },
    evaluateTransform(value, input, scope, at) {
      return typeof value === 'string' ? evaluate(value, input, scope, at) : walk(value, input, scope, at, '');
    },
  };
}

/** A jq failure as the spec's `expression` problem; anything else is an engine bug and goes up unchanged. */
function expressionProblem(error: unknown, at: EvaluationSite, path: string): unknown {
  if (!(error instanceof JqCompileError || error instanceof JqRuntimeError)) return error;
  return new ProblemError(problem('expression', { detail: error.message + where(path), instance: at.instance }), {
    cause: error,
  });
}

function templateProblem(detail: string, at: EvaluationSite, path: string): ProblemError {
  return new ProblemError(problem('expression', { detail: detail + where(path), instance: at.instance }));
}

/** Where in a template the failure is, as a JSON pointer relative to the template (empty for the whole of it). */
function where(path: string): string {
  return path === '' ? '' : ` at ${path} of the template`;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'object' && value !== null) {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return `an instance of ${name ?? 'an unknown class'}`;
  }
  return JSON.stringify(value);
}

/** An own, enumerable, writable property, as `JSON.parse` makes. */
function dataProperty(value: Json): PropertyDescriptor {
  return { value, enumerable: true, writable: true, configurable: true };
}
