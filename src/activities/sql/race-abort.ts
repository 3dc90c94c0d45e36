import { toError } from '../../model/problems.js';

/**
 * Waits for `work` unless `signal` aborts first; then rejects at once with the signal's reason, untouched (the
 * runtime recognises a cancellation or a timeout by it), and hands a value that arrives later to `onAbandoned` so
 * whatever it holds (a pooled connection) goes back. A run that was aborted never returns a result.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, onAbandoned: (value: T) => void = () => undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) onAbandoned(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // After an abort the promise has already rejected with the reason; this later failure changes nothing.
        reject(toError(error));
      },
    );
  });
}
