import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { type ActivityDefinition, WorkflowEngine, createEngine, defineActivity } from './index.js';
import { tempDir } from '../test/support/temp-dir.js';

const greet = defineActivity({ name: 'greet', run: (input) => ({ greeting: `Hello, ${(input as { name: string }).name}!` }) });
const shout = defineActivity({ name: 'shout', run: (input) => ({ loud: `${(input as { greeting: string }).greeting.toUpperCase()}` }) });

const DOCUMENT = {
  document: { dsl: '1.0.3', namespace: 'test', name: 'builder', version: '1.0.0' },
  use: { secrets: ['suffix'] },
  do: [
    { greet: { call: 'greet', with: { name: '${ .name }' } } },
    { shout: { call: 'shout', with: { greeting: '${ .greeting }' } } },
    { sign: { set: { loud: '${ .loud + $secrets.suffix }' } } },
  ],
};

test('WorkflowEngine.builder() builds the engine createEngine would: store, activities, secrets, options', async (t) => {
  const dir = await tempDir(t, 'engine-builder-');
  const path = join(dir, 'built.db');
  const engine = await WorkflowEngine.builder()
    .store({ kind: 'sqlite', path })
    .activity(greet)
    .activities([shout])
    .secrets({ suffix: '!!' })
    .options({ leaseMs: 10_000 })
    .build();
  const result = await engine.run({ definition: engine.load(DOCUMENT), input: { name: 'ann' }, id: 'built-1' });
  assert.deepEqual(result, { executionId: 'built-1', status: 'completed', output: { loud: 'HELLO, ANN!!!' } });
  await engine.close();

  // The store was the SQLite file: another engine on it sees the execution.
  const reader = await createEngine({ store: { kind: 'sqlite', path } });
  t.after(() => reader.close());
  assert.equal((await reader.getExecution('built-1'))?.status, 'completed');
});

test('the builder refuses a non-activity and a second activity of one name at once', () => {
  const builder = WorkflowEngine.builder().activity(greet);
  assert.throws(() => builder.activity({ ...shout, name: 'greet' }), { name: 'TypeError', message: "WorkflowEngine.builder().activity: an activity named 'greet' is already registered" });
  assert.throws(() => builder.activities([{ name: 'x' } as unknown as ActivityDefinition]), { name: 'TypeError', message: /expected an activity definition \{ name, run\(input, ctx\) \}/ });
});

test('build() rejects what createEngine rejects: bad activity options, a bad store', async () => {
  const bad = { name: 'bad', run: () => null, retry: { limit: { attempt: { count: -1 } } } } as unknown as ActivityDefinition;
  await assert.rejects(WorkflowEngine.builder().activity(bad).build(), { name: 'TypeError', message: /\/retry\/limit\/attempt\/count/ });
  await assert.rejects(WorkflowEngine.builder().store({ kind: 'sqlite', path: '' }).build(), { name: 'TypeError', message: /store\.path/ });
});
