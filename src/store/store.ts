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
   * Creates an execution with its first events. Throws {@link ExecutionExistsError} when the id is taken, so an
   * idempotent start can compare and return the existing one.
   */
  createExecution(execution: NewExecution, events: readonly EventRow[]): Promise<void>;
  /**
   * Appends events after `expectedSeq` (the head the writer last saw). The first event's `seq` must be
   * `expectedSeq + 1` and the rest consecutive; anything else throws `StoreConflictError` and writes nothing.
   * Resolves once the events are durable.
   */
  append(input: AppendInput): Promise<AppendResult>;
  /** Events of one execution in `seq` order, from `fromSeq` (inclusive, default 1) to `toSeq` (inclusive). */
  readEvents(input: ReadEventsInput): Promise<EventRow[]>;
  getExecution(executionId: string): Promise<ExecutionRecord | undefined>;
  listExecutions(filter?: ExecutionFilter): Promise<ExecutionRecord[]>;
  /** Idempotent: releases what the store holds. */
  close(): Promise<void>;
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
}

export interface AppendInput {
  readonly executionId: string;
  readonly expectedSeq: number;
  readonly events: readonly EventRow[];
  /** The execution's phase after these events, kept in the executions index. */
  readonly status?: Phase;
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
