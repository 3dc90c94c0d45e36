import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidDurationError, durationMs, isoDurationMs } from './durations.js';

const cases = [
  { duration: { milliseconds: 250 }, ms: 250 },
  { duration: { seconds: 1, milliseconds: 1 }, ms: 1_001 },
  { duration: { minutes: 2 }, ms: 120_000 },
  { duration: { hours: 1, minutes: 1 }, ms: 3_660_000 },
  { duration: { days: 2 }, ms: 172_800_000 },
  { duration: {}, ms: 0 },
  { duration: 'PT0S', ms: 0 },
  { duration: 'PT30S', ms: 30_000 },
  { duration: 'PT0.5S', ms: 500 },
  { duration: 'PT1M30S', ms: 90_000 },
  { duration: 'PT2H', ms: 7_200_000 },
  { duration: 'P1DT2H', ms: 93_600_000 },
  { duration: 'P1W', ms: 604_800_000 },
  // A month is 30 days and a year 365, whatever the calendar date (documented in durations.ts).
  { duration: 'P1M', ms: 2_592_000_000 },
  { duration: 'P1Y', ms: 31_536_000_000 },
  { duration: ' PT5S ', ms: 5_000 },
] as const;

for (const c of cases) {
  test(`durationMs: ${JSON.stringify(c.duration)} is ${c.ms} ms`, () => {
    assert.equal(durationMs(c.duration as never), c.ms);
  });
}

const invalid = ['soon', 'PT1X', '', '5 seconds', 'P', '1H'] as const;

for (const text of invalid) {
  test(`isoDurationMs: ${JSON.stringify(text)} is an InvalidDurationError naming the text and an example`, () => {
    assert.throws(
      () => isoDurationMs(text),
      (error: unknown) =>
        error instanceof InvalidDurationError && error.text === text && error.message.includes(`'${text}'`) && /PT30S/.test(error.message),
    );
  });
}
