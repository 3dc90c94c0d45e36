import type { Json } from '../model/json.js';
import type { Phase } from '../model/phases.js';
import type { Problem } from '../model/problems.js';

/** An execution as its history folds: what `status`, the API and the UI show, at any version. */
export interface ExecutionState {
  readonly executionId: string;
  readonly definitionHash: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly status: Phase;
  readonly input: Json;
  readonly output?: Json;
  readonly error?: Problem;
  readonly cancelReason?: string;
  /** The version this state is at: the `seq` of the last folded event. */
  readonly seq: number;
  readonly hash: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly endedAt?: number;
  /** Every task that started, in start order (a retried or revisited task appears once per visit). */
  readonly tasks: readonly TaskRecord[];
  /** Timers started and not yet fired (their history keys): what the execution waits for. */
  readonly openTimers: readonly string[];
  readonly parent?: { readonly executionId: string; readonly key: string };
}

export interface TaskRecord {
  /** The history key of this visit: task reference, loop indexes and visit number. */
  readonly key: string;
  readonly name: string;
  /** The task reference (JSON pointer), as `$task.reference` and error `instance`. */
  readonly reference: string;
  readonly indexes: readonly number[];
  readonly status: Phase;
  readonly input: Json;
  readonly output?: Json;
  readonly error?: Problem;
  readonly isSkipped?: boolean;
  readonly retries: number;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly endedAt?: number;
}
