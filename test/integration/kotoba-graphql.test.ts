/**
 * GraphQL activities of `.kotoba` WorkflowIR against a real GraphQL server on loopback (graphql-js executing a small
 * order schema, test/support/graphql-server.ts): the request is `call: http` (POST `{ query, variables,
 * operationName }`), `data` is the output, and a response with `errors` faults with a `communication` problem whose
 * detail is the first message and whose `errors` member is the list (src/dsl/kotoba/compile-graphql.ts).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { type Json, problemTypes } from '../../src/index.js';
import { type Harness, assertCompleted, assertFaulted, assertRebuildMatches, openHarness } from '../support/engine-harness.js';
import { type GraphqlServer, startGraphqlServer } from '../support/graphql-server.js';
import { tempDir } from '../support/temp-dir.js';

const ORDERS = [
  { id: 'o-1', item: 'tea', quantity: 2, status: 'shipped' },
  { id: 'o-2', item: 'rice', quantity: 1, status: 'placed' },
];

async function serve(t: TestContext): Promise<GraphqlServer> {
  const server = await startGraphqlServer(ORDERS);
  t.after(() => server.close());
  return server;
}

async function workspace(t: TestContext): Promise<string> {
  const dir = await tempDir(t, 'kotoba-graphql-');
  return dir;
}

async function writeKotoba(dir: string, workflow: object): Promise<string> {
  const path = join(dir, 'graphql.kotoba');
  await writeFile(path, JSON.stringify({ workflow }, null, 2));
  return path;
}

const INPUTS = [
  { name: 'orderId', type: 'string', required: true },
  { name: 'quantity', type: 'integer', required: false, default_value: 1 },
];

const graphqlActivity = (name: string, endpoint: string, query: string, extra: object = {}) => ({ name, implementation: { type: 'graphql', endpoint, query, ...extra } });
const act = (ref: string, mapping: Record<string, string> = {}, extra: object = {}) => ({ op: 'activity', activity_ref: ref, input_mapping: mapping, ...extra });

const LOOKUP = 'query Lookup($id: ID!) { order(id: $id) { id item status } }';
const PLACE = 'mutation Place($item: String!, $quantity: Int!) { placeOrder(item: $item, quantity: $quantity) { id item quantity status } }';

async function runFile(h: Harness, path: string, input: Json): Promise<{ id: string; result: Awaited<ReturnType<Harness['run']>> }> {
  const result = await h.run(await h.engine.loadFile(path), input);
  return { id: result.executionId, result };
}

test('a query gets its variables from the state, a mutation reads its output, and data is what the workflow sees', async (t) => {
  const server = await serve(t);
  const dir = await workspace(t);
  const path = await writeKotoba(dir, {
    id: 'reorder', name: 'Reorder', version: '1.0.0', inputs: INPUTS, outputs: [{ name: 'order', type: 'object' }, { name: 'placeOrder', type: 'object' }],
    strategy: { op: 'seq', strategies: [act('lookup', { id: '$.inputs.orderId' }), act('place', { item: '$.order.item', quantity: '$.inputs.quantity' })] },
    activities: [
      // Two operations in one document: operation_name picks one; headers come on top of the defaults.
      graphqlActivity('lookup', server.endpoint, `${LOOKUP} query All { orders { id } }`, { operation_name: 'Lookup', headers: { 'x-tenant': 'north' } }),
      graphqlActivity('place', server.endpoint, PLACE),
    ],
  });
  const h = await openHarness(t);
  const { id, result } = await runFile(h, path, { orderId: 'o-1', quantity: 3 });

  assert.deepEqual(assertCompleted(result), {
    order: { id: 'o-1', item: 'tea', status: 'shipped' },
    placeOrder: { id: 'o-3', item: 'tea', quantity: 3, status: 'placed' },
  });
  assert.deepEqual(server.orders.get('o-3'), { id: 'o-3', item: 'tea', quantity: 3, status: 'placed' }, 'the mutation ran on the server');
  assert.deepEqual(
    server.received.map(({ query, variables, operationName }) => ({ query, variables, operationName })),
    [
      { query: `${LOOKUP} query All { orders { id } }`, variables: { id: 'o-1' }, operationName: 'Lookup' },
      { query: PLACE, variables: { item: 'tea', quantity: 3 }, operationName: undefined },
    ],
  );
  const [lookup, place] = server.received;
  assert.equal(lookup?.headers['x-tenant'], 'north');
  assert.equal(lookup?.headers['accept'], 'application/json');
  assert.equal(place?.headers['content-type'], 'application/json');
  assert.match(lookup?.idempotencyKey ?? '', new RegExp(`^${id}:/do/1/`), 'each request carries its idempotency key');
  assert.notEqual(lookup?.idempotencyKey, place?.idempotencyKey);

  // Replay: the rebuilt run agrees with the live one from the recorded responses alone; nothing is sent again.
  await assertRebuildMatches(h.engine, id);
  assert.equal(server.received.length, 2);
  assert.equal(server.orders.size, 3, 'the mutation was not repeated');
});

test('a GraphQL error answered with 200 faults: communication problem, first message as detail, the errors list kept', async (t) => {
  const server = await serve(t);
  const dir = await workspace(t);
  const path = await writeKotoba(dir, {
    id: 'lookup', name: 'Lookup', version: '1.0.0', inputs: INPUTS, outputs: [{ name: 'order', type: 'object' }],
    strategy: act('lookup', { id: '$.inputs.orderId' }),
    activities: [graphqlActivity('lookup', server.endpoint, LOOKUP)],
  });
  const h = await openHarness(t);
  const { id, result } = await runFile(h, path, { orderId: 'o-404' });
  const { instance, ...error } = assertFaulted(result);
  assert.deepEqual(error, {
    type: problemTypes.communication.type,
    status: 500,
    title: 'Communication error',
    detail: 'order o-404 not found',
    errors: [{ message: 'order o-404 not found', locations: [{ line: 1, column: LOOKUP.indexOf('order(') + 1 }], path: ['order'] }],
  });
  assert.match(instance ?? '', /\/lookup-errors$/, 'the instance names the check that raised it');
  await assertRebuildMatches(h.engine, id);
  assert.equal(server.received.length, 1);
});

test('a saga compensates a GraphQL error and ends with it; a request error (bad variables) is one too', async (t) => {
  const server = await serve(t);
  const dir = await workspace(t);
  const path = await writeKotoba(dir, {
    id: 'place', name: 'Place', version: '1.0.0', inputs: INPUTS, outputs: [],
    // The literal "many" is a string: graphql-js rejects the variable before executing anything.
    strategy: { op: 'saga', main_flow: act('place', { item: 'tea', quantity: 'many' }), compensation: act('apologise') },
    activities: [graphqlActivity('place', server.endpoint, PLACE)],
  });
  const apologies: Json[] = [];
  const h = await openHarness(t, { functions: { apologise: (input) => (apologies.push(input), { apologised: true }) } });
  const { id, result } = await runFile(h, path, { orderId: 'o-1' });
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.communication.type);
  assert.match(error.detail ?? '', /^Variable "\$quantity" got invalid value "many"; Int cannot represent non-integer value/);
  assert.equal((error['errors'] as Json[]).length, 1);
  assert.deepEqual(apologies, [{}], 'the compensation ran once');
  assert.equal(server.orders.size, 2, 'nothing was placed');
  await assertRebuildMatches(h.engine, id);
});

const retried = [
  { name: 'a listed (non-retryable) GraphQL error is not retried', input: { orderId: 'o-1', quantity: 0 }, nonRetryable: ['must be positive'], requests: 1 },
  { name: 'any other GraphQL error is retried, each attempt a new idempotency key', input: { orderId: 'o-1', quantity: 0 }, nonRetryable: ['not found'], requests: 3 },
];
for (const c of retried) {
  test(c.name, async (t) => {
    const server = await serve(t);
    const dir = await workspace(t);
    const policy = { initial_interval: 'PT1S', maximum_attempts: 3, non_retryable_errors: c.nonRetryable };
    const path = await writeKotoba(dir, {
      id: 'retry', name: 'Retry', version: '1.0.0', inputs: INPUTS, outputs: [],
      strategy: act('place', { item: 'tea', quantity: '$.inputs.quantity' }, { retry_policy: policy }),
      activities: [graphqlActivity('place', server.endpoint, PLACE)],
    });
    const h = await openHarness(t);
    const { id, result } = await runFile(h, path, c.input);
    assert.equal(assertFaulted(result).detail, 'quantity must be positive, got 0');
    assert.equal(server.received.length, c.requests);
    assert.equal(new Set(server.received.map((request) => request.idempotencyKey)).size, c.requests);
    await assertRebuildMatches(h.engine, id);
  });
}

const transport = [
  { name: 'no server listening', endpoint: (s: GraphqlServer) => s.endpoint, closeFirst: true, status: 500, detail: /^POST http:\/\/127\.0\.0\.1:\d+\/graphql failed: .*ECONNREFUSED/ },
  { name: 'a 404', endpoint: (s: GraphqlServer) => `${s.origin}/nothing`, closeFirst: false, status: 404, detail: /returned 404 Not Found: \{"message":"no POST \/nothing here"\}$/ },
  { name: 'a 200 that is not a GraphQL response', endpoint: (s: GraphqlServer) => `${s.origin}/plain`, closeFirst: false, status: 502, detail: /did not answer with a GraphQL response \(a JSON object with data or errors\): hello, not GraphQL$/ },
];
for (const c of transport) {
  test(`a transport failure (${c.name}) is the communication problem of call http`, async (t) => {
    const server = await serve(t);
    if (c.closeFirst) await server.close();
    const dir = await workspace(t);
    const path = await writeKotoba(dir, {
      id: 'transport', name: 'Transport', version: '1.0.0', inputs: INPUTS, outputs: [],
      strategy: act('lookup', { id: '$.inputs.orderId' }),
      activities: [graphqlActivity('lookup', c.endpoint(server), LOOKUP)],
    });
    const h = await openHarness(t);
    const { id, result } = await runFile(h, path, { orderId: 'o-1' });
    const error = assertFaulted(result);
    assert.equal(error.type, problemTypes.communication.type);
    assert.equal(error.status, c.status);
    assert.match(error.detail ?? '', c.detail);
    await assertRebuildMatches(h.engine, id);
  });
}

test('the serde JSON form runs a GraphQL activity the same way', async (t) => {
  const server = await serve(t);
  const dir = await workspace(t);
  const serde = {
    id: 'lookup_serde', name: 'Lookup', description: null, version: '1.0.0',
    inputs: [{ name: 'orderId', param_type: 'string', required: true, default_value: null }],
    outputs: [{ name: 'order', param_type: 'object', required: false, default_value: null }],
    strategy: { op: 'Activity', activity_ref: 'lookup', input_mapping: { id: '$.inputs.orderId' }, retry_policy: null },
    activities: [{ name: 'lookup', description: null, inputs: [], outputs: [], timeout: null, retry_policy: null, implementation: { type: 'GraphQL', query: LOOKUP, endpoint: server.endpoint } }],
    timeout: null, retry_policy: null, metadata: {},
  };
  const path = join(dir, 'lookup.json');
  await writeFile(path, JSON.stringify(serde, null, 2));
  const h = await openHarness(t);
  const { id, result } = await runFile(h, path, { orderId: 'o-2' });
  assert.deepEqual(assertCompleted(result), { order: { id: 'o-2', item: 'rice', status: 'placed' } });
  assert.deepEqual(server.received.map((request) => request.variables), [{ id: 'o-2' }]);
  await assertRebuildMatches(h.engine, id);
});
