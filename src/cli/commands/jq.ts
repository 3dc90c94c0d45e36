import type { Command } from 'commander';
import { type Json, JqCompileError, JqRuntimeError, createCompiledJqEngine, toJsonText } from '../../index.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CommandRun, Io } from '../io.js';

/** jq's own exit codes beyond 0 and 2, which scripts written for jq already test for. */
const JqExitCode = { CompileError: 3, RuntimeError: 5 } as const;

interface JqArguments {
  readonly filter: string;
  readonly nullInput: boolean;
  /** `--arg` strings and `--argjson` values by name, later ones winning, as in jq. */
  readonly variables: Readonly<Record<string, Json>>;
}

const HELP = `
Reads a stream of JSON values on stdin (whitespace separated), runs FILTER on each and prints every result as one
line of compact JSON, like \`jq -c\`. The jq is Itonami's own (jq 1.7.1's language); \`now\` is the real clock.

Options:
  --arg NAME STRING     bind $NAME to STRING (repeatable)
  --argjson NAME JSON   bind $NAME to the JSON value (repeatable)
  -n, --null-input      run FILTER once, on null, without reading stdin
  -c                    accepted for jq compatibility: output is always compact

Exit codes: 0 success, 2 bad usage or unreadable input, 3 compile error, 5 runtime error.
Example: echo '{"a":{"b":1}}' | itonami jq '.a.b + $n' --argjson n 2`;

/**
 * `itonami jq FILTER [--arg NAME STRING]... [--argjson NAME JSON]... [-n]`: jq for people writing workflow
 * expressions, with jq's exit codes and messages (`jq: error (at <stdin>:N): …`). Commander cannot take
 * two-valued options, so the command reads its own arguments.
 */
export function jqCommand(program: Command, schedule: (run: CommandRun) => void): void {
  program
    .command('jq')
    .usage('[options] <filter>')
    .argument('[arguments...]', 'the filter and its options')
    .description('run a jq filter on the JSON values of stdin, one compact result per line (like jq -c)')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', HELP)
    .action((args: string[]) => schedule((io) => runJq(parseArguments(args), io)));
}

function parseArguments(args: readonly string[]): JqArguments {
  let filter: string | undefined;
  let nullInput = false;
  const variables: Record<string, Json> = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '-n' || arg === '--null-input') nullInput = true;
    else if (arg === '-c' || arg === '--compact-output') continue;
    else if (arg === '--arg' || arg === '--argjson') {
      const name = args[index + 1];
      const value = args[index + 2];
      if (name === undefined || value === undefined) throw new UsageError(`${arg} takes two parameters (e.g. ${arg} varname value)`);
      variables[name] = arg === '--arg' ? value : parseArgJson(name, value);
      index += 2;
    } else if (/^-[-A-Za-z]/.test(arg)) throw new UsageError(`unknown option ${arg} (see itonami jq --help)`);
    else if (filter === undefined) filter = arg;
    else throw new UsageError(`jq reads stdin only: ${arg} looks like an input file; pipe the JSON in instead`);
  }
  if (filter === undefined) throw new UsageError('jq needs a filter, e.g. itonami jq .a');
  return { filter, nullInput, variables };
}

function parseArgJson(name: string, text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new UsageError(`invalid JSON text passed to --argjson ${name}: ${(error as Error).message}`);
  }
}

async function runJq(args: JqArguments, io: Io): Promise<number> {
  const jq = createCompiledJqEngine();
  // jq binds $ARGS too: the named arguments, and no positional ones (there are no --args here).
  const variables = { ...args.variables, ARGS: { positional: [], named: { ...args.variables } } };
  let compiled;
  try {
    compiled = jq.compile(args.filter, Object.keys(variables));
  } catch (error) {
    if (!(error instanceof JqCompileError)) throw error;
    io.stderr(`jq: error: ${error.reason}\njq: 1 compile error\n`);
    return JqExitCode.CompileError;
  }
  const inputs: Iterable<JsonInput> = args.nullInput ? [{ value: null, at: '<unknown>' }] : splitJsonTexts(await readStdin());
  let exitCode: number = ExitCode.Ok;
  for (const input of inputs) {
    if ('error' in input) {
      io.stderr(`jq: error (at ${input.at}): Cannot parse input: ${input.error}\n`);
      return ExitCode.Usage;
    }
    try {
      for (const output of jq.evaluate(compiled, input.value, variables, { now: Date.now() / 1000 })) io.stdout(`${toJsonText(output)}\n`);
    } catch (error) {
      if (!(error instanceof JqRuntimeError)) throw error;
      for (const output of error.outputs ?? []) io.stdout(`${toJsonText(output)}\n`);
      io.stderr(runtimeErrorLine(error, input.at));
      exitCode = JqExitCode.RuntimeError; // jq goes on with the next input and exits 5 at the end
    }
  }
  return exitCode;
}

/** jq's line for an uncaught error: a string as it is, any other value as JSON after `(not a string)`. */
function runtimeErrorLine(error: JqRuntimeError, at: string): string {
  if (error.value !== undefined && typeof error.value !== 'string') {
    return `jq: error (at ${at}) (not a string): ${toJsonText(error.value)}\n`;
  }
  return `jq: error (at ${at}): ${error.reason}\n`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

type JsonInput = { readonly value: Json; readonly at: string } | { readonly error: string; readonly at: string };

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const DELIMITERS = new Set([...WHITESPACE, '{', '}', '[', ']', '"', ',', ':']);

/**
 * The JSON texts of a stream, one at a time, each with where jq would say it is: `<stdin>:N`, N the lines read so
 * far (jq reads whole lines, so a value's position is the end of its last line). A text that does not parse ends
 * the stream, as in jq.
 */
function* splitJsonTexts(stream: string): Generator<JsonInput> {
  const text = stream.replace(/^\uFEFF/, '');
  const lines = lineCounter(text);
  let index = 0;
  while (index < text.length) {
    while (index < text.length && WHITESPACE.has(text[index] as string)) index += 1;
    if (index >= text.length) return;
    const start = index;
    index = endOfValue(text, index);
    const at = `<stdin>:${lines(index)}`;
    try {
      yield { value: JSON.parse(text.slice(start, index)) as Json, at };
    } catch (error) {
      yield { error: (error as Error).message, at };
      return;
    }
  }
}

/** Where the JSON text starting at `start` ends: a balanced container, a string, or a bare token. */
function endOfValue(text: string, start: number): number {
  const first = text[start] as string;
  if (first === '"') return endOfString(text, start);
  if (first !== '{' && first !== '[') {
    if (DELIMITERS.has(first)) return start + 1; // a stray `]`, `,` or `:`: one character, which will not parse
    let index = start;
    while (index < text.length && !DELIMITERS.has(text[index] as string)) index += 1;
    return index;
  }
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '"') {
      index = endOfString(text, index);
      continue;
    }
    if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') depth -= 1;
    index += 1;
    if (depth === 0) return index;
  }
  return index;
}

function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return Math.min(index + 1, text.length);
}

/** Lines read once the line holding `end` is read, for ever larger `end`s: one pass over the text in all. */
function lineCounter(text: string): (end: number) => number {
  let counted = 0;
  let newlines = 0;
  return (end) => {
    const newline = text.indexOf('\n', end);
    const through = newline === -1 ? text.length : newline + 1;
    for (; counted < through; counted += 1) if (text[counted] === '\n') newlines += 1;
    return newlines;
  };
}
