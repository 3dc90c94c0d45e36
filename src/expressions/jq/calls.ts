import type { Json } from '../../model/json.js';
import type { CallNode, JqNode } from './ast.js';
import type { Compiler } from './compiler.js';
import {
  Closure,
  type Code,
  type Emit,
  type Env,
  type Filter,
  makeCode,
  type PathFilter,
  pushEnv,
  type SingleFilter,
  tick,
  upEnv,
} from './environment.js';
import type { FunctionInfo, Scope } from './scope.js';
import type { EnterBody, TailCall } from './tail-calls.js';

/**
 * Calls: `f`, `f(a; b)`. Resolution order, fixed at compile time: the program's own definitions and closure
 * parameters (innermost first), then the intrinsics (special forms such as `empty`, `path`, `limit`), the natives
 * (jq's C functions, in TypeScript), and last the builtins jq defines in jq. The builtins see only each other,
 * never the program's definitions, as in jq.
 */
export function compileCall(compiler: Compiler, node: CallNode, scope: Scope): Code {
  const { name, args } = node;
  const arity = args.length;
  const found = scope.findFunction(name, arity);
  if (found !== undefined) {
    const binding = found.binding;
    if (binding?.kind === 'closure') return closureCall(scope.depth - found.depth);
    if (binding?.kind === 'function') return functionCall(compiler, binding.info, args, scope);
  }
  const key = `${name}/${arity}`;
  const intrinsic = compiler.tables.intrinsics[key];
  if (intrinsic !== undefined) {
    return intrinsic(
      args.map((arg) => compiler.compile(arg, scope)),
      { compiler, scope, at: node.at },
    );
  }
  const native = compiler.tables.natives[key];
  if (native !== undefined) return compiler.nativeCall(native, args.map((arg) => compiler.compile(arg, scope)));
  const builtin = compiler.tables.builtins.get(key);
  if (builtin !== undefined) {
    compiler.compileBody(builtin);
    return functionCall(compiler, builtin, args, scope);
  }
  throw compiler.error(node.at, `${key} is not defined`);
}

/** A closure parameter: its code runs in the environment of the call that passed it. */
function closureCall(distance: number): Code {
  const closureAt = (env: Env): Closure => upEnv(env, distance).value as Closure;
  return makeCode(
    (input, env, emit) => {
      const closure = closureAt(env);
      closure.code.run(input, closure.env, emit);
    },
    () => (input, path, env, emit) => {
      const closure = closureAt(env);
      closure.code.paths()(input, path, closure.env, emit);
    },
  );
}

/** How an argument becomes a closure: a parameter passed on as-is is reused, anything else wraps its code. */
type ArgumentMaker = (env: Env) => Closure;

function argumentMaker(compiler: Compiler, arg: JqNode, scope: Scope): ArgumentMaker {
  if (arg.kind === 'call' && arg.args.length === 0) {
    const found = scope.findFunction(arg.name, 0);
    if (found?.binding?.kind === 'closure') {
      const distance = scope.depth - found.depth;
      return (env) => upEnv(env, distance).value as Closure;
    }
  }
  const code = compiler.compile(arg, scope);
  return (env) => new Closure(code, env);
}

function functionCall(compiler: Compiler, info: FunctionInfo, args: readonly JqNode[], scope: Scope): Code {
  const makers = args.map((arg) => argumentMaker(compiler, arg, scope));
  const count = makers.length;
  const distance = scope.depth - info.depth;
  const isRoot = info.depth === 0;
  const valueParams: number[] = [];
  info.definition.params.forEach((param, index) => {
    if (param.isValue) valueParams.push(index);
  });
  const enter = (env: Env): Env => {
    tick(env.run);
    let bodyEnv = isRoot ? env.run.root : upEnv(env, distance);
    for (let i = 0; i < count; i++) bodyEnv = pushEnv(bodyEnv, (makers[i] as ArgumentMaker)(env));
    return bodyEnv;
  };
  const runBody = (input: Json, bodyEnv: Env, emit: Emit): void => {
    const tail = info.tailBody;
    if (tail === undefined) {
      (info.body as Code).run(input, bodyEnv, emit);
      return;
    }
    let call: TailCall | undefined = { input, env: bodyEnv };
    while (call !== undefined) call = tail(call.input, call.env, emit);
  };
  if (valueParams.length === 0) {
    return makeCode(
      (input, env, emit) => runBody(input, enter(env), emit),
      () => (input, path, env, emit) => (info.body as Code).paths()(input, path, enter(env), emit),
    );
  }
  // `def f($a; $b)` is `def f(a; b): a as $a | b as $b | …`: the first value parameter is the outermost loop.
  const bindValues = (input: Json, bodyEnv: Env, then: (env: Env) => void): void => {
    const loop = (index: number, current: Env): void => {
      if (index === valueParams.length) {
        then(current);
        return;
      }
      const closure = upEnv(current, index + (count - 1 - (valueParams[index] as number))).value as Closure;
      closure.code.run(input, closure.env, (value) => loop(index + 1, pushEnv(current, value)));
    };
    loop(0, bodyEnv);
  };
  const run: Filter = (input, env, emit) => bindValues(input, enter(env), (bodyEnv) => runBody(input, bodyEnv, emit));
  const paths = (): PathFilter => (input, path, env, emit) =>
    bindValues(input, enter(env), (bodyEnv) => (info.body as Code).paths()(input, path, bodyEnv, emit));
  return makeCode(run, paths);
}

/**
 * For a self-call in tail position: the environment of the next round, or undefined when this call cannot be one
 * (a `$param` argument without exactly one output falls back to an ordinary call).
 */
export function selfCallEnter(compiler: Compiler, info: FunctionInfo, node: CallNode, scope: Scope): EnterBody | undefined {
  const makers = node.args.map((arg) => argumentMaker(compiler, arg, scope));
  const values: (SingleFilter | undefined)[] = [];
  for (const [index, param] of info.definition.params.entries()) {
    if (!param.isValue) continue;
    const single = compiler.compile(node.args[index] as JqNode, scope).single;
    if (single === undefined) return undefined;
    values.push(single);
  }
  const distance = scope.depth - info.depth;
  const isRoot = info.depth === 0;
  return (env, input) => {
    tick(env.run);
    let bodyEnv = isRoot ? env.run.root : upEnv(env, distance);
    for (const maker of makers) bodyEnv = pushEnv(bodyEnv, maker(env));
    for (const value of values) bodyEnv = pushEnv(bodyEnv, (value as SingleFilter)(input, env));
    return bodyEnv;
  };
}
