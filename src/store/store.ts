import type { Phase } from '../model/phases.js';

/**
 * The storage contract every back end (memory, SQLite, PostgreSQL) implements with the same semantics. Events are
 * opaque rows here: the history layer assigns `seq`, computes hashes and serialises payloads; the store keeps them
 * append-only and refuses any write that does not extend the head it expected.
 */
export interface Store {
  /** Stores a definition by hash; storing the same hash again is a no-op. */
  putDefinition(definition: StoredDefinition): Promise<void>;
  getDefinition(hash: string): Promise<StoredDefinition | undefined>;
  listDefinitions(filter?: { namespace?: string; name?: string }): Promise<StoredDefinition[]>;

  /**
   * Creates an execution with its first events — claimed for `claim.owner` in the same transaction when `claim` is
   * given (the claim is returned). Throws {@link ExecutionExistsError} when the id is taken, so an idempotent start
   * can compare and return the existing one.
   */
  createExecution(execution: NewExecution, events: readonly EventRow[], claim?: ClaimInput): Promise<Claim | undefined>;
  /**
   * Appends events after `expectedSeq` (the head the writer last saw). The first event's `seq` must be
   * `expectedSeq + 1` and the rest consecutive; anything else throws `StoreConflictError` and writes nothing.
   * Resolves once the events are durable. An append that ends a child execution (a terminal `status`) makes its
   * parent due when the parent is parked, in the same transaction: a parent waiting on a child parks like any wait.
   */
  append(input: AppendInput): Promise<AppendResult>;
  /** Events of one execution in `seq` order, from `fromSeq` (inclusive, default 1) to `toSeq` (inclusive). */
  readEvents(input: ReadEventsInput): Promise<EventRow[]>;
  getExecution(executionId: string): Promise<ExecutionRecord | undefined>;
  listExecutions(filter?: ExecutionFilter): Promise<ExecutionRecord[]>;

  /**
   * Claims one execution for `owner` when it is not terminal and its claim is free, expired or already `owner`'s.
   * Every new claim increments the epoch. Undefined when another owner holds a live claim or the execution ended.
   */
  claimExecution(input: ClaimInput & { readonly executionId: string }): Promise<Claim | undefined>;
  /**
   * Claims up to `limit` runnable executions, oldest first: not terminal, claim free or expired, and not parked or
   * parked with `wakeAt <= now` (a pending command or a delivered event makes a parked execution due at once).
   */
  claimRunnable(input: ClaimInput & { readonly limit: number }): Promise<Claim[]>;
  /** Extends a live claim and returns it with any pending command. Throws `LeaseLostError` if the claim moved on. */
  renewClaim(claim: ClaimToken, input: { readonly leaseMs: number; readonly now: number }): Promise<Claim>;
  /**
   * Gives a claim up (no-op if it already moved on). With `park`, the execution sleeps until `wakeAt` (`null`: until
   * an event or a command wakes it) and `claimRunnable` skips it meanwhile.
   */
  releaseClaim(claim: ClaimToken, park?: { readonly wakeAt: number | null }): Promise<void>;
  /** The earliest `wakeAt` among parked, non-terminal executions; undefined when none waits on time. */
  nextWakeAt(): Promise<number | undefined>;
  /**
   * When the earliest live claim held by an owner other than `owner` expires (its execution then becomes runnable
   * by anyone: a crashed worker's); undefined when no other owner holds a claim.
   */
  nextClaimExpiry(input: { readonly owner: string }): Promise<number | undefined>;
  /**
   * Asks whoever runs the execution to cancel, suspend or resume it, and makes it due. Returns false when the
   * execution is terminal (nothing to do).
   */
  requestCommand(executionId: string, command: ExecutionCommand): Promise<boolean>;
  /** Takes the pending command of an execution the caller has claimed (clearing it). */
  takeCommand(claim: ClaimToken): Promise<ExecutionCommand | undefined>;

  /**
   * Keeps the folded state at `seq`; storing a snapshot at an existing `seq` replaces it. `dropSeqs` names older
   * snapshots of the same execution to delete in the same write (the engine's retention policy).
   */
  putSnapshot(snapshot: Snapshot, options?: { readonly dropSeqs?: readonly number[] }): Promise<void>;
  /** The latest snapshot at or before `atSeq` (default: the latest). */
  getSnapshot(executionId: string, atSeq?: number): Promise<Snapshot | undefined>;
  /**
   * Keeps an execution's replay checkpoint at `seq`, replacing the one it had unless that one is newer (a late write
   * never moves it back). A lost checkpoint only makes the next resume read more history.
   */
  putReplayCheckpoint(checkpoint: StoredReplayCheckpoint): Promise<void>;
  /** The execution's latest replay checkpoint, if it has one. */
  getReplayCheckpoint(executionId: string): Promise<StoredReplayCheckpoint | undefined>;

  /** Stores content once under its hash (a second put of the same hash is a no-op). */
  putBlob(hash: string, content: string): Promise<void>;
  getBlob(hash: string): Promise<string | undefined>;

