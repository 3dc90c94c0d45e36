import type { Command } from 'commander';
import type { CloudEventInput } from '../../index.js';
import { readValueOptions } from '../data-options.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CommandRun, Io } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

interface PublishOptions {
  db: string;
  type: string;
  source: string;
  id?: string;
  subject?: string;
  data?: string;
  dataFile?: string;
}

/**
 * `itonami publish --type T --source S`: accepts a CloudEvent into the durable inbox of `--db`, for every `listen`
 * subscribed now (parked executions included; a worker runs them on). stdout is the event id. A repeat of an
 * accepted (source, id) is ignored: it prints the id, says `duplicate` on stderr, and exits 0.
 */
export function publishCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('publish')
    .description('publish a CloudEvent into the durable inbox; prints its id')
    .requiredOption('--type <type>', 'the event type')
    .requiredOption('--source <source>', 'the event source (a URI reference)')
    .option('--id <id>', 'the event id (default: a new UUID); (source, id) deduplicates')
    .option('--subject <subject>', 'the event subject')
    .option('--data <json>', 'the event data as JSON')
    .option('--data-file <path>', 'read the event data from a JSON or YAML file');
  withDbOption(command).action((options: PublishOptions) => schedule((io) => publish(options, io)));
}

async function publish(options: PublishOptions, io: Io): Promise<number> {
  // CloudEvents 1.0 requires these attributes non-empty; the engine would refuse the event with a TypeError.
  for (const [option, value] of [['--type', options.type], ['--source', options.source], ['--id', options.id]] as const) {
    if (value !== undefined && value.trim() === '') throw new UsageError(`${option} must not be empty`);
  }
  const data = await readValueOptions({ inline: options.data, file: options.dataFile }, { inline: '--data', file: '--data-file' });
  const input: CloudEventInput = {
    type: options.type,
    source: options.source,
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(data === undefined ? {} : { datacontenttype: 'application/json', data }),
  };
  return withStoreEngine({ db: options.db, whenMissing: 'create' }, async (engine) => {
    const published = await engine.publish(input);
    io.stdout(`${published.event.id}\n`);
    if (!published.isAccepted) io.stderr(`duplicate: an event with source ${published.event.source} and id ${published.event.id} was already accepted; this one was ignored\n`);
    return ExitCode.Ok;
  });
}
