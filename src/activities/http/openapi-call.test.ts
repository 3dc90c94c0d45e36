import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import type { OpenApiCallRequest } from '../effects.js';
import type { Json } from '../../model/json.js';
import { ProblemError, problemTypes } from '../../model/problems.js';
import { createHttpActivities } from './http-activities.js';
import { sendJson, startLoopbackServer } from '../../../test/fixtures/loopback-server.js';
import { isProblem } from '../../../test/support/problem-assertions.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const pets = [
  { id: 1, name: 'Rex', status: 'available' },
  { id: 2, name: 'Tom', status: 'sold' },
];

/** A trimmed copy of the public petstore's Swagger 2.0 document: the operations the CTK and these tests call. */
function swaggerPetstore(host?: string): Json {
  return {
    swagger: '2.0',
    info: { title: 'Swagger Petstore', version: '1.0.7' },
    ...(host === undefined ? {} : { host }),
    basePath: '/v2',
    schemes: ['https', 'http'],
    paths: {
      '/pet': {
        post: {
          operationId: 'addPet',
          consumes: ['application/json', 'application/xml'],
          produces: ['application/json', 'application/xml'],
          parameters: [{ in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/Pet' } }],
          responses: { '405': { description: 'Invalid input' } },
        },
      },
      '/pet/findByStatus': {
        get: {
          operationId: 'findPetsByStatus',
          produces: ['application/json', 'application/xml'],
          parameters: [
            {
              name: 'status',
              in: 'query',
              required: true,
              type: 'array',
              items: { type: 'string', enum: ['available', 'pending', 'sold'] },
              collectionFormat: 'multi',
            },
          ],
          responses: { '200': { description: 'successful operation' } },
        },
      },
      '/pet/{petId}': {
        parameters: [{ $ref: '#/parameters/petId' }],
        get: { operationId: 'getPetById', produces: ['application/xml', 'application/json'], responses: {} },
        post: {
          operationId: 'updatePetWithForm',
          consumes: ['application/x-www-form-urlencoded'],
          parameters: [
            { name: 'name', in: 'formData', required: false, type: 'string' },
            { name: 'status', in: 'formData', required: false, type: 'string' },
          ],
          responses: {},
        },
        delete: {
          operationId: 'deletePet',
          parameters: [{ name: 'api_key', in: 'header', required: false, type: 'string' }],
          responses: {},
        },
      },
    },
    parameters: { petId: { name: 'petId', in: 'path', description: 'ID of pet', required: true, type: 'integer' } },
    definitions: { Pet: { type: 'object' } },
  };
}

/** An OAS 3.0 document with a templated server, a request body and styled parameters. */
function openApi3(serverUrl: string, variables: Record<string, Json> = {}): Json {
  return {
    openapi: '3.0.3',
    info: { title: 'Pets v3', version: '3.0.0' },
    servers: [{ url: serverUrl, variables }],
    paths: {
      '/pets': {
        post: {
          operationId: 'createPet',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object' } }, 'application/xml': {} },
          },
          responses: { '201': { description: 'created', content: { 'application/json': {} } } },
        },
        get: {
          operationId: 'listPets',
          parameters: [
            { $ref: '#/components/parameters/limit' },
            { name: 'tags', in: 'query', schema: { type: 'array' }, explode: false },
            { name: 'X-Request-Tag', in: 'header', schema: { type: 'string' } },
          ],
          responses: { '200': { $ref: '#/components/responses/PetList' } },
        },
      },
      '/pets/{petId}': {
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'showPetById', responses: { default: { description: 'x' } } },
      },
    },
    components: {
      parameters: { limit: { name: 'limit', in: 'query', required: true, schema: { type: 'integer' } } },
      responses: { PetList: { description: 'pets', content: { 'application/json': {} } } },
    },
  };
}

