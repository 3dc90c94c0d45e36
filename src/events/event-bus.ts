import type { CloudEvent } from '../model/cloud-event.js';

export type CloudEventListener = (event: CloudEvent) => void;

/**
 * An in-process CloudEvents channel. The engine owns two: the workflow bus (what `emit` publishes, what `listen`
 * and the library's `publish` feed) and the lifecycle bus (the spec's `io.serverlessworkflow.*` events), so a
 * workflow can never consume its own lifecycle events. A throwing listener is reported, never breaks delivery.
 */
export class EventBus {
  readonly #listeners = new Set<CloudEventListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  /** Delivers to every listener subscribed now, in subscription order. */
  publish(event: CloudEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Returns the unsubscribe function (idempotent). */
  subscribe(listener: CloudEventListener): () => void {
    const wrapped: CloudEventListener = (event) => listener(event);
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
