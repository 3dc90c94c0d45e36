import { createRequire } from 'node:module';
import type { Json } from '../../src/model/json.js';
import { toError } from '../../src/model/problems.js';
import { type CompiledJq, type JqEngine, type JqEvaluateOptions, JqCompileError, JqRuntimeError } from '../../src/expressions/jq-engine.js';

/**
 * jq 1.7 (jq's own C code compiled to WebAssembly by `jq-web`, a dev dependency): the reference the compiled jq is
 * checked against (test/jq/differential.test.ts) and benchmarked against (bench/jq.bench.ts). About 1 ms per
 * evaluation: it cannot keep a compiled program, so `compile` checks the program once and `evaluate` re-runs jq's
 * `main()` each time. It was the engine's jq until the compiled one replaced it.
 */
interface JqWeb {
  raw(input: string, filter: string, flags: string[]): string | undefined;
}

/** jq-web's exit codes: 3 = compile error, 5 = runtime error (as jq's own). */
const COMPILE_ERROR_EXIT = 3;
/** The variable that carries jq's `now`; not a legal user variable name in the DSL (leading double underscore). */
const NOW_VARIABLE = '__itonami_now';

/**
 * Put before every program, on its first line (so `$__loc__` line numbers stay the user's). jq-web runs jq inside
 * a fake process, and some builtins reach it; each redefinition below keeps evaluation deterministic and silent:
 * - `now` returns the recorded time, never the wall clock (replay must agree);
 * - `$ENV`/`env` are `{}`: jq-web's environment holds the host script's path (`_`), which differs between hosts;
 * - `get_jq_origin`/`get_prog_origin`/`input_filename` are `null` (they leaked a host directory or `"inputString"`);
 * - `debug`, `debug(msg)`, `stderr` and `halt_error(0)` would make jq-web `console.warn` from library code; they
 *   keep their outputs and drop the message;
 * - `input` fails with jq's own "No more inputs" instead of jq-web's `break`.
 * `$ENV` is rebound with `as`, not `def`: jq resolves `$ENV` as a variable.
 */
const PRELUDE =
  `def now: $${NOW_VARIABLE}; def env: {}; def get_jq_origin: null; def get_prog_origin: null; ` +
  'def input_filename: null; def debug: .; def debug(msg): .; def stderr: .; ' +
  'def __itonami_halt_error(code): halt_error(code); ' +
  'def halt_error(code): if code == 0 then halt else __itonami_halt_error(code) end; ' +
  'def halt_error: halt_error(5); def input: error("No more inputs"); {} as $ENV | ';

/** Loads the WebAssembly module once; the returned engine is synchronous from then on. */
export async function createJqWebEngine(): Promise<JqEngine> {
  const require = createRequire(import.meta.url);
  const jq = (await (require('jq-web') as Promise<JqWeb>)) satisfies JqWeb;
  return {
    compile: (source, variables) => compile(jq, source, variables),
    evaluate: (compiled, input, variables, options) => evaluate(jq, compiled, input, variables, options),
  };
}

function compile(jq: JqWeb, source: string, variables: readonly string[]): CompiledJq {
  const referenced = new Set(referencedVariables(source));
  const bound = variables.filter((name) => referenced.has(name));
  // `if false then (…) else empty end` makes jq compile the program without running it.
  const probe = `${PRELUDE}if false then (${source}\n) else empty end`;
  const flags = ['-n', '-c', '--argjson', NOW_VARIABLE, '0'];
  for (const name of bound) flags.push('--argjson', name, 'null');
  try {
    jq.raw('null', probe, flags);
  } catch (error) {
    throw new JqCompileError(source, compileMessage(error, source));
  }
  return { source, variables: bound };
}

function evaluate(
  jq: JqWeb,
  compiled: CompiledJq,
  input: Json,
  variables: Readonly<Record<string, Json>>,
  options: JqEvaluateOptions = {},
): Json[] {
  // jq-web mutates its flags array, so it is built fresh for every call.
  const flags = ['-c', '--argjson', NOW_VARIABLE, JSON.stringify((options.now ?? 0) / 1)];
  for (const name of compiled.variables) flags.push('--argjson', name, JSON.stringify(variables[name] ?? null));
  let text: string | undefined;
  try {
    text = jq.raw(JSON.stringify(input), `${PRELUDE}${compiled.source}\n`, flags);
  } catch (error) {
    // `halt_error(3)` also exits with 3, so the exit code alone does not make a compile error.
    if (exitCodeOf(error) === COMPILE_ERROR_EXIT && / compile errors?$/.test(stderrOf(error))) {
      throw new JqCompileError(compiled.source, compileMessage(error, compiled.source));
    }
    throw new JqRuntimeError(compiled.source, runtimeMessage(error));
  }
  if (text === undefined || text === '') return [];
  // `-c` prints one compact JSON text per line; newlines inside strings are escaped, so lines split outputs.
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Json);
}

/** The `$names` a program mentions (an over-approximation: names inside string literals count too, harmlessly). */
export function referencedVariables(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const name = match[1];
    if (name !== undefined && name !== '__loc__' && name !== 'ENV') names.add(name);
  }
  return [...names];
}

function exitCodeOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'exitCode' in error ? Number(error.exitCode) : undefined;
}

function stderrOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
}

/**
 * Every `jq: error: …` line of a compile failure, without the prefix, the `at <top-level>` suffix (kept as a line
 * number only for multi-line programs) or the echo of the rewritten program: `$x is not defined; $y is not defined`.
 * An error on the line after the program is about the probe's closing `)`: jq alone reports the end of the file.
 */
function compileMessage(error: unknown, source: string): string {
  const stderr = stderrOf(error);
  const lastLine = source.split('\n').length;
  const reasons = stderr
    .split('\n')
    .filter((line) => line.startsWith('jq: error'))
    .map((line) => {
      const reason = line.replace(/^jq: error: /, '').replace(/ \(Unix shell quoting issues\?\)/, '');
      const at = / at <top-level>, line (\d+):$/.exec(reason);
      if (at === null) return reason.trim();
      const lineNumber = Number(at[1]);
      const text = reason.slice(0, at.index);
      if (lineNumber > lastLine) return text.replace(/unexpected .*$/, 'unexpected end of file');
      return lastLine === 1 ? text : `${text} (line ${lineNumber})`;
    });
  return reasons.length > 0 ? reasons.join('; ') : stderr.trim() || toError(error).message;
}

/**
 * The whole message of a runtime failure (an `error("a\nb")` message keeps its newlines), without jq's
 * `jq: error (at <input>):` prefix. A non-string error value is shown as jq prints it: `{"a":1} (not a string)`.
 */
function runtimeMessage(error: unknown): string {
  // Only the line end goes: an empty error message (`"" | error`) leaves `jq: error (at <unknown>): ` behind.
  const stderr = stderrOf(error).replace(/\n+$/, '');
  if (stderr.trim() === '') return toError(error).message;
  const match = /^jq: error(?: \(at [^)]*\))?( \(not a string\))?: ?([\s\S]*)$/.exec(stderr);
  if (match === null) return stderr; // `halt_error` prints its message bare
  return match[1] === undefined ? (match[2] ?? '') : `${match[2] ?? ''} (not a string)`;
}
