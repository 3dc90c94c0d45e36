import type { Command } from 'commander';
import type { Engine } from '../../index.js';
import { collect, readSecrets } from '../data-options.js';
import { parseDurationOption } from '../durations.js';
import { ExitCode } from '../exit-codes.js';
import { parsePositiveIntegerOption } from '../integer-options.js';
import type { CommandRun, Io } from '../io.js';
import { attachProgress } from '../progress.js';
import { withDbOption, withStoreEngine } from '../store-session.js';
import { loadActivityModules } from '../activity-modules.js';

/** On a forced stop, how long closing (parking, flushing the store) may take before the process exits anyway. */
const FORCED_CLOSE_MS = 1_000;

interface WorkerOptions {
  db: string;
  activities: string[];
  concurrency: string;
  secret: string[];
  secretsFile?: string;
  untilIdle?: boolean;
  maxWait: string;
  grace: string;
  quiet?: boolean;
}

/**
 * `itonami worker`: runs every runnable execution of `--db` (new, orphaned, parked and due) until stopped, or with
 * `--until-idle` until nothing is runnable and no timer falls due within `--max-wait`. SIGINT/SIGTERM stop it
 * gracefully: the runs in memory are parked (nothing half-done is written, claims released) and it exits 0; a
 * second signal, or `--grace` after the first, forces the exit (still 0) once the engine is closed.
 */
export function workerCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('worker')
    .description('run the executions of the database: new, orphaned, parked and due ones')
    .option('--concurrency <n>', 'executions run at once', '10')
    .option('--activities <module>', 'register the activities (exports { name, run }) of an ES module (repeatable)', collect, [])
    .option('--secret <name=value>', 'a secret (repeatable); a JSON value is parsed, anything else is a string', collect, [])
    .option('--secrets-file <path>', 'secrets as a JSON or YAML object of name: value')
    .option('--until-idle', 'exit once nothing is runnable and no timer falls due within --max-wait')
    .option('--max-wait <duration>', 'with --until-idle: how far ahead a timer keeps the worker waiting (500ms, 30s, 5m, PT30S)', '60s')
    .option('--grace <duration>', 'after SIGINT/SIGTERM: how long parking may take before the exit is forced', '10s')
    .option('--quiet', 'print no progress on stderr');
  withDbOption(command).action((options: WorkerOptions) => schedule((io) => work(options, io)));
}

async function work(options: WorkerOptions, io: Io): Promise<number> {
  const concurrency = parsePositiveIntegerOption(options.concurrency, '--concurrency');
  const maxWaitMs = parseDurationOption(options.maxWait, '--max-wait');
  const graceMs = parseDurationOption(options.grace, '--grace');
  const secrets = await readSecrets(options);
  const stopping = new AbortController();
  let force: (() => void) | undefined;
  const forced = new Promise<'forced'>((resolve) => {
    force = () => resolve('forced');
  });
  let grace: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) {
      io.stderr(`worker: ${signal} again: forcing the exit\n`);
      force?.();
      return;
    }
    io.stderr(`worker: ${signal}: parking the executions in memory (send it again to force the exit)\n`);
    stopping.abort();
    grace = setTimeout(() => {
      io.stderr(`worker: still parking after ${options.grace}: forcing the exit\n`);
      force?.();
    }, graceMs);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const functions = await loadActivityModules(options.activities);
    await withStoreEngine({ db: options.db, whenMissing: 'create', secrets, functions }, async (engine) => {
      if (options.quiet !== true) attachProgress(engine, io, { perExecution: true });
      const worked = engine.work({ concurrency, untilIdle: options.untilIdle === true, maxWaitMs, signal: stopping.signal });
      if ((await Promise.race([worked, forced])) !== 'forced') return;
      // A forced stop leaves runs that would not park (an effect that ignores its abort), and closing waits for
      // them: only exiting ends them. Nothing half-done is written either way (appends are atomic); their claims
      // expire after the lease and another worker resumes them by replay.
      await closeWithin(engine, FORCED_CLOSE_MS);
      process.exit(ExitCode.Ok);
    });
  } finally {
    clearTimeout(grace);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return ExitCode.Ok;
}

async function closeWithin(engine: Engine, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([engine.close().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
