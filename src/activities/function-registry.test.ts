import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../index.js';
import type { ActivityContext } from './effects.js';
import { createFunctionRegistry } from './function-registry.js';

const request = (name: string) => ({
  name,
  input: { n: 1 },
  signal: new AbortController().signal,
  idempotencyKey: 'e:/do/0/x#0',
  executionId: 'e',
  taskReference: '/do/0/x',
  attempt: 2,
  heartbeat: () => undefined,
  lastHeartbeat: { page: 3 },
});

test('a registry calls plain functions and activity definitions alike, handing over the whole context', async () => {
  const contexts: ActivityContext[] = [];
  const registry = createFunctionRegistry({
    plain: (input) => ({ plain: input }),
    charge: {
      name: 'charge',
      timeout: 'PT5S',
      run: (input, ctx) => {
        contexts.push(ctx);
        return { charged: input };
      },
    },
  });
  assert.deepEqual(registry.names, ['plain', 'charge']);
  assert.deepEqual(await registry.call(request('plain')), { plain: { n: 1 } });
  assert.deepEqual(await registry.call(request('charge')), { charged: { n: 1 } });
  assert.equal(contexts[0]?.attempt, 2);
  assert.deepEqual(contexts[0]?.lastHeartbeat, { page: 3 });
  assert.equal(typeof contexts[0]?.heartbeat, 'function');
  assert.equal(registry.options('charge')?.timeout, 'PT5S');
  assert.equal(registry.options('plain'), undefined);
  assert.equal(registry.call(request('missing')), undefined);
});

test('a function that throws synchronously fails its call as a rejection', async () => {
  const registry = createFunctionRegistry({
    boom: () => {
      throw new Error('boom');
    },
  });
  await assert.rejects(registry.call(request('boom')) ?? Promise.resolve(), /boom/);
});

const bad = [
  { name: 'invalid options', functions: { slow: { name: 'slow', run: () => null, timeout: 'soon' } }, message: /functions\.slow: \/timeout: expected a positive ISO 8601 duration/ },
  { name: 'a definition under another name', functions: { pay: { name: 'charge', run: () => null } }, message: /functions\.pay: holds the activity 'charge'; register it under its own name/ },
  { name: 'something that is neither', functions: { odd: { name: 'odd' } }, message: /functions\.odd: an activity needs a non-empty string name and a run function/ },
];
for (const c of bad) {
  test(`registering ${c.name} is a TypeError, and createEngine refuses it too`, async () => {
    assert.throws(() => createFunctionRegistry(c.functions as never), (error: unknown) => error instanceof TypeError && c.message.test(error.message));
    await assert.rejects(createEngine({ functions: c.functions as never }), c.message);
  });
}
