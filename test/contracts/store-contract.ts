/**
 * The Store contract (src/store/store.ts): every back end runs this suite with the same expectations, so memory,
 * SQLite and PostgreSQL keep the same semantics. A back end's test file is one call:
 * `storeContract('sqlite', async () => openSqliteStore({ path: … }))`. `open` must return an empty store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecutionExistsError, ExecutionNotFoundError, LeaseLostError, StoreConflictError, StoreLimitError } from '../../src/store/errors.js';
import type { Claim, EventRow, InboxEvent, NewExecution, Store, StoredDefinition } from '../../src/store/store.js';

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

export interface StoreContractOptions {
  /** Opens an empty store with these limits; back ends without limits (memory) leave it out and skip those cases. */
  readonly openWithLimits?: (limits: { readonly maxPayloadBytes: number; readonly maxHistoryEvents: number }) => Promise<Store>;
}

export function storeContract(name: string, open: () => Promise<Store>, options: StoreContractOptions = {}): void {
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

  claimCases(withStore);
  commandCases(withStore);
  snapshotAndBlobCases(withStore);
  inboxCases(withStore);
  limitCases(name, options.openWithLimits);

  test(`${name} store: close is idempotent`, async () => {
    const store = await open();
    await store.close();
    await store.close();
  });
}

type WithStore = (title: string, body: (store: Store) => Promise<void>) => void;

const LEASE_MS = 30_000;
const NOW = 10_000;

/** Creates a running execution with its WorkflowStarted event. */
async function start(store: Store, executionId: string, fields: Partial<NewExecution> = {}): Promise<void> {
  await store.createExecution(newExecution(executionId, fields), [row(1, 'WorkflowStarted')]);
}

function claimBy(owner: string, now = NOW) {
  return { owner, leaseMs: LEASE_MS, now };
}

async function mustClaim(store: Store, executionId: string, owner: string, now = NOW): Promise<Claim> {
  const claim = await store.claimExecution({ executionId, ...claimBy(owner, now) });
  assert.ok(claim !== undefined, `${owner} could not claim ${executionId} at ${now}`);
  return claim;
}

async function complete(store: Store, executionId: string): Promise<void> {
  const head = (await store.getExecution(executionId))?.seq ?? 0;
  await store.append({ executionId, expectedSeq: head, events: [row(head + 1, 'WorkflowCompleted')], status: 'completed' });
}

const runnableIds = async (store: Store, owner: string, now: number, limit = 10) =>
  (await store.claimRunnable({ ...claimBy(owner, now), limit })).map((c) => c.executionId);

