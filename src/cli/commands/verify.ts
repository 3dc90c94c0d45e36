import type { Command } from 'commander';
import { CommandFailedError } from '../command-problem.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandRun, Io } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

/**
 * `itonami verify [ID]`: recomputes the hash chains of one execution or all. Clean: exit 0, `ok: N executions
 * verified`. Broken: exit 1, one stdout line per broken execution naming its first bad event (`<id>: seq <n>:
 * <reason>`), and a problem on stderr. `--json` prints the report instead of the lines.
 */
export function verifyCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('verify')
    .argument('[id]', 'execution to check (default: all)')
    .description('recompute hash chains and name the first bad event of each broken execution')
    .option('--json', 'print the report as JSON');
  withDbOption(command).action((id: string | undefined, options: { db: string; json?: boolean }) => schedule((io) => verify(id, options, io)));
}

async function verify(id: string | undefined, options: { db: string; json?: boolean }, io: Io): Promise<number> {
  return withStoreEngine({ db: options.db, whenMissing: 'read' }, async (engine) => {
    const report = await engine.verify(id === undefined ? {} : { executionId: id });
    if (options.json === true) io.stdout(`${JSON.stringify(report)}\n`);
    if (report.failures.length === 0) {
      if (options.json !== true) io.stdout(`ok: ${report.executions} executions verified\n`);
      return ExitCode.Ok;
    }
    if (options.json !== true) for (const failure of report.failures) io.stdout(`${failure.executionId}: seq ${failure.seq}: ${failure.reason}\n`);
    const first = report.failures[0];
    throw new CommandFailedError({
      type: 'about:blank',
      status: 500,
      title: 'Internal Server Error',
      detail: `${report.failures.length} of ${report.executions} executions failed verification; the first: ${first?.executionId} at seq ${first?.seq}: ${first?.reason}`,
      ...(id === undefined ? {} : { instance: id }),
    });
  });
}
