import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { problem, ProblemError } from '../../model/problems.js';
import type { ResourceLocation } from '../effects.js';
import { createResourceReader } from './resource-reader.js';
import { isProblem } from '../../../test/support/problem-assertions.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const signal = new AbortController().signal;
const noHttp = (): Promise<string> => Promise.reject(new Error('no HTTP in this test'));

test('a resource is read from a relative path, an absolute path and a file:// URI', async (t) => {
  const dir = await tempDir(t, 'itonami-resources-test-');
  await mkdir(join(dir, 'scripts'));
  const file = join(dir, 'scripts', 'hello world.js');
  await writeFile(file, 'console.log("héllo")');
  const reader = createResourceReader({ baseDir: dir, fetchText: noHttp });
  for (const uri of ['scripts/hello world.js', './scripts/hello world.js', file, pathToFileURL(file).href]) {
    assert.equal(await reader.readResource({ resource: { uri }, signal }), 'console.log("héllo")', uri);
  }
});

test('an http(s) resource is delegated to fetchText with its location and signal', async () => {
  const calls: { location: ResourceLocation; signal: AbortSignal }[] = [];
  const reader = createResourceReader({
    fetchText: async (location, s) => {
      calls.push({ location, signal: s });
      return 'remote';
    },
  });
  const resource = { uri: 'https://example.com/a.yaml', authentication: { scheme: 'bearer', token: 't' } } as const;
  assert.equal(await reader.readResource({ resource, signal }), 'remote');
  assert.deepEqual(calls, [{ location: resource, signal }]);
});

test('a missing file is a configuration problem naming the path', async (t) => {
  const dir = await tempDir(t, 'itonami-resources-test-');
  const reader = createResourceReader({ baseDir: dir, fetchText: noHttp });
  await assert.rejects(
    reader.readResource({ resource: { uri: 'nope.txt' }, signal }),
    isProblem('configuration', new RegExp(`^resource not found: ${join(dir, 'nope.txt')} \\(from 'nope.txt'\\)$`)),
  );
  await assert.rejects(
    reader.readResource({ resource: { uri: dir }, signal }),
    isProblem('configuration', /^resource is a directory, not a file: /),
  );
});

test('an unsupported scheme, an empty URI or a remote file:// host is a configuration problem', async () => {
  const reader = createResourceReader({ fetchText: noHttp });
  const cases = [
    {
      uri: 'ftp://example.com/x',
      detail: /unsupported URI scheme 'ftp:'.*expected a file path, file:\/\/, http:\/\/ or https:\/\//,
    },
    { uri: '', detail: /the resource URI is empty/ },
    { uri: 'file://other-host/x', detail: /is not a valid local file URI/ },
  ];
  for (const c of cases) {
    const read = reader.readResource({ resource: { uri: c.uri }, signal });
    await assert.rejects(read, isProblem('configuration', c.detail));
  }
});

test('an aborted read rejects with the abort reason', async (t) => {
  const dir = await tempDir(t, 'itonami-resources-test-');
  await writeFile(join(dir, 'f'), 'x');
  const controller = new AbortController();
  const reason = new Error('cancelled');
  controller.abort(reason);
  const reader = createResourceReader({ baseDir: dir, fetchText: noHttp });
  await assert.rejects(reader.readResource({ resource: { uri: 'f' }, signal: controller.signal }), (e) => e === reason);
});

const logFunction = `input:
  schema:
    document:
      type: object
      required: [ message ]
run:
  script:
    language: python
    code: |
      print("hi")
`;

async function folderCatalog(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const root = await tempDir(t, 'itonami-resources-test-');
  const folder = join(root, 'catalog', 'functions', 'log', '1.0.0');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'function.yaml'), logFunction);
  const json = join(root, 'catalog', 'functions', 'echo', '2.0.0');
  await mkdir(json, { recursive: true });
  await writeFile(join(json, 'function.yaml'), JSON.stringify({ set: { echoed: '${ . }' } }));
  return root;
}

