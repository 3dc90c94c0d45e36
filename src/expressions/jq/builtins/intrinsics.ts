import type { Json } from '../../../model/json.js';
import type { Compiler } from '../compiler.js';
import {
  BreakSignal,
  type Code,
  type Env,
  type Filter,
  HaltSignal,
  makeCode,
  maybeCode,
  newLabel,
  NONE,
  type Run,
  type PathEmit,
  type PathFilter,
  singleCode,
  tick,
  valueCode,
} from '../environment.js';
import { JqError } from '../errors.js';
import { extendPath, requirePath } from '../paths.js';
import type { Scope } from '../scope.js';
import { add, subtract } from './arithmetic.js';
import { getPath, iterateValues } from './indexing.js';
import { compareValues, isJsonObjectValue, isTruthy } from './values.js';

/**
 * The builtins that are not plain functions of values: they take filters (`select(f)`, `path(f)`, `limit(n; f)`),
 * stop generators early, loop (written as loops, so `[limit(100000; repeat(1))]` needs no stack), work in path
 * mode, or stand for jq's I/O (`input`, `halt`, `debug`, `env`, `now`). Each one's jq definition (jq 1.7.1's
 * src/builtin.jq or src/builtin.c) is the reference for its order of outputs and errors.
 */

export interface CallSite {
  readonly compiler: Compiler;
  readonly scope: Scope;
  readonly at: number;
}

export type Intrinsic = (args: readonly Code[], site: CallSite) => Code;

const empty: Filter = () => undefined;

/**
 * Runs `body` until it calls `stop`; the stop unwinds only this invocation. It stands for the `label $out | … break
 * $out` of jq's definition, so it takes a label number as jq does (seen by `try … catch .` of a break).
 */
function stoppable(run: Run, body: (stop: () => never) => void): void {
  const token = newLabel(run);
  try {
    body(() => {
      throw BreakSignal.to(token);
    });
  } catch (error) {
    if (!(error instanceof BreakSignal) || error.token !== token) throw error;
  }
}

/** For each output of a value argument (`$n` parameters), in order. */
function eachValue(arg: Code, input: Json, env: Env, body: (value: Json) => void): void {
  const single = arg.single;
  if (single !== undefined) body(single(input, env));
  else arg.run(input, env, body);
}

function recurseValues(input: Json, emit: (value: Json) => void): void {
  emit(input);
  if (Array.isArray(input)) {
    for (const child of input) recurseValues(child, emit);
  } else if (isJsonObjectValue(input)) {
    for (const key of Object.keys(input)) recurseValues(input[key] as Json, emit);
  }
}

function recursePaths(input: Json, path: readonly Json[], emit: PathEmit): void {
  emit(input, path);
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) recursePaths(input[i] as Json, extendPath(path, i), emit);
  } else if (isJsonObjectValue(input)) {
    for (const key of Object.keys(input)) recursePaths(input[key] as Json, extendPath(path, key), emit);
  }
}

/** An error `f` raised after some outputs: raised once the subtrees of those outputs are done, as jq orders it. */
class PendingError {
  constructor(readonly error: JqError) {}
}

/**
 * `recurse(f)` (`def r: ., (f | r)`) depth-first with a stack of its own, so a chain of 100,000 values needs no
 * JavaScript stack. Each value's `f` outputs are gathered before its first child is visited.
 */
function recurseWithStack(code: Code, input: Json, env: Env, emit: (value: Json) => void): void {
  const stack: (Json | PendingError)[] = [input];
  while (stack.length > 0) {
    const item = stack.pop() as Json | PendingError;
    if (item instanceof PendingError) throw item.error;
    tick(env.run);
    emit(item);
    const children: Json[] = [];
    try {
      code.run(item, env, (child) => {
        children.push(child);
      });
    } catch (error) {
      if (!(error instanceof JqError)) throw error;
      stack.push(new PendingError(error));
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Json);
  }
}

function numeric(value: Json): number {
  if (typeof value !== 'number') throw new JqError('Range bounds must be numeric');
  return value;
}

/**
 * `limit($n; f)` in either mode, as jq 1.7.1 defines it: n > 0 is `label $out | foreach f as $item ($n; .-1;
 * $item, if . <= 0 then break $out else empty end)` (so a count that is not a number fails at f's first output),
 * 0 gives none, anything else (a negative number, null) all of f.
 */
function limited<T extends unknown[]>(
  run: Run,
  n: Json,
  each: (emit: (...out: T) => void) => void,
  emit: (...out: T) => void,
): void {
  if (compareValues(n, 0) <= 0) {
    if (n !== 0) each(emit);
    return;
  }
  let remaining: Json = n;
  stoppable(run, (stop) =>
    each((...out) => {
      remaining = typeof remaining === 'number' ? remaining - 1 : subtract(remaining, 1);
      emit(...out);
      if (compareValues(remaining, 0) <= 0) stop();
    }),
  );
}

