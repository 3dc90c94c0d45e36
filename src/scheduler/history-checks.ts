import { findChainBreak } from '../history/verify.js';
import { ExecutionNotFoundError } from '../store/errors.js';
import type { Store } from '../store/store.js';

/** What `verify` found: how many executions it checked and the first bad event of each broken one. */
export interface VerifyReport {
  readonly executions: number;
  readonly failures: readonly VerifyFailure[];
}

export interface VerifyFailure {
  readonly executionId: string;
  readonly seq: number;
  readonly reason: string;
}

/**
 * Recomputes the hash chain of the given executions and names the first bad event of each broken one; a parent's
 * `ChildCompleted` must also carry its child's final hash (parent and child histories form a DAG).
 */
export async function verifyExecutions(store: Store, executionIds: readonly string[]): Promise<VerifyReport> {
  const failures: VerifyFailure[] = [];
  for (const executionId of executionIds) {
    if ((await store.getExecution(executionId)) === undefined) throw new ExecutionNotFoundError(executionId);
    const rows = await store.readEvents({ executionId });
    const broken = findChainBreak(rows);
    if (broken !== undefined) {
      failures.push({ executionId, ...broken });
      continue;
    }
    for (const row of rows) {
      if (row.type !== 'ChildCompleted') continue;
      const child = JSON.parse(row.data) as { childExecutionId: string; hash: string };
      const childRows = await store.readEvents({ executionId: child.childExecutionId });
      const head = childRows.at(-1)?.hash;
      if (head !== undefined && (head !== child.hash || findChainBreak(childRows) !== undefined)) {
        failures.push({ executionId, seq: row.seq, reason: `child ${child.childExecutionId} no longer ends with the hash recorded here` });
        break;
      }
    }
  }
  return { executions: executionIds.length, failures };
}
