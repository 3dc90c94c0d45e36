/**
 * Signals on a real SQLite file: buffered in the execution's mailbox (one sent before the wait is reached is not
 * lost), consumed once each in send order, waking a parked execution from another engine, and replayed exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecutionNotFoundError } from '../../src/index.js';
import { assertCompleted, assertRebuildMatches, eventsOfType } from '../support/engine-harness.js';
import { assertKeysUnique, until, useDurableFile, workflowDocument } from '../support/durable-engine.js';

const signalWait = (name: string) => ({ listen: { to: { one: { with: { type: 'io.itonami.signal', subject: name } } } } });

test('a signal sent before the wait is reached is kept and consumed when the wait comes; each signal goes to one wait', async (t) => {
  const file = await useDurableFile(t);
  const { engine } = await file.open({ parkAfterMs: Number.POSITIVE_INFINITY });
  const definition = engine.load(
    workflowDocument('approvals', [
      { pause: { wait: { milliseconds: 200 } } },
      { first: { ...signalWait('approve'), export: { as: '${ {first: .} }' } } },
      { second: { ...signalWait('approve'), output: { as: '${ {first: $context.first, second: .} }' } } },
    ]),
  );
  const handle = await engine.start(definition, { executionId: 'sig-1' });
  assert.equal(await engine.signal('sig-1', 'approve', { by: 'ann' }), true);
  assert.equal(await engine.signal('sig-1', 'reject', { by: 'cy' }), true, 'another name waits for another wait');
  assert.equal(await engine.signal('sig-1', 'approve', { by: 'bo' }, { id: 'resent' }), true);
  assert.equal(await engine.signal('sig-1', 'approve', { by: 'bo again' }, { id: 'resent' }), true, 'a resend is accepted and stores nothing');
  const output = assertCompleted(await handle.result());
  assert.deepEqual(output, { first: [{ by: 'ann' }], second: [{ by: 'bo' }] });
  const history = await engine.history('sig-1');
  assertKeysUnique(history, 'sig-1');
  assert.deepEqual(eventsOfType(history, 'EventConsumed').map((event) => event.data.inboxSeq), [1, 3]);
  await assertRebuildMatches(engine, 'sig-1');
  assert.equal(await engine.signal('sig-1', 'approve', null), false, 'an ended execution takes no signal');
  await assert.rejects(engine.signal('nobody', 'approve'), ExecutionNotFoundError);
});

test('a parked execution waiting for a signal is woken by a signal sent from another engine, and a worker finishes it', async (t) => {
  const file = await useDurableFile(t);
  const a = await file.open({ parkAfterMs: 0 });
  await a.engine.start(a.engine.load(workflowDocument('parked-approval', [{ approval: signalWait('approve') }])), { executionId: 'sig-2' });
  await until(async () => {
    const record = await a.store.getExecution('sig-2');
    return record?.claim === undefined && record?.wakeAt === null;
  }, 'the execution to park on its signal wait');
  await a.engine.close();

  const operator = await file.open();
  assert.equal(await operator.engine.signal('sig-2', 'approve', { ok: true }), true);
  assert.equal((await operator.store.getExecution('sig-2'))?.wakeAt, 0, 'due now');
  await operator.engine.close();

  const worker = await file.open();
  await worker.engine.work({ untilIdle: true, maxWaitMs: 1_000 });
  const state = await worker.engine.getExecution('sig-2');
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, [{ ok: true }]);
  assertKeysUnique(await worker.engine.history('sig-2'), 'sig-2');
});
