/**
 * `--activities MODULE` on `run`, `start` and `worker`: an ES module's `{ name, run }` exports become the functions
 * `call: <name>` reaches, with no import of itonami in the module; bad modules are bad usage (exit 2).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { explain, openWorkspace, runCli, singleJsonLine } from './cli-process.js';

const TIMEOUT_MS = 60_000;

const GREET_YAML = `document: { dsl: '1.0.3', namespace: test, name: greet, version: '1.0.0' }
do:
  - greet: { call: greet, with: { name: '\${ .name }' } }
  - shout: { call: shout, with: { text: '\${ .greeting }' } }
`;

describe('itonami --activities MODULE', { concurrency: 4, timeout: TIMEOUT_MS }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
    const { dir } = workspace;
    await writeFile(join(dir, 'greet.yaml'), GREET_YAML);
    await writeFile(
      join(dir, 'greetings.mjs'),
      `export const greet = { name: 'greet', run: (input, ctx) => ({ greeting: 'hello ' + input.name, keyed: ctx.idempotencyKey.length > 0 }) };
export const helper = 42;\n`,
    );
    await writeFile(join(dir, 'shouting.mjs'), `export default { name: 'shout', run: async (input) => ({ shouted: input.text.toUpperCase() }) };\n`);
    await writeFile(join(dir, 'again.mjs'), `export const other = { name: 'greet', run: () => null };\n`);
    await writeFile(join(dir, 'nothing.mjs'), 'export const answer = 42;\n');
  });
  after(() => workspace.close());
  const itonami = (...args: string[]) => runCli(args, { cwd: workspace.dir });

  test('run calls the activities of every module given', async () => {
    const result = await itonami('run', 'greet.yaml', '--activities', 'greetings.mjs', '--activities', 'shouting.mjs', '--input', '{"name":"ann"}', '--quiet', '--db', 'run.db');
    assert.equal(result.code, 0, explain(result));
    assert.deepEqual(singleJsonLine(result.stdout), { shouted: 'HELLO ANN' });
  });

  test('start and worker: a worker given the modules runs what start created', async () => {
    const args = ['--activities', 'greetings.mjs', '--activities', 'shouting.mjs', '--db', 'worker.db'];
    const started = await itonami('start', 'greet.yaml', '--input', '{"name":"bo"}', '--id', 'greet-1', ...args);
    assert.equal(started.code, 0, explain(started));
    const worked = await itonami('worker', '--until-idle', '--max-wait', '1s', '--quiet', ...args);
    assert.equal(worked.code, 0, explain(worked));
    const state = await itonami('state', 'greet-1', '--db', 'worker.db');
    assert.equal(state.code, 0, explain(state));
    assert.deepEqual((singleJsonLine(state.stdout) as { output: unknown }).output, { shouted: 'HELLO BO' });
  });

  const bad = [
    { name: 'two activities with one name', modules: ['greetings.mjs', 'again.mjs'], stderr: /two activities are named greet \(in greetings\.mjs and again\.mjs\)/ },
    { name: 'a module that exports no activity', modules: ['nothing.mjs'], stderr: /nothing\.mjs: it exports no activity/ },
    { name: 'a module that cannot be imported', modules: ['missing.mjs'], stderr: /missing\.mjs: cannot import it/ },
  ];
  for (const c of bad) {
    test(`${c.name} is bad usage (exit 2), nothing run`, async () => {
      const result = await itonami('run', 'greet.yaml', ...c.modules.flatMap((module) => ['--activities', module]), '--db', 'bad.db');
      assert.equal(result.code, 2, explain(result));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, c.stderr);
    });
  }

  test('without the module, a call of the activity is an invalid definition (exit 2) naming it', async () => {
    const result = await itonami('run', 'greet.yaml', '--activities', 'greetings.mjs', '--db', 'missing-one.db');
    assert.equal(result.code, 2, explain(result));
    assert.match(result.stderr, /shout/);
  });
});
