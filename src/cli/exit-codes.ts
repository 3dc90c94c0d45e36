/** The CLI's exit codes; scripts depend on them. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The operation's own failure: faulted, not found, conflict, check failed. */
  Failed: 1,
  /** Bad usage or invalid input (an invalid definition included). */
  Usage: 2,
  /** Interrupted (SIGINT/SIGTERM): the execution was cancelled. */
  Interrupted: 130,
} as const;

/** Bad usage found after parsing (e.g. `--input` and `--input-file` together): exit 2 with this message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