  /**
   * Puts a signal in an execution's mailbox and makes the execution due if parked. `accepted`: stored now (its
   * `seq`); `duplicate`: a signal with this id was sent before (its `seq`); `ended`: the execution is terminal and
   * nothing is stored. Throws `ExecutionNotFoundError` for an unknown execution.
   */
  sendSignal(signal: NewSignal): Promise<{ readonly outcome: 'accepted' | 'duplicate' | 'ended'; readonly seq: number }>;
  /** The signals of an execution after `afterSeq`, in send order. */
  signals(input: { readonly executionId: string; readonly afterSeq: number }): Promise<SignalEntry[]>;
  /**
   * Accepts a published CloudEvent into the inbox, deduplicated on (source, id): a repeat returns
   * `{ isAccepted: false }` and delivers nothing. An accepted event is delivered to every subscription that exists
   * now (fan-out), and the executions holding them become due.
   */
  publishEvent(event: InboxEvent): Promise<{ readonly isAccepted: boolean; readonly seq: number }>;
  /** Opens a subscription (idempotent on execution + key); it receives events accepted from now on. */
  subscribe(subscription: { readonly executionId: string; readonly key: string; readonly createdAt: number }): Promise<void>;
  unsubscribe(subscription: { readonly executionId: string; readonly key: string }): Promise<void>;
  /** Events delivered to a subscription after inbox seq `afterSeq`, in acceptance order. */
  deliveries(input: { readonly executionId: string; readonly key: string; readonly afterSeq: number }): Promise<InboxEntry[]>;

  /**
   * The cursor of a schedule (by key, e.g. `namespace/name`): the last due instant, or inbox position, it started an
   * execution for. Undefined before the schedule first ran.
   */
  getScheduleCursor(key: string): Promise<number | undefined>;
  /**
   * Moves a schedule's cursor from `from` (undefined: not set yet) to `to`. False when another process moved it
   * first — compare-and-set, so two workers never both advance one schedule.
   */
  advanceScheduleCursor(input: { readonly key: string; readonly from: number | undefined; readonly to: number }): Promise<boolean>;

  /** Idempotent: releases what the store holds. */
  close(): Promise<void>;
}

export interface ClaimInput {
  readonly owner: string;
  readonly leaseMs: number;
  /** Epoch ms: the store never reads a clock, so tests and replays decide time. */
  readonly now: number;
}

/** What fences a write: the owner and the epoch of its claim. */
export interface ClaimToken {
  readonly executionId: string;
  readonly owner: string;
  readonly epoch: number;
}

/** A live claim: the right to run one execution until `expiresAt` (renewed while it runs). */
export interface Claim extends ClaimToken {
  readonly expiresAt: number;
  readonly command?: ExecutionCommand;
}

export type ExecutionCommand =
  | { readonly kind: 'cancel'; readonly reason: string }
  | { readonly kind: 'suspend'; readonly reason: string }
  | { readonly kind: 'resume' };

export interface Snapshot {
  readonly executionId: string;
  readonly seq: number;
  /** The folded state as JSON text. */
  readonly state: string;
}

export interface StoredReplayCheckpoint {
  readonly executionId: string;
  readonly seq: number;
  /** The checkpoint as JSON text. */
  readonly checkpoint: string;
}

/** A signal to send to one execution. */
export interface NewSignal {
  readonly executionId: string;
  /** Deduplicates a resend to the same execution. */
  readonly id: string;
  readonly name: string;
  /** The payload as JSON text. */
  readonly payload: string;
  readonly sentAt: number;
}

/** A signal in an execution's mailbox. */
export interface SignalEntry {
  /** Position in the execution's mailbox: 1, 2, … in send order. */
  readonly seq: number;
  readonly id: string;
  readonly name: string;
  readonly payload: string;
  readonly sentAt: number;
}

export interface InboxEvent {
  readonly source: string;
  readonly id: string;
  readonly type: string;
  /** The whole CloudEvent as JSON text. */
  readonly event: string;
  readonly acceptedAt: number;
}

export interface InboxEntry extends InboxEvent {
  /** Position in the inbox: acceptance order, gap-free per store. */
  readonly seq: number;
}

export interface StoredDefinition {
  readonly hash: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  /** The document as JSON text, in its original key order. */
  readonly source: string;
}

/** One history event as the store keeps it. */
export interface EventRow {
  readonly seq: number;
  readonly type: string;
  /** Epoch ms. */
  readonly at: number;
  /** The event payload as JSON text (original key order). */
  readonly data: string;
  /** `sha256(prevHash ‖ canonical event)`, hex. */
  readonly hash: string;
}

export interface NewExecution {
  readonly executionId: string;
  readonly definitionHash: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly status: Phase;
  readonly parentExecutionId?: string;
  /** Epoch ms. */
  readonly createdAt: number;
}

export interface ExecutionRecord extends NewExecution {
  readonly updatedAt: number;
  /** The head: `seq` of the last event. */
  readonly seq: number;
  /** Parked until this instant (epoch ms); `null` parked until an event or a command; absent when not parked. */
  readonly wakeAt?: number | null;
  /** The current claim, if any (it may have expired). */
  readonly claim?: Claim;
}

export interface AppendInput {
  readonly executionId: string;
  readonly expectedSeq: number;
  readonly events: readonly EventRow[];
  /** The execution's phase after these events, kept in the executions index. */
  readonly status?: Phase;
  /**
   * The writer's claim. A fenced append whose claim is no longer the execution's current one (expired and taken,
   * released) throws `LeaseLostError` and writes nothing, so a paused or partitioned worker cannot write after
   * losing its claim.
   */
  readonly claim?: ClaimToken;
  /** Give the claim up in the same transaction (the run ended with these events). Needs `claim`. */
  readonly release?: boolean;
}

export interface AppendResult {
  readonly seq: number;
}

export interface ReadEventsInput {
  readonly executionId: string;
  readonly fromSeq?: number;
  readonly toSeq?: number;
}

export interface ExecutionFilter {
  readonly status?: Phase;
  readonly namespace?: string;
  readonly name?: string;
  readonly parentExecutionId?: string;
  /** @default 100 */
  readonly limit?: number;
}
