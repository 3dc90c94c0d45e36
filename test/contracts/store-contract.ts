/**
 * The Store contract (src/store/store.ts): every back end runs this suite with the same expectations, so memory,
 * SQLite and PostgreSQL keep the same semantics. A back end's test file is one call:
 * `storeContract('sqlite', async () => openSqliteStore({ path: … }))`. `open` must return an empty store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecutionExistsError, ExecutionNotFoundError, StoreConflictError } from '../../src/store/errors.js';
import type { EventRow, NewExecution, Store, StoredDefinition } from '../../src/store/store.js';

/** A row as the history layer would write it; the store treats it as opaque. */
export function row(seq: number, type = 'TaskCompleted', data: string = JSON.stringify({ key: `k${seq}`, z: 1, a: 2 })): EventRow {
  return { seq, type, at: 1_000 + seq, data, hash: seq.toString(16).padStart(64, '0') };
}

export function newExecution(executionId: string, fields: Partial<NewExecution> = {}): NewExecution {
  return { executionId, definitionHash: 'def-1', namespace: 'ns', name: 'wf', version: '1.0.0', status: 'running', createdAt: 1_000, ...fields };
}

function definition(hash: string, fields: Partial<StoredDefinition> = {}): StoredDefinition {
  return { hash, namespace: 'ns', name: 'wf', version: '1.0.0', source: '{"document":{"z":1,"a":2}}', ...fields };
}

