import { civilFromDays } from './civil-days.js';

/** 10000-01-01T00:00:00Z: from there on `toISOString` writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;
const DAY_MS = 86_400_000;

/**
 * ISO 8601 UTC text of an epoch-ms instant (formatting a given instant; never reads the clock), exactly as
 * `Date#toISOString` writes it. Every task start formats one; doing the calendar arithmetic here is ~3× cheaper
 * than a `Date` per call (Node 20, 2026-11). Instants before 1970 or from year 10000 on, and non-finite ones, go
 * through `Date`, which also throws the `RangeError` for the latter.
 */
export function isoInstant(epochMs: number): string {
  if (!(epochMs >= 0 && epochMs < YEAR_10000_MS)) return new Date(epochMs).toISOString();
  const ms = Math.floor(epochMs);
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const [year, month, day] = civilFromDays(days);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${year}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}