function claimCases(withStore: WithStore): void {
  withStore('claimExecution takes a free execution at epoch 1 until now + leaseMs, and getExecution shows the claim', async (store) => {
    await start(store, 'e1');
    const claim = await store.claimExecution({ executionId: 'e1', ...claimBy('w1') });
    assert.deepEqual(claim, { executionId: 'e1', owner: 'w1', epoch: 1, expiresAt: NOW + LEASE_MS });
    assert.deepEqual((await store.getExecution('e1'))?.claim, claim);
  });

  withStore('claimExecution refuses a live claim of another owner and takes it once expired, at a new epoch', async (store) => {
    await start(store, 'e1');
    const first = await mustClaim(store, 'e1', 'w1');
    assert.equal(await store.claimExecution({ executionId: 'e1', ...claimBy('w2', first.expiresAt - 1) }), undefined);
    assert.equal((await store.getExecution('e1'))?.claim?.owner, 'w1', 'a refused claim changes nothing');
    const second = await store.claimExecution({ executionId: 'e1', ...claimBy('w2', first.expiresAt) });
    assert.deepEqual(second, { executionId: 'e1', owner: 'w2', epoch: 2, expiresAt: first.expiresAt + LEASE_MS });
  });

  withStore('claimExecution by the owner of a live claim claims again at the next epoch', async (store) => {
    await start(store, 'e1');
    await mustClaim(store, 'e1', 'w1');
    assert.equal((await mustClaim(store, 'e1', 'w1', NOW + 5)).epoch, 2);
  });

  withStore('claimExecution of a finished or unknown execution is undefined', async (store) => {
    await start(store, 'e1');
    await complete(store, 'e1');
    assert.equal(await store.claimExecution({ executionId: 'e1', ...claimBy('w1') }), undefined);
    assert.equal(await store.claimExecution({ executionId: 'nobody', ...claimBy('w1') }), undefined);
    assert.equal((await store.getExecution('e1'))?.claim, undefined);
  });

  withStore('epochs only grow: a claim after a release never reuses an epoch', async (store) => {
    await start(store, 'e1');
    const first = await mustClaim(store, 'e1', 'w1');
    await store.releaseClaim(first);
    assert.equal((await store.getExecution('e1'))?.claim, undefined);
    const second = await mustClaim(store, 'e1', 'w1');
    assert.equal(second.epoch, 2);
    await store.releaseClaim(second, { wakeAt: null });
    assert.equal((await store.getExecution('e1'))?.claim, undefined);
    await store.requestCommand('e1', { kind: 'resume' });
    assert.deepEqual((await store.claimRunnable({ ...claimBy('w2'), limit: 1 })).map((c) => c.epoch), [3]);
  });

  withStore('claimRunnable claims oldest first, up to limit, skipping finished executions and live claims', async (store) => {
    await start(store, 'c', { createdAt: 3 });
    await start(store, 'a', { createdAt: 1 });
    await start(store, 'd', { createdAt: 4 });
    await start(store, 'b', { createdAt: 2 });
    await start(store, 'done', { createdAt: 0 });
    await complete(store, 'done');
    await mustClaim(store, 'b', 'other');
    const claims = await store.claimRunnable({ ...claimBy('w1'), limit: 2 });
    assert.deepEqual(claims.map((c) => [c.executionId, c.owner, c.epoch, c.expiresAt]), [['a', 'w1', 1, NOW + LEASE_MS], ['c', 'w1', 1, NOW + LEASE_MS]]);
    assert.deepEqual(await runnableIds(store, 'w1', NOW), ['d'], 'the caller\'s own live claims are not runnable either');
    assert.deepEqual(await runnableIds(store, 'w1', NOW), []);
    assert.deepEqual(await store.claimRunnable({ ...claimBy('w1'), limit: 0 }), []);
  });

  withStore('claimRunnable takes over expired claims at a new epoch', async (store) => {
    await start(store, 'e1');
    const lost = await mustClaim(store, 'e1', 'w1');
    assert.deepEqual(await runnableIds(store, 'w2', lost.expiresAt - 1), []);
    const [taken] = await store.claimRunnable({ ...claimBy('w2', lost.expiresAt), limit: 5 });
    assert.deepEqual(taken, { executionId: 'e1', owner: 'w2', epoch: 2, expiresAt: lost.expiresAt + LEASE_MS });
  });

  withStore('claimRunnable skips a parked execution until its wakeAt, and one parked without wakeAt until woken', async (store) => {
    await start(store, 'timer', { createdAt: 1 });
    await start(store, 'listener', { createdAt: 2 });
    await store.releaseClaim(await mustClaim(store, 'timer', 'w1'), { wakeAt: 20_000 });
    await store.releaseClaim(await mustClaim(store, 'listener', 'w1'), { wakeAt: null });
    assert.equal((await store.getExecution('timer'))?.wakeAt, 20_000);
    assert.equal((await store.getExecution('listener'))?.wakeAt, null);
    assert.deepEqual(await runnableIds(store, 'w2', 19_999), []);
    assert.deepEqual(await runnableIds(store, 'w2', 20_000), ['timer']);
    assert.equal((await store.getExecution('timer'))?.wakeAt, undefined, 'a claim unparks');
    const farFuture = Number.MAX_SAFE_INTEGER - LEASE_MS;
    assert.ok(!(await runnableIds(store, 'w3', farFuture)).includes('listener'), 'no time wakes an execution parked until an event');
  });

  withStore('nextWakeAt is the earliest wakeAt among parked live executions, undefined when none waits on time', async (store) => {
    assert.equal(await store.nextWakeAt(), undefined);
    for (const id of ['late', 'early', 'event', 'finished']) await start(store, id);
    await store.releaseClaim(await mustClaim(store, 'event', 'w1'), { wakeAt: null });
    assert.equal(await store.nextWakeAt(), undefined, 'parked until an event is not a time');
    await store.releaseClaim(await mustClaim(store, 'late', 'w1'), { wakeAt: 50_000 });
    await store.releaseClaim(await mustClaim(store, 'early', 'w1'), { wakeAt: 40_000 });
    await store.releaseClaim(await mustClaim(store, 'finished', 'w1'), { wakeAt: 30_000 });
    assert.equal(await store.nextWakeAt(), 30_000);
    await complete(store, 'finished');
    assert.equal(await store.nextWakeAt(), 40_000, 'a finished execution waits for nothing');
    await mustClaim(store, 'early', 'w1', 40_000);
    assert.equal(await store.nextWakeAt(), 50_000, 'a claimed execution is no longer parked');
  });

  withStore('nextClaimExpiry is the earliest live claim of another owner, undefined when none', async (store) => {
    assert.equal(await store.nextClaimExpiry({ owner: 'w1' }), undefined);
    for (const id of ['mine', 'theirs-late', 'theirs-early', 'finished', 'parked']) await start(store, id);
    await mustClaim(store, 'mine', 'w1', NOW);
    assert.equal(await store.nextClaimExpiry({ owner: 'w1' }), undefined, 'its own claims lapse only if it stops renewing');
    await mustClaim(store, 'theirs-late', 'w2', NOW + 2_000);
    await mustClaim(store, 'theirs-early', 'w2', NOW + 1_000);
    await mustClaim(store, 'finished', 'w2', NOW);
    await store.releaseClaim(await mustClaim(store, 'parked', 'w2', NOW), { wakeAt: null });
    assert.equal(await store.nextClaimExpiry({ owner: 'w1' }), NOW + LEASE_MS);
    await complete(store, 'finished');
    assert.equal(await store.nextClaimExpiry({ owner: 'w1' }), NOW + 1_000 + LEASE_MS, 'a finished execution holds nothing');
    assert.equal(await store.nextClaimExpiry({ owner: 'w2' }), NOW + LEASE_MS);
  });

  withStore('a child ending makes its parked parent due, and leaves a running parent alone', async (store) => {
    await start(store, 'parent');
    await start(store, 'other-parent');
    await start(store, 'child', { parentExecutionId: 'parent' });
    await start(store, 'child-2', { parentExecutionId: 'other-parent' });
    await store.releaseClaim(await mustClaim(store, 'parent', 'w1'), { wakeAt: null });
    const running = await mustClaim(store, 'other-parent', 'w1');
    assert.ok(!(await runnableIds(store, 'w2', NOW, 10)).includes('parent'), 'parked until its child ends');
    await complete(store, 'child');
    assert.equal((await store.getExecution('parent'))?.wakeAt, 0);
    await complete(store, 'child-2');
    const record = await store.getExecution('other-parent');
    assert.equal(record?.wakeAt, undefined, 'not parked: nothing to wake');
    assert.equal(record?.claim?.epoch, running.epoch);
  });

  withStore('renewClaim extends a live claim and keeps its epoch', async (store) => {
    await start(store, 'e1');
    const claim = await mustClaim(store, 'e1', 'w1');
    const renewed = await store.renewClaim(claim, { leaseMs: 60_000, now: NOW + 1_000 });
    assert.deepEqual(renewed, { executionId: 'e1', owner: 'w1', epoch: 1, expiresAt: NOW + 61_000 });
    assert.deepEqual((await store.getExecution('e1'))?.claim, renewed);
    assert.equal(await store.claimExecution({ executionId: 'e1', ...claimBy('w2', NOW + LEASE_MS) }), undefined, 'the renewal holds');
  });

  withStore('renewClaim after the claim moved on throws LeaseLostError naming the current owner', async (store) => {
    await start(store, 'e1');
    const lost = await mustClaim(store, 'e1', 'w1');
    await mustClaim(store, 'e1', 'w2', lost.expiresAt);
    await assert.rejects(store.renewClaim(lost, { leaseMs: LEASE_MS, now: lost.expiresAt + 1 }), (error: unknown) => {
      assert.ok(error instanceof LeaseLostError);
      assert.deepEqual(error.details, { executionId: 'e1', owner: 'w1', epoch: 1, currentOwner: 'w2', currentEpoch: 2 });
      return true;
    });
    assert.equal((await store.getExecution('e1'))?.claim?.owner, 'w2');
  });

  withStore('renewClaim after a release throws LeaseLostError; of an unknown execution ExecutionNotFoundError', async (store) => {
    await start(store, 'e1');
    const claim = await mustClaim(store, 'e1', 'w1');
    await store.releaseClaim(claim);
    await assert.rejects(store.renewClaim(claim, { leaseMs: LEASE_MS, now: NOW }), LeaseLostError);
    await assert.rejects(store.renewClaim({ ...claim, executionId: 'nobody' }, { leaseMs: LEASE_MS, now: NOW }), ExecutionNotFoundError);
  });

  withStore('releaseClaim frees the execution at once; a stale token\'s release changes nothing', async (store) => {
    await start(store, 'e1');
    const first = await mustClaim(store, 'e1', 'w1');
    await store.releaseClaim(first);
    const second = await mustClaim(store, 'e1', 'w2');
    await store.releaseClaim(first, { wakeAt: null });
    const record = await store.getExecution('e1');
    assert.deepEqual(record?.claim, second);
    assert.equal(record?.wakeAt, undefined);
    await store.releaseClaim({ executionId: 'nobody', owner: 'w1', epoch: 1 });
  });

  withStore('a fenced append from a claim another owner took throws LeaseLostError and writes nothing', async (store) => {
    await start(store, 'e1');
    const lost = await mustClaim(store, 'e1', 'w1');
    await mustClaim(store, 'e1', 'w2', lost.expiresAt);
    await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)], status: 'completed', claim: lost }), (error: unknown) => {
      assert.ok(error instanceof LeaseLostError);
      assert.equal(error.details.currentOwner, 'w2');
      return true;
    });
    assert.deepEqual((await store.readEvents({ executionId: 'e1' })).map((e) => e.seq), [1]);
    assert.equal((await store.getExecution('e1'))?.status, 'running');
  });

  withStore('a fenced append from a released claim throws LeaseLostError; an unfenced one is administrative', async (store) => {
    await start(store, 'e1');
    const claim = await mustClaim(store, 'e1', 'w1');
    await store.releaseClaim(claim);
    await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)], claim }), LeaseLostError);
    assert.deepEqual(await store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)] }), { seq: 2 });
  });

  withStore('a fenced append from the current claim is written, even past expiry while nobody took it', async (store) => {
    await start(store, 'e1');
    const claim = await mustClaim(store, 'e1', 'w1');
    assert.deepEqual(await store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2)], claim }), { seq: 2 });
    assert.equal(await store.claimExecution({ executionId: 'e1', ...claimBy('w2', NOW + 1) }), undefined);
    assert.deepEqual(await store.append({ executionId: 'e1', expectedSeq: 2, events: [row(3)], claim }), { seq: 3 });
  });
}

