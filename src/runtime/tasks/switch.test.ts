import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCompleted, assertFaulted, assertRebuildMatches, openHarness } from '../../../test/support/engine-harness.js';
import { problemTypes } from '../../index.js';

const route = (extra: Record<string, unknown> = {}) => [
  {
    route: {
      switch: [
        { small: { when: '${ .n < 10 }', then: 'onSmall' } },
        { large: { when: '${ .n >= 100 }', then: 'onLarge' } },
        ...(extra['withDefault'] === true ? [{ otherwise: { then: 'onDefault' } }] : []),
      ],
      ...(extra['then'] === undefined ? {} : { then: extra['then'] }),
    },
  },
  { fallthrough: { set: '${ . + { path: "fallthrough" } }', then: 'end' } },
  { onSmall: { set: '${ . + { path: "small" } }', then: 'end' } },
  { onLarge: { set: '${ . + { path: "large" } }', then: 'end' } },
  { onDefault: { set: '${ . + { path: "default" } }', then: 'end' } },
  { onOwnThen: { set: '${ . + { path: "own then" } }', then: 'end' } },
];

const cases = [
  { name: 'the first matching case supplies the directive', n: 3, options: {}, path: 'small' },
  { name: 'a later case matches when the earlier ones do not', n: 500, options: {}, path: 'large' },
  { name: 'the first matching case wins even when the default is listed', n: 3, options: { withDefault: true }, path: 'small' },
  { name: 'a case without when is the default when nothing matches', n: 50, options: { withDefault: true }, path: 'default' },
  { name: 'with no match and no default the switch\'s own then applies', n: 50, options: { then: 'onOwnThen' }, path: 'own then' },
  { name: 'with no match, no default and no then the next task runs', n: 50, options: {}, path: 'fallthrough' },
] as const;

for (const c of cases) {
  test(`switch: ${c.name}`, async (t) => {
    const h = await openHarness(t);
    const result = await h.run(h.define(route(c.options)), { n: c.n });
    assert.deepEqual(assertCompleted(result), { n: c.n, path: c.path });
    await assertRebuildMatches(h.engine, result.executionId);
  });
}

test('switch: its output is its input, unchanged', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ pick: { switch: [{ any: { when: '${ true }', then: 'continue' } }] } }]), { a: [1, 2] });
  assert.deepEqual(assertCompleted(result), { a: [1, 2] });
});

test('switch: a case may say exit to leave the enclosing do', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(
    h.define([
      { inner: { do: [{ pick: { switch: [{ leave: { when: '${ .leave }', then: 'exit' } }] } }, { skipped: { set: { skipped: true } } }] } },
      { after: { set: '${ . + { after: true } }' } },
    ]),
    { leave: true },
  );
  assert.deepEqual(assertCompleted(result), { leave: true, after: true });
});

test('switch: a when that errors faults with an expression error at the switch', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ pick: { switch: [{ bad: { when: '${ .x | ascii_downcase }', then: 'end' } }] } }]), { x: 1 });
  const error = assertFaulted(result);
  assert.equal(error.type, problemTypes.expression.type);
  assert.equal(error.instance, '/do/0/pick');
});
