import type { Store } from '../index.js';

/** A store view under which this process claims nothing, and the executions it was refused for. */
export interface ClaimlessStore {
  readonly store: Store;
  /** Executions the engine tried to claim through this view (and was told another process holds). */
  readonly refusedClaims: ReadonlySet<string>;
}

/**
 * `itonami start` must create an execution for a worker and run none of it: a start process has no secrets, and a
 * step it began would be cut short at exit. `Engine.start` creates the execution (`WorkflowStarted` durable), then
 * claims it to run it here; under this view every claim is refused, as if another process held it, so nothing runs
 * and the execution stays free for `itonami worker`. The engine then reports the refused claim as an error, which
 * `start` recognises through `refusedClaims`. An `Engine.start` option that only creates would replace this view.
 */
export function claimlessStore(store: Store): ClaimlessStore {
  const refusedClaims = new Set<string>();
  const view = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'claimExecution') {
        const claimExecution: Store['claimExecution'] = (input) => {
          refusedClaims.add(input.executionId);
          return Promise.resolve(undefined);
        };
        return claimExecution;
      }
      if (property === 'claimRunnable') {
        const claimRunnable: Store['claimRunnable'] = () => Promise.resolve([]);
        return claimRunnable;
      }
      const value: unknown = Reflect.get(target, property, receiver);
      // Back ends may be class instances with private fields: call their methods on the store itself, not the view.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: view, refusedClaims };
}
