/**
 * Behaviours an execution starts under and replays under for ever (DESIGN.md, "The execution model" 1): its
 * `WorkflowStarted` lists the flags in force, so an engine that changes how it records replays old histories the
 * old way. A flag is never reused or removed.
 */
export const ReplayFlag = {
  /**
   * `TaskCompleted` also records what a task's parent needs to go on without running it again (a switch's `then`,
   * `isEnded`, `$context` after the task when it changed), and replay returns a recorded completion or fault at once
   * instead of re-running the task's subtree: resuming costs the open part of the history, not all of it.
   */
  skipCompletedTasks: 1,
  /**
   * Each event's hash covers its payload as stored (the JSON text, byte for byte) instead of its JCS form: hashing
   * needs no canonicalising walk of every payload, and `verify` also catches an edit JCS cannot see (reordered keys,
   * which `keys_unsorted` and `tojson` would show).
   */
  hashStoredText: 2,
} as const;

export type ReplayFlag = (typeof ReplayFlag)[keyof typeof ReplayFlag];

/** The flags new executions start under. */
export const CURRENT_REPLAY_FLAGS: readonly ReplayFlag[] = [ReplayFlag.skipCompletedTasks, ReplayFlag.hashStoredText];