test('a catalog function is read from a folder catalog by relative path, absolute path and file:// URI', async (t) => {
  const root = await folderCatalog(t);
  const reader = createResourceReader({ baseDir: root, fetchText: noHttp });
  const endpoints = ['catalog', join(root, 'catalog'), pathToFileURL(join(root, 'catalog')).href];
  for (const uri of endpoints) {
    const task = await reader.resolveCatalogFunction({ name: 'log', version: '1.0.0', catalog: { uri }, signal });
    assert.deepEqual(task, {
      input: { schema: { document: { type: 'object', required: ['message'] } } },
      run: { script: { language: 'python', code: 'print("hi")\n' } },
    });
  }
  const catalog = { uri: 'catalog' };
  const echo = await reader.resolveCatalogFunction({ name: 'echo', version: '2.0.0', catalog, signal });
  assert.deepEqual(echo, { set: { echoed: '${ . }' } });
});

test('a missing catalog function is a configuration problem naming the catalog and the path tried', async (t) => {
  const root = await folderCatalog(t);
  const reader = createResourceReader({ baseDir: root, fetchText: noHttp });
  await assert.rejects(
    reader.resolveCatalogFunction({ name: 'log', version: '9.9.9', catalog: { uri: 'catalog' }, signal }),
    isProblem(
      'configuration',
      new RegExp(
        `^function 'log:9\\.9\\.9' of catalog 'catalog' was not found: tried ${root}/catalog/functions/log/9\\.9\\.9/`,
      ),
    ),
  );
});

test('an HTTP catalog function is fetched from its raw URL with the catalog authentication', async () => {
  const seen: ResourceLocation[] = [];
  const reader = createResourceReader({
    fetchText: async (location) => {
      seen.push(location);
      if (location.uri.includes('/missing/')) {
        throw new ProblemError(problem('communication', { status: 404, detail: 'Not Found' }));
      }
      return 'call: http\nwith:\n  method: get\n  endpoint: https://example.com\n';
    },
  });
  const catalog = {
    uri: 'https://github.com/serverlessworkflow/catalog/tree/main',
    authentication: { scheme: 'basic', username: 'u', password: 'p' },
  } as const;
  const task = await reader.resolveCatalogFunction({ name: 'log', version: '1.0.0', catalog, signal });
  assert.deepEqual(task, { call: 'http', with: { method: 'get', endpoint: 'https://example.com' } });
  assert.deepEqual(seen[0], {
    uri:
      'https://raw.githubusercontent.com/serverlessworkflow/catalog/refs/heads/main/' +
      'functions/log/1.0.0/function.yaml',
    authentication: catalog.authentication,
  });
  await assert.rejects(
    reader.resolveCatalogFunction({ name: 'missing', version: '1.0.0', catalog, signal }),
    isProblem('configuration', /was not found: tried https:\/\/raw\.githubusercontent\.com\/.*\/missing\/1\.0\.0\//),
  );
});

test('other fetch failures of a catalog function pass through unchanged', async () => {
  const failure = new ProblemError(problem('communication', { status: 503, detail: 'Service Unavailable' }));
  const reader = createResourceReader({ fetchText: () => Promise.reject(failure) });
  await assert.rejects(
    reader.resolveCatalogFunction({ name: 'log', version: '1.0.0', catalog: { uri: 'https://example.com/c' }, signal }),
    (error) => error === failure,
  );
});

test('a catalog function file that is not a task is a configuration problem', async (t) => {
  const root = await tempDir(t, 'itonami-resources-test-');
  const cases = [
    { content: 'run: [unclosed', detail: /is not valid YAML or JSON: / },
    { content: '- a\n- b\n', detail: /must be a task \(a mapping\); found an array/ },
    { content: 'just text', detail: /must be a task \(a mapping\); found string/ },
    { content: 'input: {}\n', detail: /does not define a task: expected one of call, do, emit/ },
  ];
  const reader = createResourceReader({ baseDir: root, fetchText: noHttp });
  for (const [index, c] of cases.entries()) {
    const folder = join(root, 'functions', `f${index}`, '1');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'function.yaml'), c.content);
    await assert.rejects(
      reader.resolveCatalogFunction({ name: `f${index}`, version: '1', catalog: { uri: '.' }, signal }),
      isProblem('configuration', c.detail),
    );
  }
});
