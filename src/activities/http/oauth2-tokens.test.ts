import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpCallRequest, OAuth2Settings } from '../effects.js';
import { ProblemError, problemTypes } from '../../model/problems.js';
import { createHttpActivities } from './http-activities.js';
import { sendJson, startLoopbackServer, type RecordedRequest } from '../../../test/fixtures/loopback-server.js';

interface IdentityProviderOptions {
  /** Path prefix the issuer lives under, e.g. `/realms/app`. */
  readonly issuerPath?: string;
  readonly tokenPath?: string;
  readonly expiresIn?: number;
  readonly refreshToken?: boolean;
  readonly discovery?: boolean;
  readonly refuse?: { readonly error: string; readonly description: string };
}

/** One loopback server playing both the identity provider and the protected API (`/api/...`). */
async function identityProvider(
  t: { after: (fn: () => Promise<void>) => void },
  options: IdentityProviderOptions = {},
) {
  const issuerPath = options.issuerPath ?? '';
  const tokenPath = options.tokenPath ?? `${issuerPath}/oauth2/token`;
  const valid = new Set<string>();
  const tokenRequests: RecordedRequest[] = [];
  let issued = 0;
  const server = await startLoopbackServer((req, res) => {
    if (options.discovery === true && req.path === `${issuerPath}/.well-known/openid-configuration`) {
      sendJson(res, 200, { issuer: `${server.url}${issuerPath}`, token_endpoint: `${server.url}${tokenPath}` });
    } else if (req.method === 'POST' && req.path === tokenPath) {
      tokenRequests.push(req);
      if (options.refuse !== undefined) {
        sendJson(res, 400, { error: options.refuse.error, error_description: options.refuse.description });
        return;
      }
      issued += 1;
      const token = `token-${issued}`;
      valid.add(token);
      sendJson(res, 200, {
        access_token: token,
        token_type: 'Bearer',
        ...(options.expiresIn === undefined ? {} : { expires_in: options.expiresIn }),
        ...(options.refreshToken === true ? { refresh_token: `refresh-${issued}` } : {}),
      });
    } else if (req.path.startsWith('/api/')) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token !== undefined && valid.has(token)) sendJson(res, 200, { token });
      else res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  t.after(() => server.close());
  return {
    origin: server.url,
    authority: `${server.url}${issuerPath}`,
    tokenRequests,
    apiRequests: () => server.requests.filter((r) => r.path.startsWith('/api/')),
    discoveryRequests: () => server.requests.filter((r) => r.path.endsWith('/.well-known/openid-configuration')),
    revokeAll: () => valid.clear(),
  };
}

function form(request: RecordedRequest | undefined): URLSearchParams {
  return new URLSearchParams(request?.body ?? '');
}

function apiCall(
  origin: string,
  settings: Partial<OAuth2Settings> & { authority: string },
  scheme: 'oauth2' | 'oidc' = 'oauth2',
): HttpCallRequest {
  return {
    method: 'GET',
    uri: `${origin}/api/pets`,
    headers: {},
    query: {},
    output: 'content',
    redirect: false,
    authentication: { scheme, grant: 'client_credentials', client: { id: 'app', secret: 's3cret' }, ...settings },
    signal: new AbortController().signal,
    idempotencyKey: 'k',
  };
}

test('client_credentials: one token request serves two calls (client_secret_post, scopes, audiences)', async (t) => {
  const idp = await identityProvider(t, { expiresIn: 3600 });
  const activities = createHttpActivities();
  const call = apiCall(idp.origin, {
    authority: idp.authority,
    scopes: ['pets:read', 'pets:write'],
    audiences: ['api', 'admin'],
  });
  assert.deepEqual(await activities.http(call), { token: 'token-1' });
  assert.deepEqual(await activities.http(call), { token: 'token-1' });
  assert.equal(idp.tokenRequests.length, 1);
  const sent = form(idp.tokenRequests[0]);
  assert.equal(sent.get('grant_type'), 'client_credentials');
  assert.equal(sent.get('client_id'), 'app');
  assert.equal(sent.get('client_secret'), 's3cret');
  assert.equal(sent.get('scope'), 'pets:read pets:write');
  assert.deepEqual(sent.getAll('audience'), ['api', 'admin']);
  assert.equal(idp.tokenRequests[0]?.headers['content-type'], 'application/x-www-form-urlencoded');
});

test('the token cache belongs to one activities object', async (t) => {
  const idp = await identityProvider(t, { expiresIn: 3600 });
  const call = apiCall(idp.origin, { authority: idp.authority });
  await createHttpActivities().http(call);
  await createHttpActivities().http(call);
  assert.equal(idp.tokenRequests.length, 2);
});

test('client_secret_basic puts the client in an Authorization header, not the form', async (t) => {
  const idp = await identityProvider(t);
  await createHttpActivities().http(
    apiCall(idp.origin, {
      authority: idp.authority,
      client: { id: 'my app', secret: 'p@ss', authentication: 'client_secret_basic' },
    }),
  );
  const request = idp.tokenRequests[0];
  assert.equal(request?.headers.authorization, `Basic ${Buffer.from('my+app:p%40ss').toString('base64')}`);
  assert.equal(form(request).get('client_secret'), null);
});

test('json request encoding sends the token request as JSON', async (t) => {
  const idp = await identityProvider(t);
  await createHttpActivities().http(
    apiCall(idp.origin, { authority: idp.authority, requestEncoding: 'json', audiences: ['api'] }),
  );
  assert.equal(idp.tokenRequests[0]?.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(idp.tokenRequests[0]?.body ?? ''), {
    grant_type: 'client_credentials',
    client_id: 'app',
    client_secret: 's3cret',
    audience: 'api',
  });
});

test('password grant sends the resource owner credentials', async (t) => {
  const idp = await identityProvider(t);
  const output = await createHttpActivities().http(
    apiCall(idp.origin, { authority: idp.authority, grant: 'password', username: 'alice', password: 'wonderland' }),
  );
  assert.deepEqual(output, { token: 'token-1' });
  const sent = form(idp.tokenRequests[0]);
  assert.equal(sent.get('grant_type'), 'password');
  assert.equal(sent.get('username'), 'alice');
  assert.equal(sent.get('password'), 'wonderland');
});

test('password grant without a password is a configuration problem', async (t) => {
  const idp = await identityProvider(t);
  await assert.rejects(
    createHttpActivities().http(
      apiCall(idp.origin, { authority: idp.authority, grant: 'password', username: 'alice' }),
    ),
    (error) => error instanceof ProblemError && error.problem.type === problemTypes.configuration.type,
  );
  assert.equal(idp.tokenRequests.length, 0);
});

test('an expired token is fetched again', async (t) => {
  const idp = await identityProvider(t, { expiresIn: 0 });
  const activities = createHttpActivities();
  const call = apiCall(idp.origin, { authority: idp.authority });
  assert.deepEqual(await activities.http(call), { token: 'token-1' });
  assert.deepEqual(await activities.http(call), { token: 'token-2' });
  assert.equal(idp.tokenRequests.length, 2);
});

test('an expired token with a refresh token is renewed with the refresh_token grant', async (t) => {
  const idp = await identityProvider(t, { expiresIn: 0, refreshToken: true });
  const activities = createHttpActivities();
  const call = apiCall(idp.origin, { authority: idp.authority });
  await activities.http(call);
  await activities.http(call);
  const second = form(idp.tokenRequests[1]);
  assert.equal(second.get('grant_type'), 'refresh_token');
  assert.equal(second.get('refresh_token'), 'refresh-1');
});

test('a 401 with a cached token is retried once with a fresh token', async (t) => {
  const idp = await identityProvider(t, { expiresIn: 3600 });
  const activities = createHttpActivities();
  const call = apiCall(idp.origin, { authority: idp.authority });
  await activities.http(call);
  idp.revokeAll();
  assert.deepEqual(await activities.http(call), { token: 'token-2' });
  assert.equal(idp.tokenRequests.length, 2);
  assert.equal(idp.apiRequests().length, 3);
});

test('a 401 with a fresh token is not retried', async (t) => {
  const idp = await identityProvider(t, { expiresIn: 3600 });
  // Every token dies the moment it is issued, so the resource refuses even a fresh one.
  const revokingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (requestUrl(input).endsWith('/oauth2/token')) idp.revokeAll();
    return response;
  };
  await assert.rejects(
    createHttpActivities({ fetch: revokingFetch }).http(apiCall(idp.origin, { authority: idp.authority })),
    (error) =>
      error instanceof ProblemError &&
      error.problem.type === problemTypes.communication.type &&
      error.problem.status === 401,
  );
  assert.equal(idp.tokenRequests.length, 1);
  assert.equal(idp.apiRequests().length, 1);
});

