/** The execution was cancelled (by `cancel`, or the CLI's SIGINT). An abort reason, never a workflow error. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(readonly reason: string = 'cancelled') {
    super(`execution cancelled: ${reason}`);
  }
}

/** A `fork` branch lost a `compete` race (or a sibling branch faulted): it is cancelled, not faulted. */
export class BranchAbandonedError extends Error {
  override readonly name = 'BranchAbandonedError';
  constructor(readonly reason: string) {
    super(`fork branch abandoned: ${reason}`);
  }
}

/** True when `error` is the reason `signal` was aborted with (the work stopped because it was asked to). */
export function isAbortOf(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && error === signal.reason;
}

/** A signal aborted when the parent is, or when this scope's own controller is. */
export function childSignal(parent: AbortSignal): { signal: AbortSignal; abort: (reason: unknown) => void } {
  const controller = new AbortController();
  return { signal: AbortSignal.any([parent, controller.signal]), abort: (reason) => controller.abort(reason) };
}
