import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { DefinitionInvalidError, type Engine, type Json, createEngine } from '../../index.js';
import { formatProblems, loadWorkflowsDir, problemsAsJson, readDefinitionFile } from '../definition-files.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CommandRun, Io } from '../io.js';
import { attachProgress } from '../progress.js';

interface RunOptions {
  input?: string;
  inputFile?: string;
  workflows?: string;
  secret: string[];
  secretsFile?: string;
  jsonErrors?: boolean;
  quiet?: boolean;
}

/**
 * `itonami run FILE`: runs a workflow to its end on the embedded engine. Exit 0 and the output as one line of JSON
 * on stdout when it completes; exit 1 and the RFC 7807 error on stdout when it faults; exit 2 for an invalid
 * definition or bad usage (problems on stderr); exit 130 when interrupted (the execution is cancelled).
 */
export function runCommand(program: Command, schedule: (run: CommandRun) => void): void {
  program
    .command('run')
    .argument('<file>', 'workflow definition (YAML or JSON)')
    .description('run a workflow to a terminal phase and print its output (or its error) as one line of JSON')
    .option('--input <json>', 'workflow input as JSON (default: {})')
    .option('--input-file <path>', 'read the workflow input from a JSON or YAML file')
    .option('--workflows <dir>', 'make every definition in DIR available to run.workflow')
    .option('--secret <name=value>', 'a secret (repeatable); a JSON value is parsed, anything else is a string', collect, [])
    .option('--secrets-file <path>', 'secrets as a JSON or YAML object of name: value')
    .option('--json-errors', 'print definition problems as a JSON array of RFC 7807 objects')
    .option('--quiet', 'print no progress on stderr')
    .action((file: string, options: RunOptions) => schedule((io) => run(file, options, io)));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function run(file: string, options: RunOptions, io: Io): Promise<number> {
  if (options.input !== undefined && options.inputFile !== undefined) throw new UsageError('give --input or --input-file, not both');
  const input = options.inputFile !== undefined ? await readDataFile(options.inputFile, '--input-file') : options.input !== undefined ? parseJsonOption(options.input, '--input') : {};
  const secrets = { ...(options.secretsFile === undefined ? {} : await readSecretsFile(options.secretsFile)), ...parseSecrets(options.secret) };
  const source = await readDefinitionFile(file);
  const engine = await createEngine({ secrets, baseDir: path.dirname(path.resolve(file)) });
  try {
    let definition;
    try {
      if (options.workflows !== undefined) await loadWorkflowsDir(engine, options.workflows);
      definition = engine.load(source, { path: file });
    } catch (error) {
      if (!(error instanceof DefinitionInvalidError)) throw error;
      io.stderr(options.jsonErrors === true ? `${JSON.stringify(problemsAsJson(error))}\n` : formatProblems(error));
      return ExitCode.Usage;
    }
    if (options.quiet !== true) attachProgress(engine, io);
    return await runToEnd(engine, definition, input, io);
  } finally {
    await engine.close();
  }
}

async function runToEnd(engine: Engine, definition: ReturnType<Engine['load']>, input: Json, io: Io): Promise<number> {
  const handle = await engine.start(definition, { input });
  let isInterrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    isInterrupted = true;
    void engine.cancel(handle.executionId, `interrupted by ${signal}`);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const result = await handle.result();
    if (result.status === 'completed') {
      io.stdout(`${JSON.stringify(result.output)}\n`);
      return ExitCode.Ok;
    }
    if (result.status === 'faulted') {
      io.stdout(`${JSON.stringify(result.error)}\n`);
      return ExitCode.Failed;
    }
    io.stderr(`execution ${result.executionId} was cancelled: ${result.reason}\n`);
    return isInterrupted ? ExitCode.Interrupted : ExitCode.Failed;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

function parseJsonOption(text: string, option: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new UsageError(`${option} is not valid JSON: ${(error as Error).message}`);
  }
}

async function readDataFile(file: string, option: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return parseYaml(text) as Json;
  } catch (error) {
    throw new UsageError(`${option}: ${file} is neither JSON nor YAML: ${(error as Error).message}`);
  }
}

async function readSecretsFile(file: string): Promise<Record<string, Json>> {
  const secrets = await readDataFile(file, '--secrets-file');
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw new UsageError(`--secrets-file: ${file} must hold an object of name: value`);
  return secrets;
}

function parseSecrets(pairs: string[]): Record<string, Json> {
  const secrets: Record<string, Json> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new UsageError(`--secret expects NAME=VALUE, found '${pair}'`);
    const value = pair.slice(separator + 1);
    let parsed: Json = value;
    try {
      parsed = JSON.parse(value) as Json;
    } catch {
      // not JSON: the secret is the plain string
    }
    secrets[pair.slice(0, separator)] = parsed;
  }
  return secrets;
}
