import type { Command } from 'commander';
import type { Engine } from '../../index.js';
import { conflict } from '../command-problem.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandRun } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

type ControlVerb = 'cancel' | 'suspend' | 'resume';

/** `defaultReason`: what the engine records when `--reason` is not given; undefined when the verb takes none. */
const VERBS: readonly { verb: ControlVerb; description: string; defaultReason?: string }[] = [
  { verb: 'cancel', description: 'cancel an execution (in-flight side effects and child executions are aborted)', defaultReason: 'cancelled by request' },
  { verb: 'suspend', description: 'suspend an execution: it parks until resumed', defaultReason: 'suspended by request' },
  { verb: 'resume', description: 'resume a suspended execution (a worker runs it on)' },
];

/**
 * `itonami cancel|suspend|resume ID`: exit 0 once the command is recorded (a worker running the execution applies it
 * at its next claim renewal); an execution that already ended: exit 1, 409 problem; an unknown id: exit 1, 404.
 */
export function controlCommands(program: Command, schedule: (run: CommandRun) => void): void {
  for (const { verb, description, defaultReason } of VERBS) {
    const command = program.command(verb).argument('<id>', 'execution id').description(description);
    if (defaultReason !== undefined) command.option('--reason <text>', `why, recorded in the history (default: ${defaultReason})`);
    withDbOption(command).action((id: string, options: { db: string; reason?: string }) =>
      schedule(() =>
        withStoreEngine({ db: options.db, whenMissing: 'read' }, async (engine) => {
          if (!(await apply(engine, verb, id, options.reason))) {
            const state = await engine.getExecution(id);
            throw conflict(`execution ${id} has already ended (${state?.status ?? 'terminal'}): nothing to ${verb}`, id);
          }
          return ExitCode.Ok;
        }),
      ),
    );
  }
}

function apply(engine: Engine, verb: ControlVerb, id: string, reason: string | undefined): Promise<boolean> {
  if (verb === 'resume') return engine.resume(id);
  return verb === 'cancel' ? engine.cancel(id, reason) : engine.suspend(id, reason);
}