/** A petstore at `/v2` plus documents at `/docs/...`; it echoes what it was sent. */
async function petstore(
  t: { after: (fn: () => Promise<void>) => void },
  documents: Record<string, () => Json | string>,
) {
  const server = await startLoopbackServer((req, res) => {
    const url = new URL(req.path, 'http://x');
    const document = documents[url.pathname];
    if (document !== undefined) {
      const value = document();
      if (typeof value === 'string') res.writeHead(200, { 'content-type': 'application/yaml' }).end(value);
      else sendJson(res, 200, value);
      return;
    }
    if (url.pathname.startsWith('/docs/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such document');
      return;
    }
    const byId = /^\/(?:v2\/pet|api\/v3\/pets)\/(\w+)$/.exec(url.pathname);
    if (url.pathname === '/v2/pet/findByStatus') {
      const wanted = url.searchParams.getAll('status');
      sendJson(
        res,
        200,
        pets.filter((pet) => wanted.includes(pet.status)),
      );
    } else if (byId !== undefined && byId !== null && req.method === 'GET') {
      const pet = pets.find((candidate) => String(candidate.id) === byId[1]);
      if (pet === undefined) sendJson(res, 404, { code: 1, type: 'error', message: 'Pet not found' });
      else sendJson(res, 200, pet);
    } else {
      sendJson(res, 200, {
        method: req.method,
        url: req.path,
        contentType: req.headers['content-type'] ?? null,
        body: req.body,
      });
    }
  });
  t.after(() => server.close());
  return server;
}

function openapiCall(
  fields: Partial<OpenApiCallRequest> & Pick<OpenApiCallRequest, 'document' | 'operationId'>,
): OpenApiCallRequest {
  return {
    parameters: {},
    output: 'content',
    redirect: false,
    signal: new AbortController().signal,
    idempotencyKey: 'k',
    ...fields,
  };
}

test('Swagger 2.0: findPetsByStatus sends the query parameter on the document host', async (t) => {
  const server = await petstore(t, { '/docs/swagger.json': () => swaggerPetstore() });
  const output = await createHttpActivities().openapi(
    openapiCall({
      document: { uri: `${server.url}/docs/swagger.json` },
      operationId: 'findPetsByStatus',
      parameters: { status: 'available' },
    }),
  );
  assert.deepEqual(output, [pets[0]]);
  const sent = server.requests.find((r) => r.path.startsWith('/v2/'));
  assert.equal(sent?.path, '/v2/pet/findByStatus?status=available');
  assert.equal(sent?.headers.accept, 'application/json');
});

test('Swagger 2.0: a multi collection repeats the query parameter', async (t) => {
  const server = await petstore(t, { '/docs/swagger.json': () => swaggerPetstore() });
  const output = await createHttpActivities().openapi(
    openapiCall({
      document: { uri: `${server.url}/docs/swagger.json` },
      operationId: 'findPetsByStatus',
      parameters: { status: ['available', 'sold'] },
    }),
  );
  assert.equal((output as Json[]).length, 2);
  assert.equal(server.requests.at(-1)?.path, '/v2/pet/findByStatus?status=available&status=sold');
});

test('Swagger 2.0: getPetById fills a $ref path parameter; response output as for http', async (t) => {
  const server = await petstore(t, { '/docs/swagger.json': () => swaggerPetstore() });
  const output = (await createHttpActivities().openapi(
    openapiCall({
      document: { uri: `${server.url}/docs/swagger.json` },
      operationId: 'getPetById',
      parameters: { petId: 1 },
      output: 'response',
    }),
  )) as { request: { method: string; uri: string }; statusCode: number; content: Json };
  assert.equal(output.request.method, 'GET');
  assert.equal(output.request.uri, `${server.url}/v2/pet/1`);
  assert.equal(output.statusCode, 200);
  assert.deepEqual(output.content, pets[0]);
});

test('Swagger 2.0: a 404 from the operation is a communication problem with status 404', async (t) => {
  const server = await petstore(t, { '/docs/swagger.json': () => swaggerPetstore() });
  await assert.rejects(
    createHttpActivities().openapi(
      openapiCall({
        document: { uri: `${server.url}/docs/swagger.json` },
        operationId: 'getPetById',
        parameters: { petId: 99 },
      }),
    ),
    (error) =>
      error instanceof ProblemError &&
      error.problem.status === 404 &&
      error.problem.type === problemTypes.communication.type,
  );
});