test('a refused token request is an authentication problem naming the OAuth2 error', async (t) => {
  const idp = await identityProvider(t, { refuse: { error: 'invalid_client', description: 'unknown client app' } });
  await assert.rejects(createHttpActivities().http(apiCall(idp.origin, { authority: idp.authority })), (error) => {
    assert.ok(error instanceof ProblemError);
    assert.equal(error.problem.type, problemTypes.authentication.type);
    assert.equal(error.problem.status, 401);
    assert.match(error.problem.detail ?? '', /400 Bad Request: invalid_client \(unknown client app\)/);
    return true;
  });
  assert.equal(idp.apiRequests().length, 0);
});

test('a relative token endpoint is appended to the authority path', async (t) => {
  const idp = await identityProvider(t, {
    issuerPath: '/realms/app',
    tokenPath: '/realms/app/protocol/openid-connect/token',
  });
  await createHttpActivities().http(
    apiCall(idp.origin, { authority: idp.authority, tokenEndpoint: '/protocol/openid-connect/token' }),
  );
  assert.equal(idp.tokenRequests.length, 1);
});

test('oidc discovers the token endpoint once and caches it', async (t) => {
  const idp = await identityProvider(t, {
    issuerPath: '/realms/app',
    tokenPath: '/realms/app/protocol/openid-connect/token',
    discovery: true,
    expiresIn: 0,
  });
  const activities = createHttpActivities();
  const call = apiCall(idp.origin, { authority: idp.authority }, 'oidc');
  await activities.http(call);
  await activities.http(call);
  assert.equal(idp.tokenRequests.length, 2);
  assert.equal(idp.discoveryRequests().length, 1);
});

test('oidc without a discovery document falls back to /oauth2/token', async (t) => {
  const idp = await identityProvider(t, { issuerPath: '/tenant' });
  assert.deepEqual(await createHttpActivities().http(apiCall(idp.origin, { authority: idp.authority }, 'oidc')), {
    token: 'token-1',
  });
});

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}
