/**
 * SIGINT/SIGTERM during `itonami run` cancel the execution and exit 130, the README's "interrupted" code. The signal
 * goes only after the wait has started (its `started` progress line), so it reaches the run, not the start-up.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { type CliResult, explain, openWorkspace, startCli } from './cli-process.js';

/** The wait is a minute long: an exit within this is the signal's doing, and a hang fails here, not at the wait's end. */
const EXIT_DEADLINE_MS = 10_000;

describe('itonami run interrupted', { concurrency: 2, timeout: 60_000 }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
  });
  after(() => workspace.close());

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} during a long wait cancels the execution and exits 130`, async (t) => {
      const cli = startCli(['run', 'long-wait.yaml'], { cwd: workspace.dir });
      t.after(() => {
        if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
      });
      await cli.stderrLine(/^started {3}\/do\/0\/nap$/);
      cli.child.kill(signal);
      const deadline = new AbortController();
      const result = await Promise.race([
        cli.result.finally(() => deadline.abort()),
        delay(EXIT_DEADLINE_MS, undefined, { signal: deadline.signal }).then((): CliResult => {
          throw new Error(`the CLI was still running ${EXIT_DEADLINE_MS} ms after ${signal}`);
        }),
      ]);
      assert.equal(result.code, 130, explain(result));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^cancelled \/do\/0\/nap$/m);
      assert.match(result.stderr, new RegExp(`^execution \\S+ was cancelled: interrupted by ${signal}$`, 'm'));
    });
  }
});
