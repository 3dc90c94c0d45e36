/**
 * The public Engine's newer forms: store descriptors, `start({ definition, input, id })`, `getExecutionAt`,
 * `getHistory`, `load(path)` and the `WorkflowError` of a faulted result. The older forms are covered everywhere else.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { DefinitionInvalidError, type Engine, ExecutionExistsError, ExecutionNotFoundError, type WorkflowError, createEngine, problemTypes } from './index.js';
import { tempDir } from '../test/support/temp-dir.js';

const GREET_YAML = `document: { dsl: '1.0.3', namespace: test, name: greet, version: '1.0.0' }
do:
  - greet:
      set:
        greeting: '\${ "Hello, " + .name + "!" }'
`;

const FAIL = {
  document: { dsl: '1.0.3', namespace: 'test', name: 'fail', version: '1.0.0' },
  do: [{ boom: { raise: { error: { type: problemTypes.validation.type, status: 400, detail: 'no name' } } } }],
};

async function workspace(t: TestContext): Promise<string> {
  return tempDir(t, 'create-engine-');
}

async function memoryEngine(t: TestContext): Promise<Engine> {
  const engine = await createEngine({ store: { kind: 'memory' } });
  t.after(() => engine.close());
  return engine;
}

test('{ kind: sqlite, path }: histories outlive the engine, which closes the database it opened', async (t) => {
  const path = join(await workspace(t), 'itonami.db');
  const first = await createEngine({ store: { kind: 'sqlite', path, synchronous: 'NORMAL' } });
  const result = await first.run(first.load(GREET_YAML), { input: { name: 'Ann' } });
  assert.deepEqual(result, { executionId: result.executionId, status: 'completed', output: { greeting: 'Hello, Ann!' } });
  assert.equal(existsSync(`${path}-wal`), true, 'the WAL is open while the engine runs');
  await first.close();
  // SQLite removes the WAL when the last connection closes, so its absence shows the engine closed the store.
  assert.equal(existsSync(`${path}-wal`), false);

  const second = await createEngine({ store: { kind: 'sqlite', path } });
  t.after(() => second.close());
  const state = await second.getExecution(result.executionId);
  assert.equal(state?.status, 'completed');
  assert.deepEqual(state?.output, { greeting: 'Hello, Ann!' });
});

test('a bad store descriptor rejects createEngine with a TypeError naming the field', async () => {
  await assert.rejects(createEngine({ store: { kind: 'sqlite' } as never }), {
    name: 'TypeError',
    message: 'createEngine option store.path: expected a database file path (a non-empty string), found undefined',
  });
  await assert.rejects(createEngine({ store: { kind: 'mongo' } as never }), { name: 'TypeError', message: /store\.kind: expected 'memory' or 'sqlite', found "mongo"/ });
});

test('start({ definition, input, id }) is start(definition, { input, executionId }), idempotent on id', async (t) => {
  const engine = await memoryEngine(t);
  const definition = engine.load(GREET_YAML);
  const handle = await engine.start({ definition, input: { name: 'Bo' }, id: 'greet-bo' });
  assert.equal(handle.executionId, 'greet-bo');
  assert.deepEqual(await handle.result(), { executionId: 'greet-bo', status: 'completed', output: { greeting: 'Hello, Bo!' } });

  const again = await engine.start({ definition, input: { name: 'Bo' }, id: 'greet-bo' });
  assert.equal(again.executionId, 'greet-bo');
  const positional = await engine.start(definition, { input: { name: 'Bo' }, executionId: 'greet-bo' });
  assert.equal(positional.executionId, 'greet-bo');
  assert.equal((await engine.listExecutions()).length, 1);
  await assert.rejects(engine.start({ definition, input: { name: 'Cy' }, id: 'greet-bo' }), ExecutionExistsError);

  const fresh = await engine.start({ definition, input: { name: 'Di' } });
  assert.notEqual(fresh.executionId, 'greet-bo');
  assert.deepEqual(await engine.waitForCompletion(fresh.executionId), { executionId: fresh.executionId, status: 'completed', output: { greeting: 'Hello, Di!' } });
});

test('run({ definition, input, id }) starts and waits like start', async (t) => {
  const engine = await memoryEngine(t);
  const result = await engine.run({ definition: engine.load(GREET_YAML), input: { name: 'Ed' }, id: 'greet-ed' });
  assert.deepEqual(result, { executionId: 'greet-ed', status: 'completed', output: { greeting: 'Hello, Ed!' } });
});

test('a bad start request rejects with a TypeError naming the field, starting nothing', async (t) => {
  const engine = await memoryEngine(t);
  const definition = engine.load(GREET_YAML);
  await assert.rejects(engine.start({ definition: undefined as never, input: {} }), {
    name: 'TypeError',
    message: /^engine\.start: definition: expected a Definition \(what engine\.load or engine\.loadFile returns\), found undefined$/,
  });
  await assert.rejects(engine.start({ definition: { name: 'greet' } as never }), { name: 'TypeError', message: /definition: expected a Definition .*found \{"name":"greet"\}/ });
  await assert.rejects(engine.start({ definition, id: '' }), { name: 'TypeError', message: 'engine.start: id: expected a non-empty string, found ""' });
  await assert.rejects(engine.run({ definition, id: 7 as never }), { name: 'TypeError', message: 'engine.run: id: expected a non-empty string, found 7' });
  await assert.rejects(engine.start({ definition }, { input: {} }), { name: 'TypeError', message: /takes one argument/ });
  assert.deepEqual(await engine.listExecutions(), []);
});

test('getExecutionAt(id, version) is the state at that seq; getHistory(id) is history(id)', async (t) => {
  const engine = await memoryEngine(t);
  const { executionId } = await engine.run(engine.load(GREET_YAML), { input: { name: 'Flo' } });
  const history = await engine.getHistory(executionId);
  assert.deepEqual(history, await engine.history(executionId));
  assert.equal(history[0]?.type, 'WorkflowStarted');
  assert.equal(history.at(-1)?.type, 'WorkflowCompleted');
  assert.deepEqual(await engine.getHistory(executionId, { fromSeq: 2, toSeq: 2 }), history.slice(1, 2));

  const head = history.length;
  const atStart = await engine.getExecutionAt(executionId, 1);
  assert.equal(atStart?.status, 'running');
  assert.equal(atStart?.output, undefined);
  assert.deepEqual(await engine.getExecutionAt(executionId, head), await engine.getExecution(executionId));
  assert.equal((await engine.getExecutionAt(executionId, head))?.status, 'completed');
  await assert.rejects(engine.getExecutionAt(executionId, head + 1), RangeError);
  await assert.rejects(engine.getExecutionAt(executionId, 0), RangeError);
  assert.equal(await engine.getExecutionAt('nope', 1), undefined);
  await assert.rejects(engine.getHistory('nope'), ExecutionNotFoundError);
});

test('a faulted result carries a WorkflowError: the RFC 7807 problem the workflow raised', async (t) => {
  const engine = await memoryEngine(t);
  const result = await engine.run({ definition: engine.load(FAIL) });
  assert.equal(result.status, 'faulted');
  if (result.status !== 'faulted') return;
  const error: WorkflowError = result.error;
  assert.equal(error.type, problemTypes.validation.type);
  assert.equal(error.status, 400);
  assert.equal(error.detail, 'no name');
  assert.equal(error.instance, '/do/0/boom');
});

test('load(path) reads a one-line .yaml/.yml/.json string as a file; anything else stays text', async (t) => {
  const dir = await workspace(t);
  const engine = await memoryEngine(t);
  await writeFile(join(dir, 'greet.yaml'), GREET_YAML);
  await writeFile(join(dir, 'fail.JSON'), JSON.stringify(FAIL));
  const fromYaml = engine.load(join(dir, 'greet.yaml'));
  assert.equal(fromYaml.path, join(dir, 'greet.yaml'));
  assert.deepEqual(fromYaml, engine.load(GREET_YAML, { path: join(dir, 'greet.yaml') }));
  assert.equal(engine.load(join(dir, 'fail.JSON')).name, 'fail');
  const validated = engine.validate(join(dir, 'greet.yaml'));
  assert.equal(validated.ok, true);
  assert.equal((await engine.run(fromYaml, { input: { name: 'Gus' } })).status, 'completed');
  // A line break makes it text: YAML whose last line happens to end in `.yaml` is still a document.
  const text = `${GREET_YAML}# see greet.yaml`;
  assert.equal(engine.load(text).hash, fromYaml.hash, 'the comment changes nothing parsed, so the hash is the same');
});

test('load(path) of a serde WorkflowIR .json compiles it, as loadFile does', async (t) => {
  const dir = await workspace(t);
  const engine = await createEngine({ functions: { check: (input) => ({ ok: (input as { id: string }).id === 'o-7' }) } });
  t.after(() => engine.close());
  const path = join(dir, 'flow.json');
  await writeFile(path, JSON.stringify({
    id: 'serde_flow', name: 'Serde flow', description: null, version: '1.0.0',
    inputs: [{ name: 'orderId', param_type: 'string', required: true, default_value: null }],
    outputs: [{ name: 'ok', param_type: 'boolean', required: false, default_value: null }],
    strategy: { op: 'Seq', strategies: [{ op: 'Activity', activity_ref: 'check', input_mapping: { id: '$.inputs.orderId' }, retry_policy: null }] },
    timeout: null, retry_policy: null, metadata: {},
  }));
  const definition = engine.load(path);
  assert.equal(definition.hash, (await engine.loadFile(path)).hash);
  const result = await engine.run({ definition, input: { orderId: 'o-7' } });
  assert.deepEqual(result.status === 'completed' ? result.output : result, { ok: true });
});

test('load(path) of a missing file throws DefinitionInvalidError naming it; a .kotoba path points to loadFile', async (t) => {
  const dir = await workspace(t);
  const engine = await memoryEngine(t);
  const missing = join(dir, 'missing.yml');
  assert.throws(
    () => engine.load(missing),
    (error: unknown) => error instanceof DefinitionInvalidError && error.problems[0]?.message === `cannot read ${missing}: ENOENT` && error.message.includes(missing),
  );
  assert.deepEqual(engine.validate(missing), {
    ok: false,
    problems: [{ pointer: '', message: `cannot read ${missing}: ENOENT`, expected: 'a readable definition file', found: 'ENOENT' }],
  });
  assert.throws(() => engine.load('order.kotoba'), {
    name: 'TypeError',
    message: "'order.kotoba' is a .kotoba file, Jsonnet evaluated asynchronously: use await engine.loadFile('order.kotoba') (or validateFile)",
  });
  assert.throws(() => engine.validate('order.KOTOBA'), { name: 'TypeError', message: /use await engine\.loadFile/ });
});
