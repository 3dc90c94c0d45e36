import { type Json, isJsonObject } from './json.js';

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
