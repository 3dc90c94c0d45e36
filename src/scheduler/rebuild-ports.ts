import type { Clock, Effects, RuntimePorts } from '../runtime/ports.js';

/** Effects for a rebuild from history: any call that replay would have to make for real fails. */
export function disabledEffects(): Effects {
  const refuse = (): Promise<never> => Promise.reject(new Error('side effects are disabled while rebuilding from history'));
  return { http: refuse, openapi: refuse, runShell: refuse, runScript: refuse, runContainer: refuse, readResource: refuse, resolveCatalogFunction: refuse, callFunction: refuse };
}

/** During a rebuild no timer may fire: only recorded ones count. */
export function frozenClock(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    sleepUntil: (_at, signal) =>
      new Promise((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason as Error);
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      }),
  };
}

/** The ports of a rebuild: a live run's, with side effects disabled, no timer firing and no child started. */
export function rebuildPorts(live: RuntimePorts): RuntimePorts {
  return {
    ...live,
    effects: disabledEffects(),
    clock: frozenClock(live.clock),
    children: { ...live.children, run: () => Promise.reject(new Error('child executions are not run during a rebuild')) },
  };
}
