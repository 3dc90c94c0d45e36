import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock, Random } from '../runtime/ports.js';
import { timeOrderedUuid } from './time-ordered-uuid.js';

/** Node's timers cap a delay at 2^31−1 ms (~24.8 days); longer waits sleep in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** The wall clock, for live runs. Tests inject their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  async sleepUntil(at, signal) {
    for (let remaining = at - Date.now(); remaining > 0; remaining = at - Date.now()) {
      await sleep(Math.min(remaining, MAX_TIMER_MS), undefined, { signal }).catch((error: unknown) => {
        throw signal.aborted ? (signal.reason as Error) : error;
      });
    }
    signal.throwIfAborted();
  },
};

/** Real randomness: time-ordered (v7) uuids and `Math.random`, for live runs. */
export const systemRandom: Random = {
  uuid: () => timeOrderedUuid(),
  float: () => Math.random(),
};
