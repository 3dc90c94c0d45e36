import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, type TestContext } from 'node:test';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../../../test/fixtures/loopback-server.js';
import {
  assertCompleted,
  assertFaulted,
  assertRebuildMatches,
  eventsOfType,
  eventually,
  openHarness,
} from '../../../test/support/engine-harness.js';
import { type Json, problemTypes } from '../../index.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A pet store on loopback: `/pets/1`, `/text`, `/echo`, `/basic` (ann:s3cret), `/bearer` (token t0ken); else 404. */
async function petStore(t: TestContext): Promise<LoopbackServer> {
  const server = await startLoopbackServer((request, response) => {
    const path = request.path.split('?')[0];
    const auth = request.headers.authorization;
    switch (path) {
      case '/pets/1':
        return sendJson(response, 200, { id: 1, name: 'rex' });
      case '/text':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end('plain words');
      case '/echo':
        return sendJson(response, 200, { method: request.method, path: request.path, body: request.body === '' ? null : JSON.parse(request.body), custom: request.headers['x-custom'] ?? null });
      case '/basic':
        return auth === basic('ann', 's3cret') ? sendJson(response, 200, { user: 'ann' }) : sendJson(response, 401, { message: 'who are you?' });
      case '/bearer':
        return auth === 'Bearer t0ken' ? sendJson(response, 200, { bearer: true }) : sendJson(response, 401, { message: 'no token' });
      default:
        return sendJson(response, 404, { message: `no ${path}` });
    }
  });
  t.after(() => server.close());
  return server;
}

const get = (endpoint: Json, extra: Record<string, Json> = {}) => ({ call: 'http', with: { method: 'get', endpoint, ...extra } });

test('call http: the JSON body is the output, recorded before use; a rebuild sends no request', async (t) => {
  const h = await openHarness(t);
  const pets = await petStore(t);
  const result = await h.run(h.define([{ getPet: get(`${pets.url}/pets/{id}`) }]), { id: 1 });
  assert.deepEqual(assertCompleted(result), { id: 1, name: 'rex' });
  const effects = eventsOfType(await h.history(result.executionId), 'EffectCompleted');
  assert.deepEqual(effects.map((e) => [e.data.effect, e.data.result]), [['http', { id: 1, name: 'rex' }]]);
  assert.equal(pets.requests.length, 1);
  assert.equal(pets.requests[0]?.headers['idempotency-key'], `${result.executionId}:/do/0/getPet#0`);
  await assertRebuildMatches(h.engine, result.executionId);
  assert.equal(pets.requests.length, 1, 'the rebuild used the recorded response');
});

const outputs = [
  { output: 'content', path: '/text', check: (o: Json) => assert.equal(o, 'plain words') },
  { output: 'raw', path: '/pets/1', check: (o: Json) => assert.deepEqual(JSON.parse(Buffer.from(typeof o === 'string' ? o : '', 'base64').toString('utf8')), { id: 1, name: 'rex' }) },
  {
    output: 'response',
    path: '/pets/1',
    check: (o: Json) => {
      const response = o as { statusCode: number; content: Json; headers: Record<string, string>; request: { method: string; uri: string } };
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.content, { id: 1, name: 'rex' });
      assert.match(response.headers['content-type'] ?? '', /application\/json/);
      assert.equal(response.request.method, 'GET');
      assert.match(response.request.uri, /\/pets\/1$/);
    },
  },
] as const;

for (const o of outputs) {
  test(`call http: output ${o.output} returns the response in that form`, async (t) => {
    const h = await openHarness(t);
    const pets = await petStore(t);
    const result = await h.run(h.define([{ fetch: get(`${pets.url}${o.path}`, { output: o.output }) }]));
    o.check(assertCompleted(result));
  });
}

test('call http: method, query, headers and body are evaluated against the input and sent', async (t) => {
  const h = await openHarness(t);
  const pets = await petStore(t);
  const result = await h.run(
    h.define([
      {
        post: {
          call: 'http',
          with: {
            method: 'post',
            endpoint: { uri: `${pets.url}/echo` },
            query: { q: '${ .term }' },
            headers: { 'x-custom': '${ .tag }' },
            body: { pet: '${ .name }' },
          },
        },
      },
    ]),
    { term: 'dogs & cats', tag: 'blue', name: 'rex' },
  );
  assert.deepEqual(assertCompleted(result), { method: 'POST', path: '/echo?q=dogs%20%26%20cats', body: { pet: 'rex' }, custom: 'blue' });
});

