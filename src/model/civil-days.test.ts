import assert from 'node:assert/strict';
import test from 'node:test';
import { civilFromDays, daysFromCivil } from './civil-days.js';

test('day numbers round-trip across eras, leap days included', () => {
  for (const days of [-719468, -1, 0, 59, 10957, 11016, 2932896]) {
    const [year, month, day] = civilFromDays(days);
    assert.equal(daysFromCivil(year, month, day), days);
  }
  assert.deepEqual(civilFromDays(11016), [2000, 2, 29]);
});
