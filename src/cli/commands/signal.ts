import type { Command } from 'commander';
import type { Json } from '../../index.js';
import { conflict } from '../command-problem.js';
import { readValueOptions } from '../data-options.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandRun } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

interface SignalOptions {
  db: string;
  data?: string;
  dataFile?: string;
  id?: string;
}

/**
 * `itonami signal ID NAME [--data JSON]`: puts a signal in the execution's mailbox (buffered until a wait consumes
 * it; a parked execution becomes due). Exit 0 once stored; an ended execution: exit 1, 409; an unknown id: exit 1, 404.
 */
export function signalCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('signal')
    .description('send a signal to an execution (a wait on io.itonami.signal with this name as subject consumes it)')
    .argument('<id>', 'execution id')
    .argument('<name>', 'signal name')
    .option('--data <json>', 'the payload as JSON (default: null)')
    .option('--data-file <path>', 'read the payload from a JSON or YAML file')
    .option('--id <id>', 'a signal id: sending the same id again stores nothing new');
  withDbOption(command).action((id: string, name: string, options: SignalOptions) =>
    schedule(async () => {
      const payload: Json = (await readValueOptions({ inline: options.data, file: options.dataFile }, { inline: '--data', file: '--data-file' })) ?? null;
      return withStoreEngine({ db: options.db, whenMissing: 'read' }, async (engine) => {
        if (!(await engine.signal(id, name, payload, options.id === undefined ? {} : { id: options.id }))) {
          const state = await engine.getExecution(id);
          throw conflict(`execution ${id} has already ended (${state?.status ?? 'terminal'}): no signal can reach it`, id);
        }
        return ExitCode.Ok;
      });
    }),
  );
}