function commandCases(withStore: WithStore): void {
  withStore('requestCommand on a finished execution returns false and leaves nothing pending', async (store) => {
    await start(store, 'e1');
    assert.equal(await store.requestCommand('e1', { kind: 'cancel', reason: 'operator' }), true);
    await start(store, 'e2');
    await complete(store, 'e2');
    assert.equal(await store.requestCommand('e2', { kind: 'cancel', reason: 'operator' }), false);
    await assert.rejects(store.requestCommand('nobody', { kind: 'resume' }), ExecutionNotFoundError);
  });

  withStore('a claim carries the pending command; takeCommand returns it once and clears it', async (store) => {
    await start(store, 'e1');
    await store.requestCommand('e1', { kind: 'suspend', reason: 'maintenance' });
    await store.requestCommand('e1', { kind: 'cancel', reason: 'operator' });
    const claim = await mustClaim(store, 'e1', 'w1');
    assert.deepEqual(claim.command, { kind: 'cancel', reason: 'operator' }, 'the latest request wins');
    assert.deepEqual((await store.renewClaim(claim, { leaseMs: LEASE_MS, now: NOW })).command, { kind: 'cancel', reason: 'operator' });
    assert.deepEqual(await store.takeCommand(claim), { kind: 'cancel', reason: 'operator' });
    assert.equal(await store.takeCommand(claim), undefined);
    assert.equal((await store.renewClaim(claim, { leaseMs: LEASE_MS, now: NOW })).command, undefined);
  });

  withStore('takeCommand with a claim that moved on throws LeaseLostError and keeps the command', async (store) => {
    await start(store, 'e1');
    const lost = await mustClaim(store, 'e1', 'w1');
    await store.requestCommand('e1', { kind: 'resume' });
    const current = await mustClaim(store, 'e1', 'w2', lost.expiresAt);
    await assert.rejects(store.takeCommand(lost), LeaseLostError);
    assert.deepEqual(await store.takeCommand(current), { kind: 'resume' });
    await assert.rejects(store.takeCommand({ executionId: 'nobody', owner: 'w1', epoch: 1 }), ExecutionNotFoundError);
  });

  withStore('a command makes a parked execution due at once, and a park with a pending command does not sleep', async (store) => {
    await start(store, 'e1');
    await start(store, 'e2');
    await store.releaseClaim(await mustClaim(store, 'e1', 'w1'), { wakeAt: null });
    await store.releaseClaim(await mustClaim(store, 'e2', 'w1'), { wakeAt: 99_000 });
    assert.deepEqual(await runnableIds(store, 'w2', NOW), []);
    await store.requestCommand('e1', { kind: 'cancel', reason: 'operator' });
    await store.requestCommand('e2', { kind: 'suspend', reason: 'operator' });
    assert.equal(await store.nextWakeAt(), 0, 'a woken execution is due now');
    const claims = await store.claimRunnable({ ...claimBy('w2'), limit: 5 });
    assert.deepEqual(claims.map((c) => [c.executionId, c.command?.kind]), [['e1', 'cancel'], ['e2', 'suspend']]);
    const e1 = claims[0] as Claim;
    await store.releaseClaim(e1, { wakeAt: null });
    assert.deepEqual(await runnableIds(store, 'w3', NOW), ['e1'], 'the untaken command keeps it due');
  });
}

