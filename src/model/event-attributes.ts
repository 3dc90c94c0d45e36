import type { CloudEvent } from './cloud-event.js';
import { isRuntimeExpression } from './expression-syntax.js';
import { type Json, isJsonObject } from './json.js';
import type { EventFilter } from './workflow.js';

/**
 * Whether an event attribute matches a filter's `with` value (DSL 1.0.3 "Event Filter"): equal; a string that is a
 * runtime expression and holds on the attribute's value (`isCondition` decides which strings are and evaluates
 * them); a regular expression matching the whole string; or, for objects, every listed field matching recursively.
 * Shared by `listen` and `schedule.on`, so an event matches the same way wherever it is awaited.
 */
export function attributeMatches(
  expected: unknown,
  actual: Json | undefined,
  condition: (expression: string, value: Json) => boolean | undefined,
): boolean {
  if (typeof expected === 'string') {
    const held = condition(expected, actual ?? null);
    if (held !== undefined) return held;
    if (actual === expected) return true;
    if (typeof actual !== 'string') return false;
    try {
      return new RegExp(`^(?:${expected})$`).test(actual);
    } catch {
      return false; // not a valid pattern, and not equal: no match
    }
  }
  if (isJsonObject(expected)) {
    if (!isJsonObject(actual ?? null)) return false;
    const object = actual as Record<string, Json>;
    return Object.entries(expected as Record<string, unknown>).every(([key, value]) => attributeMatches(value, object[key], condition));
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}

/** How a filter's expressions are evaluated where it is awaited (a task's scope for `listen`, none for schedules). */
export interface FilterExpressions {
  /** Whether a `${ }` condition holds on `value`. */
  condition(expression: string, value: Json): boolean;
  /** A correlation `from` on the event, or an `expect` expression (then `input` is undefined: the waiter's input). */
  evaluate(expression: string, input?: Json): Json;
}

/**
 * Whether `event` passes `filter` (DSL 1.0.3 "Event Filter"): every `with` attribute must match
 * ({@link attributeMatches}). With `checkCorrelation`, each `correlate` key's `from` (evaluated on the event) must
 * equal its `expect`, or — without `expect` — the first value seen for that key by this waiter (kept in
 * `correlation`), which then becomes the expectation; keys are recorded only when the whole event matches.
 */
export function eventMatchesFilter(
  filter: EventFilter,
  event: CloudEvent,
  options: { correlation: Map<string, Json>; checkCorrelation: boolean; expressions: FilterExpressions },
): boolean {
  const { correlation, expressions } = options;
  const condition = (expression: string, value: Json) => (isRuntimeExpression(expression) ? expressions.condition(expression, value) : undefined);
  for (const [name, expected] of Object.entries(filter.with ?? {})) {
    if (!attributeMatches(expected, (event as Record<string, Json | undefined>)[name], condition)) return false;
  }
  if (!options.checkCorrelation || filter.correlate === undefined) return true;
  const pending: [string, Json][] = [];
  for (const [name, rule] of Object.entries(filter.correlate)) {
    const found = expressions.evaluate(rule.from, event as unknown as Json);
    const expect =
      rule.expect === undefined
        ? correlation.get(name)
        : typeof rule.expect === 'string' && isRuntimeExpression(rule.expect)
          ? expressions.evaluate(rule.expect)
          : (rule.expect as Json);
    if (expect === undefined) pending.push([name, found]);
    else if (JSON.stringify(expect) !== JSON.stringify(found)) return false;
  }
  for (const [name, value] of pending) correlation.set(name, value);
  return true;
}
