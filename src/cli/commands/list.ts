import type { Command } from 'commander';
import { ExitCode, UsageError } from '../exit-codes.js';
import { isPhase, isoTime, listEntry, phaseNames, qualifiedName } from '../execution-views.js';
import { parsePositiveIntegerOption } from '../integer-options.js';
import type { CommandRun, Io } from '../io.js';
import { withDbOption, withStoreEngine } from '../store-session.js';

interface ListOptions {
  db: string;
  status?: string;
  limit: string;
  json?: boolean;
}

/**
 * `itonami list`: executions, newest first — a table (id, status, namespace/name@version, updatedAt) or, with
 * `--json`, one JSON array. An unknown `--status` is bad usage (exit 2).
 */
export function listCommand(program: Command, schedule: (run: CommandRun) => void): void {
  const command = program
    .command('list')
    .description('list executions, newest first')
    .option('--status <phase>', `only executions in this phase (${phaseNames.join(', ')})`)
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print one JSON array instead of a table');
  withDbOption(command).action((options: ListOptions) => schedule((io) => list(options, io)));
}

async function list(options: ListOptions, io: Io): Promise<number> {
  const { status } = options;
  if (status !== undefined && !isPhase(status)) throw new UsageError(`--status expects one of ${phaseNames.join(', ')}, found '${status}'`);
  const limit = parsePositiveIntegerOption(options.limit, '--limit');
  return withStoreEngine({ db: options.db, whenMissing: 'read' }, async (engine) => {
    const records = await engine.listExecutions({ limit, ...(status === undefined ? {} : { status }) });
    if (options.json === true) {
      io.stdout(`${JSON.stringify(records.map(listEntry))}\n`);
      return ExitCode.Ok;
    }
    if (records.length === 0) return ExitCode.Ok;
    const rows = [['ID', 'STATUS', 'DEFINITION', 'UPDATED'], ...records.map((r) => [r.executionId, r.status, qualifiedName(r), isoTime(r.updatedAt)])];
    io.stdout(table(rows));
    return ExitCode.Ok;
  });
}

/** Columns padded to their widest cell, two spaces apart; no trailing spaces. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => `${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`).join('');
}
