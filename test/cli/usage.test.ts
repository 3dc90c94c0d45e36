/** The CLI's own usage: no command, an unknown one, a missing argument, `--help`, `--version`. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, explain, openWorkspace, runCli } from './cli-process.js';

describe('itonami usage', { concurrency: 4, timeout: 60_000 }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
  });
  after(() => workspace.close());
  const itonami = (...args: string[]) => runCli(args, { cwd: workspace.dir });

  test('no command is bad usage: exit 2 with the usage on stderr', async () => {
    const result = await itonami();
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^Usage: itonami \[options\] \[command\]\n/);
    assert.match(result.stderr, /^ {2}run \[options\] <file>/m);
    assert.match(result.stderr, /^ {2}validate \[options\] <files\.\.\.>/m);
    for (const command of ['deploy [options] <files...>', 'start [options] <file>', 'worker [options]', 'status [options] <id>', 'list [options]', 'history [options] <id>', 'state [options] <id>', 'verify [options] [id]', 'cancel [options] <id>', 'suspend [options] <id>', 'resume [options] <id>', 'publish [options]']) {
      assert.ok(result.stderr.includes(`  ${command}`), `the usage lacks ${command}\n${result.stderr}`);
    }
  });

  const badUsageCases = [
    { name: 'an unknown command', args: ['frobnicate'], stderr: /^error: unknown command 'frobnicate'\n/ },
    { name: 'run without a file', args: ['run'], stderr: /^error: missing required argument 'file'\n/ },
    { name: 'validate without files', args: ['validate'], stderr: /^error: missing required argument 'files'\n/ },
  ];
  for (const c of badUsageCases) {
    test(`${c.name} is bad usage (exit 2)`, async () => {
      const result = await itonami(...c.args);
      assert.equal(result.code, 2, explain(result));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, c.stderr);
    });
  }

  test('--help prints the usage on stdout and exits 0', async () => {
    const result = await itonami('--help');
    assert.equal(result.code, 0, explain(result));
    assert.match(result.stdout, /^Usage: itonami \[options\] \[command\]\n/);
    assert.equal(result.stderr, '');
  });

  test('run --help lists every run option', async () => {
    const result = await itonami('run', '--help');
    assert.equal(result.code, 0, explain(result));
    for (const option of ['--input <json>', '--input-file <path>', '--workflows <dir>', '--secret <name=value>', '--secrets-file <path>', '--json-errors', '--quiet']) {
      assert.ok(result.stdout.includes(option), `run --help lacks ${option}\n${result.stdout}`);
    }
  });

  test('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await itonami('--version');
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.stdout, `${version}\n`);
    assert.equal(result.stderr, '');
  });
});