export const intrinsics: Readonly<Record<string, Intrinsic>> = {
  'empty/0': () => makeCode(empty, () => () => undefined),
  'not/0': () => singleCode((input) => !isTruthy(input)),
  'error/0': () =>
    singleCode((input) => {
      throw new JqError(input);
    }),
  'error/1': ([message]) => {
    const run: Filter = (input, env) =>
      (message as Code).run(input, env, (value) => {
        throw new JqError(value);
      });
    return makeCode(run, () => (input, _path, env) => run(input, env, () => undefined));
  },
  'path/1': ([f]) =>
    valueCode((input, env, emit) =>
      (f as Code).paths()(input, [], env, (value, path) => emit(requirePath(value, path))),
    ),
  'getpath/1': ([pathArg]) => {
    const arg = pathArg as Code;
    return makeCode(
      (input, env, emit) => eachValue(arg, input, env, (path) => emit(safeGetPath(input, path))),
      () => (input, path, env, emit) =>
        eachValue(arg, input, env, (at) => {
          const value = safeGetPath(input, at);
          if (path === null) requirePath(input, path);
          if (!Array.isArray(at)) throw new JqError('Path must be specified as an array');
          emit(value, (path as Json[]).concat(at));
        }),
    );
  },
  'select/1': ([condition]) => {
    const c = condition as Code;
    const single = c.single;
    const paths = (): PathFilter => (input, path, env, emit) =>
      c.run(input, env, (value) => {
        if (isTruthy(value)) emit(input, path);
      });
    if (single !== undefined) return maybeCode((input, env) => (isTruthy(single(input, env)) ? input : NONE), paths);
    return makeCode(
      (input, env, emit) =>
        c.run(input, env, (value) => {
          if (isTruthy(value)) emit(input);
        }),
      paths,
    );
  },
  'map/1': ([f]) => {
    const code = f as Code;
    const single = code.single;
    return singleCode((input, env) => {
      const values = iterateValues(input);
      if (single !== undefined) return values.map((value) => single(value, env));
      const out: Json[] = [];
      for (const value of values) code.run(value, env, (result) => out.push(result));
      return out;
    });
  },
  'recurse/0': () =>
    makeCode(
      (input, _env, emit) => recurseValues(input, emit),
      () => (input, path, _env, emit) => {
        if (path === null) {
          // `..` on a value that is not a path: only the value itself is reachable without a path step.
          emit(input, null);
          if (Array.isArray(input) || isJsonObjectValue(input)) requirePath(input, path);
          return;
        }
        recursePaths(input, path, emit);
      },
    ),
  'recurse/1': ([f]) => {
    const code = f as Code;
    return makeCode(
      (input, env, emit) => recurseWithStack(code, input, env, emit),
      () => {
        const fPaths = code.paths();
        return (input, path, env, emit) => {
          const step: PathEmit = (value, p) => {
            tick(env.run);
            emit(value, p);
            fPaths(value, p, env, step);
          };
          step(input, path);
        };
      },
    );
  },
  'first/1': ([f]) => {
    const code = f as Code;
    return makeCode(
      (input, env, emit) =>
        stoppable(env.run, (stop) =>
          code.run(input, env, (value) => {
            emit(value);
            stop();
          }),
        ),
      () => {
        const fPaths = code.paths();
        return (input, path, env, emit) =>
          stoppable(env.run, (stop) =>
            fPaths(input, path, env, (value, p) => {
              emit(value, p);
              stop();
            }),
          );
      },
    );
  },
  // jq 1.7.1: `def last(f): reduce f as $x (null; $x);`, so `last(empty)` is null.
  'last/1': ([f]) => {
    const code = f as Code;
    return makeCode(
      (input, env, emit) => {
        let last: Json = null;
        code.run(input, env, (value) => {
          last = value;
        });
        emit(last);
      },
      () => {
        const fPaths = code.paths();
        return (input, path, env, emit) => {
          let last: Json = null;
          let lastPath: readonly Json[] | null = null;
          fPaths(input, path, env, (value, p) => {
            last = value;
            lastPath = p;
          });
          emit(last, lastPath);
        };
      },
    );
  },
  'limit/2': ([count, f]) => {
    const n = count as Code;
    const code = f as Code;
    return makeCode(
      (input, env, emit) =>
        eachValue(n, input, env, (limit) =>
          limited<[Json]>(env.run, limit, (out) => code.run(input, env, out), emit),
        ),
      () => {
        const fPaths = code.paths();
        return (input, path, env, emit) =>
          eachValue(n, input, env, (limit) =>
            limited<[Json, readonly Json[] | null]>(env.run, limit, (out) => fPaths(input, path, env, out), emit),
          );
      },
    );
  },
  'isempty/1': ([f]) => {
    const code = f as Code;
    return singleCode((input, env) => {
      let isEmpty = true;
      stoppable(env.run, (stop) =>
        code.run(input, env, () => {
          isEmpty = false;
          stop();
        }),
      );
      return isEmpty;
    });
  },
  'until/2': ([condition, next]) => {
    const c = condition as Code;
    const n = next as Code;
    const cs = c.single;
    const ns = n.single;
    if (cs !== undefined && ns !== undefined) {
      return singleCode((input, env) => {
        let value = input;
        while (!isTruthy(cs(value, env))) {
          tick(env.run);
          value = ns(value, env);
        }
        return value;
      });
    }
    return valueCode((input, env, emit) => {
      const step = (value: Json): void => {
        tick(env.run);
        c.run(value, env, (test) => (isTruthy(test) ? emit(value) : n.run(value, env, step)));
      };
      step(input);
    });
  },
  'while/2': ([condition, update]) => {
    const c = condition as Code;
    const u = update as Code;
    const cs = c.single;
    const us = u.single;
    if (cs !== undefined && us !== undefined) {
      return valueCode((input, env, emit) => {
        let value = input;
        while (isTruthy(cs(value, env))) {
          tick(env.run);
          emit(value);
          value = us(value, env);
        }
      });
    }
    return valueCode((input, env, emit) => {
      const step = (value: Json): void => {
        tick(env.run);
        c.run(value, env, (test) => {
          if (!isTruthy(test)) return;
          emit(value);
          u.run(value, env, step);
        });
      };
      step(input);
    });
  },
  'repeat/1': ([f]) => {
    const code = f as Code;
    // jq 1.7.1: `def repeat(f): def _repeat: f, _repeat; _repeat;` — f again and again on the same input.
    return valueCode((input, env, emit) => {
      for (;;) {
        tick(env.run);
        code.run(input, env, emit);
      }
    });
  },
  'range/1': ([upto]) =>
    valueCode((input, env, emit) =>
      eachValue(upto as Code, input, env, (to) => {
        const end = numeric(to);
        for (let i = 0; i < end; i++) {
          tick(env.run);
          emit(i);
        }
      }),
    ),
  'range/2': ([from, upto]) =>
    valueCode((input, env, emit) =>
      eachValue(from as Code, input, env, (start) =>
        eachValue(upto as Code, input, env, (to) => {
          const end = numeric(to);
          for (let i = numeric(start); i < end; i++) {
            tick(env.run);
            emit(i);
          }
        }),
      ),
    ),
  'range/3': ([from, upto, by]) =>
    valueCode((input, env, emit) =>
      eachValue(from as Code, input, env, (start) =>
        eachValue(upto as Code, input, env, (end) =>
          eachValue(by as Code, input, env, (step) => {
            const direction = compareValues(step, 0);
            if (direction === 0) return;
            let value = start;
            while (direction > 0 ? compareValues(value, end) < 0 : compareValues(value, end) > 0) {
              tick(env.run);
              emit(value);
              value = add(value, step);
            }
          }),
        ),
      ),
    ),
  'add/0': () =>
    singleCode((input) => {
      let sum: Json = null;
      for (const value of iterateValues(input)) sum = add(sum, value);
      return sum;
    }),
  'input/0': () =>
    singleCode(() => {
      throw new JqError('No more inputs');
    }),
  'inputs/0': () => valueCode(empty),
  'debug/0': () => identityCode(),
  'stderr/0': () => identityCode(),
  'debug/1': ([message]) =>
    valueCode((input, env, emit) => {
      (message as Code).run(input, env, () => undefined);
      emit(input);
    }),
  'halt/0': () =>
    valueCode(() => {
      throw new HaltSignal(false, null);
    }),
  'halt_error/0': () =>
    valueCode((input) => {
      throw new HaltSignal(true, input);
    }),
  'halt_error/1': ([code]) =>
    valueCode((input, env) =>
      eachValue(code as Code, input, env, (exitCode) => {
        if (typeof exitCode !== 'number') throw new JqError('halt_error/1: number required');
        throw new HaltSignal(true, input);
      }),
    ),
  'env/0': () => singleCode(() => ({})),
  'now/0': () => singleCode((_input, env) => env.run.now),
  'input_filename/0': () => singleCode(() => null),
  'input_line_number/0': () => singleCode(() => 0),
  'get_jq_origin/0': () => singleCode(() => null),
  'get_prog_origin/0': () => singleCode(() => null),
  'have_decnum/0': () => singleCode(() => false),
  'have_literal_numbers/0': () => singleCode(() => false), // numbers are doubles: literals are not kept
  'builtins/0': (_args, site) => {
    const { natives, intrinsics: table, builtins } = site.compiler.tables;
    const names = [...Object.keys(table), ...Object.keys(natives), ...builtins.keys()].filter(
      (name, index, all) => !name.startsWith('_') && all.indexOf(name) === index,
    );
    return singleCode(() => names.slice());
  },
};

function identityCode(): Code {
  return singleCode(
    (input) => input,
    (): PathFilter => (input, path, _env, emit) => emit(input, path),
  );
}

/** jq's getpath: a missing step gives null, but a step into a scalar is still jq's index error. */
function safeGetPath(input: Json, path: Json): Json {
  if (path === null) return input;
  return getPath(input, path);
}

