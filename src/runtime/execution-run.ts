import { ReplayFlag } from '../history/replay-flags.js';
import { isoInstant } from '../model/instant.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Problem } from '../model/problems.js';
import { redactProblem, secretRedactor } from '../model/secret-redaction.js';
import type { Definition, WorkflowDocument } from '../model/workflow.js';
import type { Recorder } from '../history/recorder.js';
import type { RuntimePorts } from './ports.js';

/** `{ iso8601, epoch: { seconds, milliseconds } }`: how the spec exposes `startedAt` to expressions. */
export function timeArgument(epochMs: number): JsonObject {
  return {
    iso8601: isoInstant(epochMs),
    epoch: { seconds: Math.floor(epochMs / 1000), milliseconds: epochMs },
  };
}

/** The mutable `$context` of a scope; `fork` branches get their own cell and merge at the join. */
export interface ContextCell {
  value: Json;
}

/**
 * What the engine learns of a run's activity, to decide when it may be parked: a run whose every strand waits on a
 * durable timer and that has no side effect in flight can leave memory and resume by replay when due.
 */
export interface RunObserver {
  /** A strand began waiting until `wakeAt` (epoch ms), or for an event or child (`null`); call the result when done. */
  waitBegan(wakeAt: number | null): () => void;
  /** A side effect began; {@link workEnded} follows once it settled (a pair, not a returned closure: one per call). */
  workBegan(): void;
  workEnded(): void;
}

const UNOBSERVED: RunObserver = { waitBegan: () => () => undefined, workBegan: () => undefined, workEnded: () => undefined };

/** One run of one execution: its definition, history door, ports and the state that spans tasks. */
export class ExecutionRun {
  /** Visits per task reference: a retry or a jump back re-enters a task under a new visit number. */
  readonly #visits = new Map<string, number>();
  /** Made on the first problem: most runs record none. */
  #redact: ((text: string) => string) | undefined;
  /**
   * Signal mailbox positions consumed so far in this run (replayed or live): a signal goes to one wait only. Rebuilt by
   * replay, which consumes them again in the recorded order.
   */
  readonly consumedSignals = new Set<number>();

  constructor(
    readonly executionId: string,
    readonly definition: Definition,
    readonly recorder: Recorder,
    readonly ports: RuntimePorts,
    /** `$secrets`: only the secrets the definition declares in `use.secrets`. */
    readonly secrets: JsonObject,
    /** `$workflow`: `{ id, definition, input, startedAt }`. */
    readonly workflowArgument: JsonObject,
    readonly observer: RunObserver = UNOBSERVED,
    /** The replay flags the execution started under (its `WorkflowStarted`). */
    readonly replayFlags: readonly number[] = [],
    /** Re-run every recorded task (a rebuild that checks the whole history) even where the flags allow skipping. */
    isVerifying = false,
  ) {
    this.recordsCompletionDetails = replayFlags.includes(ReplayFlag.skipCompletedTasks);
    this.isSkippingCompleted = this.recordsCompletionDetails && !isVerifying;
  }

  /** `TaskCompleted` carries what replay needs to skip the task (`ReplayFlag.skipCompletedTasks`). */
  readonly recordsCompletionDetails: boolean;
  /** Replay returns recorded task outcomes without re-running their subtrees. */
  readonly isSkippingCompleted: boolean;

  /**
   * The problem as it may be recorded and shown: secret values (an expression error can quote the value it failed
   * on) are replaced by `***`, so histories keep secret names only.
   */
  redact(problem: Problem): Problem {
    this.#redact ??= secretRedactor(this.secrets);
    const redacted = redactProblem(problem, this.#redact);
    return JSON.stringify(redacted) === JSON.stringify(problem) ? problem : redacted;
  }

  get document(): WorkflowDocument {
    return this.definition.document;
  }

  /** The next visit number of a task reference key (0 on the first visit). */
  nextVisit(refKey: string): number {
    const visit = this.#visits.get(refKey) ?? 0;
    this.#visits.set(refKey, visit + 1);
    return visit;
  }
}