function snapshotAndBlobCases(withStore: WithStore): void {
  withStore('getSnapshot returns the latest snapshot at or before a seq; a put at the same seq replaces it', async (store) => {
    await start(store, 'e1');
    assert.equal(await store.getSnapshot('e1'), undefined);
    await store.putSnapshot({ executionId: 'e1', seq: 10, state: '{"at":10}' });
    await store.putSnapshot({ executionId: 'e1', seq: 5, state: '{"at":5}' });
    await store.putSnapshot({ executionId: 'e2', seq: 7, state: '{"of":"e2"}' });
    assert.deepEqual(await store.getSnapshot('e1'), { executionId: 'e1', seq: 10, state: '{"at":10}' });
    assert.deepEqual(await store.getSnapshot('e1', 9), { executionId: 'e1', seq: 5, state: '{"at":5}' });
    assert.deepEqual(await store.getSnapshot('e1', 10), { executionId: 'e1', seq: 10, state: '{"at":10}' });
    assert.equal(await store.getSnapshot('e1', 4), undefined);
    await store.putSnapshot({ executionId: 'e1', seq: 10, state: '{"z":1,"a":"replaced"}' });
    assert.equal((await store.getSnapshot('e1'))?.state, '{"z":1,"a":"replaced"}');
    assert.equal(await store.getSnapshot('nobody'), undefined);
  });

  withStore('putSnapshot drops the named older snapshots of that execution in the same write', async (store) => {
    await start(store, 'e1');
    for (const seq of [10, 20, 30]) await store.putSnapshot({ executionId: 'e1', seq, state: `{"at":${seq}}` });
    await store.putSnapshot({ executionId: 'e2', seq: 20, state: '{"of":"e2"}' });
    await store.putSnapshot({ executionId: 'e1', seq: 40, state: '{"at":40}' }, { dropSeqs: [20, 30, 99] });
    assert.equal((await store.getSnapshot('e1', 39))?.seq, 10, 'the nearest older snapshot left is 10');
    assert.equal((await store.getSnapshot('e1'))?.seq, 40);
    assert.equal((await store.getSnapshot('e2'))?.seq, 20, 'another execution keeps its own');
  });

  withStore('a replay checkpoint is kept per execution and only moves forward; an unknown execution has none', async (store) => {
    await start(store, 'e1');
    await start(store, 'e2');
    assert.equal(await store.getReplayCheckpoint('e1'), undefined);
    await store.putReplayCheckpoint({ executionId: 'e1', seq: 10, checkpoint: '{"at":10}' });
    await store.putReplayCheckpoint({ executionId: 'e2', seq: 3, checkpoint: '{"of":"e2"}' });
    assert.deepEqual(await store.getReplayCheckpoint('e1'), { executionId: 'e1', seq: 10, checkpoint: '{"at":10}' });
    await store.putReplayCheckpoint({ executionId: 'e1', seq: 5, checkpoint: '{"at":5}' });
    assert.equal((await store.getReplayCheckpoint('e1'))?.seq, 10, 'a late, older checkpoint does not move it back');
    await store.putReplayCheckpoint({ executionId: 'e1', seq: 20, checkpoint: '{"at":20}' });
    assert.deepEqual(await store.getReplayCheckpoint('e1'), { executionId: 'e1', seq: 20, checkpoint: '{"at":20}' });
    assert.deepEqual(await store.getReplayCheckpoint('e2'), { executionId: 'e2', seq: 3, checkpoint: '{"of":"e2"}' });
    await assert.rejects(store.putReplayCheckpoint({ executionId: 'nobody', seq: 1, checkpoint: '{}' }), ExecutionNotFoundError);
    assert.equal(await store.getReplayCheckpoint('nobody'), undefined);
  });

  withStore('signals queue per execution in send order; a resend with the same id is a duplicate; an ended execution takes none', async (store) => {
    await start(store, 'e1');
    await start(store, 'e2');
    const signal = (executionId: string, id: string, name: string, payload = 'null') => store.sendSignal({ executionId, id, name, payload, sentAt: NOW });
    assert.deepEqual(await signal('e1', 's1', 'approve', '{"by":"ann"}'), { outcome: 'accepted', seq: 1 });
    assert.deepEqual(await signal('e1', 's2', 'reject'), { outcome: 'accepted', seq: 2 });
    assert.deepEqual(await signal('e1', 's1', 'approve', '{"by":"bo"}'), { outcome: 'duplicate', seq: 1 });
    assert.deepEqual(await signal('e2', 's1', 'approve'), { outcome: 'accepted', seq: 1 }, 'ids are per execution');
    assert.deepEqual(
      (await store.signals({ executionId: 'e1', afterSeq: 0 })).map(({ seq, id, name, payload }) => ({ seq, id, name, payload })),
      [
        { seq: 1, id: 's1', name: 'approve', payload: '{"by":"ann"}' },
        { seq: 2, id: 's2', name: 'reject', payload: 'null' },
      ],
    );
    assert.deepEqual((await store.signals({ executionId: 'e1', afterSeq: 1 })).map((entry) => entry.seq), [2]);
    await complete(store, 'e2');
    assert.deepEqual(await signal('e2', 's9', 'approve'), { outcome: 'ended', seq: 0 });
    await assert.rejects(signal('nobody', 's1', 'approve'), ExecutionNotFoundError);
  });

  withStore('a signal makes its parked execution due', async (store) => {
    await start(store, 'parked');
    await store.releaseClaim(await mustClaim(store, 'parked', 'w1'), { wakeAt: null });
    assert.ok(!(await runnableIds(store, 'w2', NOW)).includes('parked'));
    await store.sendSignal({ executionId: 'parked', id: 's1', name: 'go', payload: 'null', sentAt: NOW });
    assert.equal((await store.getExecution('parked'))?.wakeAt, 0);
    assert.ok((await runnableIds(store, 'w2', NOW)).includes('parked'));
  });

  withStore('putBlob stores content once under its hash; a second put is a no-op', async (store) => {
    const content = `{"big":"${'x'.repeat(1_000)}","a":1}`;
    await store.putBlob('h1', content);
    await store.putBlob('h1', content);
    await store.putBlob('h1', '{"other":true}');
    assert.equal(await store.getBlob('h1'), content);
    assert.equal(await store.getBlob('unknown'), undefined);
  });
}

