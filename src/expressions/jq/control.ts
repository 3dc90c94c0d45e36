import type { Json } from '../../model/json.js';
import type { BindNode, ForeachNode, LabelNode, ReduceNode } from './ast.js';
import type { Compiler } from './compiler.js';
import { BreakSignal, type Code, type Env, makeCode, newLabel, type Path, type PathEmit, type PathFilter, pushEnv, tick } from './environment.js';
import { type CompiledBinding, compileBinding } from './patterns.js';
import type { Scope } from './scope.js';

/** `reduce`, `foreach`, `as` bindings and `label`: the forms that bind names for a body. */

function bindingScope(compiler: Compiler, node: { patterns: ReduceNode['patterns'] }, scope: Scope) {
  const binding: CompiledBinding = compileBinding(node.patterns, (key) => compiler.compile(key, scope));
  let inner = scope;
  for (const name of binding.variables) inner = inner.with({ kind: 'variable', name });
  return { binding, inner };
}

/**
 * `reduce SOURCE as $x (INIT; UPDATE)`: one result per output of INIT. jq's loop takes its input with DUPN, which
 * leaves null in its place: only the first INIT output runs SOURCE on the input, later ones run it on null. Every UPDATE output becomes the state, so
 * the last one stands. As jq's LOADVN does, taking the state for UPDATE leaves null behind: an UPDATE with no
 * output makes it null, and a `?//` alternative retried after UPDATE failed starts from null (or from the output
 * UPDATE gave before failing).
 */
export function compileReduce(compiler: Compiler, node: ReduceNode, scope: Scope): Code {
  const source = compiler.compile(node.source, scope);
  const init = compiler.compile(node.init, scope);
  const { binding, inner } = bindingScope(compiler, node, scope);
  const update = compiler.compile(node.update, inner);
  const updateSingle = update.single;
  const loop = { source, binding };
  return makeCode(
    (input, env, emit) =>
      foldValues(
        loop,
        init.run,
        input,
        env,
        updateSingle === undefined ? (current, bound, next) => update.run(current, bound, next) : (current, bound, next) => next(updateSingle(current, bound)),
        emit,
      ),
    (): PathFilter => {
      const initPaths = init.paths();
      const updatePaths = update.paths();
      return (input, path, env, emit) => foldPaths(loop, initPaths, input, path, env, updatePaths, undefined, emit);
    },
  );
}

/**
 * `foreach SOURCE as $x (INIT; UPDATE; EXTRACT)`: every UPDATE output becomes the state and is extracted. The
 * state is taken as in `reduce` (jq's LOADVN): after an UPDATE with no output, the next one starts from null;
 * and as in `reduce`, SOURCE runs on null for every INIT output after the first (jq's DUPN).
 */
export function compileForeach(compiler: Compiler, node: ForeachNode, scope: Scope): Code {
  const source = compiler.compile(node.source, scope);
  const init = compiler.compile(node.init, scope);
  const { binding, inner } = bindingScope(compiler, node, scope);
  const update = compiler.compile(node.update, inner);
  const extract = node.extract === undefined ? undefined : compiler.compile(node.extract, inner);
  const loop = { source, binding };
  return makeCode(
    (input, env, emit) =>
      foldValues(loop, init.run, input, env, (current, bound, next) =>
        update.run(current, bound, (value) => {
          next(value);
          if (extract === undefined) emit(value);
          else extract.run(value, bound, emit);
        }),
      ),
    (): PathFilter => {
      const initPaths = init.paths();
      const updatePaths = update.paths();
      const extractPaths = extract?.paths();
      return (input, path, env, emit) =>
        foldPaths(loop, initPaths, input, path, env, updatePaths, (next, nextPath, bound) => {
          if (extractPaths === undefined) emit(next, nextPath);
          else extractPaths(next, nextPath, bound, emit);
        });
    },
  );
}

/** SOURCE and its binding: what `reduce` and `foreach` loop over. */
interface StateLoop {
  readonly source: Code;
  readonly binding: CompiledBinding;
}

