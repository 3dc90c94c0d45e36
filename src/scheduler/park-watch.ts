import type { Clock } from '../runtime/ports.js';
import type { RunObserver } from '../runtime/execution-run.js';

/**
 * Watches one in-memory run's waits and side effects and decides when it may leave memory (park): when every strand
 * waits on a durable timer due at least `parkAfterMs` ahead, or has waited on an event or a child for that long,
 * and no side effect is in flight. The run resumes by replay when due.
 */
export class ParkWatch implements RunObserver {
  /** Waits in progress: their wake instant, or null for an event or a child. */
  readonly #waits = new Map<symbol, number | null>();
  #effects = 0;
  /** Set when the run parks: the instant it is due again (its waits unwind as it stops). */
  #parkedUntil: number | undefined;
  /** A pending second look, when the run was busy at the first. */
  #retry: ReturnType<typeof setTimeout> | undefined;
  readonly #options: ParkWatchOptions;

  constructor(options: ParkWatchOptions) {
    this.#options = options;
  }

  /** When the parked run is due again; null when only an event, a child or a command wakes it. */
  get wakeAt(): number | null {
    return this.#parkedUntil ?? null;
  }

  /** What the interpreter reports its waits and side effects to: the watch itself (no closures per run). */
  get observer(): RunObserver {
    return this;
  }

  waitBegan(wakeAt: number | null): () => void {
    const id = Symbol('wait');
    this.#waits.set(id, wakeAt);
    // A wait on an event or a child has no due time: park only after it stayed still for parkAfterMs.
    if (wakeAt !== null) setImmediate(() => this.#check());
    else if (Number.isFinite(this.#options.parkAfterMs)) {
      setTimeout(() => {
        if (this.#waits.has(id)) this.#check();
      }, this.#options.parkAfterMs).unref();
    }
    return () => {
      this.#waits.delete(id);
    };
  }

  workBegan(): void {
    this.#effects += 1;
  }

  workEnded(): void {
    this.#effects -= 1;
  }

  #check(): void {
    if (this.#waits.size === 0) return;
    // Busy (a side effect in flight, or steps not yet handed to the store): look again shortly, for as long as
    // something waits; a run that stopped clears its waits as it unwinds.
    if (this.#effects > 0 || !this.#options.mayPark()) {
      if (this.#retry === undefined) {
        this.#retry = setTimeout(() => {
          this.#retry = undefined;
          this.#check();
        }, RETRY_MS).unref();
      }
      return;
    }
    const times = [...this.#waits.values()].filter((at): at is number => at !== null);
    const wakeAt = times.length === 0 ? null : Math.min(...times);
    if (wakeAt !== null && wakeAt - this.#options.clock.now() < this.#options.parkAfterMs) return;
    this.#parkedUntil = wakeAt ?? undefined;
    this.#options.park();
  }
}

/** How soon a busy run is looked at again. */
const RETRY_MS = 20;

export interface ParkWatchOptions {
  readonly clock: Clock;
  readonly parkAfterMs: number;
  /** Whether the run is still the one in memory and has nothing unwritten (its recorder is idle). */
  readonly mayPark: () => boolean;
  /** Stops the run; it releases its claim with {@link ParkWatch.wakeAt} as it unwinds. */
  readonly park: () => void;
}
