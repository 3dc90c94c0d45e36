/**
 * `itonami validate FILE...`: exit 0 and silence when every file is valid; exit 2 and one stderr line per problem
 * (`file:line:column: /pointer: message`), naming only the invalid files, when any is not.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, explain, openWorkspace, runCli, singleJsonLine } from './cli-process.js';

const PROBLEM_LINE = /^([^:\s]+):\d+:\d+: \/\S*: \S.*$/;
/** The spec's invalid examples, beside the repository (`../shared/spec`); absent outside the project's workspace. */
const SPEC_INVALID = join('..', 'shared', 'spec', 'invalid');

function problemLines(stderr: string): string[] {
  assert.ok(stderr.endsWith('\n'), `stderr ends with a newline: ${JSON.stringify(stderr)}`);
  return stderr.slice(0, -1).split('\n');
}

describe('itonami validate', { concurrency: 4, timeout: 60_000 }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
  });
  after(() => workspace.close());
  const validate = (...args: string[]) => runCli(['validate', ...args], { cwd: workspace.dir });

  test('valid files: exit 0 and no output at all', async () => {
    const result = await validate('echo.yaml', 'raise.yaml', 'secrets.yaml', 'children/nested/child-2.0.0.yaml');
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, '');
  });

  test('one invalid file among valid ones: exit 2, problems for that file only', async () => {
    const result = await validate('echo.yaml', 'bad-expression-and-then.yaml', 'raise.yaml');
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    const lines = problemLines(result.stderr);
    assert.deepEqual(
      lines.map((line) => /^[^:\s]+:\d+:\d+: \/\S*?(?=: )/.exec(line)?.[0]),
      ['bad-expression-and-then.yaml:6:12: /do/0/one/set/x', 'bad-expression-and-then.yaml:7:13: /do/0/one/then'],
      explain(result),
    );
  });

  test('--json-errors: one JSON array on stderr with the problems of every invalid file', async () => {
    const result = await validate('unknown-property.yaml', 'echo.yaml', 'bad-expression-and-then.yaml', '--json-errors');
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    const problems = singleJsonLine(result.stderr) as Record<string, unknown>[];
    assert.deepEqual(
      problems.map((p) => [p.file, p.instance, p.status]),
      [
        ['unknown-property.yaml', '/do/1/two', 400],
        ['bad-expression-and-then.yaml', '/do/0/one/set/x', 400],
        ['bad-expression-and-then.yaml', '/do/0/one/then', 400],
      ],
    );
  });

  test('a file that does not exist is bad usage (exit 2) and is named', async () => {
    const result = await validate('echo.yaml', 'absent.yaml');
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^itonami: cannot read absent\.yaml: ENOENT\n$/);
  });

  const specSkip = existsSync(join(REPO_ROOT, SPEC_INVALID)) ? false : `${join(REPO_ROOT, SPEC_INVALID)} is absent (the spec examples live beside the repository in the project's workspace)`;
  test("the spec's invalid examples: exit 2, every problem line names its file, every file has one", { skip: specSkip }, async () => {
    const files = (await readdir(join(REPO_ROOT, SPEC_INVALID))).filter((name) => name.endsWith('.yaml')).sort().map((name) => join(SPEC_INVALID, name));
    assert.ok(files.length > 0, `no *.yaml in ${SPEC_INVALID}`);
    const result = await runCli(['validate', ...files], { cwd: REPO_ROOT });
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    const named = problemLines(result.stderr).map((line) => {
      const match = PROBLEM_LINE.exec(line);
      assert.ok(match, `not a problem line: ${line}`);
      return match[1];
    });
    assert.deepEqual([...new Set(named)].sort(), files, explain(result));
  });
});
