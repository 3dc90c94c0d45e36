import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { runContext } from '../../../test/support/activity-context.js';
import { type LoopbackServer, sendJson, startLoopbackServer } from '../../../test/fixtures/loopback-server.js';
import { assertCompleted, assertRebuildMatches, eventsOfType } from '../../../test/support/engine-harness.js';
import { type EffectServer, startEffectServer } from '../../../test/support/effect-server.js';
import { type ActivityDefinition, type Json, ProblemError, createEngine, httpActivity, openSqliteStore, problemTypes } from '../../index.js';
import { tempDir } from '../../../test/support/temp-dir.js';

function call(activity: ActivityDefinition, input: Json, ctx = runContext()): Promise<Json> {
  return Promise.resolve().then(() => activity.run(input, ctx));
}

async function effectServer(t: TestContext): Promise<EffectServer> {
  const server = await startEffectServer();
  t.after(() => server.close());
  return server;
}

/** Answers `/echo…` with what it received, `/fail` with 503, and never answers `/hold`. */
async function echoServer(t: TestContext): Promise<LoopbackServer> {
  const server = await startLoopbackServer((request, response) => {
    if (request.path.startsWith('/hold')) return;
    if (request.path.startsWith('/fail')) return sendJson(response, 503, { message: 'busy' });
    sendJson(response, 200, { method: request.method, path: request.path, body: request.body, custom: request.headers['x-custom'] ?? null });
  });
  t.after(() => server.close());
  return server;
}

test('httpActivity: a POST sends the input as JSON with the run idempotency key and outputs the response body', async (t) => {
  const server = await effectServer(t);
  const add = httpActivity({ name: 'add', method: 'post', url: `${server.url}/effect` });
  const ctx = runContext(undefined, '/do/4/add');
  assert.deepEqual(await call(add, { value: 40, add: 2 }, ctx), { value: 42 });
  assert.deepEqual(
    server.received.map(({ key, via, value }) => ({ key, via, value })),
    [{ key: ctx.idempotencyKey, via: 'http', value: 40 }],
  );
});

test('httpActivity: url, query and headers come from the input; a GET sends no body', async (t) => {
  const server = await echoServer(t);
  const find = httpActivity({
    name: 'find_pet',
    url: (input: { id: string; status: string }) => `${server.url}/echo/pets/${encodeURIComponent(input.id)}?fixed=1`,
    query: (input) => ({ status: input.status }),
    headers: { 'x-custom': 'yes' },
  });
  assert.deepEqual(await call(find, { id: 'a/b', status: 'sold out' }, runContext()), {
    method: 'GET',
    path: '/echo/pets/a%2Fb?fixed=1&status=sold%20out',
    body: '',
    custom: 'yes',
  });
});

test('httpActivity: body maps the input; output response gives the status and the parsed content', async (t) => {
  const server = await echoServer(t);
  const rename = httpActivity({
    name: 'rename',
    method: 'PUT',
    url: `${server.url}/echo`,
    body: (input: { name: string }) => ({ newName: input.name.toUpperCase() }),
    output: 'response',
  });
  const response = (await call(rename, { name: 'rex' }, runContext())) as { statusCode: number; content: { body: string; method: string } };
  assert.equal(response.statusCode, 200);
  assert.equal(response.content.method, 'PUT');
  assert.deepEqual(JSON.parse(response.content.body), { newName: 'REX' });
});

test('httpActivity: a status outside 2xx is a communication problem with that status and the task reference', async (t) => {
  const server = await echoServer(t);
  const busy = httpActivity({ name: 'busy', url: `${server.url}/fail` });
  await assert.rejects(call(busy, {}, runContext(undefined, '/do/1/busy')), (error: unknown) => {
    assert.ok(error instanceof ProblemError);
    assert.equal(error.problem.type, problemTypes.communication.type);
    assert.equal(error.problem.status, 503);
    assert.equal(error.problem.instance, '/do/1/busy');
    return true;
  });
});

test('httpActivity: a URL from the input that is not http(s) is a configuration problem', async () => {
  const bad = httpActivity({ name: 'bad', url: (input: { to: string }) => input.to });
  await assert.rejects(call(bad, { to: 'ftp://example.test/x' }, runContext()), (error: unknown) => {
    assert.ok(error instanceof ProblemError);
    assert.equal(error.problem.type, problemTypes.configuration.type);
    assert.match(error.problem.detail ?? '', /must use http or https/);
    return true;
  });
});

test('httpActivity: an abort rejects the held request with the signal reason', async (t) => {
  const server = await echoServer(t);
  const hold = httpActivity({ name: 'hold', url: `${server.url}/hold` });
  const controller = new AbortController();
  const reason = new Error('cancelled by the test');
  const pending = call(hold, {}, runContext(controller.signal));
  while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
});

test('httpActivity: mistakes in the definition throw at definition time; activity options are kept', () => {
  assert.throws(() => httpActivity({ name: 'x', url: 'not a url' }), /url 'not a url' is not an absolute URL/);
  assert.throws(() => httpActivity({ name: 'x', url: 'file:///etc/passwd' }), /must use http or https, found file:/);
  assert.throws(() => httpActivity({ name: 'x', url: 'http://127.0.0.1/', body: {} as never }), /body must be a function/);
  assert.throws(() => httpActivity({ name: 'x', url: 'http://127.0.0.1/', timeout: 'soon' }), /\/timeout/);
  assert.throws(() => httpActivity({ name: ' ', url: 'http://127.0.0.1/' }), /non-empty string name/);
  assert.equal(httpActivity({ name: 'x', url: 'http://127.0.0.1/', timeout: 'PT5S' }).timeout, 'PT5S');
});

test('httpActivity: runs as call: <name> in a workflow; the response is recorded and a rebuild sends nothing', async (t) => {
  const server = await effectServer(t);
  const add = httpActivity({ name: 'add_remote', method: 'POST', url: `${server.url}/effect`, body: (input: { n: number }) => ({ value: input.n, add: 1 }) });
  const dir = await tempDir(t, 'itonami-httpact-');
  const engine = await createEngine({ store: openSqliteStore({ path: join(dir, 'engine.db') }), functions: { [add.name]: add } });
  t.after(() => engine.close());
  const definition = engine.load(`
document: { dsl: '1.0.3', namespace: test, name: http-activity, version: '1.0.0' }
do:
  - bump:
      call: add_remote
      with:
        n: \${ .n }
`);
  const result = await engine.run(definition, { input: { n: 9 } });
  assert.deepEqual(assertCompleted(result), { value: 10 });
  assert.deepEqual(server.received.map((r) => r.key), [`${result.executionId}:/do/0/bump#0`]);
  const effects = eventsOfType(await engine.history(result.executionId), 'EffectCompleted');
  assert.deepEqual(effects.map((e) => e.data.result), [{ value: 10 }]);
  await assertRebuildMatches(engine, result.executionId);
  assert.equal(server.received.length, 1, 'the rebuild used the recorded response');
});
