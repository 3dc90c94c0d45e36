/**
 * The README's quick starts, run as written. Each block is marked by an HTML comment on the line before its fence:
 *
 *   <!-- quick-start NAME: file PATH -->   the block is written to PATH in the quick start's folder
 *   <!-- quick-start NAME: run -->         the block is run there by `sh -e`, after every file is written
 *   <!-- quick-start NAME: stdout -->      what that run prints on stdout, exactly
 *
 * The README's setup step (`npm init -y && npm pkg set type=module && npm install itonami tsx`) is stood in for, since
 * the registry's `itonami` is not this checkout: the folder gets a `package.json` with `"type": "module"`,
 * `node_modules/tsx` (a link to ours) and `node_modules/itonami`, a package whose only module re-exports this
 * checkout's `src/index.ts`; `npx itonami …` runs this checkout's `bin/itonami` (a `npx` on PATH that knows no other
 * command, so nothing is fetched). The blocks themselves are not rewritten.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from '../support/temp-dir.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUICK_STARTS = ['ts', 'kotoba'] as const;

interface QuickStart {
  readonly files: Map<string, string>;
  run?: string;
  stdout?: string;
}

const MARKED_BLOCK = /^<!-- quick-start (\S+): (file (\S+)|run|stdout) -->\n```[^\n]*\n([\s\S]*?)^```$/gm;

function quickStarts(readme: string): Map<string, QuickStart> {
  const found = new Map<string, QuickStart>();
  for (const match of readme.matchAll(MARKED_BLOCK)) {
    const [, name = '', role = '', path, body = ''] = match;
    const quickStart = found.get(name) ?? { files: new Map<string, string>() };
    found.set(name, quickStart);
    if (path !== undefined) {
      assert.equal(quickStart.files.has(path), false, `quick start ${name} writes ${path} twice`);
      quickStart.files.set(path, body);
    } else if (role === 'run') quickStart.run = body;
    else quickStart.stdout = body;
  }
  return found;
}

/** The folder the README's setup step would leave, with this checkout standing in for the `itonami` package. */
async function project(t: TestContext, name: string): Promise<{ dir: string; path: string }> {
  const dir = await tempDir(t, `readme-${name}-`);
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: `quick-start-${name}`, private: true, type: 'module' })}\n`);
  const itonami = join(dir, 'node_modules', 'itonami');
  await mkdir(itonami, { recursive: true });
  await writeFile(join(itonami, 'package.json'), `${JSON.stringify({ name: 'itonami', type: 'module', exports: './index.js' })}\n`);
  await writeFile(join(itonami, 'index.js'), `export * from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src', 'index.ts')).href)};\n`);
  await symlink(join(REPO_ROOT, 'node_modules', 'tsx'), join(dir, 'node_modules', 'tsx'), 'dir');
  const shims = join(dir, '.shims');
  await mkdir(shims);
  await writeFile(
    join(shims, 'npx'),
    [
      '#!/bin/sh',
      `if [ "$1" = itonami ]; then shift; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(REPO_ROOT, 'bin', 'itonami'))} "$@"; fi`,
      'echo "npx $*: only npx itonami is available in this test" >&2',
      'exit 127',
      '',
    ].join('\n'),
  );
  await chmod(join(shims, 'npx'), 0o755);
  return { dir, path: `${shims}:${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
}

/** node:test and npm export their state to children; the quick start must run as a shell would run it. */
function shellEnv(path: string): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_TEST_CONTEXT' && name !== 'NODE_OPTIONS');
  return { ...Object.fromEntries(kept), PATH: path };
}

function runShell(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-e', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
const found = quickStarts(readme);

test('the README marks exactly the expected quick starts, each with files, a run and its stdout', () => {
  assert.deepEqual([...found.keys()].sort(), [...QUICK_STARTS].sort());
  for (const [name, quickStart] of found) {
    assert.ok(quickStart.files.size > 0, `quick start ${name} has no file blocks`);
    assert.ok(quickStart.run?.trim(), `quick start ${name} has no run block`);
    assert.ok(quickStart.stdout?.trim(), `quick start ${name} has no stdout block`);
  }
  const ts = found.get('ts');
  assert.match(ts?.files.get('main.ts') ?? '', /createEngine\(\{ store: \{ kind: 'sqlite'/, 'the TypeScript quick start runs on SQLite');
  assert.match([...(found.get('kotoba')?.files.keys() ?? [])].join(' '), /\.kotoba\b/);
  assert.match(found.get('kotoba')?.run ?? '', /npx itonami run \S+\.kotoba --activities/, 'the .kotoba quick start runs from the CLI');
});

for (const name of QUICK_STARTS) {
  test(`README quick start '${name}' runs as written and prints what the README says`, async (t) => {
    const quickStart = found.get(name);
    assert.ok(quickStart?.run !== undefined && quickStart.stdout !== undefined, `quick start ${name} is incomplete`);
    const { dir, path } = await project(t, name);
    for (const [file, body] of quickStart.files) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), body);
    }
    const result = await runShell(quickStart.run, dir, shellEnv(path));
    const explained = `exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}---`;
    assert.equal(result.code, 0, explained);
    assert.equal(result.stdout, quickStart.stdout, explained);
  });
}