/**
 * The state loop `reduce` and `foreach` share: for each INIT output, SOURCE runs (on the input for the first, on
 * null after it: jq's DUPN) and every binding of each SOURCE output runs UPDATE on the state, which is taken, null
 * left behind (jq's LOADVN), so an UPDATE with no output leaves null. Each UPDATE output becomes the state through
 * `next`; `done` receives the final state of each INIT output.
 */
function foldValues(
  loop: StateLoop,
  runInit: Code['run'],
  input: Json,
  env: Env,
  update: (current: Json, bound: Env, next: (value: Json) => void) => void,
  done?: (state: Json) => void,
): void {
  let sourceInput = input;
  runInit(input, env, (start) => {
    let state: Json = start;
    const next = (value: Json): void => {
      state = value;
    };
    const from = sourceInput;
    sourceInput = null;
    loop.source.run(from, env, (value) => {
      tick(env.run);
      loop.binding.bind(value, env, (bound) => {
        const current = state;
        state = null;
        update(current, bound, next);
      });
    });
    done?.(state);
  });
}

/** {@link foldValues} in path mode: the state carries its path; `step` sees every UPDATE output with its path. */
function foldPaths(
  loop: StateLoop,
  initPaths: PathFilter,
  input: Json,
  path: Path | null,
  env: Env,
  updatePaths: PathFilter,
  step: ((next: Json, nextPath: Path | null, bound: Env) => void) | undefined,
  done?: PathEmit,
): void {
  let sourceInput = input;
  initPaths(input, path, env, (start, startPath) => {
    let state: Json = start;
    let statePath: Path | null = startPath;
    const from = sourceInput;
    sourceInput = null;
    loop.source.run(from, env, (value) => {
      tick(env.run);
      loop.binding.bind(value, env, (bound) => {
        const current = state;
        const currentPath = statePath;
        state = null;
        statePath = null;
        updatePaths(current, currentPath, bound, (next, nextPath) => {
          state = next;
          statePath = nextPath;
          step?.(next, nextPath, bound);
        });
      });
    });
    done?.(state, statePath);
  });
}

/** `SOURCE as PATTERNS | BODY`: the body sees `.` unchanged, once per way the patterns bind. */
export function compileBind(compiler: Compiler, node: BindNode, scope: Scope): Code {
  const source = compiler.compile(node.source, scope);
  const { binding, inner } = bindingScope(compiler, node, scope);
  const body = compiler.compile(node.body, inner);
  const sourceSingle = source.single;
  if (node.patterns.length === 1 && node.patterns[0]?.kind === 'variable') {
    const bodyRun = body.run;
    return makeCode(
      sourceSingle !== undefined
        ? (input, env, emit) => bodyRun(input, pushEnv(env, sourceSingle(input, env)), emit)
        : (input, env, emit) => source.run(input, env, (value) => bodyRun(input, pushEnv(env, value), emit)),
      () => {
        const bodyPaths = body.paths();
        return (input, path, env, emit) =>
          source.run(input, env, (value) => bodyPaths(input, path, pushEnv(env, value), emit));
      },
    );
  }
  return makeCode(
    (input, env, emit) => source.run(input, env, (value) => binding.bind(value, env, (bound) => body.run(input, bound, emit))),
    () => {
      const bodyPaths = body.paths();
      return (input, path, env, emit) =>
        source.run(input, env, (value) => binding.bind(value, env, (bound) => bodyPaths(input, path, bound, emit)));
    },
  );
}

/** `label $name | BODY`: `break $name` inside BODY stops BODY's outputs (each label run has its own token). */
export function compileLabel(compiler: Compiler, node: LabelNode, scope: Scope): Code {
  const body = compiler.compile(node.body, scope.with({ kind: 'label', name: node.name }));
  return makeCode(
    (input, env, emit) => {
      const token = newLabel(env.run);
      try {
        body.run(input, pushEnv(env, token), emit);
      } catch (error) {
        if (!(error instanceof BreakSignal) || error.token !== token) throw error;
      }
    },
    () => {
      const bodyPaths = body.paths();
      return (input, path, env: Env, emit) => {
        const token = newLabel(env.run);
        try {
          bodyPaths(input, path, pushEnv(env, token), emit);
        } catch (error) {
          if (!(error instanceof BreakSignal) || error.token !== token) throw error;
        }
      };
    },
  );
}
