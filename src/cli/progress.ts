import type { Engine } from '../index.js';
import type { Io } from './io.js';

/**
 * Task progress on stderr, one line per step, with timings; silent with `--quiet`. Never on stdout. A worker runs
 * many executions at once, so with `perExecution` each line starts with the execution id, and the executions'
 * own starts and ends are shown too.
 */
export function attachProgress(engine: Engine, io: Io, options: { perExecution?: boolean } = {}): void {
  const perExecution = options.perExecution === true;
  const line = (executionId: string, text: string) => io.stderr(perExecution ? `${executionId} ${text}\n` : `${text}\n`);
  engine.on('task:started', (e) => line(e.executionId, `started   ${e.reference}`));
  engine.on('task:completed', (e) => line(e.executionId, `completed ${e.reference} (${e.durationMs} ms)`));
  engine.on('task:retried', (e) => line(e.executionId, `retrying  ${e.reference} (attempt ${e.attempt} in ${e.delayMs} ms): ${e.error.title ?? e.error.type}`));
  engine.on('task:faulted', (e) => line(e.executionId, `faulted   ${e.reference} (${e.durationMs} ms): ${e.error.title ?? e.error.type}${e.error.detail === undefined ? '' : ` - ${e.error.detail}`}`));
  engine.on('task:cancelled', (e) => line(e.executionId, `cancelled ${e.reference}`));
  if (!perExecution) return;
  engine.on('execution:started', (e) => line(e.executionId, `workflow started ${e.definition}`));
  engine.on('execution:completed', (e) => line(e.executionId, 'workflow completed'));
  engine.on('execution:faulted', (e) => line(e.executionId, `workflow faulted: ${e.error.title ?? e.error.type}${e.error.detail === undefined ? '' : ` - ${e.error.detail}`}`));
  engine.on('execution:cancelled', (e) => line(e.executionId, `workflow cancelled: ${e.reason}`));
}
