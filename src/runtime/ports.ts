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

/** The workflow event channel as `emit` and `listen` see it (never the lifecycle channel). */
export interface WorkflowEvents {
  publish(event: CloudEvent): void;
  subscribe(listener: (event: CloudEvent) => void): () => void;
}

/** The outcome of a child execution, as the parent records it. */
export type ChildResult =
  | { status: 'completed'; output: Json; hash: string }
  | { status: 'faulted'; error: Problem; hash: string }
  | { status: 'cancelled'; hash: string };

/** Sub-workflows (`run.workflow`): resolved from the definitions the engine knows, run as executions of their own. */
export interface ChildWorkflows {
  /** `version: latest` (or absent) picks the highest semantic version. Undefined when none matches. */
  resolve(reference: { namespace: string; name: string; version?: string }): Definition | undefined;
  byHash(hash: string): Definition | undefined;
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