test('Swagger 2.0 with a public host: that host and https are used, and the document is fetched once', async (t) => {
  const server = await petstore(t, { '/v2/swagger.json': () => swaggerPetstore('petstore.swagger.io') });
  const hosts: string[] = [];
  const rewrite: typeof fetch = (input, init) => {
    const url = new URL(requestUrl(input));
    hosts.push(`${url.protocol}//${url.host}${url.pathname}`);
    return fetch(`${server.url}${url.pathname}${url.search}`, init);
  };
  const activities = createHttpActivities({ fetch: rewrite });
  const document = { uri: 'https://petstore.swagger.io/v2/swagger.json' };
  await activities.openapi(openapiCall({ document, operationId: 'getPetById', parameters: { petId: 1 } }));
  await activities.openapi(openapiCall({ document, operationId: 'getPetById', parameters: { petId: 2 } }));
  assert.deepEqual(hosts, [
    'https://petstore.swagger.io/v2/swagger.json',
    'https://petstore.swagger.io/v2/pet/1',
    'https://petstore.swagger.io/v2/pet/2',
  ]);
});

test('Swagger 2.0: body, formData and header parameters', async (t) => {
  const server = await petstore(t, { '/docs/swagger.json': () => swaggerPetstore() });
  const activities = createHttpActivities();
  const document = { uri: `${server.url}/docs/swagger.json` };
  const added = await activities.openapi(
    openapiCall({ document, operationId: 'addPet', parameters: { body: { name: 'Rex' } } }),
  );
  assert.deepEqual(added, { method: 'POST', url: '/v2/pet', contentType: 'application/json', body: '{"name":"Rex"}' });
  const updated = await activities.openapi(
    openapiCall({
      document,
      operationId: 'updatePetWithForm',
      parameters: { petId: 7, name: 'Rex Jr', status: 'sold' },
    }),
  );
  assert.deepEqual(updated, {
    method: 'POST',
    url: '/v2/pet/7',
    contentType: 'application/x-www-form-urlencoded',
    body: 'name=Rex+Jr&status=sold',
  });
  await activities.openapi(
    openapiCall({ document, operationId: 'deletePet', parameters: { petId: 7, api_key: 'key-1' } }),
  );
  assert.equal(server.requests.at(-1)?.headers['api_key'], 'key-1');
});

test('OpenAPI 3 from a YAML file: server variables, requestBody from `body`, styled parameters', async (t) => {
  const server = await petstore(t, {});
  const port = new URL(server.url).port;
  const dir = await tempDir(t, 'itonami-openapi-');
  await writeFile(
    join(dir, 'pets.yaml'),
    toYaml(
      openApi3('http://127.0.0.1:{port}/api/{version}', {
        port: { default: port },
        version: { default: 'v3', enum: ['v3'] },
      }),
    ),
  );
  const activities = createHttpActivities({ baseDir: dir });
  const created = await activities.openapi(
    openapiCall({ document: { uri: 'pets.yaml' }, operationId: 'createPet', parameters: { body: { name: 'Rex' } } }),
  );
  assert.deepEqual(created, {
    method: 'POST',
    url: '/api/v3/pets',
    contentType: 'application/json',
    body: '{"name":"Rex"}',
  });

  await activities.openapi(
    openapiCall({
      document: { uri: `file://${join(dir, 'pets.yaml')}` },
      operationId: 'listPets',
      parameters: { limit: 10, tags: ['a b', 'c'], 'X-Request-Tag': 'x1' },
    }),
  );
  const listed = server.requests.at(-1);
  assert.equal(listed?.path, '/api/v3/pets?limit=10&tags=a%20b,c');
  assert.equal(listed?.headers['x-request-tag'], 'x1');
  assert.equal(listed?.headers.accept, 'application/json');

  const shown = await activities.openapi(
    openapiCall({ document: { uri: 'pets.yaml' }, operationId: 'showPetById', parameters: { petId: '1' } }),
  );
  assert.deepEqual(shown, pets[0]);
});

test('OpenAPI 3: without `body`, undeclared parameters form the request body', async (t) => {
  const server = await petstore(t, { '/docs/pets.json': () => openApi3('/api/v3') });
  const output = await createHttpActivities().openapi(
    openapiCall({
      document: { uri: `${server.url}/docs/pets.json` },
      operationId: 'createPet',
      parameters: { name: 'Rex', status: 'available' },
    }),
  );
  assert.deepEqual(output, {
    method: 'POST',
    url: '/api/v3/pets',
    contentType: 'application/json',
    body: '{"name":"Rex","status":"available"}',
  });
});

