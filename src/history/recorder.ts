import { canonicalJson } from '../model/canonical-json.js';
import type { Json } from '../model/json.js';
import type { Phase } from '../model/phases.js';
import { HistoryExhaustedError, HistoryWriteError, NondeterminismError } from './errors.js';
import { type AnyHistoryEvent, type EventDataMap, type EventType, type HistoryEvent, eventKey } from './events.js';
import { type ChainedEvent, GENESIS_HASH, type HashRule, chainedEvent, hashRuleOf } from './hash-chain.js';
import { type ReplayCheckpoint, firstIndexAfter } from './replay-checkpoint.js';
import { eventDataJson } from './serialization.js';

/**
 * Writes new events durably (each with the row that stores it), after the head it was last given; the store refuses
 * anything else.
 */
export type HistorySink = (appended: readonly ChainedEvent[], status: Phase | undefined) => Promise<void>;

export interface RecorderOptions {
  readonly executionId: string;
  /**
   * The recorded events this run may look up, in seq order: the whole history (seq 1…n), or a replay checkpoint's
   * events followed by the history after it (then `checkpoint` says where the chain stands).
   */
  readonly history: readonly AnyHistoryEvent[];
  /** When `history` starts from a replay checkpoint: its head (if no event came after it) and its dropped starts. */
  readonly checkpoint?: Pick<ReplayCheckpoint, 'seq' | 'hash' | 'droppedStarts' | 'contexts'>;
  /** Where new events go. Absent in a replay-only run: reaching the end of history then stops the run. */
  readonly sink?: HistorySink;
  /**
   * Runs `send` once the current turn of the event loop is over (the engine passes setImmediate), so the steps a
   * run takes in one turn reach the sink as one append even when nothing waits for them. Default: a microtask.
   */
  readonly sendLater?: (send: () => void) => void;
  readonly now: () => number;
  /** Called for every event this run produces, replayed or new; replayed ones must not log, count or notify. */
  readonly onEvent?: (event: AnyHistoryEvent, isReplayed: boolean) => void;
}

/**
 * The one door between the interpreter and its history. Every outside result passes `capture` (recorded before it
 * is used; replay returns the recorded one and never runs the effect again) and every derived step passes `derive`
 * (checked against history on replay). Sequence numbers are assigned in call order, so concurrent branches append
 * in a deterministic order, and appends are chained so one execution never races itself at the store.
 *
 * Durability: a recorded result may be used in memory at once (what follows from it is recorded after it, in the
 * same or a later commit), but nothing outside the process may see a consequence of it before it is durable: an
 * effect waits for `resultsDurable()` before it runs, and the engine for `flush()` before it reports an end or
 * parks. A crash in between loses only work nobody saw; replay redoes it. So a workflow of n sequential steps costs
 * n + 1 commits, not 2n + 1, and each step's derived events ride in its result's commit.
 */
export class Recorder {
  readonly executionId: string;
  readonly #byKey = new Map<string, AnyHistoryEvent>();
  /** The events this run was given, in seq order (not every seq when they come from a checkpoint). */
  readonly #history: readonly AnyHistoryEvent[];
  readonly #droppedStarts: ReplayCheckpoint['droppedStarts'];
  readonly #contexts: ReplayCheckpoint['contexts'];
  /** How new events are hashed: the rule the execution's `WorkflowStarted` names. */
  readonly #hashRule: HashRule;
  readonly #produced: AnyHistoryEvent[] = [];
  readonly #sink: HistorySink | undefined;
  readonly #sendLater: (send: () => void) => void;
  readonly #now: () => number;
  readonly #onEvent: RecorderOptions['onEvent'];
  #headSeq: number;
  #headHash: string;
  /**
   * Events fixed (seq, hash) but not yet handed to the sink: the steps a run takes between two waits for durability
   * go to the store as one append, not one each.
   */
  #unsent: ChainedEvent[] = [];
  #unsentStatus: Phase | undefined;
  #isResultUnsent = false;
  #isSendScheduled = false;
  #appends: Promise<void> = Promise.resolve();
  /** Settles once the last captured result (and so everything before it) is durable. */
  #resultsWritten: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #stopped: Error | undefined;
  #pendingAppends = 0;

  constructor(options: RecorderOptions) {
    this.executionId = options.executionId;
    this.#history = options.history;
    for (const event of options.history) {
      const key = eventKey(event);
      if (key !== undefined) this.#byKey.set(key, event);
    }
    this.#hashRule = hashRuleOf(historyReplayFlags(options.history));
    this.#droppedStarts = options.checkpoint?.droppedStarts ?? [];
    this.#contexts = options.checkpoint?.contexts ?? {};
    const last = options.history.at(-1);
    const checkpoint = options.checkpoint;
    const isPastCheckpoint = last !== undefined && (checkpoint === undefined || last.seq >= checkpoint.seq);
    this.#headSeq = isPastCheckpoint ? last.seq : (checkpoint?.seq ?? 0);
    this.#headHash = isPastCheckpoint ? last.hash : (checkpoint?.hash ?? GENESIS_HASH);
    this.#sink = options.sink;
    this.#sendLater = options.sendLater ?? queueMicrotask;
    this.#now = options.now;
    this.#onEvent = options.onEvent;
    for (const event of options.history) if (eventKey(event) === undefined) this.#produced.push(event);
  }

