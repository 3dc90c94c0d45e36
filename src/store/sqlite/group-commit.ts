/** The outcome of one item of a batch: each item succeeds or fails on its own. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Runs `fn` and keeps its outcome as a value, so one failing item does not abort the others of its batch. */
export function settle<T>(fn: () => T): Settled<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

export interface GroupCommitOptions<I, O> {
  /**
   * Writes a whole batch in ONE transaction and returns one outcome per item, in order. It returns (or resolves)
   * only once the transaction is durable; throwing fails every item of the batch.
   */
  readonly flush: (batch: readonly I[]) => readonly Settled<O>[] | Promise<readonly Settled<O>[]>;
  /** Called after each committed batch (metrics, tests). */
  readonly onFlushed?: (batch: readonly I[]) => void;
  /** The most items one transaction takes; the rest wait for the next. @default 1_000 */
  readonly maxBatchSize?: number;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit (DESIGN.md §10): items enqueued during one turn of the event loop (the appends of every execution
 * that ran in it) are flushed together on the next `setImmediate`, so a commit's fsync is paid once per tick rather
 * than once per append. Each caller's promise settles only after its batch committed.
 */
export class GroupCommit<I, O> {
  readonly #flush: GroupCommitOptions<I, O>['flush'];
  readonly #onFlushed: GroupCommitOptions<I, O>['onFlushed'];
  readonly #maxBatchSize: number;
  #pending: Pending<I, O>[] = [];
  #flushing: Promise<void> | undefined;
  #isScheduled = false;
  #isClosed = false;

  constructor(options: GroupCommitOptions<I, O>) {
    this.#flush = options.flush;
    this.#onFlushed = options.onFlushed;
    this.#maxBatchSize = options.maxBatchSize ?? 1_000;
    if (!Number.isSafeInteger(this.#maxBatchSize) || this.#maxBatchSize < 1) {
      throw new RangeError(`GroupCommit maxBatchSize: expected an integer ≥ 1, found ${String(options.maxBatchSize)}`);
    }
  }

  /** Queues `item` for the next batch; settles with its own outcome once that batch committed. */
  enqueue(item: I): Promise<O> {
    if (this.#isClosed) return Promise.reject(new Error('group commit is closed: the store was closed; open a new one'));
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Flushes everything queued so far and waits for it (and any batch in flight) to commit. */
  async drain(): Promise<void> {
    while (this.#flushing !== undefined || this.#pending.length > 0) {
      await (this.#flushing ?? this.#flushNext());
    }
  }

  /** Drains, then refuses new items. Idempotent. */
  async close(): Promise<void> {
    this.#isClosed = true;
    await this.drain();
  }

  #schedule(): void {
    if (this.#isScheduled) return;
    this.#isScheduled = true;
    setImmediate(() => {
      this.#isScheduled = false;
      // A batch in flight (async flush) schedules the next one when it ends.
      if (this.#flushing === undefined && this.#pending.length > 0) void this.#flushNext();
    });
  }

  /** Never rejects: every failure is handed to the callers of the batch. */
  #flushNext(): Promise<void> {
    const batch = this.#pending.splice(0, this.#maxBatchSize);
    const run = this.#commit(batch).finally(() => {
      this.#flushing = undefined;
      if (this.#pending.length > 0) this.#schedule();
    });
    this.#flushing = run;
    return run;
  }

  async #commit(batch: readonly Pending<I, O>[]): Promise<void> {
    let outcomes: readonly Settled<O>[];
    try {
      outcomes = await this.#flush(batch.map((pending) => pending.item));
      if (outcomes.length !== batch.length) {
        throw new Error(`group commit flush returned ${outcomes.length} outcomes for a batch of ${batch.length}`);
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    try {
      this.#onFlushed?.(batch.map((pending) => pending.item));
    } catch {
      // A throwing observer must not turn committed writes into failures; the batch is durable either way.
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index] as Settled<O>;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }
}
