import type { Command } from 'commander';
import { ExecutionNotFoundError } from '../../index.js';
import { ExitCode } from '../exit-codes.js';
import { historyEntries } from '../execution-views.js';
import type { CommandRun, Io } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

/**
 * `itonami history ID`: one line per event, `seq  at  type  taskRef`; with `--json` one JSON array of
 * `{ seq, type, taskRef, at, hash, prevHash, data }`. Unknown id: exit 1, 404 problem on stderr.
 */
export function historyCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('history')
    .argument('<id>', 'execution id')
    .description('print the history of an execution, one event per line')
    .option('--json', 'print one JSON array of events, with their hashes and data');
  withDbOption(command).action((id: string, options: { db: string; json?: boolean }) => schedule((io) => history(id, options, io)));
}

async function history(id: string, options: { db: string; json?: boolean }, io: Io): Promise<number> {
  return withStoreEngine({ db: options.db, whenMissing: 'read' }, async (engine) => {
    const events = await engine.history(id);
    // Every execution starts with WorkflowStarted: an empty history is an unknown id.
    if (events.length === 0) throw new ExecutionNotFoundError(id);
    const entries = historyEntries(events);
    if (options.json === true) {
      io.stdout(`${JSON.stringify(entries)}\n`);
      return ExitCode.Ok;
    }
    const seqWidth = String(entries.at(-1)?.seq ?? 0).length;
    const typeWidth = Math.max(...entries.map((entry) => entry.type.length));
    for (const entry of entries) {
      io.stdout(`${String(entry.seq).padStart(seqWidth)}  ${entry.at}  ${entry.type.padEnd(typeWidth)}  ${entry.taskRef ?? ''}`.trimEnd() + '\n');
    }
    return ExitCode.Ok;
  });
}
