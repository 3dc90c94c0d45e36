import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpCallRequest } from '../effects.js';
import type { Json } from '../../model/json.js';
import { problem, ProblemError } from '../../model/problems.js';
import { createHttpActivities } from './http-activities.js';
import { sendJson, startLoopbackServer, type LoopbackHandler } from '../../../test/fixtures/loopback-server.js';
import { isProblem } from '../../../test/support/problem-assertions.js';

function httpCall(fields: Partial<HttpCallRequest> & { uri: string }): HttpCallRequest {
  return {
    method: 'get',
    headers: {},
    query: {},
    output: 'content',
    redirect: false,
    signal: new AbortController().signal,
    idempotencyKey: 'exec-1:/do/0/call:1',
    ...fields,
  };
}

async function serve(t: { after: (fn: () => Promise<void>) => void }, handler: LoopbackHandler) {
  const server = await startLoopbackServer(handler);
  t.after(() => server.close());
  return server;
}

const pet = { id: 1, name: 'Rex', status: 'available' };

test('content output deserialises a JSON response', async (t) => {
  const server = await serve(t, (_, res) => sendJson(res, 200, [pet]));
  const output = await createHttpActivities().http(
    httpCall({ uri: `${server.url}/pet/findByStatus?status=available` }),
  );
  assert.deepEqual(output, [pet]);
});

test('content output keeps a +json media type as JSON and other types as text', async (t) => {
  const server = await serve(t, (req, res) => {
    if (req.path === '/problem')
      res.writeHead(200, { 'content-type': 'application/problem+json; charset=utf-8' }).end('{"a":1}');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('{"not":"parsed"}');
  });
  const activities = createHttpActivities();
  assert.deepEqual(await activities.http(httpCall({ uri: `${server.url}/problem` })), { a: 1 });
  assert.equal(await activities.http(httpCall({ uri: `${server.url}/text` })), '{"not":"parsed"}');
});

test('an empty body is null content', async (t) => {
  const server = await serve(t, (_, res) => res.writeHead(204).end());
  assert.equal(await createHttpActivities().http(httpCall({ method: 'delete', uri: `${server.url}/pet/1` })), null);
});

