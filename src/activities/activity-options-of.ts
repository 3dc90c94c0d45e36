import type { ActivityOptions } from './activity-options.js';

/**
 * Just the {@link ActivityOptions} members of a builder's options (`inputSchema`, `timeout`, `retry`,
 * `heartbeatTimeout`), so an activity built by `sqlActivity`, `httpActivity` or `functionActivity` declares them like a
 * hand-written one, and carries nothing else of its options (a pool, a query) as if it were one.
 */
export function activityOptionsOf(options: ActivityOptions): ActivityOptions {
  const { inputSchema, timeout, retry, heartbeatTimeout } = options;
  return {
    ...(inputSchema === undefined ? {} : { inputSchema }),
    ...(timeout === undefined ? {} : { timeout }),
    ...(retry === undefined ? {} : { retry }),
    ...(heartbeatTimeout === undefined ? {} : { heartbeatTimeout }),
  };
}