test('call http: a 404 is a communication error carrying status 404 and the task as instance', async (t) => {
  const h = await openHarness(t);
  const pets = await petStore(t);
  const result = await h.run(h.define([{ getPet: get(`${pets.url}/pets/404`) }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.communication.type);
  assert.equal(error.status, 404);
  assert.equal(error.instance, '/do/0/getPet');
  const failed = eventsOfType(await h.history(result.executionId), 'EffectFailed');
  assert.equal(failed[0]?.data.error.status, 404, 'the failure is recorded, so replay does not call again');
  await assertRebuildMatches(h.engine, result.executionId);
});

test('call http: no server listening is a communication error (500)', async (t) => {
  const h = await openHarness(t);
  const gone = await startLoopbackServer((_request, response) => sendJson(response, 200, {}));
  await gone.close();
  const result = await h.run(h.define([{ getPet: get(`${gone.url}/pets/1`) }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.communication.type);
  assert.equal(error.status, 500);
  assert.equal(error.instance, '/do/0/getPet');
});

test('call http: basic authentication with expressions evaluated against the input', async (t) => {
  const h = await openHarness(t);
  const pets = await petStore(t);
  const result = await h.run(
    h.define([{ login: get({ uri: `${pets.url}/basic`, authentication: { basic: { username: '${ .user }', password: '${ .password }' } } }) }]),
    { user: 'ann', password: 's3cret' },
  );
  assert.deepEqual(assertCompleted(result), { user: 'ann' });
});

test('call http: wrong credentials are a communication error with status 401', async (t) => {
  const h = await openHarness(t);
  const pets = await petStore(t);
  const result = await h.run(h.define([{ login: get({ uri: `${pets.url}/basic`, authentication: { basic: { username: 'ann', password: 'wrong' } } }) }]));
  assert.equal(assertFaulted(result).status, 401);
});

test('call http: an authentication policy named from use.authentications applies', async (t) => {
  const h = await openHarness(t);
  const pets = await petStore(t);
  const result = await h.run(
    h.define([{ fetch: get({ uri: `${pets.url}/bearer`, authentication: { use: 'petToken' } }) }], {
      use: { authentications: { petToken: { bearer: { token: 't0ken' } } } },
    }),
  );
  assert.deepEqual(assertCompleted(result), { bearer: true });
});

test('call http: a secret-based policy reads the secret given to the engine, and history never holds its value', async (t) => {
  const h = await openHarness(t, { secrets: { petCredentials: { username: 'ann', password: 's3cret' } } });
  const pets = await petStore(t);
  const result = await h.run(
    h.define([{ login: get({ uri: `${pets.url}/basic`, authentication: { basic: { use: 'petCredentials' } } }, { output: 'response' }) }], {
      use: { secrets: ['petCredentials'] },
    }),
  );
  const output = assertCompleted(result) as { content: Json; request: { headers: Record<string, string> } };
  assert.deepEqual(output.content, { user: 'ann' });
  assert.equal(output.request.headers['authorization'], '<redacted>');
  const history = JSON.stringify(await h.history(result.executionId));
  assert.equal(history.includes('s3cret'), false);
  assert.equal(history.includes(Buffer.from('ann:s3cret').toString('base64')), false);
});

test('call http: a policy using a secret that is not declared in use.secrets is an authorization error (403)', async (t) => {
  const h = await openHarness(t, { secrets: { petCredentials: { username: 'ann', password: 's3cret' } } });
  const pets = await petStore(t);
  const result = await h.run(h.define([{ login: get({ uri: `${pets.url}/basic`, authentication: { basic: { use: 'petCredentials' } } }) }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.authorization.type);
  assert.equal(error.status, 403);
  assert.equal(error.instance, '/do/0/login');
  assert.equal(pets.requests.length, 0);
});

test('call: a custom function from use.functions runs as a task with the evaluated with as its input', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ hello: { call: 'greet', with: { name: '${ .who }' } } }], {
      use: { functions: { greet: { set: { greeting: '${ "Hello, " + .name }' } } } },
    }),
    { who: 'Ann' },
  );
  assert.deepEqual(assertCompleted(result), { greeting: 'Hello, Ann' });
  const state = await h.engine.getExecution(result.executionId);
  assert.deepEqual(state?.tasks.map((task) => task.reference), ['/do/0/hello', '/do/0/hello/call']);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('call: a custom function that calls http runs against the loopback server', async (t) => {
  const h = await openHarness(t);
  const pets = await petStore(t);
  const result = await h.run(
    h.define([{ fetch: { call: 'getPet', with: { id: 1 } } }], {
      use: { functions: { getPet: { call: 'http', with: { method: 'get', endpoint: `${pets.url}/pets/{id}` } } } },
    }),
  );
  assert.deepEqual(assertCompleted(result), { id: 1, name: 'rex' });
});

async function catalogFolder(t: TestContext): Promise<string> {
  const root = await tempDir(t, 'itonami-catalog-');
  const folder = join(root, 'functions', 'shout', '1.0.0');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'function.yaml'), 'set:\n  shouted: ${ .text | ascii_upcase }\n');
  return root;
}

test('call: a catalog function name:version@catalog is read from the catalog folder and run', async (t) => {
  const h = await openHarness(t);
  const root = await catalogFolder(t);
  const result = await h.run(
    h.define([{ loud: { call: 'shout:1.0.0@local', with: { text: '${ .word }' } } }], {
      use: { catalogs: { local: { endpoint: { uri: pathToFileURL(root).href } } } },
    }),
    { word: 'hey' },
  );
  assert.deepEqual(assertCompleted(result), { shouted: 'HEY' });
  await assertRebuildMatches(h.engine, result.executionId);
});

test('call: a catalog function that is not in the catalog is a configuration error naming the path tried', async (t) => {
  const h = await openHarness(t);
  const root = await catalogFolder(t);
  const result = await h.run(
    h.define([{ loud: { call: 'whisper:1.0.0@local', with: {} } }], { use: { catalogs: { local: { endpoint: { uri: pathToFileURL(root).href } } } } }),
  );
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.configuration.type);
  assert.match(String(error.detail), /whisper.*not found/);
});

