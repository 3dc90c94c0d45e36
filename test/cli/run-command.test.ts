/**
 * `itonami run`: the contract scripts depend on (README "CLI reference"), pinned on the real bin in child processes.
 * Completed: exit 0, the output as one line of compact JSON on stdout, progress on stderr. Faulted: exit 1, the
 * RFC 7807 error on stdout. Invalid definition or bad usage: exit 2, nothing on stdout, one line per problem
 * (`file:line:column: /pointer: message`) on stderr.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, explain, normaliseTimings, openWorkspace, runCli, singleJsonLine } from './cli-process.js';

const ERRORS = 'https://serverlessworkflow.io/spec/1.0.0/errors/';
/** `file:line:column: /pointer: message`, the shape of every problem line. */
const PROBLEM_LINE = /^[^:\s]+:\d+:\d+: \/\S*: \S.*$/;
const TIMEOUT_MS = 60_000;

describe('itonami run', { concurrency: 4, timeout: TIMEOUT_MS }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
    await writeFile(join(workspace.dir, 'input.json'), '{"a": [1, "two"], "b": {"c": null}}\n');
    await writeFile(join(workspace.dir, 'input.yaml'), 'a:\n  - 1\n  - two\nb:\n  c: null\n');
  });
  after(() => workspace.close());
  const run = (...args: string[]) => runCli(['run', ...args], { cwd: workspace.dir });

  test('a completed run prints the output as one line of compact JSON on stdout and its progress on stderr', async () => {
    const result = await run('echo.yaml', '--input', '{"a": 1}');
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.stdout, '{"got":{"a":1}}\n');
    assert.equal(normaliseTimings(result.stderr), 'started   /do/0/echo\ncompleted /do/0/echo (N ms)\n');
  });

  test('without --input the input is {}, and --quiet leaves stderr empty', async () => {
    const result = await run('echo.yaml', '--quiet');
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.stdout, '{"got":{}}\n');
    assert.equal(result.stderr, '');
  });

  for (const file of ['input.json', 'input.yaml']) {
    test(`--input-file reads the input from ${file}`, async () => {
      const result = await run('echo.yaml', '--input-file', file, '--quiet');
      assert.equal(result.code, 0, explain(result));
      assert.equal(result.stdout, '{"got":{"a":[1,"two"],"b":{"c":null}}}\n');
    });
  }

  const usageCases = [
    { name: '--input and --input-file together', args: ['echo.yaml', '--input', '{}', '--input-file', 'input.json'], stderr: /^itonami: give --input or --input-file, not both\n$/ },
    { name: '--input that is not JSON', args: ['echo.yaml', '--input', 'not json'], stderr: /^itonami: --input is not valid JSON: .+\n$/ },
    { name: 'an --input-file that does not exist', args: ['echo.yaml', '--input-file', 'absent.json'], stderr: /^itonami: --input-file: cannot read absent\.json: ENOENT\n$/ },
    { name: 'a definition file that does not exist', args: ['absent.yaml'], stderr: /^itonami: cannot read absent\.yaml: ENOENT\n$/ },
    { name: 'an unknown option', args: ['echo.yaml', '--no-such-option'], stderr: /^error: unknown option '--no-such-option'\n\(run itonami --help for usage\)\n$/ },
  ];
  for (const c of usageCases) {
    test(`${c.name} is bad usage: exit 2, nothing on stdout, the reason on stderr`, async () => {
      const result = await run(...c.args);
      assert.equal(result.code, 2, explain(result));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, c.stderr);
    });
  }

  test('a faulted run exits 1 with the RFC 7807 error as one line of JSON, instance = the task pointer', async () => {
    const result = await run('raise.yaml');
    assert.equal(result.code, 1, explain(result));
    assert.deepEqual(singleJsonLine(result.stdout), {
      type: `${ERRORS}runtime`,
      status: 500,
      title: 'Boom',
      detail: 'it broke',
      instance: '/do/0/fail',
    });
    assert.equal(normaliseTimings(result.stderr), 'started   /do/0/fail\nfaulted   /do/0/fail (N ms): Boom - it broke\n');
  });

  test('input that fails the input schema faults the run with a validation error at /input', async () => {
    const result = await run('input-schema.yaml', '--input', '{"a": "not an integer"}', '--quiet');
    assert.equal(result.code, 1, explain(result));
    const error = singleJsonLine(result.stdout) as Record<string, unknown>;
    assert.equal(error.type, `${ERRORS}validation`);
    assert.equal(error.status, 400);
    assert.equal(error.instance, '/input');
    assert.match(String(error.detail), /schema/);
    assert.equal(result.stderr, '');
  });

  const definitionCases = [
    { name: 'an unknown property', file: 'unknown-property.yaml', lines: [{ at: 'unknown-property.yaml:9:7: /do/1/two: ', says: /'bogus'/ }] },
    {
      name: 'an expression that does not compile and a then to a missing task',
      file: 'bad-expression-and-then.yaml',
      lines: [
        { at: 'bad-expression-and-then.yaml:6:12: /do/0/one/set/x: ', says: /jq expression/ },
        { at: 'bad-expression-and-then.yaml:7:13: /do/0/one/then: ', says: /'nowhere'/ },
      ],
    },
    { name: 'a file that is not YAML', file: 'bad-yaml.yaml', lines: [{ at: 'bad-yaml.yaml:2:12: /: ', says: /cannot parse/ }] },
  ];
  for (const c of definitionCases) {
    test(`a definition with ${c.name} is not run: exit 2, one stderr line per problem`, async () => {
      const result = await run(c.file);
      assert.equal(result.code, 2, explain(result));
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.endsWith('\n'), explain(result));
      const lines = result.stderr.slice(0, -1).split('\n');
      for (const line of lines) assert.match(line, PROBLEM_LINE);
      // The YAML parser reports each parse error it recovers from; the first one is the one pinned.
      if (c.file !== 'bad-yaml.yaml') assert.equal(lines.length, c.lines.length, explain(result));
      c.lines.forEach((expected, index) => {
        const line = lines[index] ?? '';
        assert.ok(line.startsWith(expected.at), `line ${index + 1}: expected ${expected.at}…, found ${line}`);
        assert.match(line, expected.says);
      });
    });
  }

  test('--json-errors prints the problems as one JSON array of RFC 7807 objects on stderr', async () => {
    const result = await run('bad-expression-and-then.yaml', '--json-errors');
    assert.equal(result.code, 2, explain(result));
    assert.equal(result.stdout, '');
    const problems = singleJsonLine(result.stderr);
    assert.ok(Array.isArray(problems), explain(result));
    assert.deepEqual(
      problems.map((p: Record<string, unknown>) => [p.type, p.status, p.instance, p.file, p.line, p.column]),
      [
        [`${ERRORS}validation`, 400, '/do/0/one/set/x', 'bad-expression-and-then.yaml', 6, 12],
        [`${ERRORS}validation`, 400, '/do/0/one/then', 'bad-expression-and-then.yaml', 7, 13],
      ],
    );
    for (const p of problems as Record<string, unknown>[]) {
      assert.equal(typeof p.title, 'string');
      assert.equal(typeof p.detail, 'string');
    }
  });

  test("the README's command greets Itonami", async () => {
    // Run from the repository as the README says, but keep the history in the workspace, not in the clone.
    const db = join(workspace.dir, 'readme.db');
    const result = await runCli(['run', 'examples/hello-world.yaml', '--input', '{"name":"Itonami"}', '--db', db], { cwd: REPO_ROOT });
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.stdout, '{"greeting":"Hello, Itonami!"}\n');
  });
});
