import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runContext } from '../../test/support/activity-context.js';
import { assertCompleted, assertFaulted, documentHeader, openHarness } from '../../test/support/engine-harness.js';
import { problemTypes } from '../model/problems.js';
import { functionActivity } from './function-activity.js';

test('functionActivity(name, fn, options): runs fn with the input and the run context, and keeps the options', async () => {
  const seen: string[] = [];
  const greet = functionActivity(
    'greet',
    (input: { name: string }, ctx) => {
      seen.push(`${ctx.taskReference}#${ctx.attempt}`);
      return { greeting: `Hello, ${input.name}!` };
    },
    { timeout: 'PT5S', retry: { limit: { attempt: { count: 2 } } } },
  );
  assert.equal(greet.name, 'greet');
  assert.equal(greet.timeout, 'PT5S');
  assert.deepEqual(greet.retry, { limit: { attempt: { count: 2 } } });
  assert.deepEqual(await greet.run({ name: 'Ann' }, runContext(undefined, '/do/0/greet')), { greeting: 'Hello, Ann!' });
  assert.deepEqual(seen, ['/do/0/greet#1']);
});

test('functionActivity({ name, run, ...options }) is the object form of the same thing', async () => {
  const double = functionActivity({ name: 'double', inputSchema: { type: 'number' }, run: async (n: number) => n * 2 });
  assert.deepEqual(double.inputSchema, { type: 'number' });
  assert.equal(await double.run(21, runContext()), 42);
  assert.deepEqual(Object.keys(double).sort(), ['inputSchema', 'name', 'run'], 'nothing but the definition');
});

const invalid = [
  { name: 'no run function', make: () => functionActivity({ name: 'x' } as never), message: /needs a non-empty string name and a run function/ },
  { name: 'an empty name', make: () => functionActivity(' ', () => null), message: /non-empty string name/ },
  { name: 'an option that cannot be used', make: () => functionActivity('x', () => null, { timeout: 'soon' }), message: /\/timeout/ },
];
for (const c of invalid) {
  test(`functionActivity throws a TypeError on ${c.name}`, () => {
    assert.throws(c.make, (error: unknown) => error instanceof TypeError && c.message.test(error.message));
  });
}

test('functionActivity: called from a workflow as call: <name>, its options applied; a thrown error is a runtime problem', async (t) => {
  const greet = functionActivity('greet', (input: { name: string }) => ({ greeting: `Hello, ${input.name}!` }));
  const attempts: number[] = [];
  const fail = functionActivity(
    'fail',
    (_input, ctx) => {
      attempts.push(ctx.attempt);
      throw Object.assign(new Error('no such customer'), { code: 'E_CUSTOMER' });
    },
    { retry: { limit: { attempt: { count: 1 } } } },
  );
  const h = await openHarness(t, { functions: { [greet.name]: greet, [fail.name]: fail } });
  const hello = h.engine.load({ document: documentHeader('hello'), do: [{ hi: { call: 'greet', with: { name: '${ .who }' } } }] });
  assert.deepEqual(assertCompleted(await h.run(hello, { who: 'Ann' })), { greeting: 'Hello, Ann!' });
  const broken = h.engine.load({ document: documentHeader('broken'), do: [{ boom: { call: 'fail' } }] });
  const error = assertFaulted(await h.run(broken));
  assert.equal(error.type, problemTypes.runtime.type);
  assert.equal(error.code, 'E_CUSTOMER');
  assert.equal(error.detail, 'no such customer');
  assert.deepEqual(attempts, [1, 2], 'the activity retry ran once');
});
