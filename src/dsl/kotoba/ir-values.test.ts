import assert from 'node:assert/strict';
import test from 'node:test';
import { isoToIrDuration } from './ir-values.js';

const cases = [
  { iso: 'PT10S', expected: { secs: 10, nanos: 0 } },
  { iso: 'PT1H30M', expected: { secs: 5_400, nanos: 0 } },
  { iso: 'PT30.5S', expected: { secs: 30, nanos: 500_000_000 } },
  { iso: 'P1DT2H', expected: { secs: 93_600, nanos: 0 } },
  { iso: 'P1W', expected: { secs: 604_800, nanos: 0 } },
  { iso: 'P1M', expected: { secs: 2_592_000, nanos: 0 } }, // 30 days, as every Itonami duration
  { iso: 'PT0.000000001S', expected: { secs: 0, nanos: 1 } },
  { iso: 'PT0S', expected: { secs: 0, nanos: 0 } },
  { iso: '-PT1S', expected: undefined },
  { iso: 'PT5X', expected: undefined },
  { iso: '10s', expected: undefined },
  { iso: 'PT', expected: undefined },
] as const;
for (const c of cases) {
  test(`${c.iso} is ${c.expected === undefined ? 'no duration' : `${c.expected.secs} s ${c.expected.nanos} ns`}`, () => {
    assert.deepEqual(isoToIrDuration(c.iso), c.expected);
  });
}
