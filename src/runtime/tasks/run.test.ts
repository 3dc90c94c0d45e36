import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import {
  assertCompleted,
  assertFaulted,
  assertRebuildMatches,
  documentHeader,
  eventsOfType,
  openHarness,
} from '../../../test/support/engine-harness.js';
import { problemTypes } from '../../index.js';

const hasPython = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('run: a shell command gets its arguments as argv, its stdin, and its environment', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        sh: {
          run: {
            shell: {
              command: 'printf "%s|%s|%s|" "$1" "$2" "$GREETING"; cat',
              arguments: ['${ .first }', 'two words'],
              environment: { GREETING: '${ .greeting }' },
              stdin: '${ .text }',
            },
          },
        },
      },
    ]),
    { first: 'one', greeting: 'hello', text: 'from stdin' },
  );
  assert.equal(assertCompleted(result), 'one|two words|hello|from stdin');
  await assertRebuildMatches(h.engine, result.executionId);
});

const modes = [
  { mode: 'stdout', command: 'echo out; echo err >&2', expected: 'out' },
  { mode: 'stderr', command: 'echo out; echo err >&2', expected: 'err' },
  { mode: 'code', command: 'exit 3', expected: 3 },
  { mode: 'all', command: 'echo out; echo err >&2; exit 2', expected: { code: 2, stdout: 'out', stderr: 'err' } },
  { mode: 'none', command: 'echo out', expected: null },
] as const;

for (const m of modes) {
  test(`run: return ${m.mode} picks ${JSON.stringify(m.expected)} from the process result`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ sh: { run: { shell: { command: m.command }, return: m.mode } } }]));
    assert.deepEqual(assertCompleted(result), m.expected);
  });
}

test('run: the process result is recorded before use, and a rebuild does not run it again', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ sh: { run: { shell: { command: 'echo recorded' } } } }]));
  const effects = eventsOfType(await h.history(result.executionId), 'EffectCompleted');
  assert.deepEqual(effects.map((e) => e.data.result), [{ code: 0, stdout: 'recorded\n', stderr: '' }]);
  await assertRebuildMatches(h.engine, result.executionId);
});

for (const mode of ['stdout', 'stderr', 'none'] as const) {
  test(`run: a non-zero exit with return ${mode} is a runtime error carrying the exit code and stderr`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ sh: { run: { shell: { command: 'echo broken >&2; exit 7' }, return: mode } } }]));
    const error = assertFaulted(result);
    assert.equal(error.type, problemTypes.runtime.type);
    assert.equal(error.instance, '/do/0/sh');
    assert.match(String(error.detail), /exited with code 7: broken/);
  });
}

test('run: a JavaScript script sees its first argument as process.argv[2]', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      {
        js: {
          run: {
            script: {
              language: 'javascript',
              code: 'console.log(JSON.stringify({ first: process.argv[2], env: process.env.MODE }))',
              arguments: ['${ .value }'],
              environment: { MODE: 'test' },
            },
          },
        },
      },
      { parse: { set: '${ fromjson }' } },
    ]),
    { value: 'arg-one' },
  );
  assert.deepEqual(assertCompleted(result), { first: 'arg-one', env: 'test' });
});

test('run: a Python script sees its first argument as sys.argv[1]', { skip: hasPython ? false : 'python3 is not on PATH' }, async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([{ py: { run: { script: { language: 'python', code: 'import sys\nprint(sys.argv[1].upper())', arguments: ['shout'] } } } }]),
  );
  assert.equal(assertCompleted(result), 'SHOUT');
});

test('run: an unsupported script language is a configuration error naming the supported ones', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ rb: { run: { script: { language: 'ruby', code: 'puts 1' } } } }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.configuration.type);
  assert.equal(error.instance, '/do/0/rb');
  assert.match(String(error.detail), /'ruby' is not supported.*javascript/);
});

