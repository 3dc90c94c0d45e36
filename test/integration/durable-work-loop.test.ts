/**
 * `work({ untilIdle })` on a real SQLite file: it returns once nothing is runnable and nothing falls due within
 * `maxWaitMs` — including executions a dead process still holds, whose claims lapse within that time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

const DOCUMENT = workflowDocument('loop', [{ settle: { wait: { milliseconds: 50 } } }, { done: { set: { done: true } } }]);

async function parkedExecution(file: Awaited<ReturnType<typeof useDurableFile>>, executionId: string): Promise<void> {
  const a = await file.open({ parkAfterMs: 0 });
  await a.engine.start(a.engine.load(DOCUMENT), { executionId });
  await until(async () => typeof (await a.store.getExecution(executionId))?.wakeAt === 'number', 'the execution to park');
  await a.engine.close();
}

test('untilIdle waits for a parked execution due within maxWaitMs and runs it', async (t) => {
  const file = await useDurableFile(t);
  await parkedExecution(file, 'due-soon');
  const worker = await file.open();
  await worker.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
  assert.equal((await worker.engine.getExecution('due-soon'))?.status, 'completed');
});

test(
  'untilIdle waits for an execution whose dead holder’s claim lapses within maxWaitMs',
  async (t) => {
    const file = await useDurableFile(t);
    await parkedExecution(file, 'orphan');
    const worker = await file.open();
    // A process claimed it and died: nothing releases the claim, it lapses after its lease.
    const claim = await worker.store.claimExecution({ executionId: 'orphan', owner: 'dead-process', leaseMs: 300, now: Date.now() });
    assert.ok(claim !== undefined);
    await worker.engine.work({ untilIdle: true, maxWaitMs: 5_000 });
    assert.equal((await worker.engine.getExecution('orphan'))?.status, 'completed');
  },
);
