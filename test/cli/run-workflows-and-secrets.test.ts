/**
 * `itonami run --workflows DIR` (sub-workflows for `run.workflow`) and `--secret`/`--secrets-file` (`$secrets`),
 * pinned on the real bin in child processes.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { explain, openWorkspace, runCli, singleJsonLine } from './cli-process.js';

const ERRORS = 'https://serverlessworkflow.io/spec/1.0.0/errors/';
const TIMEOUT_MS = 60_000;

describe('itonami run --workflows and secrets', { concurrency: 4, timeout: TIMEOUT_MS }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
    const { dir } = workspace;
    await mkdir(join(dir, 'children-and-invalid'));
    await copyFile(join(dir, 'children', 'child-1.0.0.yaml'), join(dir, 'children-and-invalid', 'child-1.0.0.yaml'));
    await copyFile(join(dir, 'unknown-property.yaml'), join(dir, 'children-and-invalid', 'unknown-property.yaml'));
    await writeFile(join(dir, 'secret-values.json'), '{"apiKey": "json-key-123", "dbPass": "json-pass-456"}\n');
    await writeFile(join(dir, 'secret-values.yaml'), 'apiKey: yaml-key-123\ndbPass: yaml-pass-456\n');
    await writeFile(join(dir, 'secrets-list.json'), '["apiKey"]\n');
  });
  after(() => workspace.close());
  const run = (...args: string[]) => runCli(['run', ...args], { cwd: workspace.dir });

  const childCases = [
    { name: 'an exact version', file: 'parent.yaml', output: '{"version":"1.0.0","doubled":10}\n' },
    { name: 'version: latest (the highest, found in a subfolder)', file: 'parent-latest.yaml', output: '{"version":"2.0.0","tripled":15}\n' },
  ];
  for (const c of childCases) {
    test(`run.workflow finds ${c.name} in --workflows DIR and the run ends with the child's output`, async () => {
      const result = await run(c.file, '--workflows', 'children', '--input', '{"n": 5}');
      assert.equal(result.code, 0, explain(result));
      assert.equal(result.stdout, c.output);
    });
  }

  const missingChildCases = [
    { name: 'not in --workflows DIR', args: ['parent-missing-child.yaml', '--workflows', 'children'], child: 'lib/absent@1.0.0' },
    // A database of its own: earlier tests stored the child in the shared one, and a stored definition is known.
    { name: 'given without --workflows', args: ['parent.yaml', '--input', '{"n": 5}', '--db', 'no-children.db'], child: 'lib/child@1.0.0' },
  ];
  for (const c of missingChildCases) {
    test(`a child workflow ${c.name} faults the run with a configuration error (exit 1)`, async () => {
      const result = await run(...c.args, '--quiet');
      assert.equal(result.code, 1, explain(result));
      const error = singleJsonLine(result.stdout) as Record<string, unknown>;
      assert.equal(error.type, `${ERRORS}configuration`);
      assert.equal(error.status, 400);
      assert.equal(error.instance, '/do/0/callChild');
      assert.ok(String(error.detail).includes(c.child), `the detail names ${c.child}: ${String(error.detail)}`);
    });
  }

  test('an invalid definition in --workflows DIR stops the run before it starts: exit 2, its problems on stderr', async () => {
    const result = await run('parent.yaml', '--workflows', 'children-and-invalid', '--input', '{"n": 5}');
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^children-and-invalid\/unknown-property\.yaml:9:7: \/do\/1\/two: .*'bogus'.*\n$/);
  });

  test('a --workflows folder that does not exist is bad usage (exit 2)', async () => {
    const result = await run('parent.yaml', '--workflows', 'absent');
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^itonami: cannot read the workflows folder absent: ENOENT\n$/);
  });

  const secretCases = [
    {
      name: '--secret NAME=VALUE, a JSON value parsed',
      args: ['--secret', 'apiKey=s3cr3t-key', '--secret', 'dbPass={"user":"u","password":"pw-123"}'],
      output: '{"key":"s3cr3t-key","db":{"user":"u","password":"pw-123"}}\n',
      values: ['s3cr3t-key', 'pw-123'],
    },
    {
      name: '--secrets-file with JSON',
      args: ['--secrets-file', 'secret-values.json'],
      output: '{"key":"json-key-123","db":"json-pass-456"}\n',
      values: ['json-key-123', 'json-pass-456'],
    },
    {
      name: '--secrets-file with YAML, --secret overriding one',
      args: ['--secrets-file', 'secret-values.yaml', '--secret', 'dbPass=override-789'],
      output: '{"key":"yaml-key-123","db":"override-789"}\n',
      values: ['yaml-key-123', 'override-789'],
    },
  ];
  for (const c of secretCases) {
    test(`${c.name} reaches $secrets, and no value shows in the progress`, async () => {
      const result = await run('secrets.yaml', ...c.args);
      assert.equal(result.code, 0, explain(result));
      assert.equal(result.stdout, c.output);
      assert.match(result.stderr, /^started {3}\/do\/0\/reveal\n/);
      for (const value of c.values) assert.ok(!result.stderr.includes(value), `stderr shows the secret ${value}:\n${result.stderr}`);
    });
  }

  test('a secret declared in use.secrets but not given faults the run with an authorization error (403)', async () => {
    const result = await run('secrets.yaml', '--secret', 'apiKey=only-this-one', '--quiet');
    assert.equal(result.code, 1, explain(result));
    const error = singleJsonLine(result.stdout) as Record<string, unknown>;
    assert.equal(error.type, `${ERRORS}authorization`);
    assert.equal(error.status, 403);
    assert.match(String(error.detail), /'dbPass'/);
  });

  test('a secret quoted in an error detail is redacted in the error on stdout and in the progress on stderr', async () => {
    const result = await run('secret-in-error.yaml', '--secret', 'apiKey=s3cr3t-key');
    assert.equal(result.code, 1, explain(result));
    const error = singleJsonLine(result.stdout) as Record<string, unknown>;
    assert.equal(error.type, `${ERRORS}expression`);
    assert.equal(error.instance, '/do/0/useKey');
    assert.match(result.stderr, /^faulted {3}\/do\/0\/useKey \(\d+ ms\): Expression error - .*\*\*\*/m);
    assert.ok(!result.stderr.includes('s3cr3t-key'), `stderr shows the secret:\n${result.stderr}`);
    assert.ok(!result.stdout.includes('s3cr3t-key'), `stdout shows the secret:\n${result.stdout}`);
    assert.match(String(error.detail), /\*\*\*/);
  });

  const badSecretCases = [
    { name: 'a --secret without =', args: ['--secret', 'no-equals'], stderr: /^itonami: --secret expects NAME=VALUE, found 'no-equals'\n$/ },
    { name: 'a --secrets-file that is not an object', args: ['--secrets-file', 'secrets-list.json'], stderr: /^itonami: --secrets-file: secrets-list\.json must hold an object of name: value\n$/ },
  ];
  for (const c of badSecretCases) {
    test(`${c.name} is bad usage (exit 2)`, async () => {
      const result = await run('secrets.yaml', ...c.args);
      assert.equal(result.code, 2, explain(result));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, c.stderr);
    });
  }
});
