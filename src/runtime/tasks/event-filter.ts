import type { CloudEvent } from '../../model/cloud-event.js';
import { isRuntimeExpression } from '../../expressions/runtime-expressions.js';
import { attributeMatches } from '../../model/event-attributes.js';
import type { Json } from '../../model/json.js';
import type { EventFilter } from '../../model/workflow.js';
import type { TaskContext } from '../task-context.js';

/**
 * Whether `event` passes `filter` (DSL 1.0.3 "Event Filter"): every `with` attribute must match — equal, a `${ }`
 * expression that holds on the attribute's value (`data: ${ .temperature > 38 }`), a regular expression matching
 * the whole string, or for objects every listed field matching recursively. With `checkCorrelation`, each
 * `correlate` key's `from` (evaluated on the event) must equal its `expect`, or — without `expect` — the first value
 * seen for that key in this listen, which then becomes the expectation.
 */
export function eventMatches(
  ctx: TaskContext,
  filter: EventFilter,
  event: CloudEvent,
  correlation: Map<string, Json>,
  checkCorrelation: boolean,
): boolean {
  for (const [name, expected] of Object.entries(filter.with ?? {})) {
    if (!attributeMatches(expected, (event as Record<string, Json | undefined>)[name], condition(ctx))) return false;
  }
  if (!checkCorrelation || filter.correlate === undefined) return true;
  const pending: [string, Json][] = [];
  for (const [name, rule] of Object.entries(filter.correlate)) {
    const found = ctx.evaluate(rule.from, event as unknown as Json);
    const expect = rule.expect === undefined
      ? correlation.get(name)
      : typeof rule.expect === 'string' && isRuntimeExpression(rule.expect) ? ctx.evaluate(rule.expect) : (rule.expect as Json);
    if (expect === undefined) pending.push([name, found]);
    else if (JSON.stringify(expect) !== JSON.stringify(found)) return false;
  }
  for (const [name, value] of pending) correlation.set(name, value);
  return true;
}

/** A `${ }` attribute value is a condition on the attribute; any other string is a literal or a pattern. */
function condition(ctx: TaskContext): (expression: string, value: Json) => boolean | undefined {
  return (expression, value) => (isRuntimeExpression(expression) ? ctx.evaluateCondition(expression, value) : undefined);
}
