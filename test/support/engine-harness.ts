/**
 * What the runtime's unit tests share: a manual clock (timers fire only when the test, or `drive`, moves time), a
 * deterministic random source, an engine opened per test and closed with it, definitions built from a `do` list,
 * and the replay comparison (rebuilt state = live state). Nothing here sleeps on the wall clock for a timer.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import {
  type AnyHistoryEvent,
  type Definition,
  type Engine,
  type EngineOptions,
  type EventType,
  type ExecutionResult,
  type ExecutionState,
  type HistoryEvent,
  type Json,
  createEngine,
} from '../../src/index.js';
import type { Clock, Random } from '../../src/runtime/ports.js';

/** 2025-01-01T00:00:00Z: every test execution starts here, so recorded instants are predictable. */
export const EPOCH_MS = Date.UTC(2025, 0, 1);

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly resolve: () => void;
}

/**
 * A clock that stands still until told to move. `sleepUntil` parks the caller until `advance`/`advanceTo` passes
 * its instant (timers fire in instant order, ties in arrival order) or its signal aborts.
 */
export class ManualClock implements Clock {
  #now: number;
  #order = 0;
  readonly #timers = new Set<PendingTimer>();
  /** Every instant a timer was asked for, in request order (what a test can assert delays on). */
  readonly requested: number[] = [];

  constructor(startMs: number = EPOCH_MS) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleepUntil(at: number, signal: AbortSignal): Promise<void> {
    this.requested.push(at);
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (at <= this.#now) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer: PendingTimer = {
        at,
        order: (this.#order += 1),
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers.delete(timer);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#timers.add(timer);
    });
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.size;
  }

  /** The earliest pending instant, if any. */
  get nextAt(): number | undefined {
    let next: number | undefined;
    for (const timer of this.#timers) if (next === undefined || timer.at < next) next = timer.at;
    return next;
  }

  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves time to `at` (never backwards) and fires every timer due by then, earliest first. */
  advanceTo(at: number): void {
    this.#now = Math.max(this.#now, at);
    const due = [...this.#timers].filter((t) => t.at <= this.#now).sort((a, b) => a.at - b.at || a.order - b.order);
    for (const timer of due) {
      this.#timers.delete(timer);
      timer.resolve();
    }
  }

  /** Resolves once at least `count` timers are pending (the run reached its wait). */
  async waitForTimers(count = 1): Promise<void> {
    await eventually(() => this.pending >= count, `${count} pending timer(s)`);
  }

  /**
   * Settles `work`, moving time to the earliest pending timer whenever the run is idle (no progress for a few event
   * loop turns): a timed workflow runs as it would on the wall clock, in instant order, without waiting.
   */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    done.catch(() => undefined);
    while (!settled) {
      await idle();
      if (settled) break;
      const next = this.nextAt;
      if (next !== undefined) this.advanceTo(next);
      else await new Promise((resolve) => setTimeout(resolve, 2)); // real I/O (a process, a socket) is under way
    }
    return done;
  }
}

/** A few event-loop turns: lets promise chains and ready I/O callbacks run before the test moves time. */
export async function idle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i += 1) await nextMacrotask();
}

/** Polls `condition` on each event-loop turn (with a short real pause after many) until it holds; fails after 5 s. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let turn = 0; !condition(); turn += 1) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    if (turn < 50) await nextMacrotask();
    else await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** uuids `00000000-0000-4000-8000-00000000000n` in order; `float` returns `floats` in turn (default 0.5). */
export function sequenceRandom(floats: readonly number[] = [0.5]): Random & { readonly floatsDrawn: number } {
  let uuids = 0;
  let drawn = 0;
  return {
    uuid: () => `00000000-0000-4000-8000-${String((uuids += 1)).padStart(12, '0')}`,
    float: () => floats[drawn++ % floats.length] ?? 0.5,
    get floatsDrawn() {
      return drawn;
    },
  };
}

