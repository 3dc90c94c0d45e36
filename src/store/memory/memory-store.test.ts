import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeContract } from '../../../test/contracts/store-contract.js';
import { createMemoryStore } from './memory-store.js';

storeContract('memory', async () => createMemoryStore());

test('memory store: every operation after close says the store is closed', async () => {
  const store = createMemoryStore();
  await store.close();
  await assert.rejects(store.getExecution('e1'), /the memory store is closed/);
  await assert.rejects(store.putDefinition({ hash: 'h', namespace: 'n', name: 'w', version: '1', source: '{}' }), /closed/);
});

test('memory store: two stores share nothing', async (t) => {
  const a = createMemoryStore();
  const b = createMemoryStore();
  t.after(() => Promise.all([a.close(), b.close()]));
  await a.putDefinition({ hash: 'h', namespace: 'n', name: 'w', version: '1', source: '{}' });
  assert.equal(await b.getDefinition('h'), undefined);
});
