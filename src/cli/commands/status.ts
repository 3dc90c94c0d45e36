import type { Command } from 'commander';
import { ExecutionNotFoundError } from '../../index.js';
import { ExitCode } from '../exit-codes.js';
import { statusView } from '../execution-views.js';
import type { CommandRun, Io } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

/**
 * `itonami status ID`: one line of JSON — `id`, `status`, `output` (completed) or `error` (faulted) or `reason`
 * (cancelled), `definition`, `createdAt`, `updatedAt`, `seq`. Unknown id: exit 1, 404 problem on stderr.
 */
export function statusCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('status')
    .argument('<id>', 'execution id')
    .description('print the status of an execution (and its output or error) as one line of JSON');
  withDbOption(command).action((id: string, options: { db: string }) => schedule((io) => status(id, options, io)));
}

async function status(id: string, options: { db: string }, io: Io): Promise<number> {
  return withStoreEngine({ db: options.db, whenMissing: 'read' }, async (engine) => {
    const state = await engine.getExecution(id);
    if (state === undefined) throw new ExecutionNotFoundError(id);
    io.stdout(`${JSON.stringify(statusView(state))}\n`);
    return ExitCode.Ok;
  });
}