test('a body declared JSON that is not JSON is a communication problem (502)', async (t) => {
  const server = await serve(t, (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>'));
  await assert.rejects(
    createHttpActivities().http(httpCall({ uri: `${server.url}/` })),
    isProblem('communication', /but the body is not JSON: <html>/, 502),
  );
});

test('response output carries request, status, headers and deserialised content', async (t) => {
  const server = await serve(t, (_, res) => sendJson(res, 200, pet, { 'x-trace': 'abc' }));
  const uri = `${server.url}/pet/1`;
  const output = await createHttpActivities().http(
    httpCall({ uri, output: 'response', headers: { 'X-Custom': 'yes' }, query: { verbose: 'true' } }),
  );
  assert.ok(output !== null && typeof output === 'object' && !Array.isArray(output));
  assert.deepEqual(output['request'], {
    method: 'GET',
    uri: `${uri}?verbose=true`,
    headers: { 'x-custom': 'yes', 'idempotency-key': 'exec-1:/do/0/call:1' },
  });
  assert.equal(output['statusCode'], 200);
  assert.equal((output['headers'] as Record<string, string>)['x-trace'], 'abc');
  assert.deepEqual(output['content'], pet);
});

test('raw output is the body base64-encoded', async (t) => {
  const bytes = Buffer.from([0, 1, 2, 250, 255]);
  const server = await serve(t, (_, res) =>
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes),
  );
  const output = await createHttpActivities().http(httpCall({ uri: `${server.url}/blob`, output: 'raw' }));
  assert.equal(output, bytes.toString('base64'));
});

test('query entries are encoded and appended after the existing query string', async (t) => {
  const server = await serve(t, (_, res) => res.end());
  await createHttpActivities().http(
    httpCall({ uri: `${server.url}/search?q=a%20b&x=1`, query: { 'tag name': 'c&d', empty: '' } }),
  );
  assert.equal(server.requests[0]?.path, '/search?q=a%20b&x=1&tag%20name=c%26d&empty=');
});

test('headers are sent as given, with an Idempotency-Key unless the caller set one', async (t) => {
  const server = await serve(t, (_, res) => res.end());
  const activities = createHttpActivities();
  await activities.http(httpCall({ uri: `${server.url}/a`, headers: { 'X-Api-Version': '2' } }));
  await activities.http(httpCall({ uri: `${server.url}/b`, headers: { 'idempotency-KEY': 'mine' } }));
  assert.equal(server.requests[0]?.headers['x-api-version'], '2');
  assert.equal(server.requests[0]?.headers['idempotency-key'], 'exec-1:/do/0/call:1');
  assert.equal(server.requests[1]?.headers['idempotency-key'], 'mine');
});

const bodyCases: { name: string; body: Json; headers: Record<string, string>; sent: string; type: string }[] = [
  {
    name: 'an object is sent as JSON',
    body: { a: [1, 2] },
    headers: {},
    sent: '{"a":[1,2]}',
    type: 'application/json',
  },
  { name: 'a string is sent as text', body: 'hello', headers: {}, sent: 'hello', type: 'text/plain;charset=utf-8' },
  {
    name: 'a string keeps the given content type',
    body: '<pet/>',
    headers: { 'Content-Type': 'application/xml' },
    sent: '<pet/>',
    type: 'application/xml',
  },
  {
    name: 'an object with a form content type is form-encoded',
    body: { name: 'Rex Jr', tags: ['a', 'b'] },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    sent: 'name=Rex+Jr&tags=a&tags=b',
    type: 'application/x-www-form-urlencoded',
  },
];
for (const c of bodyCases) {
  test(`POST body: ${c.name}`, async (t) => {
    const server = await serve(t, (_, res) => res.end());
    await createHttpActivities().http(
      httpCall({ method: 'post', uri: `${server.url}/`, body: c.body, headers: c.headers }),
    );
    assert.equal(server.requests[0]?.body, c.sent);
    assert.equal(server.requests[0]?.headers['content-type'], c.type);
  });
}

test('GET never sends a body', async (t) => {
  const server = await serve(t, (_, res) => res.end());
  await createHttpActivities().http(httpCall({ uri: `${server.url}/`, body: { ignored: true } }));
  assert.equal(server.requests[0]?.body, '');
  assert.equal(server.requests[0]?.headers['content-type'], undefined);
});

for (const status of [404, 500]) {
  test(`a ${status} is a communication problem with status ${status}`, async (t) => {
    const server = await serve(t, (_, res) => sendJson(res, status, { message: 'no such pet' }));
    const uri = `${server.url}/pet/getPetByName/Nope`;
    await assert.rejects(createHttpActivities().http(httpCall({ uri })), (error) => {
      isProblem('communication', undefined, status)(error);
      const found = (error as ProblemError).problem;
      assert.equal(found.title, 'Communication error');
      assert.ok(found.detail?.startsWith(`GET ${uri} returned ${status} `), found.detail);
      assert.match(found.detail ?? '', /no such pet/);
      return true;
    });
  });
}

test('without redirect a 302 is an error; with redirect it is followed', async (t) => {
  const server = await serve(t, (req, res) => {
    if (req.path === '/old') res.writeHead(302, { location: '/new' }).end();
    else sendJson(res, 200, { moved: true });
  });
  const activities = createHttpActivities();
  await assert.rejects(
    activities.http(httpCall({ uri: `${server.url}/old` })),
    isProblem('communication', /302 Found/, 302),
  );
  assert.deepEqual(await activities.http(httpCall({ uri: `${server.url}/old`, redirect: true })), { moved: true });
});

test('with redirect a 3xx that cannot be followed is accepted as the response', async (t) => {
  const server = await serve(t, (_, res) => res.writeHead(304).end());
  const output = await createHttpActivities().http(
    httpCall({ uri: `${server.url}/`, redirect: true, output: 'response' }),
  );
  assert.equal((output as Record<string, unknown>)['statusCode'], 304);
});

test('a refused connection is a communication problem (500) naming the cause', async () => {
  const server = await startLoopbackServer((_, res) => res.end());
  await server.close();
  await assert.rejects(
    createHttpActivities().http(httpCall({ uri: `${server.url}/` })),
    isProblem('communication', /^GET http:\/\/127\.0\.0\.1:\d+\/ failed: .*ECONNREFUSED/, 500),
  );
});

test('an abort mid-request rethrows the signal reason untouched', async (t) => {
  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = await serve(t, () => arrived()); // never answers
  const controller = new AbortController();
  const pending = createHttpActivities().http(httpCall({ uri: `${server.url}/slow`, signal: controller.signal }));
  await requestArrived;
  const reason = new ProblemError(problem('timeout', { detail: 'task timed out after PT1S' }));
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
});

test('an already aborted signal sends nothing', async (t) => {
  const server = await serve(t, (_, res) => res.end());
  const controller = new AbortController();
  const reason = new Error('cancelled');
  controller.abort(reason);
  await assert.rejects(
    createHttpActivities().http(httpCall({ uri: `${server.url}/`, signal: controller.signal })),
    (error) => error === reason,
  );
  assert.equal(server.requests.length, 0);
});

const badRequests = [
  { name: 'a relative URI', fields: { uri: '/pets' }, detail: /not an absolute URI/ },
  { name: 'a non-http scheme', fields: { uri: 'ftp://127.0.0.1/x' }, detail: /must use http or https, found ftp:/ },
  { name: 'an invalid method', fields: { uri: 'http://127.0.0.1/', method: 'GE T' }, detail: /not a valid method/ },
  {
    name: 'an invalid header',
    fields: { uri: 'http://127.0.0.1/', headers: { 'bad header': 'x' } },
    detail: /header 'bad header'/,
  },
] as const;
for (const c of badRequests) {
  test(`${c.name} is a configuration problem`, async () => {
    await assert.rejects(createHttpActivities().http(httpCall(c.fields)), isProblem('configuration', c.detail, 400));
  });
}

test('the injected fetch carries every request', async (t) => {
  const server = await serve(t, (_, res) => sendJson(res, 200, pet));
  const seen: string[] = [];
  // A host rewrite, as the CTK harness does for petstore.swagger.io.
  const rewrite: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.push(url.host);
    return fetch(`${server.url}${url.pathname}${url.search}`, init);
  };
  const output = await createHttpActivities({ fetch: rewrite }).http(
    httpCall({ uri: 'https://petstore.swagger.io/v2/pet/1' }),
  );
  assert.deepEqual(output, pet);
  assert.deepEqual(seen, ['petstore.swagger.io']);
});