export function storeContract(name: string, open: () => Promise<Store>): void {
  const withStore = (title: string, body: (store: Store) => Promise<void>): void => {
    test(`${name} store: ${title}`, async (t) => {
      const store = await open();
      t.after(() => store.close());
      await body(store);
    });
  };

  withStore('createExecution keeps the execution and its first events; readEvents returns the rows as written', async (store) => {
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
    assert.deepEqual(await store.readEvents({ executionId: 'e1' }), [row(1, 'WorkflowStarted')]);
    const record = await store.getExecution('e1');
    assert.equal(record?.seq, 1);
    assert.equal(record?.status, 'running');
    assert.equal(record?.updatedAt, 1_001);
    assert.equal(record?.definitionHash, 'def-1');
  });

  withStore('the event payload text keeps its original key order', async (store) => {
    const data = '{"zeta":1,"alpha":{"y":2,"b":3}}';
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted', data)]);
    assert.equal((await store.readEvents({ executionId: 'e1' }))[0]?.data, data);
  });

  withStore('createExecution with an id that exists throws ExecutionExistsError and leaves the first untouched', async (store) => {
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
    await assert.rejects(store.createExecution(newExecution('e1', { name: 'other' }), [row(1, 'WorkflowStarted', '{}')]), (error: unknown) => {
      assert.ok(error instanceof ExecutionExistsError);
      assert.equal(error.executionId, 'e1');
      return true;
    });
    assert.equal((await store.getExecution('e1'))?.name, 'wf');
    assert.deepEqual(await store.readEvents({ executionId: 'e1' }), [row(1, 'WorkflowStarted')]);
  });

  withStore('append extends the head and returns the new seq', async (store) => {
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
    assert.deepEqual(await store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2), row(3)] }), { seq: 3 });
    assert.deepEqual(await store.append({ executionId: 'e1', expectedSeq: 3, events: [row(4)] }), { seq: 4 });
    assert.deepEqual((await store.readEvents({ executionId: 'e1' })).map((e) => e.seq), [1, 2, 3, 4]);
    assert.equal((await store.getExecution('e1'))?.seq, 4);
    assert.equal((await store.getExecution('e1'))?.updatedAt, 1_004);
  });

  withStore('an append at a stale seq is rejected with StoreConflictError and writes nothing', async (store) => {
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
    await store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)] });
    await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2, 'TaskFaulted')] }), (error: unknown) => {
      assert.ok(error instanceof StoreConflictError);
      assert.equal(error.details.executionId, 'e1');
      assert.equal(error.details.actualSeq, 2);
      return true;
    });
    const events = await store.readEvents({ executionId: 'e1' });
    assert.deepEqual(events.map((e) => [e.seq, e.type]), [[1, 'WorkflowStarted'], [2, 'TaskCompleted']]);
  });

  withStore('an append ahead of the head is rejected and writes nothing', async (store) => {
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
    await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 2, events: [row(3)] }), StoreConflictError);
    assert.equal((await store.readEvents({ executionId: 'e1' })).length, 1);
  });

  const badBatches = [
    { name: 'a first event that does not follow expectedSeq', events: [row(3)] },
    { name: 'a gap inside the batch', events: [row(2), row(4)] },
    { name: 'a repeated seq inside the batch', events: [row(2), row(2)] },
    { name: 'a batch out of order', events: [row(3), row(2)] },
  ] as const;

  for (const bad of badBatches) {
    withStore(`an append with ${bad.name} is rejected whole: no event of the batch is written`, async (store) => {
      await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
      await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 1, events: bad.events }), StoreConflictError);
      assert.deepEqual((await store.readEvents({ executionId: 'e1' })).map((e) => e.seq), [1]);
      assert.equal((await store.getExecution('e1'))?.seq, 1);
    });
  }

  withStore('of two appends racing at the same seq exactly one wins', async (store) => {
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
    const outcomes = await Promise.allSettled([
      store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2, 'TaskCompleted')] }),
      store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2, 'TaskFaulted')] }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected');
    assert.ok(rejected?.status === 'rejected' && rejected.reason instanceof StoreConflictError);
    assert.equal((await store.readEvents({ executionId: 'e1' })).length, 2);
  });

  withStore('an append to an unknown execution throws ExecutionNotFoundError', async (store) => {
    await assert.rejects(store.append({ executionId: 'nobody', expectedSeq: 0, events: [row(1)] }), ExecutionNotFoundError);
  });

  withStore('an append with a status updates the execution status; without one it keeps it', async (store) => {
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted')]);
    await store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)] });
    assert.equal((await store.getExecution('e1'))?.status, 'running');
    await store.append({ executionId: 'e1', expectedSeq: 2, events: [row(3, 'WorkflowCompleted')], status: 'completed' });
    assert.equal((await store.getExecution('e1'))?.status, 'completed');
  });

  const ranges = [
    { name: 'everything by default', range: {}, seqs: [1, 2, 3, 4, 5] },
    { name: 'from fromSeq, inclusive', range: { fromSeq: 3 }, seqs: [3, 4, 5] },
    { name: 'up to toSeq, inclusive', range: { toSeq: 2 }, seqs: [1, 2] },
    { name: 'between both, inclusive', range: { fromSeq: 2, toSeq: 4 }, seqs: [2, 3, 4] },
    { name: 'one event when fromSeq equals toSeq', range: { fromSeq: 3, toSeq: 3 }, seqs: [3] },
    { name: 'nothing past the head', range: { fromSeq: 6 }, seqs: [] },
    { name: 'nothing when fromSeq is after toSeq', range: { fromSeq: 4, toSeq: 2 }, seqs: [] },
  ] as const;

  for (const r of ranges) {
    withStore(`readEvents returns ${r.name}, in seq order`, async (store) => {
      await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted'), row(2)]);
      await store.append({ executionId: 'e1', expectedSeq: 2, events: [row(3), row(4), row(5)] });
      assert.deepEqual((await store.readEvents({ executionId: 'e1', ...r.range })).map((e) => e.seq), r.seqs);
    });
  }

  withStore('readEvents of one execution never returns another execution\'s events', async (store) => {
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted', '{"of":"e1"}')]);
    await store.createExecution(newExecution('e2'), [row(1, 'WorkflowStarted', '{"of":"e2"}')]);
    assert.deepEqual((await store.readEvents({ executionId: 'e2' })).map((e) => e.data), ['{"of":"e2"}']);
  });

  withStore('getExecution of an unknown id is undefined', async (store) => {
    assert.equal(await store.getExecution('nobody'), undefined);
  });

  withStore('listExecutions filters by status, namespace, name and parent, newest first, up to the limit', async (store) => {
    await store.createExecution(newExecution('a', { createdAt: 1 }), [row(1, 'WorkflowStarted')]);
    await store.createExecution(newExecution('b', { createdAt: 2, namespace: 'other' }), [row(1, 'WorkflowStarted')]);
    await store.createExecution(newExecution('c', { createdAt: 3, name: 'child', parentExecutionId: 'a' }), [row(1, 'WorkflowStarted')]);
    await store.createExecution(newExecution('d', { createdAt: 4 }), [row(1, 'WorkflowStarted')]);
    await store.append({ executionId: 'd', expectedSeq: 1, events: [row(2, 'WorkflowCompleted')], status: 'completed' });
    const ids = async (filter?: Parameters<Store['listExecutions']>[0]) => (await store.listExecutions(filter)).map((e) => e.executionId);
    assert.deepEqual(await ids(), ['d', 'c', 'b', 'a']);
    assert.deepEqual(await ids({ status: 'completed' }), ['d']);
    assert.deepEqual(await ids({ status: 'running' }), ['c', 'b', 'a']);
    assert.deepEqual(await ids({ namespace: 'other' }), ['b']);
    assert.deepEqual(await ids({ name: 'child' }), ['c']);
    assert.deepEqual(await ids({ parentExecutionId: 'a' }), ['c']);
    assert.deepEqual(await ids({ namespace: 'ns', name: 'wf' }), ['d', 'a']);
    assert.deepEqual(await ids({ limit: 2 }), ['d', 'c']);
    assert.deepEqual(await ids({ status: 'faulted' }), []);
  });

  withStore('putDefinition is idempotent by hash and getDefinition returns it as stored', async (store) => {
    await store.putDefinition(definition('h1'));
    await store.putDefinition(definition('h1'));
    await store.putDefinition(definition('h1', { source: '{"changed":true}' }));
    assert.deepEqual(await store.getDefinition('h1'), definition('h1'), 'the first stored version is kept');
    assert.equal((await store.listDefinitions()).length, 1);
    assert.equal(await store.getDefinition('unknown'), undefined);
  });

  withStore('listDefinitions filters by namespace and name', async (store) => {
    await store.putDefinition(definition('h1'));
    await store.putDefinition(definition('h2', { version: '2.0.0' }));
    await store.putDefinition(definition('h3', { name: 'other' }));
    await store.putDefinition(definition('h4', { namespace: 'elsewhere' }));
    const hashes = async (filter?: { namespace?: string; name?: string }) => (await store.listDefinitions(filter)).map((d) => d.hash).sort();
    assert.deepEqual(await hashes(), ['h1', 'h2', 'h3', 'h4']);
    assert.deepEqual(await hashes({ namespace: 'ns', name: 'wf' }), ['h1', 'h2']);
    assert.deepEqual(await hashes({ name: 'other' }), ['h3']);
    assert.deepEqual(await hashes({ namespace: 'elsewhere' }), ['h4']);
  });

  test(`${name} store: close is idempotent`, async () => {
    const store = await open();
    await store.close();
    await store.close();
  });
}
