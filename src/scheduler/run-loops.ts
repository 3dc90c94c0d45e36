import { isTerminal } from '../model/phases.js';
import type { Clock } from '../runtime/ports.js';
import type { Claim, Store } from '../store/store.js';

/** How often an idle loop looks at the store even when nothing told it to (another process may have written). */
export const POLL_MS = 250;

/** What the loops need of the engine that owns them. */
export interface RunLoopHost {
  readonly store: Store;
  readonly clock: Clock;
  /** This process's claim owner id, and how long its claims last. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Aborted when the engine closes: both loops stop. */
  readonly closing: AbortSignal;
  /** How many runs are in memory now. */
  activeCount(): number;
  /** Puts a claimed execution's run in memory (resolves once it is there; the run goes on in the background). */
  resume(claim: Claim): Promise<unknown>;
  /** Starts the deployed schedules' due instances; resolves to when the next one falls due. */
  fireDueSchedules(): Promise<number | undefined>;
  /** A tracked execution ended (here or in another process): settle whoever waits for its result. */
  settleEnded(executionId: string): Promise<void>;
  /** Takes every run out of memory, writing nothing half-done (the end of `work()`). */
  parkAll(): Promise<void>;
}

/** What `work()` does: how many executions at once, and when to stop. */
export interface WorkOptions {
  /** @default 10 */
  readonly concurrency?: number;
  /** Return once nothing is runnable and no timer falls due within `maxWaitMs`. */
  readonly untilIdle?: boolean;
  /** @default 60_000 */
  readonly maxWaitMs?: number;
  /** Stops the loop; runs in memory are parked (their claims released) before it returns. */
  readonly signal?: AbortSignal;
}

/**
 * The two loops that take executions up from the store. `work()` (a worker) runs every runnable execution: new,
 * orphaned (its claim expired), parked and due. Outside `work()`, the tracking loop resumes only the executions this
 * engine parked itself or was asked to wait for. Both sleep until the next wake-up instant, a poll, or `wake()`.
 */
export class RunLoops {
  readonly #host: RunLoopHost;
  /** Executions this engine resumes itself when due (wake-up instant; null = only when something wakes it). */
  readonly #tracked = new Map<string, number | null>();
  #tracking: Promise<void> | undefined;
  #isWorker = false;
  /** Interrupts the current idle wait; a wake-up that comes before the wait begins is kept (below). */
  #interruptIdle: (() => void) | undefined;
  /** Set by every wake-up since the loop last looked at the store: its next idle returns at once. */
  #isWakeRequested = false;

  constructor(host: RunLoopHost) {
    this.#host = host;
  }

  /** True while `work()` runs: it covers every execution, tracked ones included. */
  get isWorker(): boolean {
    return this.#isWorker;
  }

  isTracked(executionId: string): boolean {
    return this.#tracked.has(executionId);
  }