test('run: a container with no container runtime available is a configuration error', async (t) => {
  const h = await openHarness(t, { containerRuntime: 'itonami-no-such-container-cli' });
  const result = await h.run(h.define([{ box: { run: { container: { image: 'alpine:3' } } } }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.configuration.type);
  assert.equal(error.instance, '/do/0/box');
  assert.match(String(error.detail), /itonami-no-such-container-cli/);
});

test('run: await false starts the process and outputs the input at once', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ bg: { run: { shell: { command: 'exit 9' }, await: false } } }]), { kept: 1 });
  assert.deepEqual(assertCompleted(result), { kept: 1 });
});

const child = (version: string, tasks: object[]) => ({ document: documentHeader('child', version), do: tasks });

test('run: a sub-workflow runs as its own execution with the given input; its output is the task output', async (t) => {
  const h = await openHarness(t);
  h.engine.load(child('1.0.0', [{ double: { set: { doubled: '${ .n * 2 }' } } }]));
  const parent = h.define([{ sub: { run: { workflow: { namespace: 'test', name: 'child', version: '1.0.0', input: { n: '${ .value }' } } } } }]);
  const result = await h.run(parent, { value: 21 });
  assert.deepEqual(assertCompleted(result), { doubled: 42 });
  const history = await h.history(result.executionId);
  const started = eventsOfType(history, 'ChildStarted')[0];
  const completed = eventsOfType(history, 'ChildCompleted')[0];
  assert.ok(started !== undefined && completed !== undefined);
  const childState = await h.engine.getExecution(started.data.childExecutionId);
  assert.equal(childState?.status, 'completed');
  assert.deepEqual(childState?.input, { n: 21 });
  assert.deepEqual(childState?.parent, { executionId: result.executionId, key: started.data.key });
  assert.equal(completed.data.hash, childState?.hash, "the parent records the child's final hash");
  await assertRebuildMatches(h.engine, result.executionId);
});

test('run: version latest picks the highest semantic version of the sub-workflow', async (t) => {
  const h = await openHarness(t);
  h.engine.load(child('1.9.0', [{ v: { set: { version: '1.9.0' } } }]));
  h.engine.load(child('1.10.0', [{ v: { set: { version: '1.10.0' } } }]));
  h.engine.load(child('1.10.0-rc.1', [{ v: { set: { version: 'rc' } } }]));
  const result = await h.run(h.define([{ sub: { run: { workflow: { namespace: 'test', name: 'child', version: 'latest' } } } }]));
  assert.deepEqual(assertCompleted(result), { version: '1.10.0' });
});

test('run: a faulting sub-workflow faults the task with the child error at the parent task', async (t) => {
  const h = await openHarness(t);
  h.engine.load(child('1.0.0', [{ boom: { raise: { error: { type: 'https://example.com/child-failed', status: 409, title: 'Child failed' } } } }]));
  const result = await h.run(h.define([{ sub: { run: { workflow: { namespace: 'test', name: 'child', version: '1.0.0' } } } }]));
  const error = assertFaulted(result);
  assert.equal(error.type, 'https://example.com/child-failed');
  assert.equal(error.status, 409);
  assert.equal(error.instance, '/do/0/sub');
  assert.match(String(error.detail), /sub-workflow .* faulted/);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('run: an unknown sub-workflow is a configuration error naming it', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ sub: { run: { workflow: { namespace: 'test', name: 'nobody', version: '1.0.0' } } } }]));
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.configuration.type);
  assert.match(String(error.detail), /test\/nobody@1\.0\.0/);
});

test('run: cancelling the parent while its sub-workflow runs cancels both, and the parent ends cancelled', async (t) => {
  const h = await openHarness(t);
  h.engine.load(child('1.0.0', [{ slow: { wait: { hours: 1 } } }]));
  const handle = await h.engine.start(h.define([{ sub: { run: { workflow: { namespace: 'test', name: 'child', version: '1.0.0' } } } }]));
  await h.clock.waitForTimers(1);
  await h.engine.cancel(handle.executionId, 'stop everything');
  const result = await handle.result();
  const childId = eventsOfType(await h.history(handle.executionId), 'ChildStarted')[0]?.data.childExecutionId ?? '';
  assert.equal((await h.engine.getExecution(childId))?.status, 'cancelled');
  assert.deepEqual(result, { executionId: handle.executionId, status: 'cancelled', reason: 'stop everything' });
});