export interface Harness {
  readonly engine: Engine;
  readonly clock: ManualClock;
  /** Loads a workflow whose `do` is `tasks`; `extra` adds top-level keys (`use`, `input`, `timeout`…). */
  define(tasks: readonly object[], extra?: Record<string, unknown>, name?: string): Definition;
  /**
   * Starts `definition` and drives the clock until it ends. An execution that starts more than `maxTasks` tasks
   * is cancelled, so a runaway loop (an engine bug) fails its test instead of hanging the file.
   */
  run(definition: Definition, input?: Json, options?: { maxTasks?: number }): Promise<ExecutionResult>;
  history(executionId: string): Promise<AnyHistoryEvent[]>;
}

/**
 * Opens an engine on a manual clock and deterministic randomness; it is closed when `t` ends. Runs stay in memory
 * (`parkAfterMs: Infinity`) unless a test asks for parking: these tests pin task semantics, the durability tests pin
 * parking and resumption.
 */
export async function openHarness(t: TestContext, options: EngineOptions = {}): Promise<Harness> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const engine = await createEngine({ random: sequenceRandom(), parkAfterMs: Number.POSITIVE_INFINITY, ...options, clock });
  t.after(() => engine.close());
  let count = 0;
  return {
    engine,
    clock,
    define(tasks, extra = {}, name) {
      count += 1;
      return engine.load({ document: documentHeader(name ?? `test-${count}`), ...extra, do: tasks });
    },
    async run(definition, input = {}, { maxTasks = 500 } = {}) {
      const handle = await engine.start(definition, { input });
      let started = 0;
      const onTask = (event: { executionId: string }) => {
        if (event.executionId !== handle.executionId) return;
        started += 1;
        if (started === maxTasks + 1) void engine.cancel(handle.executionId, `runaway: more than ${maxTasks} tasks started`).catch(() => undefined);
      };
      engine.on('task:started', onTask);
      try {
        return await clock.drive(handle.result());
      } finally {
        engine.off('task:started', onTask);
      }
    },
    history: (executionId) => engine.history(executionId),
  };
}

export function documentHeader(name: string, version = '1.0.0', namespace = 'test'): Record<string, string> {
  return { dsl: '1.0.3', namespace, name, version };
}

export function assertCompleted(result: ExecutionResult): Json {
  if (result.status !== 'completed') assert.fail(`expected a completed execution, got ${JSON.stringify(result)}`);
  return result.output;
}

export function assertFaulted(result: ExecutionResult): Extract<ExecutionResult, { status: 'faulted' }>['error'] {
  if (result.status !== 'faulted') assert.fail(`expected a faulted execution, got ${JSON.stringify(result)}`);
  return result.error;
}

export function eventsOfType<T extends EventType>(history: readonly AnyHistoryEvent[], type: T): HistoryEvent<T>[] {
  return history.filter((event): event is AnyHistoryEvent & HistoryEvent<T> => event.type === type);
}

/** The part of a state that replay must reproduce (times may differ). */
export function replayView(state: ExecutionState): Json {
  return JSON.parse(
    JSON.stringify({
      status: state.status,
      output: state.output ?? null,
      error: state.error ?? null,
      tasks: state.tasks.map((task) => ({
        reference: task.reference,
        indexes: task.indexes,
        status: task.status,
        output: task.output ?? null,
        error: task.error ?? null,
      })),
    }),
  ) as Json;
}

/** `engine.rebuild(id)` (side effects disabled) folds to the same status, output, error and task log as live. */
export async function assertRebuildMatches(engine: Engine, executionId: string): Promise<void> {
  const live = await engine.getExecution(executionId);
  assert.ok(live !== undefined, `execution ${executionId} is not in the store`);
  const rebuilt = await engine.rebuild(executionId);
  const [a, b] = [replayView(live), replayView(rebuilt)];
  if (!isDeepStrictEqual(a, b)) assert.deepEqual(b, a, 'the rebuilt state differs from the live one');
}

/**
 * Resolves once a task named `name` of the execution has started and not ended, plus a few event-loop turns so it
 * got to its wait (a `listen` has then opened its subscription).
 */
export async function waitForRunningTask(engine: Engine, executionId: string, name: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const state = await engine.getExecution(executionId);
    if (state?.tasks.some((task) => task.name === name && (task.status === 'running' || task.status === 'waiting')) === true) break;
    if (Date.now() > deadline) assert.fail(`task '${name}' of ${executionId} never started`);
    await idle(1);
  }
  await idle();
}
