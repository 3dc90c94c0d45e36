import type { Json } from '../../model/json.js';
import type { AssignOperator } from './ast.js';
import { add, divide, modulo, multiply, subtract } from './builtins/arithmetic.js';
import { deletePaths, getPath, setPath } from './builtins/indexing.js';
import { isTruthy } from './builtins/values.js';
import { BreakSignal, type Code, type Env, newLabel, valueCode } from './environment.js';
import { requirePath } from './paths.js';

/**
 * Update-assignment, as jq 1.7.1 defines it in builtin.jq:
 * - `P |= f`: for each path of P (computed on the input), the first output of f on the value there replaces it;
 *   where f has no output the path is deleted, all deletions at the end (`_modify`);
 * - `P = E`: for each output $v of E (on the input), every path of P set to $v (`_assign`);
 * - `P op= E`: for each output $v of E, every path of P updated to `getpath(p) op $v` (`//=` keeps truthy values).
 */
export function compileAssign(operator: AssignOperator, left: Code, right: Code): Code {
  if (operator === '|=') return compileModify(left, right);
  const combine = operator === '=' ? undefined : arithmeticOf(operator);
  return valueCode((input, env, emit) => {
    const leftPaths = left.paths();
    right.run(input, env, (operand) => {
      let result = input;
      leftPaths(input, [], env, (value, path) => {
        const at = requirePath(value, path);
        result = setPath(result, at, combine === undefined ? operand : combine(getPath(result, at), operand));
      });
      emit(result);
    });
  });
}

function arithmeticOf(operator: Exclude<AssignOperator, '=' | '|='>): (a: Json, b: Json) => Json {
  switch (operator) {
    case '+=':
      return add;
    case '-=':
      return subtract;
    case '*=':
      return multiply;
    case '/=':
      return divide;
    case '%=':
      return modulo;
    case '//=':
      return (a, b) => (isTruthy(a) ? a : b);
  }
}

function compileModify(left: Code, update: Code): Code {
  const first = firstOutput(update);
  return valueCode((input, env, emit) => {
    const leftPaths = left.paths();
    let result = input;
    const deletions: Json[] = [];
    leftPaths(input, [], env, (value, path) => {
      const at = requirePath(value, path);
      const replaced = first(getPath(result, at), env);
      if (replaced === NO_OUTPUT) deletions.push(at);
      else result = setPath(result, at, replaced);
    });
    emit(deletions.length === 0 ? result : deletePaths(result, deletions));
  });
}

const NO_OUTPUT = Symbol('no output');

/**
 * The first output of `code`, stopping it there (as `label $out | … | ., break $out` does in jq's `_modify`: one
 * label per path, so the label numbers `try … catch .` sees of a break stay jq's).
 */
export function firstOutput(code: Code): (input: Json, env: Env) => Json | typeof NO_OUTPUT {
  const single = code.single;
  if (single !== undefined) {
    return (input, env) => {
      env.run.labels++;
      return single(input, env);
    };
  }
  return (input, env) => {
    let out: Json | typeof NO_OUTPUT = NO_OUTPUT;
    const token = newLabel(env.run);
    try {
      code.run(input, env, (value) => {
        out = value;
        throw BreakSignal.to(token);
      });
    } catch (error) {
      if (!(error instanceof BreakSignal) || error.token !== token) throw error;
    }
    return out;
  };
}
