import path from 'node:path';
import type { Command } from 'commander';
import { type Definition, DefinitionInvalidError, type Engine, type Json } from '../../index.js';
import { collect, readSecrets, readValueOptions } from '../data-options.js';
import { loadWorkflowsDir, printDefinitionProblems, readDefinitionFile } from '../definition-files.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandRun, Io } from '../io.js';
import { attachProgress } from '../progress.js';
import { withDbOption, withStoreEngine } from '../store-session.js';
import { loadActivityModules } from '../activity-modules.js';

interface RunOptions {
  db: string;
  activities: string[];
  input?: string;
  inputFile?: string;
  workflows?: string;
  secret: string[];
  secretsFile?: string;
  jsonErrors?: boolean;
  quiet?: boolean;
}

/**
 * `itonami run FILE`: runs a workflow to its end in this process, its history durable in `--db`. Exit 0 and the
 * output as one line of JSON on stdout when it completes; exit 1 and the RFC 7807 error on stdout when it faults;
 * exit 2 for an invalid definition or bad usage (problems on stderr); exit 130 when interrupted (the execution is
 * cancelled).
 */
export function runCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('run')
    .argument('<file>', 'workflow definition (YAML or JSON; .kotoba or serde JSON WorkflowIR)')
    .description('run a workflow to a terminal phase and print its output (or its error) as one line of JSON')
    .option('--input <json>', 'workflow input as JSON (default: {})')
    .option('--input-file <path>', 'read the workflow input from a JSON or YAML file')
    .option('--workflows <dir>', 'make every definition in DIR available to run.workflow')
    .option('--activities <module>', 'register the activities (exports { name, run }) of an ES module (repeatable)', collect, [])
    .option('--secret <name=value>', 'a secret (repeatable); a JSON value is parsed, anything else is a string', collect, [])
    .option('--secrets-file <path>', 'secrets as a JSON or YAML object of name: value')
    .option('--json-errors', 'print definition problems as a JSON array of RFC 7807 objects')
    .option('--quiet', 'print no progress on stderr');
  withDbOption(command).action((file: string, options: RunOptions) => schedule((io) => run(file, options, io)));
}

async function run(file: string, options: RunOptions, io: Io): Promise<number> {
  const input = (await readValueOptions({ inline: options.input, file: options.inputFile }, { inline: '--input', file: '--input-file' })) ?? {};
  const secrets = await readSecrets(options);
  await readDefinitionFile(file); // an unreadable file is bad usage (exit 2), named before any store opens
  const functions = await loadActivityModules(options.activities);
  return withStoreEngine({ db: options.db, whenMissing: 'create', secrets, functions, baseDir: path.dirname(path.resolve(file)) }, async (engine) => {
    let definition: Definition;
    try {
      if (options.workflows !== undefined) await loadWorkflowsDir(engine, options.workflows);
      definition = await engine.loadFile(file);
    } catch (error) {
      if (!(error instanceof DefinitionInvalidError)) throw error;
      printDefinitionProblems(error, io, options);
      return ExitCode.Usage;
    }
    if (options.quiet !== true) attachProgress(engine, io);
    return runToEnd(engine, definition, input, io);
  });
}

async function runToEnd(engine: Engine, definition: Definition, input: Json, io: Io): Promise<number> {
  // The handlers go in before the start: its first steps may already run (and print) while `start` resolves.
  let interruptedBy: NodeJS.Signals | undefined;
  let executionId: string | undefined;
  const cancel = () => {
    if (executionId !== undefined && interruptedBy !== undefined) void engine.cancel(executionId, `interrupted by ${interruptedBy}`);
  };
  const interrupt = (signal: NodeJS.Signals) => {
    interruptedBy ??= signal;
    cancel();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const handle = await engine.start(definition, { input });
    executionId = handle.executionId;
    cancel();
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
    return interruptedBy !== undefined ? ExitCode.Interrupted : ExitCode.Failed;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