const unsupported = [
  { call: 'grpc', with: { proto: { endpoint: 'file:///greeter.proto' }, service: { name: 'Greeter', host: 'localhost' }, method: 'SayHello' } },
  { call: 'asyncapi', with: { document: { endpoint: 'file:///api.yaml' }, operation: 'send', message: { payload: {} } } },
  { call: 'a2a', with: { method: 'message/send' } },
  { call: 'mcp', with: { method: 'tools/list', transport: { stdio: { command: 'true' } } } },
] as const;

for (const u of unsupported) {
  test(`call ${u.call}: is a runtime error naming the type`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ remote: u }]));
    const error = assertFaulted(result);
    assert.equal(error.type, problemTypes.runtime.type);
    assert.equal(error.instance, '/do/0/remote');
    assert.match(String(error.detail), new RegExp(`call: ${u.call} is not supported`));
  });
}

test('call http: cancelling during a request ends the execution cancelled, and a rebuild agrees', async (t) => {
  const held: (() => void)[] = [];
  const slow = await startLoopbackServer((_request, response) => held.push(() => sendJson(response, 200, { late: true })));
  t.after(async () => {
    for (const release of held) release();
    await slow.close();
  });
  const h = await openHarness(t);
  const handle = await h.engine.start(h.define([{ getSlow: get(`${slow.url}/slow`) }]));
  await eventually(() => slow.requests.length === 1, 'the request to arrive');
  await h.engine.cancel(handle.executionId, 'too slow');
  const result = await handle.result();
  assert.equal(result.status, 'cancelled');
  assert.deepEqual((await h.history(handle.executionId)).map((e) => e.type).slice(-3), ['CancelRequested', 'TaskCancelled', 'WorkflowCancelled']);
  await assertRebuildMatches(h.engine, handle.executionId);
});

test('call: a registered function that throws faults with a runtime problem keeping the error name and code', async (t) => {
  class PaymentDeclined extends Error {
    override readonly name = 'PaymentDeclined';
    readonly code = 'INSUFFICIENT_FUNDS';
  }
  const h = await openHarness(t, {
    functions: {
      charge: () => {
        throw new PaymentDeclined('card declined');
      },
    },
  });
  const result = await h.run(h.define([{ pay: { call: 'charge', with: { amount: 5 } } }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.runtime.type);
  assert.equal(error.detail, 'card declined');
  assert.equal(error['name'], 'PaymentDeclined');
  assert.equal(error['code'], 'INSUFFICIENT_FUNDS');
  assert.equal(error.instance, '/do/0/pay');
  await assertRebuildMatches(h.engine, result.executionId);
});

const notJson = [
  { name: 'undefined', value: undefined, where: /its result is undefined/ },
  { name: 'a Date', value: { at: new Date(0) }, where: /its result at \/at is an instance of Date/ },
  { name: 'NaN inside an array', value: [1, Number.NaN], where: /its result at \/1 is the number NaN/ },
];
for (const c of notJson) {
  test(`call: a registered function returning ${c.name} faults with a runtime problem naming where`, async (t) => {
    const h = await openHarness(t, { functions: { odd: () => c.value as never } });
    const result = await h.run(h.define([{ odd: { call: 'odd' } }]));
    const error = assertFaulted(result);
    assert.equal(error.type, problemTypes.runtime.type);
    assert.match(String(error.detail), c.where);
  });
}

test('call: a registered function sees its attempt, 1 first and one more on each retry, with a new idempotency key each time', async (t) => {
  const seen: { attempt: number; key: string }[] = [];
  const h = await openHarness(t, {
    functions: {
      flaky: (_input, ctx) => {
        seen.push({ attempt: ctx.attempt, key: ctx.idempotencyKey });
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
        return { attempt: ctx.attempt };
      },
    },
  });
  const result = await h.run(h.define([{ guarded: { try: [{ call: { call: 'flaky' } }], catch: { retry: { limit: { attempt: { count: 5 } } } } } }]));
  assert.deepEqual(assertCompleted(result), { attempt: 3 });
  assert.deepEqual(seen.map((s) => s.attempt), [1, 2, 3]);
  assert.equal(new Set(seen.map((s) => s.key)).size, 3);
});
