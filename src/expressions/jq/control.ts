import type { Json } from '../../model/json.js';
import type { BindNode, ForeachNode, LabelNode, ReduceNode } from './ast.js';
import type { Compiler } from './compiler.js';
import { BreakSignal, type Code, type Env, makeCode, newLabel, type Path, type PathFilter, pushEnv, tick } from './environment.js';
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
  return makeCode(
    (input, env, emit) => {
      let sourceInput = input;
      init.run(input, env, (start) => {
        let state: Json = start;
        const store = (next: Json): void => {
          state = next;
        };
        const from = sourceInput;
        sourceInput = null;
        source.run(from, env, (value) => {
          tick(env.run);
          binding.bind(value, env, (bound) => {
            const current = state;
            state = null;
            if (updateSingle !== undefined) state = updateSingle(current, bound);
            else update.run(current, bound, store);
          });
        });
        emit(state);
      });
    },
    (): PathFilter => {
      const initPaths = init.paths();
      const updatePaths = update.paths();
      return (input, path, env, emit) => {
        let sourceInput = input;
        initPaths(input, path, env, (start, startPath) => {
          let state: Json = start;
          let statePath: Path | null = startPath;
          const from = sourceInput;
          sourceInput = null;
          source.run(from, env, (value) => {
            tick(env.run);
            binding.bind(value, env, (bound) => {
              const current = state;
              const currentPath = statePath;
              state = null;
              statePath = null;
              updatePaths(current, currentPath, bound, (next, nextPath) => {
                state = next;
                statePath = nextPath;
              });
            });
          });
          emit(state, statePath);
        });
      };
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
  return makeCode(
    (input, env, emit) => {
      let sourceInput = input;
      init.run(input, env, (start) => {
        let state: Json = start;
        const from = sourceInput;
        sourceInput = null;
        source.run(from, env, (value) => {
          tick(env.run);
          binding.bind(value, env, (bound) => {
            const current = state;
            state = null;
            update.run(current, bound, (next) => {
              state = next;
              if (extract === undefined) emit(next);
              else extract.run(next, bound, emit);
            });
          });
        });
      });
    },
    (): PathFilter => {
      const initPaths = init.paths();
      const updatePaths = update.paths();
      const extractPaths = extract?.paths();
      return (input, path, env, emit) => {
        let sourceInput = input;
        initPaths(input, path, env, (start, startPath) => {
          let state: Json = start;
          let statePath: Path | null = startPath;
          const from = sourceInput;
          sourceInput = null;
          source.run(from, env, (value) => {
            tick(env.run);
            binding.bind(value, env, (bound) => {
              const current = state;
              const currentPath = statePath;
              state = null;
              statePath = null;
              updatePaths(current, currentPath, bound, (next, nextPath) => {
                state = next;
                statePath = nextPath;
                if (extractPaths === undefined) emit(next, nextPath);
                else extractPaths(next, nextPath, bound, emit);
              });
            });
          });
        });
      };
    },
  );
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