  trackedIds(): string[] {
    return [...this.#tracked.keys()];
  }

  /** Remembers an execution to resume when due, and wakes the loop that does it. */
  track(executionId: string, wakeAt: number | null): void {
    this.#tracked.set(executionId, wakeAt);
    this.#tracking ??= this.#trackLoop().finally(() => {
      this.#tracking = undefined;
    });
    this.wake();
  }

  /** Its run is in memory again: nothing to resume. */
  untrack(executionId: string): void {
    this.#tracked.delete(executionId);
  }

  /** Something arrived for these executions: those tracked are due now. */
  markDue(executionIds: readonly string[]): void {
    for (const executionId of executionIds) if (this.#tracked.has(executionId)) this.#tracked.set(executionId, 0);
    this.wake();
  }

  /** The loop looks at the store again now, even if it was not idle yet. */
  wake(): void {
    this.#isWakeRequested = true;
    this.#interruptIdle?.();
  }

  /** Resolves once the tracking loop has stopped (after the engine began closing). */
  async stopped(): Promise<void> {
    this.wake();
    await this.#tracking;
  }

  /**
   * Runs every runnable execution in the store until `signal` aborts or, with `untilIdle`, until nothing is runnable
   * and no timer falls due within `maxWaitMs`. Resolves once the runs it holds are parked.
   */
  async work(options: WorkOptions = {}): Promise<void> {
    const host = this.#host;
    this.#isWorker = true;
    const concurrency = options.concurrency ?? 10;
    const maxWaitMs = options.maxWaitMs ?? 60_000;
    const stop = options.signal;
    while (stop?.aborted !== true && !host.closing.aborted) {
      const capacity = concurrency - host.activeCount();
      const now = host.clock.now();
      const claims = capacity > 0 ? await host.store.claimRunnable({ owner: host.owner, leaseMs: host.leaseMs, now, limit: capacity }) : [];
      // Each resume returns once its run is in memory (it goes on in the background), so the active count counts it.
      await Promise.all(claims.map((claim) => host.resume(claim)));
      if (claims.length > 0) continue;
      const nextDue = await host.fireDueSchedules();
      // At full capacity only a run ending (which wakes the loop) or a poll can make room.
      const nextWake = capacity > 0 ? earliestOf(await host.store.nextWakeAt(), nextDue) : undefined;
      // Executions another process holds come back when its claim lapses (a crashed worker): wait for those too.
      const next = earliestOf(nextWake, capacity > 0 ? await host.store.nextClaimExpiry({ owner: host.owner }) : undefined);
      if (options.untilIdle === true && host.activeCount() === 0 && (next === undefined || next > now + maxWaitMs)) break;
      await this.#idle(next, stop);
    }
    this.#isWorker = false;
    await host.parkAll();
  }

  /** Resumes the tracked executions, each when due (a worker's `work()` covers them: the loop then ends). */
  async #trackLoop(): Promise<void> {
    const host = this.#host;
    while (this.#tracked.size > 0 && !host.closing.aborted) {
      if (this.#isWorker) return;
      const now = host.clock.now();
      for (const [executionId, wakeAt] of [...this.#tracked]) {
        // Not due yet by its own timer: no need to read the store (parking many executions stays linear).
        if (wakeAt !== null && wakeAt > now) continue;
        const record = await host.store.getExecution(executionId);
        if (record === undefined || isTerminal(record.status)) {
          this.#tracked.delete(executionId);
          if (record !== undefined) await host.settleEnded(executionId);
          continue;
        }
        const due = record.wakeAt === undefined ? wakeAt : record.wakeAt;
        if (due === null || due > now) {
          this.#tracked.set(executionId, due);
          continue;
        }
        const claim = await host.store.claimExecution({ executionId, owner: host.owner, leaseMs: host.leaseMs, now });
        if (claim !== undefined) await host.resume(claim);
        // Refused: another process runs it. Look again at the next poll, not at once.
        else this.#tracked.set(executionId, now + POLL_MS);
      }
      const next = [...this.#tracked.values()].filter((at): at is number => at !== null);
      await this.#idle(next.length === 0 ? undefined : Math.min(...next), undefined);
    }
  }

  /** Waits until the next wake-up, a `wake()`, a poll interval, the engine closing or `stop`, whichever is first. */
  async #idle(nextWake: number | undefined, stop: AbortSignal | undefined): Promise<void> {
    // Yield a turn first, so timers, renewals and commits run even when the next wake-up is already past.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // A run that ended (or an event that arrived) since the loop's last look must not wait for the next poll.
    if (this.#isWakeRequested) {
      this.#isWakeRequested = false;
      return;
    }
    const now = this.#host.clock.now();
    const interrupt = new AbortController();
    this.#interruptIdle = () => interrupt.abort();
    const until = Math.min(nextWake ?? Number.POSITIVE_INFINITY, now + POLL_MS);
    const signals = [interrupt.signal, this.#host.closing, ...(stop === undefined ? [] : [stop])];
    await this.#host.clock.sleepUntil(until, AbortSignal.any(signals)).catch(() => undefined);
    this.#interruptIdle = undefined;
    this.#isWakeRequested = false;
  }
}

function earliestOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