function inboxEvent(id: string, fields: Partial<InboxEvent> = {}): InboxEvent {
  const source = fields.source ?? 'https://example.test/orders';
  const type = fields.type ?? 'com.example.order.placed';
  return { source, id, type, event: JSON.stringify({ specversion: '1.0', id, source, type, data: { z: 1, a: 2 } }), acceptedAt: 5_000, ...fields };
}

function inboxCases(withStore: WithStore): void {
  withStore('publishEvent accepts in order and deduplicates on (source, id)', async (store) => {
    await store.subscribe({ executionId: 'e1', key: 'orders', createdAt: 1 });
    assert.deepEqual(await store.publishEvent(inboxEvent('a')), { isAccepted: true, seq: 1 });
    assert.deepEqual(await store.publishEvent(inboxEvent('b')), { isAccepted: true, seq: 2 });
    assert.deepEqual(await store.publishEvent(inboxEvent('a', { type: 'changed' })), { isAccepted: false, seq: 1 });
    assert.deepEqual(await store.publishEvent(inboxEvent('a', { source: 'https://example.test/other' })), { isAccepted: true, seq: 3 });
    const delivered = await store.deliveries({ executionId: 'e1', key: 'orders', afterSeq: 0 });
    assert.deepEqual(delivered, [
      { ...inboxEvent('a'), seq: 1 },
      { ...inboxEvent('b'), seq: 2 },
      { ...inboxEvent('a', { source: 'https://example.test/other' }), seq: 3 },
    ]);
  });

  withStore('an event fans out only to the subscriptions open when it was accepted', async (store) => {
    await store.subscribe({ executionId: 'e1', key: 'early', createdAt: 1 });
    await store.publishEvent(inboxEvent('before'));
    await store.subscribe({ executionId: 'e2', key: 'late', createdAt: 2 });
    await store.subscribe({ executionId: 'e1', key: 'early', createdAt: 3 });
    await store.publishEvent(inboxEvent('after'));
    const ids = async (executionId: string, key: string, afterSeq = 0) =>
      (await store.deliveries({ executionId, key, afterSeq })).map((e) => [e.seq, e.id]);
    assert.deepEqual(await ids('e1', 'early'), [[1, 'before'], [2, 'after']], 'a repeated subscribe delivers nothing twice');
    assert.deepEqual(await ids('e2', 'late'), [[2, 'after']]);
    assert.deepEqual(await ids('e1', 'early', 1), [[2, 'after']]);
    assert.deepEqual(await ids('e1', 'early', 2), []);
    assert.deepEqual(await ids('e1', 'never'), []);
  });

  withStore('unsubscribe stops deliveries and drops what the subscription held', async (store) => {
    await store.subscribe({ executionId: 'e1', key: 'k', createdAt: 1 });
    await store.publishEvent(inboxEvent('a'));
    await store.unsubscribe({ executionId: 'e1', key: 'k' });
    await store.publishEvent(inboxEvent('b'));
    assert.deepEqual(await store.deliveries({ executionId: 'e1', key: 'k', afterSeq: 0 }), []);
    await store.subscribe({ executionId: 'e1', key: 'k', createdAt: 2 });
    await store.publishEvent(inboxEvent('c'));
    assert.deepEqual((await store.deliveries({ executionId: 'e1', key: 'k', afterSeq: 0 })).map((e) => e.id), ['c']);
    await store.unsubscribe({ executionId: 'nobody', key: 'k' });
  });

  withStore('an accepted event makes its parked subscribers due, and no one else', async (store) => {
    await start(store, 'listener', { createdAt: 1 });
    await start(store, 'bystander', { createdAt: 2 });
    await start(store, 'sleeper', { createdAt: 3 });
    await store.subscribe({ executionId: 'listener', key: 'orders', createdAt: 1 });
    await store.releaseClaim(await mustClaim(store, 'listener', 'w1'), { wakeAt: null });
    await store.releaseClaim(await mustClaim(store, 'bystander', 'w1'), { wakeAt: null });
    await store.releaseClaim(await mustClaim(store, 'sleeper', 'w1'), { wakeAt: 90_000 });
    assert.deepEqual(await runnableIds(store, 'w2', NOW), []);
    await store.publishEvent(inboxEvent('a'));
    assert.deepEqual(await runnableIds(store, 'w2', NOW), ['listener']);
    assert.equal((await store.publishEvent(inboxEvent('a'))).isAccepted, false);
    assert.equal((await store.getExecution('bystander'))?.wakeAt, null);
    assert.equal((await store.getExecution('sleeper'))?.wakeAt, 90_000);
  });

  withStore('a schedule cursor starts unset and moves only by compare-and-set', async (store) => {
    assert.equal(await store.getScheduleCursor('ns/wf'), undefined);
    assert.equal(await store.advanceScheduleCursor({ key: 'ns/wf', from: 5, to: 6 }), false, 'from a value it never had');
    assert.equal(await store.advanceScheduleCursor({ key: 'ns/wf', from: undefined, to: 100 }), true);
    assert.equal(await store.advanceScheduleCursor({ key: 'ns/wf', from: undefined, to: 200 }), false, 'set already');
    assert.equal(await store.advanceScheduleCursor({ key: 'ns/wf', from: 100, to: 160 }), true);
    assert.equal(await store.advanceScheduleCursor({ key: 'ns/wf', from: 100, to: 220 }), false, 'another process moved it first');
    assert.equal(await store.getScheduleCursor('ns/wf'), 160);
    assert.equal(await store.getScheduleCursor('ns/other'), undefined);
  });
}

