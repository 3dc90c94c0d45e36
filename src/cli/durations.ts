import { parse as parseIsoDuration } from 'tinyduration';
import { UsageError } from './exit-codes.js';

const SIMPLE = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * A duration option in milliseconds: `<n>ms|s|m|h` (`500ms`, `30s`, `1.5m`) or ISO 8601 (`PT30S`, `P1D`; a month
 * counts 30 days and a year 365, as workflow durations do). Anything else is bad usage naming the option.
 */
export function parseDurationOption(text: string, option: string): number {
  const simple = SIMPLE.exec(text);
  if (simple !== null) return Math.round(Number(simple[1]) * UNIT_MS[simple[2] as keyof typeof UNIT_MS]);
  if (/^P/i.test(text)) {
    try {
      const d = parseIsoDuration(text.toUpperCase());
      if (d.negative !== true) {
        const days = (d.years ?? 0) * 365 + (d.months ?? 0) * 30 + (d.weeks ?? 0) * 7 + (d.days ?? 0);
        return Math.round((((days * 24 + (d.hours ?? 0)) * 60 + (d.minutes ?? 0)) * 60 + (d.seconds ?? 0)) * 1_000);
      }
    } catch {
      // not ISO 8601 either: reported below with the accepted forms
    }
  }
  throw new UsageError(`${option} expects a duration like 500ms, 30s, 5m, 1h or PT30S, found '${text}'`);
}
