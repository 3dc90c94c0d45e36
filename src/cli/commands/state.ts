import type { Command } from 'commander';
import { ExecutionNotFoundError } from '../../index.js';
import { notFound } from '../command-problem.js';
import { ExitCode } from '../exit-codes.js';
import { stateView } from '../execution-views.js';
import { parsePositiveIntegerOption } from '../integer-options.js';
import type { CommandRun, Io } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

/**
 * `itonami state ID [--at SEQ]`: the folded state (at version SEQ) as one line of JSON, instants as ISO 8601. A SEQ
 * past the head: exit 1, 404 problem; a SEQ that is not a positive integer: exit 2.
 */
export function stateCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('state')
    .argument('<id>', 'execution id')
    .description('print the folded state of an execution (at a version) as one line of JSON')
    .option('--at <seq>', 'the version: fold the history up to this event seq');
  withDbOption(command).action((id: string, options: { db: string; at?: string }) => schedule((io) => state(id, options, io)));
}

async function state(id: string, options: { db: string; at?: string }, io: Io): Promise<number> {
  const atSeq = options.at === undefined ? undefined : parsePositiveIntegerOption(options.at, '--at');
  return withStoreEngine({ db: options.db, whenMissing: 'read' }, async (engine) => {
    let folded;
    try {
      folded = await engine.getExecution(id, atSeq === undefined ? {} : { atSeq });
    } catch (error) {
      if (error instanceof RangeError) throw notFound(error.message, id);
      throw error;
    }
    if (folded === undefined) throw new ExecutionNotFoundError(id);
    io.stdout(`${JSON.stringify(stateView(folded))}\n`);
    return ExitCode.Ok;
  });
}
