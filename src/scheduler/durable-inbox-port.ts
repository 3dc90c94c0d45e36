import { type CloudEvent, SIGNAL_EVENT_TYPE } from '../model/cloud-event.js';
import { isoInstant } from '../model/instant.js';
import type { Json } from '../model/json.js';
import type { Clock, WorkflowEvents } from '../runtime/ports.js';
import type { SignalEntry, Store } from '../store/store.js';

/**
 * The runtime's `WorkflowEvents` port over the store's durable inbox. `waiters` are the listens waiting in memory
 * for the inbox to change: a local publish calls them all; another process's publish is seen by polling every
 * `pollMs`.
 */
export function durableInboxPort(options: {
  store: Store;
  clock: Clock;
  publish: (event: CloudEvent) => Promise<unknown>;
  waiters: Set<() => void>;
  pollMs: number;
}): WorkflowEvents {
  const { store, clock, waiters, pollMs } = options;
  return {
    publish: async (event) => {
      await options.publish(event);
    },
    subscribe: (executionId, key) => store.subscribe({ executionId, key, createdAt: clock.now() }),
    unsubscribe: (executionId, key) => store.unsubscribe({ executionId, key }),
    signals: async (executionId, afterSeq) =>
      (await store.signals({ executionId, afterSeq })).map((entry) => ({ seq: entry.seq, event: signalEvent(entry) })),
    deliveries: async (executionId, key, afterSeq) =>
      (await store.deliveries({ executionId, key, afterSeq })).map((entry) => ({ seq: entry.seq, event: JSON.parse(entry.event) as CloudEvent })),
    changed: (signal) =>
      new Promise<void>((resolve, reject) => {
        const poll = setTimeout(done, pollMs);
        const onAbort = () => {
          finish();
          reject(signal.reason as Error);
        };
        function finish(): void {
          clearTimeout(poll);
          signal.removeEventListener('abort', onAbort);
          waiters.delete(done);
        }
        function done(): void {
          finish();
          resolve();
        }
        if (signal.aborted) {
          onAbort();
          return;
        }
        signal.addEventListener('abort', onAbort, { once: true });
        waiters.add(done);
      }),
  };
}

/** A signal as the CloudEvent a `listen` sees: `subject` its name, `data` its payload. */
export function signalEvent(entry: SignalEntry): CloudEvent {
  return {
    specversion: '1.0',
    id: entry.id,
    source: 'itonami:signal',
    type: SIGNAL_EVENT_TYPE,
    subject: entry.name,
    time: isoInstant(entry.sentAt),
    datacontenttype: 'application/json',
    data: JSON.parse(entry.payload) as Json,
  };
}
