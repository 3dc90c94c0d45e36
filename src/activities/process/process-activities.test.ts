import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ContainerRequest, ScriptRequest, ShellRequest } from '../effects.js';
import { createProcessActivities } from './process-activities.js';
import { findExecutable } from './find-executable.js';
import { isProblem } from '../../../test/support/problem-assertions.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const base = { signal: new AbortController().signal, idempotencyKey: 'e1/do/0/run#1', arguments: [], environment: {} };
const shell = (fields: Partial<ShellRequest> & Pick<ShellRequest, 'command'>): ShellRequest => ({ ...base, ...fields });
const script = (fields: Partial<ScriptRequest> & Pick<ScriptRequest, 'language' | 'code'>): ScriptRequest => ({
  ...base,
  ...fields,
});
const container = (fields: Partial<ContainerRequest> = {}): ContainerRequest => ({
  ...base,
  image: 'alpine',
  ...fields,
});

test('a shell command sees its arguments as $1 $2 and its stdin (run-shell-stdin-and-arguments)', async () => {
  const result = await createProcessActivities().runShell(
    shell({
      command: 'input=$(cat)\necho "STDIN was: $input"\necho "ARGS are $1 $2"',
      arguments: ['Foo', 'Bar'],
      stdin: 'Hello World',
    }),
  );
  assert.deepEqual(result, { code: 0, stdout: 'STDIN was: Hello World\nARGS are Foo Bar\n', stderr: '' });
});

test('shell arguments are passed verbatim, with no quoting or word splitting', async () => {
  const tricky = `it's "quoted" $HOME; rm -rf / \`x\` *`;
  const result = await createProcessActivities().runShell(
    shell({ command: 'printf "%s|" "$@"; printf "%s" "$#"', arguments: [tricky, '', 'two words'] }),
  );
  assert.equal(result.stdout, `${tricky}||two words|3`);
});

test('a non-zero exit code and stderr are returned, not thrown', async () => {
  const result = await createProcessActivities().runShell(shell({ command: 'echo oops >&2; echo out; exit 3' }));
  assert.deepEqual(result, { code: 3, stdout: 'out\n', stderr: 'oops\n' });
});

test('a process sees its task variables and PATH/HOME/LANG, nothing else of the engine environment', async (t) => {
  process.env.ITONAMI_TEST_SECRET = 'must-not-leak';
  t.after(() => delete process.env.ITONAMI_TEST_SECRET);
  const result = await createProcessActivities().runShell(
    shell({ command: 'env', environment: { GREETING: 'hello world', HOME: '/nowhere' } }),
  );
  const names = result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.slice(0, line.indexOf('=')));
  assert.ok(!result.stdout.includes('must-not-leak'));
  assert.match(result.stdout, /^GREETING=hello world$/m);
  assert.match(result.stdout, /^HOME=\/nowhere$/m);
  // sh may add PWD/SHLVL/_ of its own; nothing else may appear.
  const allowed = new Set(['GREETING', 'HOME', 'PATH', 'LANG', 'PWD', 'SHLVL', '_', 'OLDPWD']);
  assert.deepEqual(
    names.filter((name) => !allowed.has(name)),
    [],
  );
});

test('output is decoded as UTF-8 even when a character is split across chunks', async () => {
  const text = 'é漢字🙂'.repeat(50_000);
  const result = await createProcessActivities().runScript(
    script({ language: 'js', code: `process.stdout.write(${JSON.stringify(text)});` }),
  );
  assert.equal(result.stdout, text);
});

test('output past maxOutputBytes stops the process with a runtime problem', async () => {
  const activities = createProcessActivities({ maxOutputBytes: 1_000 });
  await assert.rejects(
    activities.runShell(shell({ command: 'while :; do echo xxxxxxxxxxxxxxxxxxxx; done' })),
    isProblem('runtime', /more than 1000 bytes to stdout; the process was stopped/),
  );
});

test('aborting a run kills its process group and rejects with the abort reason', async () => {
  const controller = new AbortController();
  const reason = new Error('cancelled by the test');
  const run = createProcessActivities().runShell(
    shell({ command: 'sleep 30 & sleep 30; echo never', signal: controller.signal }),
  );
  setTimeout(() => controller.abort(reason), 100);
  await assert.rejects(run, (error) => error === reason);
});

test('an already-aborted signal starts nothing', async () => {
  const controller = new AbortController();
  controller.abort(new Error('too late'));
  await assert.rejects(
    createProcessActivities().runShell(shell({ command: 'echo hi', signal: controller.signal })),
    /too late/,
  );
});

test('a JavaScript script is an ES module that sees argv[2], stdin and its environment (spec example)', async () => {
  const code = [
    "import { readFileSync } from 'node:fs';",
    "const stdin = readFileSync(process.stdin.fd, 'utf8');",
    'const [, , arg] = process.argv;',
    "console.log(JSON.stringify({ stdin, arg, foo: process.env.foo, meta: typeof import.meta.url }));",
  ].join('\n');
  for (const language of ['javascript', 'js', 'JavaScript']) {
    const result = await createProcessActivities().runScript(
      script({ language, code, stdin: 'Hello Workflow', arguments: ['hello'], environment: { foo: 'bar' } }),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { stdin: 'Hello Workflow', arg: 'hello', foo: 'bar', meta: 'string' });
  }
});

