import assert from 'node:assert/strict';
import test from 'node:test';
import { isoInstant } from './instant.js';

test('isoInstant writes what Date#toISOString writes, across leap years, centuries and the fast path limits', () => {
  const instants = [
    0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000 /* 2000-02-29 */, 4_107_542_400_000 /* 2100-03-01 */,
    1_709_164_800_000 /* 2024-02-29 */, 1_764_115_200_123.9, 253_402_300_799_999, 253_402_300_800_000, -1, -62_198_755_200_000,
  ];
  // A seeded walk over the fast path's whole range (deterministic: no Math.random).
  let seed = 42;
  for (let index = 0; index < 20_000; index += 1) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    instants.push(Math.floor((seed / 2_147_483_648) * 253_402_300_800_000));
  }
  for (const instant of instants) assert.equal(isoInstant(instant), new Date(instant).toISOString(), `at ${instant}`);
});

test('isoInstant throws the RangeError of Date for instants that are not finite', () => {
  assert.throws(() => isoInstant(Number.NaN), RangeError);
  assert.throws(() => isoInstant(Number.POSITIVE_INFINITY), RangeError);
});
