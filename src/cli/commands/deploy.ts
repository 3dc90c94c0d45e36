import type { Command } from 'commander';
import { DefinitionInvalidError } from '../../index.js';
import { loadDefinitions, printDefinitionProblems, readDefinitionFile } from '../definition-files.js';
import { ExitCode } from '../exit-codes.js';
import { qualifiedName } from '../execution-views.js';
import type { CommandRun, Io } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

interface DeployOptions {
  db: string;
  workflows?: string;
  jsonErrors?: boolean;
}

/**
 * `itonami deploy FILE... [--workflows DIR]`: stores definitions by hash in `--db`, for workers and `run.workflow`.
 * One stdout line per definition, `namespace/name@version hash`. Every file is validated before any is stored: an
 * invalid one stores nothing and exits 2 with its problems on stderr.
 */
export function deployCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('deploy')
    .argument('<files...>', 'definition files (YAML or JSON; .kotoba or serde JSON WorkflowIR)')
    .description('store definitions by hash for workers and run.workflow; prints namespace/name@version hash per definition')
    .option('--workflows <dir>', 'deploy every definition in DIR (recursively) as well')
    .option('--json-errors', 'print definition problems as a JSON array of RFC 7807 objects');
  withDbOption(command).action((files: string[], options: DeployOptions) => schedule((io) => deploy(files, options, io)));
}

async function deploy(files: string[], options: DeployOptions, io: Io): Promise<number> {
  for (const file of files) await readDefinitionFile(file); // an unreadable file is bad usage (exit 2)
  return withStoreEngine({ db: options.db, whenMissing: 'create' }, async (engine) => {
    const definitions = await loadDefinitions(engine, [], options, io);
    if (definitions === undefined) return ExitCode.Usage;
    try {
      for (const file of files) definitions.push(await engine.loadFile(file));
    } catch (error) {
      if (!(error instanceof DefinitionInvalidError)) throw error;
      printDefinitionProblems(error, io, options);
      return ExitCode.Usage;
    }
    // The same document in the folder and among the files is one definition (one hash): store and print it once.
    for (const definition of new Map(definitions.map((d) => [d.hash, d])).values()) {
      await engine.deploy(definition);
      io.stdout(`${qualifiedName(definition)} ${definition.hash}\n`);
    }
    return ExitCode.Ok;
  });
}
