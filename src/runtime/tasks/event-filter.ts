import type { CloudEvent } from '../../model/cloud-event.js';
import { eventMatchesFilter } from '../../model/event-attributes.js';
import type { Json } from '../../model/json.js';
import type { EventFilter } from '../../model/workflow.js';
import type { TaskContext } from '../task-context.js';

/**
 * Whether `event` passes `filter` for a `listen` at `ctx` (see {@link eventMatchesFilter}): conditions and
 * correlation expressions run in the task's scope, `expect` expressions on the task's input.
 */
export function eventMatches(
  ctx: TaskContext,
  filter: EventFilter,
  event: CloudEvent,
  correlation: Map<string, Json>,
  checkCorrelation: boolean,
): boolean {
  return eventMatchesFilter(filter, event, {
    correlation,
    checkCorrelation,
    expressions: {
      condition: (expression, value) => ctx.evaluateCondition(expression, value),
      evaluate: (expression, input) => ctx.evaluate(expression, input),
    },
  });
}