test('OpenAPI 3: a relative server URL resolves against the document URL (YAML over HTTP)', async (t) => {
  const server = await petstore(t, { '/docs/pets.yaml': () => toYaml(openApi3('/api/v3')) });
  const output = await createHttpActivities().openapi(
    openapiCall({
      document: { uri: `${server.url}/docs/pets.yaml` },
      operationId: 'showPetById',
      parameters: { petId: '2' },
    }),
  );
  assert.deepEqual(output, pets[1]);
});

test('an unknown operationId is a configuration problem listing the available ones', async (t) => {
  const server = await petstore(t, { '/docs/swagger.json': () => swaggerPetstore() });
  await assert.rejects(
    createHttpActivities().openapi(
      openapiCall({ document: { uri: `${server.url}/docs/swagger.json` }, operationId: 'findPetsByTag' }),
    ),
    isProblem(
      'configuration',
      new RegExp(
        "no operation with operationId 'findPetsByTag' " +
          '\\(available: addPet, deletePet, findPetsByStatus, getPetById, updatePetWithForm\\)',
      ),
    ),
  );
});

test('a missing required parameter is a validation problem naming it, and nothing is sent', async (t) => {
  const server = await petstore(t, { '/docs/swagger.json': () => swaggerPetstore() });
  await assert.rejects(
    createHttpActivities().openapi(
      openapiCall({
        document: { uri: `${server.url}/docs/swagger.json` },
        operationId: 'getPetById',
        parameters: { petId: null },
      }),
    ),
    isProblem(
      'validation',
      /operation 'getPetById' \(GET \/pet\/\{petId\}\) is missing required parameter\(s\): petId \(path\)/,
    ),
  );
  await assert.rejects(
    createHttpActivities().openapi(
      openapiCall({ document: { uri: `${server.url}/docs/swagger.json` }, operationId: 'addPet' }),
    ),
    isProblem('validation', /missing required parameter\(s\): body \(body\)/),
  );
  assert.equal(server.requests.filter((r) => r.path.startsWith('/v2/')).length, 0);
});

test('an undeclared parameter is a validation problem listing the declared ones', async (t) => {
  const server = await petstore(t, { '/docs/swagger.json': () => swaggerPetstore() });
  await assert.rejects(
    createHttpActivities().openapi(
      openapiCall({
        document: { uri: `${server.url}/docs/swagger.json` },
        operationId: 'getPetById',
        parameters: { petId: 1, petID: 2 },
      }),
    ),
    isProblem('validation', /has no parameter\(s\) petID; declared: petId/),
  );
});

const badDocuments = [
  {
    name: 'a document that is not OpenAPI',
    body: { hello: 'world' },
    kind: 'configuration',
    detail: /expected an 'openapi: 3.x' or 'swagger: 2.0' field, found neither/,
  },
  {
    name: 'an unsupported swagger version',
    body: { swagger: '1.2' },
    kind: 'configuration',
    detail: /expected swagger: '2.0', found swagger: "1.2"/,
  },
  {
    name: 'an external $ref',
    body: { openapi: '3.0.0', paths: { '/a': { $ref: 'other.yaml#/a' } } },
    kind: 'configuration',
    detail: /only local references/,
  },
] as const;
for (const c of badDocuments) {
  test(`${c.name} is a ${c.kind} problem`, async (t) => {
    const server = await petstore(t, { '/docs/doc.json': () => c.body });
    await assert.rejects(
      createHttpActivities().openapi(
        openapiCall({ document: { uri: `${server.url}/docs/doc.json` }, operationId: 'x' }),
      ),
      isProblem(c.kind, c.detail),
    );
  });
}

test('a document that cannot be fetched is a communication problem with the real status', async (t) => {
  const server = await petstore(t, {});
  await assert.rejects(
    createHttpActivities().openapi(
      openapiCall({ document: { uri: `${server.url}/docs/missing.json` }, operationId: 'x' }),
    ),
    (error) =>
      error instanceof ProblemError &&
      error.problem.type === problemTypes.communication.type &&
      error.problem.status === 404,
  );
});

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}
