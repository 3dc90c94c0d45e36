import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { evaluateKotobaFile, evaluateKotobaText, jsonnetProblem } from './jsonnet-evaluation.js';
import { tempDir } from '../../../test/support/temp-dir.js';

/** A temp folder holding `files` (path → text), removed after the test. */
async function folderWith(t: test.TestContext, files: Record<string, string>): Promise<string> {
  const root = await tempDir(t, 'itonami-kotoba-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

test('imports resolve relative to the importing file, through nested folders', async (t) => {
  const root = await folderWith(t, {
    'flows/main.kotoba': "local steps = import 'lib/steps.libsonnet';\n{ workflow: { steps: steps.all } }\n",
    'flows/lib/steps.libsonnet': "local shared = import '../../shared.libsonnet';\n{ all: [shared.first, 'second'] }\n",
    'shared.libsonnet': "{ first: 'first' }\n",
  });
  const result = await evaluateKotobaFile(join(root, 'flows/main.kotoba'));
  assert.deepEqual(result, { ok: true, value: { workflow: { steps: ['first', 'second'] } } });
});

test('text evaluates with its imports anchored at the path it is given', async (t) => {
  const root = await folderWith(t, { 'lib.libsonnet': '{ x: 42 }' });
  const result = await evaluateKotobaText("{ a: (import 'lib.libsonnet').x }", { path: join(root, 'virtual.kotoba') });
  assert.deepEqual(result, { ok: true, value: { a: 42 } });
});

test('library paths are searched after the importing folder', async (t) => {
  const root = await folderWith(t, { 'main.kotoba': "{ a: (import 'common.libsonnet').a }", 'vendor/common.libsonnet': '{ a: 1 }' });
  const result = await evaluateKotobaFile(join(root, 'main.kotoba'), { libraryPaths: [join(root, 'vendor')] });
  assert.deepEqual(result, { ok: true, value: { a: 1 } });
});

test('the newer std functions that libjsonnet 0.12 lacked are there, and extVars reach std.extVar', async () => {
  const source = `{
    get: std.get({ k: 1 }, 'k'), member: std.member([1, 2], 2), sum: std.sum([1, 2, 3]),
    values: std.objectValues({ a: 1, b: 2 }), all: std.all([true, true]), round: std.round(1.5),
    env: std.extVar('stage'),
  }`;
  const result = await evaluateKotobaText(source, { extVars: { stage: 'test' } });
  assert.deepEqual(result, { ok: true, value: { get: 1, member: true, sum: 6, values: [1, 2], all: true, round: 2, env: 'test' } });
});

const errorCases: { name: string; files: Record<string, string>; file: string; line: number; column: number; message: RegExp }[] = [
  {
    name: 'a missing import is reported at the import, in the importing file',
    files: { 'main.kotoba': "{\n  workflow: import 'nope.libsonnet',\n}\n" },
    file: 'main.kotoba',
    line: 2,
    column: 13,
    message: /^Jsonnet error: couldn't open import "nope\.libsonnet"/,
  },
  {
    name: 'a syntax error in an imported file names that file',
    files: { 'main.kotoba': "{ a: import 'lib/broken.libsonnet' }\n", 'lib/broken.libsonnet': '{\n  x: 1 +\n}\n' },
    file: 'lib/broken.libsonnet',
    line: 3,
    column: 1,
    message: /^Jsonnet syntax error: unexpected: "}"/,
  },
  {
    name: 'error "…" is reported where it is raised',
    files: { 'main.kotoba': "local need(x) = if x == null then error 'boom' else x;\n{\n  a: need(null),\n}\n" },
    file: 'main.kotoba',
    line: 1,
    column: 35,
    message: /^Jsonnet error: boom$/,
  },
  {
    name: 'a std function misused is reported at the caller, not inside std',
    files: { 'main.kotoba': "{\n  a: std.length(1),\n}\n" },
    file: 'main.kotoba',
    line: 2,
    column: 6,
    message: /^Jsonnet error: length operates on .*got number/,
  },
];
for (const c of errorCases) {
  test(c.name, async (t) => {
    const root = await folderWith(t, c.files);
    const result = await evaluateKotobaFile(join(root, 'main.kotoba'));
    assert.equal(result.ok, false);
    const [problem, ...rest] = result.ok ? [] : result.problems;
    assert.equal(rest.length, 0);
    assert.match(problem?.message ?? '', c.message);
    assert.deepEqual(
      { pointer: problem?.pointer, file: problem?.file, line: problem?.line, column: problem?.column },
      { pointer: '', file: join(root, c.file), line: c.line, column: c.column },
    );
  });
}

test('a file that cannot be read is a problem naming it', async (t) => {
  const root = await folderWith(t, {});
  const result = await evaluateKotobaFile(join(root, 'absent.kotoba'));
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : (result.problems[0]?.message ?? ''), /^cannot read .*absent\.kotoba: ENOENT/);
});

const locationCases = [
  { message: 'STATIC ERROR: /a b/c.kotoba:2:9: unexpected: "," while parsing terminal\n', line: 2, column: 9, file: '/a b/c.kotoba' },
  { message: 'STATIC ERROR: /x.kotoba:(2:3)-(4:1): something\n', line: 2, column: 3, file: '/x.kotoba' },
  { message: 'RUNTIME ERROR: x\n\t<std>:10:3-9\tfunction <f>\n\t/x.kotoba:(3:5)-(5:2)\tobject <anonymous>\n\tDuring manifestation\t\n', line: 3, column: 5, file: '/x.kotoba' },
  { message: 'RUNTIME ERROR: max stack frames exceeded.\n', line: undefined, column: undefined, file: undefined },
];
for (const c of locationCases) {
  test(`libjsonnet locations are read: ${JSON.stringify(c.message.split('\n')[0])}`, () => {
    const problem = jsonnetProblem(c.message);
    assert.deepEqual({ file: problem.file, line: problem.line, column: problem.column }, { file: c.file, line: c.line, column: c.column });
  });
}
