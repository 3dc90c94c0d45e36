/**
 * `--activities MODULE` with activity options: a module's `{ name, run, timeout, retry, … }` export goes through the
 * check `defineActivity` makes (bad options are bad usage, exit 2, naming the export and the pointer), and its
 * options apply when the workflow calls it.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { explain, openWorkspace, runCli, singleJsonLine } from './cli-process.js';

const FLAKY_YAML = `document: { dsl: '1.0.3', namespace: test, name: flaky, version: '1.0.0' }
do:
  - flaky: { call: flaky, with: { n: 1 } }
`;

describe('itonami --activities MODULE with activity options', { concurrency: 2, timeout: 60_000 }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
    const { dir } = workspace;
    await writeFile(join(dir, 'flaky.yaml'), FLAKY_YAML);
    await writeFile(
      join(dir, 'flaky.mjs'),
      `export const flaky = {
  name: 'flaky',
  retry: { delay: { milliseconds: 10 }, limit: { attempt: { count: 2 } } },
  run: (input, ctx) => {
    if (ctx.attempt < 3) throw new Error('not yet');
    return { attempt: ctx.attempt, keyed: ctx.idempotencyKey.endsWith(':attempt/3') };
  },
};\n`,
    );
    await writeFile(join(dir, 'bad-options.mjs'), `export const slow = { name: 'flaky', run: () => null, timeout: 'soon', retry: { limit: { attempt: { count: -1 } } } };\n`);
  });
  after(() => workspace.close());
  const itonami = (...args: string[]) => runCli(args, { cwd: workspace.dir });

  test("run applies the module's retry policy: the call succeeds on its third attempt", async () => {
    const result = await itonami('run', 'flaky.yaml', '--activities', 'flaky.mjs', '--quiet', '--db', 'flaky.db');
    assert.equal(result.code, 0, explain(result));
    assert.deepEqual(singleJsonLine(result.stdout), { attempt: 3, keyed: true });
  });

  test('an activity with invalid options is bad usage (exit 2) naming the module, the export and each pointer', async () => {
    const result = await itonami('run', 'flaky.yaml', '--activities', 'bad-options.mjs', '--db', 'bad.db');
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /--activities bad-options\.mjs: export slow: activity 'flaky' is invalid: \/timeout: expected a positive ISO 8601 duration/);
    assert.match(result.stderr, /\/retry\/limit\/attempt\/count: expected a whole number ≥ 0/);
  });
});
