import type { Effects } from '../activities/effects.js';

export type { Effects } from '../activities/effects.js';
export type { Expressions } from '../expressions/runtime-expressions.js';
import type { CloudEvent } from '../model/cloud-event.js';
import type { Expressions } from '../expressions/runtime-expressions.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Definition } from '../model/workflow.js';
import type { Problem } from '../model/problems.js';

/** Time as the runtime may see it: injected, so tests drive a manual clock and replay never reads the wall. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Resolves at `at` (epoch ms; at once if past) or rejects with `signal.reason` when aborted. */
  sleepUntil(at: number, signal: AbortSignal): Promise<void>;
}

/** Randomness as the runtime may see it; every value it yields is recorded before use. */
export interface Random {
  uuid(): string;
  /** Uniform in [0, 1). */
  float(): number;
}

/**
 * The engine's durable event inbox as `emit` and `listen` see it (never the lifecycle channel). An accepted event
 * goes to every subscription that exists when it is accepted; a subscription outlives the process, so an event
 * published while the execution is parked, or while no worker runs, waits for it. Deduplicated on (source, id).
 */
export interface WorkflowEvents {
  publish(event: CloudEvent): Promise<void>;
  /** Opens the subscription `key` of an execution (idempotent). */
  subscribe(executionId: string, key: string): Promise<void>;
  unsubscribe(executionId: string, key: string): Promise<void>;
  /** Events delivered to the subscription after inbox position `afterSeq`, in acceptance order. */
  deliveries(executionId: string, key: string, afterSeq: number): Promise<{ seq: number; event: CloudEvent }[]>;
  /** The signals of an execution after mailbox position `afterSeq`, as CloudEvents of type `io.itonami.signal`. */
  signals(executionId: string, afterSeq: number): Promise<{ seq: number; event: CloudEvent }[]>;
  /** Resolves when something may have been delivered (a publish, a signal, or a poll of the store); rejects when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void>;
}

/** The outcome of a child execution, as the parent records it. */
export type ChildResult =
  | { status: 'completed'; output: Json; hash: string }
  | { status: 'faulted'; error: Problem; hash: string }
  | { status: 'cancelled'; hash: string };

/** Sub-workflows (`run.workflow`): resolved from the definitions the engine knows, run as executions of their own. */
export interface ChildWorkflows {
  /** `version: latest` (or absent) picks the highest semantic version. Undefined when none matches. */
  resolve(reference: { namespace: string; name: string; version?: string }): Promise<Definition | undefined>;
  /** A definition by hash, from the engine or its store (a child pinned in history may predate this process). */
  byHash(hash: string): Promise<Definition | undefined>;
  /**
   * Runs (or, when `executionId` already exists, awaits) a child execution to its end. Cancelling `signal`
   * cancels the child.
   */
  run(request: {
    executionId: string;
    definition: Definition;
    input: Json;
    parent: { executionId: string; key: string };
    signal: AbortSignal;
  }): Promise<ChildResult>;
}

/** Validates data against a task or workflow JSON schema (draft 2020-12 by default). */
export interface SchemaValidator {
  /** Returns the problems (`/path: message`), empty when valid. */
  validate(schema: Json, data: Json): string[];
}

/** Everything the interpreter needs from outside, injected by the engine. */
export interface RuntimePorts {
  readonly effects: Effects;
  readonly expressions: Expressions;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: WorkflowEvents;
  readonly children: ChildWorkflows;
  readonly schemas: SchemaValidator;
  /** `$runtime`: `{ name, version, metadata }`. */
  readonly runtimeInfo: JsonObject;
  /** Aborted when the engine closes: detached work (`await: false`) stops with it. */
  readonly engineSignal?: AbortSignal;
}
