import type { Json } from '../../model/json.js';
import type { BinaryNode } from './ast.js';
import { add, divide, modulo, multiply, subtract } from './builtins/arithmetic.js';
import { compareValues, isTruthy, valuesEqual } from './builtins/values.js';
import {
  caughtValue,
  type Code,
  type Filter,
  isCatchable,
  makeCode,
  maybeCode,
  NONE,
  type PathFilter,
  singleCode,
  valueCode,
} from './environment.js';

/** The operators of jq's grammar as closures over their operands' code: `|`, `,`, `and`/`or`, `//`, `if`, `try`. */

/**
 * `try body catch handler` with jq 1.7 semantics: only errors raised by the body are caught, never those raised
 * downstream of an output the body already emitted (they pass through, as jq's TRY_END re-raises them). After a
 * caught error the body produces nothing more. A `break` out of the body is caught too, as jq 1.7.1 does.
 */
export function tryFilter(body: Filter, handler: Code | undefined): Filter {
  return (input, env, emit) => {
    let isDownstream = false;
    try {
      body(input, env, (value) => {
        isDownstream = true;
        emit(value);
        isDownstream = false;
      });
    } catch (error) {
      if (isDownstream || !isCatchable(error)) throw error;
      if (handler !== undefined) handler.run(caughtValue(error), env, emit);
    }
  };
}

export function compilePipe(left: Code, right: Code): Code {
  const ls = left.single;
  const rs = right.single;
  const paths = (): PathFilter => {
    const leftPaths = left.paths();
    const rightPaths = right.paths();
    return (input, path, env, emit) => leftPaths(input, path, env, (value, p) => rightPaths(value, p, env, emit));
  };
  if (ls !== undefined && rs !== undefined) return singleCode((input, env) => rs(ls(input, env), env), paths);
  // At most one output on each side (`select(.n > 1) | .n * 2`): no callback per value.
  const lm = left.maybe;
  const rm = right.maybe;
  if (lm !== undefined && rm !== undefined) {
    return maybeCode((input, env) => {
      const value = lm(input, env);
      return value === NONE ? NONE : rm(value, env);
    }, paths);
  }
  // `.items[] | select(…) | …`: a plain loop over the array.
  const spread = left.spread;
  if (spread !== undefined && rm !== undefined) {
    return makeCode((input, env, emit) => {
      const values = spread(input, env);
      for (let i = 0; i < values.length; i++) {
        const out = rm(values[i] as Json, env);
        if (out !== NONE) emit(out);
      }
    }, paths);
  }
  const rightRun = right.run;
  if (ls !== undefined) return makeCode((input, env, emit) => rightRun(ls(input, env), env, emit), paths);
  return makeCode((input, env, emit) => left.run(input, env, (value) => rightRun(value, env, emit)), paths);
}

export function compileComma(left: Code, right: Code): Code {
  return makeCode(
    (input, env, emit) => {
      left.run(input, env, emit);
      right.run(input, env, emit);
    },
    () => {
      const leftPaths = left.paths();
      const rightPaths = right.paths();
      return (input, path, env, emit) => {
        leftPaths(input, path, env, emit);
        rightPaths(input, path, env, emit);
      };
    },
  );
}

export function mapSingle(body: Code, operation: (value: Json) => Json): Code {
  const single = body.single;
  if (single !== undefined) return singleCode((input, env) => operation(single(input, env)));
  return valueCode((input, env, emit) => body.run(input, env, (value) => emit(operation(value))));
}

export function binaryOperation(operator: BinaryNode['operator']): (left: Json, right: Json) => Json {
  switch (operator) {
    case '+':
      return add;
    case '-':
      return subtract;
    case '*':
      return multiply;
    case '/':
      return divide;
    case '%':
      return modulo;
    case '==':
      return valuesEqual;
    case '!=':
      return (a, b) => !valuesEqual(a, b);
    case '<':
      return (a, b) => compareValues(a, b) < 0;
    case '<=':
      return (a, b) => compareValues(a, b) <= 0;
    case '>':
      return (a, b) => compareValues(a, b) > 0;
    case '>=':
      return (a, b) => compareValues(a, b) >= 0;
  }
}

/** `a and b`, `a or b`: the left side is the outer loop; the right side runs only when it decides. */
export function compileLogic(kind: 'and' | 'or', left: Code, right: Code): Code {
  const isAnd = kind === 'and';
  const ls = left.single;
  const rs = right.single;
  if (ls !== undefined && rs !== undefined) {
    return singleCode((input, env) => {
      const l = isTruthy(ls(input, env));
      if (isAnd ? !l : l) return !isAnd;
      return isTruthy(rs(input, env));
    });
  }
  return valueCode((input, env, emit) =>
    left.run(input, env, (l) => {
      const truthy = isTruthy(l);
      if (isAnd ? !truthy : truthy) emit(!isAnd);
      else right.run(input, env, (r) => emit(isTruthy(r)));
    }),
  );
}

/** `a // b`: a's truthy outputs as they come; b's outputs if there were none. Errors in `a` propagate (jq 1.7.1). */
export function compileAlternative(left: Code, right: Code): Code {
  const ls = left.single;
  const rs = right.single;
  if (ls !== undefined && rs !== undefined) {
    return singleCode((input, env) => {
      const l = ls(input, env);
      return isTruthy(l) ? l : rs(input, env);
    });
  }
  return makeCode(
    (input, env, emit) => {
      let found = false;
      left.run(input, env, (value) => {
        if (isTruthy(value)) {
          found = true;
          emit(value);
        }
      });
      if (!found) right.run(input, env, emit);
    },
    () => {
      const leftPaths = left.paths();
      const rightPaths = right.paths();
      return (input, path, env, emit) => {
        let found = false;
        leftPaths(input, path, env, (value, p) => {
          if (isTruthy(value)) {
            found = true;
            emit(value, p);
          }
        });
        if (!found) rightPaths(input, path, env, emit);
      };
    },
  );
}

/** `if c then t else e end` for each output of `c`. */
export function compileCondition(condition: Code, then: Code, otherwise: Code): Code {
  const cs = condition.single;
  const paths = (): PathFilter => {
    const thenPaths = then.paths();
    const otherwisePaths = otherwise.paths();
    return (input, path, env, emit) =>
      condition.run(input, env, (c) => (isTruthy(c) ? thenPaths : otherwisePaths)(input, path, env, emit));
  };
  if (cs !== undefined) {
    const ts = then.single;
    const os = otherwise.single;
    if (ts !== undefined && os !== undefined) {
      return singleCode((input, env) => (isTruthy(cs(input, env)) ? ts(input, env) : os(input, env)), paths);
    }
    const thenRun = then.run;
    const otherwiseRun = otherwise.run;
    return makeCode(
      (input, env, emit) => (isTruthy(cs(input, env)) ? thenRun : otherwiseRun)(input, env, emit),
      paths,
    );
  }
  return makeCode(
    (input, env, emit) =>
      condition.run(input, env, (c) => (isTruthy(c) ? then.run : otherwise.run)(input, env, emit)),
    paths,
  );
}

