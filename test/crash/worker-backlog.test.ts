/**
 * A worker process with more due executions than its concurrency must work through the backlog. Run in a child
 * process because the failure mode is a busy loop that starves the event loop (no timer, not even a test timeout,
 * fires in that process); the parent gives it a bounded time and kills it.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchParked, useDurableFile, workflowDocument } from '../support/durable-engine.js';
import { spawnWorker } from '../support/worker-processes.js';

const DOCUMENT = workflowDocument('backlog', [{ settle: { wait: { milliseconds: 50 } } }, { done: { set: { done: true } } }]);
/** A healthy worker needs about a second (start-up included); a starved one never ends. */
const BOUND_MS = 8_000;

async function runBacklog(t: TestContext, executions: number, concurrency: number): Promise<void> {
  const file = await useDurableFile(t, 'itonami-backlog-');
  const starts = Array.from({ length: executions }, (_, n) => ({ executionId: `backlog-${n}`, input: {} }));
  await launchParked(file, DOCUMENT, starts);
  const worker = await spawnWorker(t, file.path, ['--concurrency', String(concurrency), '--until-idle', '--max-wait-ms', '1000']);
  const exit = await Promise.race([worker.exited, sleep(BOUND_MS, 'still running' as const)]);
  if (exit === 'still running') {
    await worker.kill();
    assert.fail(`the worker (concurrency ${concurrency}, ${executions} due executions) did not finish within ${BOUND_MS} ms`);
  }
  assert.equal(exit.code, 0, worker.stderr());
  const { engine } = await file.open();
  const statuses = (await engine.listExecutions()).map((record) => record.status);
  assert.deepEqual(statuses, starts.map(() => 'completed'));
}

test('a worker whose concurrency covers the due executions runs them all', async (t) => {
  await runBacklog(t, 3, 3);
});

test(
  'a worker with more due executions than its concurrency works through the backlog',
  async (t) => {
    await runBacklog(t, 3, 1);
  },
);
