import { parse as parseIsoDuration } from 'tinyduration';
import { isRuntimeExpression } from '../model/expression-syntax.js';
import { type Json, jsonText } from '../model/json.js';
import type { Duration } from '../model/workflow.js';

const MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/**
 * A DSL duration in ms. The inline form `{ days, hours, minutes, seconds, milliseconds }` adds up; the ISO 8601
 * form `P1DT2H30M` too, with a week as 7 days, and — because a workflow duration must not depend on the calendar
 * date it starts on — a month as 30 days and a year as 365 days (documented in README). Expression forms are
 * evaluated by the caller first.
 */
export function durationMs(duration: Duration): number {
  if (typeof duration === 'string') return isoDurationMs(duration);
  const d = duration as Record<string, number | undefined>;
  return (
    (d['days'] ?? 0) * MS.days +
    (d['hours'] ?? 0) * MS.hours +
    (d['minutes'] ?? 0) * MS.minutes +
    (d['seconds'] ?? 0) * MS.seconds +
    (d['milliseconds'] ?? 0)
  );
}

export function isoDurationMs(text: string): number {
  let parsed: ReturnType<typeof parseIsoDuration>;
  try {
    parsed = parseIsoDuration(text.trim());
  } catch {
    throw new InvalidDurationError(text);
  }
  const total =
    (parsed.years ?? 0) * 365 * MS.days +
    (parsed.months ?? 0) * 30 * MS.days +
    (parsed.weeks ?? 0) * 7 * MS.days +
    (parsed.days ?? 0) * MS.days +
    (parsed.hours ?? 0) * MS.hours +
    (parsed.minutes ?? 0) * MS.minutes +
    (parsed.seconds ?? 0) * MS.seconds;
  const ms = Math.round(total);
  return parsed.negative === true ? -ms : ms;
}

/** A duration that may also be a `${ }` expression yielding an ISO 8601 string (DSL 1.0.3 allows both). */
export function resolveDurationMs(duration: Duration, evaluate: (expression: string) => Json): number {
  if (typeof duration === 'string' && isRuntimeExpression(duration)) return durationMs(jsonText(evaluate(duration)));
  return durationMs(duration);
}

/** Triggered by `wait: 'PT1X'` or `'soon'`. */
export class InvalidDurationError extends Error {
  override readonly name = 'InvalidDurationError';
  constructor(readonly text: string) {
    super(`'${text}' is not an ISO 8601 duration (expected e.g. PT30S, P1DT2H, PT0.5S)`);
  }
}