  /** True while the run is still inside recorded history for this key. */
  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** The recorded event at `key`, whatever its type. */
  lookup(key: string): AnyHistoryEvent | undefined {
    return this.#byKey.get(key);
  }

  recorded<T extends EventType>(key: string, type: T): HistoryEvent<T> | undefined {
    const event = this.#byKey.get(key);
    if (event === undefined) return undefined;
    this.#checkType(event, type, key);
    return event as HistoryEvent<T>;
  }

  /**
   * Replays, without running anything, the recorded events from `fromSeq` to `toSeq` whose keys `isMember` accepts
   * (a completed task's own events and its subtree's, which replay skips) and returns them in seq order.
   */
  replayRange(fromSeq: number, toSeq: number, isMember: (key: string) => boolean): AnyHistoryEvent[] {
    const members: AnyHistoryEvent[] = [];
    for (let index = firstIndexAfter(this.#history, fromSeq - 1); index < this.#history.length; index += 1) {
      const event = this.#history[index] as AnyHistoryEvent;
      if (event.seq > toSeq) break;
      const key = eventKey(event);
      if (key === undefined || !isMember(key)) continue;
      this.#replayed(event);
      members.push(event);
    }
    return members;
  }

  /**
   * The task reference keys of the `TaskStarted` events a replay checkpoint dropped between `fromSeq` and `toSeq`
   * (their subtrees completed before it): the visits a skipped task's subtree used, which its events no longer show.
   */
  droppedStartsBetween(fromSeq: number, toSeq: number): string[] {
    const keys: string[] = [];
    for (let index = firstIndexAfter(this.#droppedStarts, fromSeq - 1, ([seq]) => seq); index < this.#droppedStarts.length; index += 1) {
      const [seq, refKey] = this.#droppedStarts[index] as readonly [number, string];
      if (seq > toSeq) break;
      keys.push(refKey);
    }
    return keys;
  }

  /** The last `$context` write inside a completed visit whose subtree the replay checkpoint dropped. */
  checkpointContext(visitKey: string): Json | undefined {
    return this.#contexts[visitKey]?.[1];
  }

  /** Every event this run went through (replayed and new), for folding a rebuilt state. */
  get produced(): readonly AnyHistoryEvent[] {
    return this.#produced;
  }

  get headSeq(): number {
    return this.#headSeq;
  }

  get headHash(): string {
    return this.#headHash;
  }

  /**
   * A step whose payload follows from the definition and earlier events. On replay the recorded event must carry
   * the same payload, or the run is not deterministic.
   */
  async derive<T extends EventType>(
    type: T,
    data: EventDataMap[T] & { key: string },
    status?: Phase,
  ): Promise<HistoryEvent<T>> {
    const recorded = this.recorded(data.key, type);
    if (recorded !== undefined) {
      const expected = canonicalJson(eventDataJson(recorded.data));
      const found = canonicalJson(eventDataJson(data));
      if (expected !== found) {
        throw new NondeterminismError({ executionId: this.executionId, key: data.key, seq: recorded.seq, expected, found });
      }
      return this.#replayed(recorded);
    }
    // A derived step need not be durable before the run goes on: replay derives it again.
    return this.#append(type, data, { status, isResult: false, isDurableBeforeUse: false });
  }

  /**
   * An outside result: returned from history when recorded; otherwise `produce` runs (only if `signal` is not
   * aborted) and its result is appended before the caller sees it. Append before use: a crash after the effect
   * re-runs it; a crash after the commit never does. The caller may compute with it at once; whatever would let the
   * outside world see it waits for `resultsDurable()`.
   */
  async capture<T extends EventType>(
    type: T,
    key: string,
    produce: () => Promise<EventDataMap[T] & { key: string }>,
    signal?: AbortSignal,
  ): Promise<HistoryEvent<T>> {
    const recorded = this.recorded(key, type);
    if (recorded !== undefined) return this.#replayed(recorded);
    // An aborted scope stops at its first unrecorded step, in a live run and in a rebuild alike.
    signal?.throwIfAborted();
    this.#checkLive(key);
    const data = await produce();
    return this.#append(type, data, { isResult: true, isDurableBeforeUse: false });
  }

  /**
   * Resolves once every result captured so far is durable (rejects with the first write failure). An effect runs
   * only after this: it may depend on those results, and a crash must never leave it acting on one that is lost.
   */
  async resultsDurable(): Promise<void> {
    if (this.#isResultUnsent) this.#send();
    await this.#resultsWritten;
    this.#throwIfFailed();
  }

  /** An administrative or unkeyed event (e.g. `CancelRequested`) appended by this process. */
  async appendUnkeyed<T extends EventType>(type: T, data: EventDataMap[T], status?: Phase): Promise<HistoryEvent<T>> {
    this.#checkLive(type);
    return this.#append(type, data, { status, isResult: true, isDurableBeforeUse: true });
  }

  /**
   * Stops this run's writes: every later `derive`, `capture` or append throws `error` and writes nothing. Used when
   * the run is parked or its claim is lost; appends already issued still complete.
   */
  stop(error: Error): void {
    this.#stopped ??= error;
  }

  /** True when every append issued so far has settled. */
  get isIdle(): boolean {
    return this.#pendingAppends === 0 && this.#unsent.length === 0;
  }

  #throwIfFailed(): void {
    const failure = this.#failure;
    if (failure !== undefined) throw failure;
  }

  /** Resolves once every append issued so far is durable (or rejects with the first failure). */
  async flush(): Promise<void> {
    this.#send();
    await this.#appends;
    if (this.#failure !== undefined) throw this.#failure;
  }

  #checkLive(key: string): void {
    if (this.#stopped !== undefined) throw this.#stopped;
    if (this.#sink === undefined) throw new HistoryExhaustedError({ executionId: this.executionId, key });
    if (this.#failure !== undefined) throw this.#failure;
  }

  #checkType(event: AnyHistoryEvent, type: EventType, key: string): void {
    if (event.type !== type) {
      throw new NondeterminismError({
        executionId: this.executionId,
        key,
        seq: event.seq,
        expected: event.type,
        found: type,
      });
    }
  }

  #replayed<T extends EventType>(event: HistoryEvent<T>): HistoryEvent<T> {
    this.#produced.push(event as AnyHistoryEvent);
    this.#onEvent?.(event as AnyHistoryEvent, true);
    return event;
  }

  async #append<T extends EventType>(
    type: T,
    data: EventDataMap[T],
    options: { status?: Phase | undefined; isResult: boolean; isDurableBeforeUse: boolean },
  ): Promise<HistoryEvent<T>> {
    const key = (data as { key?: string }).key ?? type;
    if (this.#stopped !== undefined) throw this.#stopped;
    if (this.#sink === undefined) throw new HistoryExhaustedError({ executionId: this.executionId, key });
    if (this.#failure !== undefined) throw this.#failure;
    // Sequence and hash are fixed now, synchronously, so the order of appends is the order of calls.
    const chained = chainedEvent({ seq: this.#headSeq, hash: this.#headHash }, type, this.#now(), data, this.#hashRule);
    const event = chained.event as AnyHistoryEvent;
    this.#headSeq = event.seq;
    this.#headHash = event.hash;
    this.#unsent.push(chained);
    this.#unsentStatus = options.status ?? statusAfter(type) ?? this.#unsentStatus;
    if (options.isResult) this.#isResultUnsent = true;
    const keyed = (data as { key?: string }).key;
    if (keyed !== undefined) this.#byKey.set(keyed, event);
    this.#produced.push(event);
    this.#onEvent?.(event, false);
    if (options.isDurableBeforeUse) {
      await this.flush();
    } else if (!this.#isSendScheduled) {
      // Nobody waits for these yet: they go with the next wait for durability, or after this turn of the event loop.
      this.#isSendScheduled = true;
      this.#sendLater(() => {
        this.#isSendScheduled = false;
        this.#send();
      });
    }
    return event as HistoryEvent<T>;
  }

  /** Hands the unsent events to the sink as one append, in order after every earlier one. */
  #send(): void {
    const appended = this.#unsent;
    const first = appended[0]?.event;
    const sink = this.#sink;
    if (first === undefined || sink === undefined) return;
    const status = this.#unsentStatus;
    const isResult = this.#isResultUnsent;
    this.#unsent = [];
    this.#unsentStatus = undefined;
    this.#isResultUnsent = false;
    let written: Promise<void>;
    try {
      written = sink(appended, status);
    } catch (error) {
      written = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.#pendingAppends += 1;
    // One handler per append: it never rejects; a failure is kept for later calls.
    const settled = written.then(
      () => {
        this.#pendingAppends -= 1;
      },
      (error: unknown) => {
        this.#pendingAppends -= 1;
        this.#failure ??= new HistoryWriteError({ executionId: this.executionId, seq: first.seq }, { cause: error });
      },
    );
    // Settles after every earlier append too: a sink may finish an append late (a snapshot after it).
    const earlier = this.#appends;
    this.#appends = earlier.then(() => settled);
    if (isResult) this.#resultsWritten = this.#appends;
  }
}


/** The execution phase an event leaves behind, for the store's executions index. */
function statusAfter(type: EventType): Phase | undefined {
  switch (type) {
    case 'WorkflowStarted':
    case 'TimerFired':
    case 'Resumed':
      return 'running';
    case 'TimerStarted':
      return 'waiting';
    case 'Suspended':
      return 'suspended';
    case 'WorkflowCompleted':
      return 'completed';
    case 'WorkflowFaulted':
      return 'faulted';
    case 'WorkflowCancelled':
      return 'cancelled';
    default:
      return undefined;
  }
}

/** The replay flags of a history (its first event's, `WorkflowStarted`); none for an empty one. */
export function historyReplayFlags(history: readonly AnyHistoryEvent[]): readonly number[] {
  const first = history[0];
  return first?.type === 'WorkflowStarted' ? first.data.replayFlags : [];
}
