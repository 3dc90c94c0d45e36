import type { Json } from '../../model/json.js';
import type { CallNode, JqNode } from './ast.js';
import { isTruthy } from './builtins/values.js';
import type { Compiler } from './compiler.js';
import { type Emit, type Env, pushEnv } from './environment.js';
import type { FunctionInfo, Scope } from './scope.js';

/**
 * Tail calls: `def f: if . < 100000 then .+1 | f else . end` must not grow the JavaScript stack with its depth,
 * as jq (which has TCO) copes with it. A function whose body calls itself in tail position gets a second
 * compilation of its body in which such a call returns "call me again with this input and environment" instead of
 * recursing; the call site loops. Tail position runs through `|` (when its left side has one output), `,` (right
 * side), `if` (when its condition has one output), `E as $x |` (one output) and local `def`s. A self-call
 * elsewhere (inside `try`, `reduce`, `[…]`, after a generator) is an ordinary call.
 */

/** The next round of a tail-recursive loop, or undefined when the body is done. */
export interface TailCall {
  readonly input: Json;
  readonly env: Env;
}

export type TailFilter = (input: Json, env: Env, emit: Emit) => TailCall | undefined;

/** How a self-call builds the body environment of its next round from the caller's environment. */
export type EnterBody = (env: Env, input: Json) => Env | undefined;

/**
 * The tail-mode body of `info`, or undefined when it has no self-call in tail position. `enterFor` turns a self
 * call node into its environment builder (undefined when the call cannot be a loop round, e.g. a `$param` argument
 * with several outputs).
 */
export function compileTailBody(
  compiler: Compiler,
  info: FunctionInfo,
  bodyScope: Scope,
  enterFor: (node: CallNode, scope: Scope) => EnterBody | undefined,
): TailFilter | undefined {
  let hasTailCall = false;
  const compileTail = (node: JqNode, scope: Scope): TailFilter => {
    switch (node.kind) {
      case 'call': {
        const found = scope.findFunction(node.name, node.args.length);
        if (found?.binding?.kind === 'function' && found.binding.info === info) {
          const enter = enterFor(node, scope);
          if (enter !== undefined) {
            hasTailCall = true;
            const code = compiler.compile(node, scope);
            return (input, env, emit) => {
              const next = enter(env, input);
              if (next === undefined) {
                code.run(input, env, emit);
                return undefined;
              }
              return { input, env: next };
            };
          }
        }
        break;
      }
      case 'pipe': {
        const left = compiler.compile(node.left, scope);
        const single = left.single;
        if (single === undefined) break;
        const right = compileTail(node.right, scope);
        return (input, env, emit) => right(single(input, env), env, emit);
      }
      case 'comma': {
        const left = compiler.compile(node.left, scope);
        const right = compileTail(node.right, scope);
        return (input, env, emit) => {
          left.run(input, env, emit);
          return right(input, env, emit);
        };
      }
      case 'if': {
        let otherwise: TailFilter =
          node.otherwise === undefined ? (input, _env, emit) => void emit(input) : compileTail(node.otherwise, scope);
        for (let i = node.branches.length - 1; i >= 0; i--) {
          const branch = node.branches[i] as (typeof node.branches)[number];
          const condition = compiler.compile(branch.condition, scope);
          const single = condition.single;
          if (single === undefined) return fallback(compiler, node, scope);
          const then = compileTail(branch.then, scope);
          const rest = otherwise;
          otherwise = (input, env, emit) => (isTruthy(single(input, env)) ? then : rest)(input, env, emit);
        }
        return otherwise;
      }
      case 'bind': {
        const pattern = node.patterns[0];
        if (node.patterns.length !== 1 || pattern?.kind !== 'variable') break;
        const source = compiler.compile(node.source, scope);
        const single = source.single;
        if (single === undefined) break;
        const body = compileTail(node.body, scope.with({ kind: 'variable', name: pattern.name }));
        return (input, env, emit) => body(input, pushEnv(env, single(input, env)), emit);
      }
      case 'functionDefinitions':
        // Local definitions add no runtime link; compiling them again gives the same code.
        return (compiler.compileDefinitionsTail(node, scope, compileTail));
      default:
        break;
    }
    return fallback(compiler, node, scope);
  };
  const tail = compileTail(info.definition.body, bodyScope);
  return hasTailCall ? tail : undefined;
}

function fallback(compiler: Compiler, node: JqNode, scope: Scope): TailFilter {
  const code = compiler.compile(node, scope);
  const run = code.run;
  return (input, env, emit) => {
    run(input, env, emit);
    return undefined;
  };
}
