import path from 'node:path';
import type { Command } from 'commander';
import { type Definition, DefinitionInvalidError } from '../../index.js';
import { collect, readValueOptions } from '../data-options.js';
import { loadDefinitions, printDefinitionProblems, readDefinitionFile } from '../definition-files.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CommandRun, Io } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';
import { loadActivityModules } from '../activity-modules.js';

interface StartOptions {
  db: string;
  activities: string[];
  input?: string;
  inputFile?: string;
  workflows?: string;
  id?: string;
  jsonErrors?: boolean;
}

/**
 * `itonami start FILE`: deploys the definitions and creates an execution in `--db` for a worker to run; runs none of
 * it here. stdout is the execution id alone. Idempotent with `--id`: the same definition and input print the id
 * again (exit 0); another definition or input under that id is a conflict (exit 1, 409 problem on stderr).
 */
export function startCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('start')
    .argument('<file>', 'workflow definition (YAML or JSON; .kotoba or serde JSON WorkflowIR)')
    .description('create an execution for a worker to run (runs nothing here); prints its id')
    .option('--input <json>', 'workflow input as JSON (default: {})')
    .option('--input-file <path>', 'read the workflow input from a JSON or YAML file')
    .option('--workflows <dir>', 'deploy every definition in DIR as well, for run.workflow')
    .option('--activities <module>', 'register the activities (exports { name, run }) of an ES module (repeatable)', collect, [])
    .option('--id <id>', 'start under this execution id (idempotent: the same definition and input print it again)')
    .option('--json-errors', 'print definition problems as a JSON array of RFC 7807 objects');
  withDbOption(command).action((file: string, options: StartOptions) => schedule((io) => start(file, options, io)));
}

async function start(file: string, options: StartOptions, io: Io): Promise<number> {
  if (options.id !== undefined && options.id.trim() === '') throw new UsageError('--id must not be empty');
  const input = (await readValueOptions({ inline: options.input, file: options.inputFile }, { inline: '--input', file: '--input-file' })) ?? {};
  await readDefinitionFile(file); // an unreadable file is bad usage (exit 2)
  const functions = await loadActivityModules(options.activities);
  return withStoreEngine({ db: options.db, whenMissing: 'create', functions, baseDir: path.dirname(path.resolve(file)) }, async (engine) => {
    const definitions = await loadDefinitions(engine, [], options, io);
    if (definitions === undefined) return ExitCode.Usage;
    let definition: Definition;
    try {
      definition = await engine.loadFile(file);
    } catch (error) {
      if (!(error instanceof DefinitionInvalidError)) throw error;
      printDefinitionProblems(error, io, options);
      return ExitCode.Usage;
    }
    definitions.push(definition);
    for (const each of definitions) await engine.deploy(each);
    // Created durably and left unclaimed: a worker runs it (this process has no secrets, and would exit mid-step).
    const { executionId } = await engine.start(definition, { input, ...(options.id === undefined ? {} : { executionId: options.id }), run: false });
    io.stdout(`${executionId}\n`);
    return ExitCode.Ok;
  });
}
