import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { HttpCallRequest, ResolvedAuthentication } from '../effects.js';
import { ProblemError, problemTypes } from '../../model/problems.js';
import { createHttpActivities } from './http-activities.js';
import { sendJson, startLoopbackServer, type LoopbackHandler } from '../../../test/fixtures/loopback-server.js';

function httpCall(
  uri: string,
  authentication: ResolvedAuthentication,
  fields: Partial<HttpCallRequest> = {},
): HttpCallRequest {
  return {
    method: 'GET',
    uri,
    headers: {},
    query: {},
    output: 'content',
    redirect: false,
    authentication,
    signal: new AbortController().signal,
    idempotencyKey: 'k',
    ...fields,
  };
}

async function serve(t: { after: (fn: () => Promise<void>) => void }, handler: LoopbackHandler) {
  const server = await startLoopbackServer(handler);
  t.after(() => server.close());
  return server;
}

test('basic sends the credentials the server expects (httpbin basic-auth shape)', async (t) => {
  const expected = `Basic ${Buffer.from('serverless-workflow:conformance-test').toString('base64')}`;
  const server = await serve(t, (req, res) => {
    if (req.headers.authorization === expected)
      sendJson(res, 200, { authenticated: true, user: 'serverless-workflow' });
    else res.writeHead(401, { 'www-authenticate': 'Basic realm="Fake Realm"' }).end();
  });
  const output = await createHttpActivities().http(
    httpCall(`${server.url}/basic-auth/serverless-workflow/conformance-test`, {
      scheme: 'basic',
      username: 'serverless-workflow',
      password: 'conformance-test',
    }),
  );
  assert.deepEqual(output, { authenticated: true, user: 'serverless-workflow' });
});

test('bearer sends the token, replacing a caller Authorization header', async (t) => {
  const server = await serve(t, (_, res) => res.end());
  await createHttpActivities().http(
    httpCall(`${server.url}/`, { scheme: 'bearer', token: 't0k3n' }, { headers: { Authorization: 'Basic old' } }),
  );
  assert.equal(server.requests[0]?.headers.authorization, 'Bearer t0k3n');
});

test('the response output redacts credentials from the recorded request headers', async (t) => {
  const server = await serve(t, (_, res) => sendJson(res, 200, {}));
  const output = await createHttpActivities().http(
    httpCall(
      `${server.url}/`,
      { scheme: 'bearer', token: 'secret-token' },
      {
        output: 'response',
        headers: { Cookie: 'session=s3cret', 'Proxy-Authorization': 'Basic x', Accept: 'application/json' },
      },
    ),
  );
  const request = (output as { request: { headers: Record<string, string> } }).request;
  assert.deepEqual(request.headers, {
    accept: 'application/json',
    authorization: '<redacted>',
    cookie: '<redacted>',
    'idempotency-key': 'k',
    'proxy-authorization': '<redacted>',
  });
  assert.doesNotMatch(JSON.stringify(output), /secret-token|s3cret/);
  assert.equal(server.requests[0]?.headers.authorization, 'Bearer secret-token');
});

/** A digest-protected resource (RFC 7616), verifying answers with its own hashing, independent of digest.ts. */
function digestServer(options: { algorithm: 'MD5' | 'SHA-256'; username: string; password: string }): LoopbackHandler {
  const realm = 'itonami-test';
  const nonces = new Set<string>();
  const hash = (text: string): string =>
    createHash(options.algorithm === 'MD5' ? 'md5' : 'sha256')
      .update(text)
      .digest('hex');
  return (req, res) => {
    const header = req.headers.authorization ?? '';
    const fields = Object.fromEntries(
      [...header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]),
    ) as Record<string, string | undefined>;
    if (header.startsWith('Digest ') && fields['nonce'] !== undefined && nonces.has(fields['nonce'])) {
      const ha1 = hash(`${options.username}:${realm}:${options.password}`);
      const ha2 = hash(`${req.method}:${req.path}`);
      const expected = hash(`${ha1}:${fields['nonce']}:${fields['nc']}:${fields['cnonce']}:auth:${ha2}`);
      if (
        fields['username'] === options.username &&
        fields['uri'] === req.path &&
        fields['qop'] === 'auth' &&
        fields['response'] === expected
      ) {
        sendJson(res, 200, { user: options.username, algorithm: fields['algorithm'] });
        return;
      }
    }
    const nonce = randomBytes(12).toString('hex');
    nonces.add(nonce);
    res
      .writeHead(401, {
        'www-authenticate': `Digest realm="${realm}", qop="auth", algorithm=${options.algorithm}, nonce="${nonce}"`,
      })
      .end('unauthorised');
  };
}

for (const algorithm of ['MD5', 'SHA-256'] as const) {
  test(`digest answers the server's ${algorithm} challenge`, async (t) => {
    const server = await serve(t, digestServer({ algorithm, username: 'Mufasa', password: 'Circle of Life' }));
    const output = await createHttpActivities().http(
      httpCall(`${server.url}/dir/index.html?x=1`, {
        scheme: 'digest',
        username: 'Mufasa',
        password: 'Circle of Life',
      }),
    );
    assert.deepEqual(output, { user: 'Mufasa', algorithm });
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]?.headers.authorization, undefined);
  });
}

test('digest with a wrong password ends in a communication problem with status 401', async (t) => {
  const server = await serve(t, digestServer({ algorithm: 'SHA-256', username: 'Mufasa', password: 'Circle of Life' }));
  await assert.rejects(
    createHttpActivities().http(
      httpCall(`${server.url}/`, { scheme: 'digest', username: 'Mufasa', password: 'wrong' }),
    ),
    (error) => {
      assert.ok(error instanceof ProblemError);
      assert.equal(error.problem.type, problemTypes.communication.type);
      assert.equal(error.problem.status, 401);
      return true;
    },
  );
  assert.equal(server.requests.length, 2, 'one bare request, one answer, no loop');
});

test('digest sends the body again with the answer', async (t) => {
  const server = await serve(t, digestServer({ algorithm: 'MD5', username: 'u', password: 'p' }));
  await createHttpActivities().http(
    httpCall(
      `${server.url}/pets`,
      { scheme: 'digest', username: 'u', password: 'p' },
      { method: 'POST', body: { name: 'Rex' } },
    ),
  );
  assert.deepEqual(
    server.requests.map((r) => r.body),
    ['{"name":"Rex"}', '{"name":"Rex"}'],
  );
});
