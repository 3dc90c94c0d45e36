import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ProblemError, problemTypes } from '../../model/problems.js';
import { createHttpActivities } from './http-activities.js';
import { startLoopbackServer } from '../../../test/fixtures/loopback-server.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const signal = new AbortController().signal;

/** A temp folder holding schema.json. */
async function schemaFolder(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await tempDir(t, 'itonami-resource-');
  await writeFile(join(dir, 'schema.json'), '{"type":"object"}');
  return dir;
}

test('reads a relative path against baseDir, and a file:// URI', async (t) => {
  const dir = await schemaFolder(t);
  const activities = createHttpActivities({ baseDir: dir });
  assert.equal(await activities.fetchText({ uri: 'schema.json' }, signal), '{"type":"object"}');
  assert.equal(
    await activities.fetchText({ uri: pathToFileURL(join(dir, 'schema.json')).href }, signal),
    '{"type":"object"}',
  );
});

test('a missing file is a communication problem with status 404', async (t) => {
  const dir = await schemaFolder(t);
  await assert.rejects(
    createHttpActivities({ baseDir: dir }).fetchText({ uri: 'nope.json' }, signal),
    (error) =>
      error instanceof ProblemError && error.problem.status === 404 && /ENOENT/.test(error.problem.detail ?? ''),
  );
});

test('fetches over http with the resource authentication, following redirects', async (t) => {
  const server = await startLoopbackServer((req, res) => {
    if (req.path === '/old') res.writeHead(301, { location: '/doc.yaml' }).end();
    else if (req.headers.authorization === 'Bearer doc-token')
      res.writeHead(200, { 'content-type': 'application/yaml' }).end('a: 1\n');
    else res.writeHead(403).end('forbidden');
  });
  t.after(() => server.close());
  const activities = createHttpActivities();
  const text = await activities.fetchText(
    { uri: `${server.url}/old`, authentication: { scheme: 'bearer', token: 'doc-token' } },
    signal,
  );
  assert.equal(text, 'a: 1\n');
  await assert.rejects(
    activities.fetchText({ uri: `${server.url}/doc.yaml` }, signal),
    (error) =>
      error instanceof ProblemError &&
      error.problem.type === problemTypes.communication.type &&
      error.problem.status === 403 &&
      /forbidden/.test(error.problem.detail ?? ''),
  );
});

test('an unsupported scheme is a configuration problem', async () => {
  await assert.rejects(
    createHttpActivities().fetchText({ uri: 's3://bucket/key' }, signal),
    (error) => error instanceof ProblemError && error.problem.type === problemTypes.configuration.type,
  );
});
