import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProblemError, problemTypes } from '../../model/problems.js';
import { spawnProcess } from './spawn-process.js';

const env = { PATH: '/usr/bin:/bin' };
const signal = new AbortController().signal;

test('a program that does not exist is a runtime problem naming it', async () => {
  await assert.rejects(spawnProcess({ file: '/nonexistent/tool', args: [], env, signal }), (error) => {
    assert.ok(error instanceof ProblemError);
    assert.equal(error.problem.type, problemTypes.runtime.type);
    assert.equal(error.problem.detail, 'could not start /nonexistent/tool: /nonexistent/tool was not found');
    return true;
  });
});

test('a process killed by a signal reports 128 + the signal number, as shells do', async () => {
  const result = await spawnProcess({ file: '/bin/sh', args: ['-c', 'kill -9 $$'], env, signal });
  assert.equal(result.code, 137);
});

test('a process that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
  const controller = new AbortController();
  const run = spawnProcess({
    file: '/bin/sh',
    args: ['-c', "trap '' TERM; sleep 30; echo survived"],
    env,
    signal: controller.signal,
    killGraceMs: 200,
  });
  setTimeout(() => controller.abort(new Error('stop')), 100);
  await assert.rejects(run, /stop/);
});

test('stdin that the process never reads does not fail the run', async () => {
  const stdin = 'x'.repeat(1 << 20);
  const result = await spawnProcess({ file: '/bin/sh', args: ['-c', 'exit 0'], env, signal, stdin });
  assert.equal(result.code, 0);
});

test('stderr has its own cap', async () => {
  await assert.rejects(
    spawnProcess({ file: '/bin/sh', args: ['-c', 'while :; do echo e >&2; done'], env, signal, maxOutputBytes: 100 }),
    /more than 100 bytes to stderr/,
  );
});

test('an aborted run settles even when a process outside the group holds its output open', async () => {
  const controller = new AbortController();
  // setsid puts the sleep in its own session, out of reach of the group kill; it still holds stdout.
  const run = spawnProcess({
    file: '/bin/sh',
    args: ['-c', 'setsid sleep 3 & wait'],
    env,
    signal: controller.signal,
    killGraceMs: 100,
  });
  setTimeout(() => controller.abort(new Error('stop')), 100);
  await assert.rejects(run, /stop/);
});
