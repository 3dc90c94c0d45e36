import type { Command } from 'commander';
import { DefinitionInvalidError, createEngine } from '../../index.js';
import { formatProblems, problemsAsJson, readDefinitionFile } from '../definition-files.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandRun } from '../io.js';

/** `itonami validate FILE...`: exit 0 when every file is valid, 2 when any is not (problems on stderr). */
export function validateCommand(program: Command, schedule: (run: CommandRun) => void): void {
  program
    .command('validate')
    .argument('<files...>', 'definition files (YAML or JSON; .kotoba or serde JSON WorkflowIR)')
    .description('check definitions against the DSL 1.0.3 schema and the load-time rules; one line per problem')
    .option('--json-errors', 'print the problems as a JSON array of RFC 7807 objects')
    .action((files: string[], options: { jsonErrors?: boolean }) => schedule((io) => validate(files, options, io)));
}

async function validate(files: string[], options: { jsonErrors?: boolean }, io: { stdout(t: string): void; stderr(t: string): void }): Promise<number> {
  const engine = await createEngine();
  try {
    const problems: object[] = [];
    for (const file of files) {
      await readDefinitionFile(file); // an unreadable file is bad usage (exit 2)
      const result = await engine.validateFile(file);
      if (result.ok) continue;
      const error = new DefinitionInvalidError(result.problems, file);
      problems.push(...problemsAsJson(error));
      if (options.jsonErrors !== true) io.stderr(formatProblems(error));
    }
    if (problems.length === 0) return ExitCode.Ok;
    if (options.jsonErrors === true) io.stderr(`${JSON.stringify(problems)}\n`);
    return ExitCode.Usage;
  } finally {
    await engine.close();
  }
}
