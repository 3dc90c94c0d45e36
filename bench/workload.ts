/**
 * The workload peers are measured on (the benchmark issue): workflows whose steps each `call` an in-process no-op
 * function, so each step records exactly one result (`EffectCompleted`) before it is used, on an SQLite file in a
 * fresh temp dir. Everything here is untimed plumbing; the benchmarks decide what the clock covers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, openSqliteStore, type Definition, type Engine, type EngineOptions, type Store } from '../src/index.js';

export type Synchronous = 'FULL' | 'NORMAL';

/** Three sequential steps, each one durable call of the no-op function. */
export const THREE_STEPS_YAML = `
document: { dsl: '1.0.3', namespace: bench, name: three-steps, version: '1.0.0' }
do:
  - first: { call: noop, with: { step: 1 } }
  - second: { call: noop, with: { step: 2 } }
  - third: { call: noop, with: { step: 3 } }
`;
export const STEPS_PER_WORKFLOW = 3;

/**
 * One step per item of `[range(0; .n)]`. The history is 3n + 4 events: WorkflowStarted, the loop's TaskStarted,
 * then TaskStarted, EffectCompleted and TaskCompleted per item, then the loop's TaskCompleted and WorkflowCompleted.
 * The step's `with` is a constant so no jq runs per item: the measure is the history's own costs (reading,
 * replaying, recording).
 */
export const LOOP_YAML = `
document: { dsl: '1.0.3', namespace: bench, name: loop, version: '1.0.0' }
do:
  - loop:
      for: { each: item, in: '\${ [range(0; .n)] }' }
      do:
        - step: { call: noop, with: { step: 1 } }
`;
/**
 * LOOP_YAML, then a wait for a signal nobody sends: the execution parks with the loop's whole history behind it, and
 * any other signal makes it due, so it can be resumed (replayed, then parked again) as often as a benchmark likes.
 */
export const LOOP_THEN_PARK_YAML = `${LOOP_YAML.replace('name: loop,', 'name: loop-then-park,')}
  - park:
      listen: { to: { one: { with: { type: io.itonami.signal, subject: never } } } }
`;

/** Loop items that make a history of exactly `events` events (`events` ≥ 4, and `events − 4` divisible by 3). */
export function loopItemsFor(events: number): number {
  const items = (events - 4) / 3;
  if (!Number.isSafeInteger(items) || items < 0) throw new RangeError(`loop history size: expected 3n + 4 events, found ${events}`);
  return items;
}

/** A workflow that parks on a month-long timer right away. */
export const PARKED_YAML = `
document: { dsl: '1.0.3', namespace: bench, name: parked, version: '1.0.0' }
do:
  - pause: { wait: { days: 30 } }
`;

export interface BenchEngine {
  readonly engine: Engine;
  readonly store: Store;
  readonly path: string;
  /** Closes the engine (and its store) and removes the temp dir. */
  close(): Promise<void>;
}

export interface OpenBenchEngineOptions extends Omit<EngineOptions, 'store' | 'functions'> {
  readonly synchronous: Synchronous;
  /** Wraps the store before the engine gets it (to observe claim releases, say). */
  readonly wrapStore?: (store: Store) => Store;
  /** Told the size of every group commit (how many appends one transaction carried). */
  readonly onCommit?: (batch: { readonly appends: number; readonly starts: number }) => void;
}

/** A fresh SQLite file in a temp dir, an engine on it with the `noop` function registered. */
export async function openBenchEngine(options: OpenBenchEngineOptions): Promise<BenchEngine> {
  const { synchronous, wrapStore, onCommit, ...engineOptions } = options;
  const dir = mkdtempSync(join(tmpdir(), 'itonami-bench-'));
  const path = join(dir, 'itonami.db');
  const opened = openSqliteStore({ path, synchronous, ...(onCommit === undefined ? {} : { onCommit }) });
  const store = wrapStore === undefined ? opened : wrapStore(opened);
  const engine = await createEngine({ ...engineOptions, store, functions: { noop: (input) => input } });
  let closing: Promise<void> | undefined;
  return {
    engine,
    store,
    path,
    close() {
      closing ??= engine.close().finally(() => rmSync(dir, { recursive: true, force: true }));
      return closing;
    },
  };
}

/** Runs `count` tasks with at most `inFlight` at once; results in index order. */
export async function runPool<T>(count: number, inFlight: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
  return results;
}

/** Counts the `EffectCompleted` events of an execution: one per durable step. */
export async function durableSteps(engine: Engine, executionId: string): Promise<number> {
  return (await engine.history(executionId)).filter((event) => event.type === 'EffectCompleted').length;
}

export type { Definition, Engine };
