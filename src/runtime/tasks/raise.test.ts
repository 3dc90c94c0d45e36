import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFaulted, assertRebuildMatches, openHarness } from '../../../test/support/engine-harness.js';
import { ProblemError, problemTypes } from '../../index.js';

const cases = [
  {
    name: 'an inline error faults the workflow with its fields and this task as instance',
    raise: { error: { type: 'https://example.com/errors/forbidden', status: 403, title: 'Forbidden', detail: 'not yours' } },
    use: {},
    input: {},
    expected: { type: 'https://example.com/errors/forbidden', status: 403, title: 'Forbidden', detail: 'not yours', instance: '/do/0/refuse' },
  },
  {
    name: 'a use.errors entry is raised by name',
    raise: { error: 'notFound' },
    use: { errors: { notFound: { type: 'https://example.com/errors/not-found', status: 404, title: 'Not found' } } },
    input: {},
    expected: { type: 'https://example.com/errors/not-found', status: 404, title: 'Not found', instance: '/do/0/refuse' },
  },
  {
    name: 'an error that sets its own instance keeps it',
    raise: { error: { type: 'https://example.com/errors/x', status: 400, instance: '/somewhere/else' } },
    use: {},
    input: {},
    expected: { type: 'https://example.com/errors/x', status: 400, instance: '/somewhere/else' },
  },
  {
    name: 'expressions in title and detail are evaluated against the input',
    raise: { error: { type: 'https://example.com/errors/age', status: 400, title: '${ "Too young: \\(.age)" }', detail: '${ .name }' } },
    use: {},
    input: { age: 12, name: 'Ann' },
    expected: { type: 'https://example.com/errors/age', status: 400, title: 'Too young: 12', detail: 'Ann', instance: '/do/0/refuse' },
  },
  {
    name: 'a standard error type keeps its spec URI',
    raise: { error: { type: problemTypes.authentication.type, status: 401 } },
    use: {},
    input: {},
    expected: { type: problemTypes.authentication.type, status: 401, instance: '/do/0/refuse' },
  },
] as const;

for (const c of cases) {
  test(`raise: ${c.name}`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define([{ refuse: { raise: c.raise } }, { never: { set: { reached: true } } }], { use: c.use }), c.input);
    assert.deepEqual(assertFaulted(result), c.expected);
    const state = await h.engine.getExecution(result.executionId);
    assert.deepEqual(state?.tasks.map((task) => [task.name, task.status]), [['refuse', 'faulted']]);
    assert.deepEqual(state?.error, c.expected);
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

test('raise: a type expression that does not yield a string faults with a validation error', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ refuse: { raise: { error: { type: '${ .code }', status: 400 } } } }]), { code: 42 });
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.validation.type);
  assert.equal(error.instance, '/do/0/refuse');
  assert.match(String(error.detail), /string type/);
});

test('raise: an unknown use.errors name is rejected when the definition loads', async (t) => {
  const h = await openHarness(t);
  const result = h.engine.validate({
    document: { dsl: '1.0.3', namespace: 'test', name: 'unknown-error', version: '1.0.0' },
    do: [{ refuse: { raise: { error: 'nope' } } }],
  });
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(JSON.stringify(result.problems), /use\.errors/);
});

test('raise: the Itonami ${ } form in a catch re-raises the caught error unchanged, extension members and instance kept', async (t) => {
  const caught = { type: 'https://example.com/errors/teapot', status: 418, title: 'Odd', detail: 'odd status', code: 'TEAPOT', instance: '/elsewhere' };
  const h = await openHarness(t, {
    functions: {
      fail: () => {
        throw new ProblemError(caught);
      },
    },
  });
  const definition = h.define([
    {
      guarded: {
        try: [{ fail: { call: 'fail' } }],
        catch: { do: [{ compensate: { set: { compensated: true } } }, { rethrow: { raise: { error: '${ $error }' } } }] },
      },
    },
  ]);
  const result = await h.run(definition);
  assert.deepEqual(assertFaulted(result), caught);
  await assertRebuildMatches(h.engine, result.executionId);
});

test('raise: a ${ } form that does not yield an error object faults with a validation error', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ refuse: { raise: { error: '${ .reason }' } } }]), { reason: 'just text' });
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.validation.type);
  assert.equal(error.instance, '/do/0/refuse');
});
