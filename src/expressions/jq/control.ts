import type { Json } from '../../model/json.js';
import type { BindNode, ForeachNode, LabelNode, ReduceNode } from './ast.js';
import type { Compiler } from './compiler.js';
import { BreakSignal, type Code, type Env, makeCode, type Path, type PathFilter, pushEnv, tick } from './environment.js';
import { type CompiledBinding, compileBinding, type DownstreamFlag } from './patterns.js';
import type { Scope } from './scope.js';

/** `reduce`, `foreach`, `as` bindings and `label`: the forms that bind names for a body. */

function bindingScope(compiler: Compiler, node: { patterns: ReduceNode['patterns'] }, scope: Scope) {
  const binding: CompiledBinding = compileBinding(node.patterns, (key) => compiler.compile(key, scope));
  let inner = scope;
  for (const name of binding.variables) inner = inner.with({ kind: 'variable', name });
  return { binding, inner };
}

/**
 * `reduce SOURCE as $x (INIT; UPDATE)`: one result per output of INIT. UPDATE's last output becomes the state;
 * an UPDATE with no output makes it null (jq 1.7).
 */
export function compileReduce(compiler: Compiler, node: ReduceNode, scope: Scope): Code {
  const source = compiler.compile(node.source, scope);
  const init = compiler.compile(node.init, scope);
  const { binding, inner } = bindingScope(compiler, node, scope);
  const update = compiler.compile(node.update, inner);
  return makeCode(
    (input, env, emit) =>
      init.run(input, env, (start) => {
        let state: Json = start;
        source.run(input, env, (value) => {
          tick(env.run);
          binding.bind(
            value,
            env,
            (bound) => {
              let last: Json = null;
              update.run(state, bound, (next) => {
                last = next;
              });
              state = last;
            },
            undefined,
          );
        });
        emit(state);
      }),
    (): PathFilter => {
      const initPaths = init.paths();
      const updatePaths = update.paths();
      return (input, path, env, emit) =>
        initPaths(input, path, env, (start, startPath) => {
          let state: Json = start;
          let statePath: Path | null = startPath;
          source.run(input, env, (value) => {
            tick(env.run);
            binding.bind(
              value,
              env,
              (bound) => {
                let last: Json = null;
                let lastPath: Path | null = null;
                updatePaths(state, statePath, bound, (next, nextPath) => {
                  last = next;
                  lastPath = nextPath;
                });
                state = last;
                statePath = lastPath;
              },
              undefined,
            );
          });
          emit(state, statePath);
        });
    },
  );
}

/** `foreach SOURCE as $x (INIT; UPDATE; EXTRACT)`: every UPDATE output becomes the state and is extracted. */
export function compileForeach(compiler: Compiler, node: ForeachNode, scope: Scope): Code {
  const source = compiler.compile(node.source, scope);
  const init = compiler.compile(node.init, scope);
  const { binding, inner } = bindingScope(compiler, node, scope);
  const update = compiler.compile(node.update, inner);
  const extract = node.extract === undefined ? undefined : compiler.compile(node.extract, inner);
  return makeCode(
    (input, env, emit) =>
      init.run(input, env, (start) => {
        let state: Json = start;
        const flag: DownstreamFlag = { isDownstream: false };
        source.run(input, env, (value) => {
          tick(env.run);
          binding.bind(
            value,
            env,
            (bound) =>
              update.run(state, bound, (next) => {
                state = next;
                flag.isDownstream = true;
                if (extract === undefined) emit(next);
                else extract.run(next, bound, emit);
                flag.isDownstream = false;
              }),
            flag,
          );
        });
      }),
    (): PathFilter => {
      const initPaths = init.paths();
      const updatePaths = update.paths();
      const extractPaths = extract?.paths();
      return (input, path, env, emit) =>
        initPaths(input, path, env, (start, startPath) => {
          let state: Json = start;
          let statePath: Path | null = startPath;
          const flag: DownstreamFlag = { isDownstream: false };
          source.run(input, env, (value) => {
            tick(env.run);
            binding.bind(
              value,
              env,
              (bound) =>
                updatePaths(state, statePath, bound, (next, nextPath) => {
                  state = next;
                  statePath = nextPath;
                  flag.isDownstream = true;
                  if (extractPaths === undefined) emit(next, nextPath);
                  else extractPaths(next, nextPath, bound, emit);
                  flag.isDownstream = false;
                }),
              flag,
            );
          });
        });
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
  const hasAlternatives = node.patterns.length > 1;
  return makeCode(
    (input, env, emit) => {
      const flag: DownstreamFlag | undefined = hasAlternatives ? { isDownstream: false } : undefined;
      const out =
        flag === undefined
          ? emit
          : (value: Json): void => {
              flag.isDownstream = true;
              emit(value);
              flag.isDownstream = false;
            };
      source.run(input, env, (value) => binding.bind(value, env, (bound) => body.run(input, bound, out), flag));
    },
    () => {
      const bodyPaths = body.paths();
      return (input, path, env, emit) => {
        const flag: DownstreamFlag = { isDownstream: false };
        source.run(input, env, (value) =>
          binding.bind(
            value,
            env,
            (bound) =>
              bodyPaths(input, path, bound, (v, p) => {
                flag.isDownstream = true;
                emit(v, p);
                flag.isDownstream = false;
              }),
            flag,
          ),
        );
      };
    },
  );
}

/** `label $name | BODY`: `break $name` inside BODY stops BODY's outputs (each label run has its own token). */
export function compileLabel(compiler: Compiler, node: LabelNode, scope: Scope): Code {
  const body = compiler.compile(node.body, scope.with({ kind: 'label', name: node.name }));
  return makeCode(
    (input, env, emit) => {
      const token = {};
      try {
        body.run(input, pushEnv(env, token), emit);
      } catch (error) {
        if (!(error instanceof BreakSignal) || error.token !== token) throw error;
      }
    },
    () => {
      const bodyPaths = body.paths();
      return (input, path, env: Env, emit) => {
        const token = {};
        try {
          bodyPaths(input, path, pushEnv(env, token), emit);
        } catch (error) {
          if (!(error instanceof BreakSignal) || error.token !== token) throw error;
        }
      };
    },
  );
}