function limitCases(name: string, openWithLimits: StoreContractOptions['openWithLimits']): void {
  const skip = openWithLimits === undefined ? `the ${name} store has no size limits` : false;
  const withLimits = (title: string, body: (store: Store) => Promise<void>): void => {
    test(`${name} store: ${title}`, { skip }, async (t) => {
      if (openWithLimits === undefined) return;
      const store = await openWithLimits({ maxPayloadBytes: 64, maxHistoryEvents: 3 });
      t.after(() => store.close());
      await body(store);
    });
  };

  withLimits('an event payload over the limit throws StoreLimitError and writes nothing of its batch', async (store) => {
    const tooBig = JSON.stringify({ text: 'x'.repeat(64) });
    await assert.rejects(store.createExecution(newExecution('e0'), [row(1, 'WorkflowStarted', tooBig)]), StoreLimitError);
    assert.equal(await store.getExecution('e0'), undefined);
    await start(store, 'e1');
    await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 1, events: [row(2), row(3, 'TaskCompleted', tooBig)] }), (error: unknown) => {
      assert.ok(error instanceof StoreLimitError);
      assert.deepEqual(error.details, { executionId: 'e1', limit: 'payloadBytes', max: 64, found: Buffer.byteLength(tooBig) });
      return true;
    });
    assert.deepEqual((await store.readEvents({ executionId: 'e1' })).map((e) => e.seq), [1]);
    assert.equal((await store.getExecution('e1'))?.seq, 1);
  });

  withLimits('a history growing past the limit throws StoreLimitError and writes nothing of its batch', async (store) => {
    await assert.rejects(store.createExecution(newExecution('e0'), [row(1), row(2), row(3), row(4)]), StoreLimitError);
    await store.createExecution(newExecution('e1'), [row(1, 'WorkflowStarted'), row(2)]);
    await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 2, events: [row(3), row(4)] }), (error: unknown) => {
      assert.ok(error instanceof StoreLimitError);
      assert.deepEqual(error.details, { executionId: 'e1', limit: 'historyEvents', max: 3, found: 4 });
      return true;
    });
    assert.deepEqual(await store.append({ executionId: 'e1', expectedSeq: 2, events: [row(3)] }), { seq: 3 });
    await assert.rejects(store.append({ executionId: 'e1', expectedSeq: 3, events: [row(4)] }), StoreLimitError);
    assert.equal((await store.readEvents({ executionId: 'e1' })).length, 3);
  });
}
