import { parse as parseIsoDuration } from 'tinyduration';
import { isJsonObject } from '../../model/json.js';
import type { IrReader, ValueReader } from './ir-reader.js';
import type { IrDuration, KValue } from './workflow-ir.js';

const SECONDS = { minutes: 60, hours: 3_600, days: 86_400 } as const;
/** u64 seconds, as far as a JS number holds them exactly. */
const MAX_SECS = Number.MAX_SAFE_INTEGER;
const NANOS_PER_SECOND = 1_000_000_000;

/**
 * An ISO 8601 duration as a Rust `Duration`. The seed read only `PT#H#M#S` with whole numbers; this reads what the
 * Serverless loader reads (`P1DT2H`, `PT0.5S`, weeks), and — as Itonami decides for every duration, so a wait never
 * depends on the calendar — a month as 30 days and a year as 365. Negative durations are not durations here.
 */
export function isoToIrDuration(text: string): IrDuration | undefined {
  let parsed: ReturnType<typeof parseIsoDuration>;
  try {
    parsed = parseIsoDuration(text.trim());
  } catch {
    return undefined;
  }
  if (parsed.negative === true) return undefined;
  const total =
    (parsed.years ?? 0) * 365 * SECONDS.days +
    (parsed.months ?? 0) * 30 * SECONDS.days +
    (parsed.weeks ?? 0) * 7 * SECONDS.days +
    (parsed.days ?? 0) * SECONDS.days +
    (parsed.hours ?? 0) * SECONDS.hours +
    (parsed.minutes ?? 0) * SECONDS.minutes +
    (parsed.seconds ?? 0);
  if (!Number.isFinite(total) || total > MAX_SECS) return undefined;
  const secs = Math.floor(total);
  const nanos = Math.round((total - secs) * NANOS_PER_SECOND);
  return nanos === NANOS_PER_SECOND ? { secs: secs + 1, nanos: 0 } : { secs, nanos };
}

/** A duration in this reader's form: an ISO string in `.kotoba`, `{secs, nanos}` in serde. */
export function durationReader(reader: IrReader): ValueReader<IrDuration> {
  return (value, pointer) => {
    if (reader.form === 'kotoba') {
      const expected = 'an ISO 8601 duration such as PT30S or PT1H30M';
      if (typeof value !== 'string') {
        const hint = isJsonObject(value) && 'secs' in value ? ' ({secs, nanos} is the serde form; write e.g. PT30S)' : '';
        return reader.mismatch(pointer, expected, value, hint);
      }
      return isoToIrDuration(value) ?? reader.mismatch(pointer, expected, value);
    }
    const expected = 'a duration {"secs": <integer ≥ 0>, "nanos": <integer from 0 to 999999999>}';
    if (!isJsonObject(value)) {
      const hint = typeof value === 'string' ? ' (ISO strings are the .kotoba form; serde writes {"secs", "nanos"})' : '';
      return reader.mismatch(pointer, expected, value, hint);
    }
    const { secs, nanos } = value;
    const isWhole = (n: unknown, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;
    if (!isWhole(secs, MAX_SECS) || !isWhole(nanos, NANOS_PER_SECOND - 1) || Object.keys(value).length !== 2) {
      return reader.mismatch(pointer, expected, value);
    }
    return { secs, nanos };
  };
}

/** u32 / i64 bounds of the Rust fields, as far as a JS number holds them exactly. */
export const U32_MAX = 4_294_967_295;
export const I32_MIN = -2_147_483_648;
export const I32_MAX = 2_147_483_647;

/** A `kotoba_core::Value`: null, a boolean, an integer, a string or an array of strings — no floats, no objects. */
export function kvalueReader(reader: IrReader): ValueReader<KValue> {
  return (value, pointer) => {
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    const hint = typeof value === 'number' ? ' (kotoba values have no fractions; write a string or an integer)' : '';
    return reader.mismatch(pointer, 'null, a boolean, an integer, a string or an array of strings', value, hint);
  };
}
