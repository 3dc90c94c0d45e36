import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineActivity, isActivityDefinition } from './activity-definition.js';

test('defineActivity returns the definition it is given', () => {
  const activity = { name: 'charge', run: () => ({ ok: true }) };
  assert.equal(defineActivity(activity), activity);
});

const notActivities: { name: string; value: unknown }[] = [
  { name: 'a number', value: 42 },
  { name: 'null', value: null },
  { name: 'an empty name', value: { name: ' ', run: () => null } },
  { name: 'a run that is not a function', value: { name: 'x', run: 'no' } },
  { name: 'a missing name', value: { run: () => null } },
];
for (const c of notActivities) {
  test(`isActivityDefinition rejects ${c.name}, and defineActivity throws on it`, () => {
    assert.equal(isActivityDefinition(c.value), false);
    assert.throws(() => defineActivity(c.value as never), /non-empty string name and a run function/);
  });
}
