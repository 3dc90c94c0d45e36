import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { type Engine, type EngineOptions, ExecutionNotFoundError, type Json, type Store, createEngine, openSqliteStore } from '../index.js';
import { notFound } from './command-problem.js';
import { UsageError } from './exit-codes.js';

/** Where every durable command keeps its histories unless `--db` says otherwise. */
export const DEFAULT_DB = './itonami.db';

/** Adds `--db PATH` (default `./itonami.db`) to a command. */
export function withDbOption(command: Command): Command {
  return command.option('--db <path>', 'the SQLite database file', DEFAULT_DB);
}

export interface StoreSessionOptions {
  /** The SQLite file. */
  readonly db: string;
  /**
   * `create`: a missing file is created (commands that write: run, deploy, start, worker, publish). `read`: a
   * missing file reads as an empty store and is not created, so `itonami status x --db typo.db` leaves no file.
   */
  readonly whenMissing: 'create' | 'read';
  readonly secrets?: Readonly<Record<string, Json>>;
  readonly baseDir?: string;
  /** The activities of `--activities`, by name. */
  readonly functions?: EngineOptions['functions'];
}

/**
 * Opens an engine on the SQLite file, hands it to `use`, and closes it (parking whatever runs in memory) however
 * `use` ends. An unknown execution becomes a 404 problem naming the database, so a wrong `--db` is easy to spot.
 */
export async function withStoreEngine<T>(options: StoreSessionOptions, use: (engine: Engine) => Promise<T>): Promise<T> {
  const isMissing = !existsSync(options.db);
  const isEmpty = isMissing && options.whenMissing === 'read';
  let store: Store;
  try {
    store = openSqliteStore({ path: isEmpty ? ':memory:' : options.db });
  } catch (error) {
    throw new UsageError(`--db: ${error instanceof Error ? error.message : String(error)}`);
  }
  let engine: Engine;
  try {
    engine = await createEngine({
      store,
      ...(options.secrets === undefined ? {} : { secrets: options.secrets }),
      ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
      ...(options.functions === undefined ? {} : { functions: options.functions }),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  try {
    return await use(engine);
  } catch (error) {
    if (error instanceof ExecutionNotFoundError) {
      const where = isEmpty ? `${options.db} does not exist` : `it is not in ${options.db}`;
      throw notFound(`execution ${error.executionId} was not found: ${where}`, error.executionId);
    }
    throw error;
  } finally {
    await engine.close();
  }
}
