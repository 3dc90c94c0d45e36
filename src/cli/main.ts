import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { formatProblem, problemOfError } from './command-problem.js';
import { controlCommands } from './commands/control.js';
import { deployCommand } from './commands/deploy.js';
import { historyCommand } from './commands/history.js';
import { jqCommand } from './commands/jq.js';
import { listCommand } from './commands/list.js';
import { publishCommand } from './commands/publish.js';
import { runCommand } from './commands/run.js';
import { signalCommand } from './commands/signal.js';
import { startCommand } from './commands/start.js';
import { stateCommand } from './commands/state.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';
import { workerCommand } from './commands/worker.js';
import { ExitCode, UsageError } from './exit-codes.js';
import type { CommandRun, Io } from './io.js';

const processIo: Io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** The `itonami` CLI: parses `argv` (without node and the script), runs the command, returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let scheduled: CommandRun | undefined;
  const program = new Command('itonami')
    .description('Itonami: a durable workflow engine (Serverless Workflow DSL 1.0)')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .showHelpAfterError('(run itonami --help for usage)');
  const schedule = (run: CommandRun) => {
    scheduled = run;
  };
  for (const register of [runCommand, validateCommand, deployCommand, startCommand, workerCommand, statusCommand, listCommand, historyCommand, stateCommand, verifyCommand, controlCommands, signalCommand, publishCommand, jqCommand]) {
    register(program, schedule);
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return commanderExitCode(error);
    throw error;
  }
  if (scheduled === undefined) {
    program.outputHelp({ error: true });
    return ExitCode.Usage;
  }
  try {
    return await scheduled(io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`itonami: ${error.message}\n`);
      return ExitCode.Usage;
    }
    // The operation's own failure (not found, conflict, check failed, or an unexpected error): an RFC 7807 problem.
    io.stderr(formatProblem(problemOfError(error)));
    return ExitCode.Failed;
  }
}

/**
 * `--help`, `help` and `--version` succeed. Commander also reports a bare `itonami` (no command) as
 * `commander.help`, having printed the usage to stderr, but with exitCode 1: that is bad usage, exit 2.
 */
function commanderExitCode(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.Ok;
  if (error.code === 'commander.help' && error.exitCode === 0) return ExitCode.Ok;
  return ExitCode.Usage;
}

function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