test('a script that throws returns its exit code and stderr', async () => {
  const result = await createProcessActivities().runScript(script({ language: 'js', code: "throw new Error('boom')" }));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Error: boom/);
});

test('script temp files are removed afterwards', async (t) => {
  const workDir = await tempDir(t, 'itonami-process-test-');
  await createProcessActivities({ workDir }).runScript(script({ language: 'js', code: 'console.log(1)' }));
  assert.deepEqual(await readdir(workDir), []);
});

test('a Python script sees sys.argv[1], stdin and its environment', async (t) => {
  if ((await findExecutable('python3', process.env.PATH ?? '')) === undefined) {
    t.skip('python3 is not on PATH here');
    return;
  }
  const code = [
    'import os, sys, json',
    "print(json.dumps({'stdin': sys.stdin.read(), 'arg': sys.argv[1], 'foo': os.environ.get('foo')}))",
  ].join('\n');
  for (const language of ['python', 'Python3']) {
    const result = await createProcessActivities().runScript(
      script({ language, code, stdin: 'Hello', arguments: ['hello'], environment: { foo: 'bar' } }),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { stdin: 'Hello', arg: 'hello', foo: 'bar' });
  }
});

test('a Python script without python3 on PATH is a configuration problem', async (t) => {
  const emptyBin = await tempDir(t, 'itonami-process-test-');
  await assert.rejects(
    createProcessActivities({ searchPath: emptyBin }).runScript(script({ language: 'python', code: 'print(1)' })),
    isProblem('configuration', /^python3 was not found on PATH$/),
  );
});

test('an unknown script language is a configuration problem naming it and the supported ones', async () => {
  await assert.rejects(
    createProcessActivities().runScript(script({ language: 'ruby', code: 'puts 1' })),
    isProblem('configuration', /'ruby' is not supported; expected one of javascript, js, python, python3/),
  );
  await assert.rejects(
    createProcessActivities().runScript(script({ language: 'constructor', code: '' })),
    isProblem('configuration', /'constructor' is not supported/),
  );
});

test('a container run without docker or podman on PATH is a configuration problem', async (t) => {
  const emptyBin = await tempDir(t, 'itonami-process-test-');
  await assert.rejects(
    createProcessActivities({ searchPath: emptyBin }).runContainer(container()),
    isProblem('configuration', /^no container runtime was found: install docker or podman/),
  );
});

test('a configured container runtime that does not exist is a configuration problem', async () => {
  await assert.rejects(
    createProcessActivities({ containerRuntime: '/nonexistent/docker' }).runContainer(container()),
    isProblem('configuration', /'\/nonexistent\/docker' was not found/),
  );
});

// No container engine runs here, so a fake `docker` (a shell script) stands in for the CLI: it proves the argv,
// the stdin and the `-e NAME` values reach the CLI, and that exit 125 is read as the runtime's own failure.
async function fakeDocker(t: { after: (fn: () => Promise<void>) => void }, body: string): Promise<string> {
  const bin = join(await tempDir(t, 'itonami-process-test-'), 'bin');
  await mkdir(bin);
  const path = join(bin, 'docker');
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return bin;
}

test('runContainer drives the CLI found on PATH with the built argv, stdin and -e values', async (t) => {
  const bin = await fakeDocker(t, 'printf "%s\\n" "$@"; echo "GREETING=$GREETING"; cat');
  const result = await createProcessActivities({ searchPath: `${bin}:/usr/bin:/bin` }).runContainer(
    container({ command: 'echo "$1"', arguments: ['Foo'], stdin: 'in', environment: { GREETING: 'hi there' } }),
  );
  assert.equal(result.code, 0);
  assert.equal(
    result.stdout,
    [
      'run',
      '-i',
      '-e',
      'GREETING',
      '--pull=missing',
      '--entrypoint',
      '/bin/sh',
      'alpine',
      '-c',
      'echo "$1"',
      'sh',
      'Foo',
      'GREETING=hi there',
      'in',
    ].join('\n'),
  );
});

test('exit 125 from the container CLI is a runtime problem carrying its message', async (t) => {
  const bin = await fakeDocker(t, 'echo "Cannot connect to the Docker daemon" >&2; exit 125');
  await assert.rejects(
    createProcessActivities({ searchPath: bin }).runContainer(container()),
    isProblem('runtime', /docker could not run image 'alpine' \(exit 125\): Cannot connect to the Docker daemon/),
  );
});

test('a container exit code other than 125 is returned', async (t) => {
  const bin = await fakeDocker(t, 'echo failed >&2; exit 2');
  const result = await createProcessActivities({ searchPath: bin }).runContainer(container());
  assert.deepEqual(result, { code: 2, stdout: '', stderr: 'failed\n' });
});
