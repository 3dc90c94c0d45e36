/**
 * emit (DSL 1.0.3 "Emit"): publishes a CloudEvent built from `emit.event.with` (expressions evaluated against the
 * input) on the engine's workflow bus; the output is the event as published. Records the generated `id` first
 * (`Decided`), then `EffectCompleted` with the event once it is published, so replay never publishes again and a
 * re-run after a crash republishes under the same id (consumers deduplicate on source + id).
 */
import { type Json, isJsonObject } from '../../model/json.js';
import { isoInstant } from '../../model/instant.js';
import { ProblemError, problem } from '../../model/problems.js';
import type { EmitTask } from '../../model/workflow.js';
import type { CloudEvent } from '../../model/cloud-event.js';
import { cloudEventProblems } from '../../model/cloud-event.js';
import type { TaskHandler } from '../task-kinds.js';

export const executeEmit: TaskHandler<EmitTask> = async (task, ctx) => {
  const attributes = ctx.evaluateTemplate(task.emit?.event.with);
  if (!isJsonObject(attributes)) {
    throw new ProblemError(problem('validation', { detail: 'emit.event.with must evaluate to an object', instance: ctx.pointer }));
  }
  const id = attributes['id'] ?? (await ctx.decide('id', () => ctx.run.ports.random.uuid()));
  const event: Record<string, Json> = {
    specversion: '1.0',
    ...attributes,
    id,
    time: attributes['time'] ?? isoInstant(ctx.startedAt),
  };
  if (event['data'] !== undefined && event['datacontenttype'] === undefined && typeof event['data'] !== 'string') {
    event['datacontenttype'] = 'application/json';
  }
  const problems = cloudEventProblems(event);
  if (problems.length > 0) {
    throw new ProblemError(problem('validation', { detail: `the emitted event is not a valid CloudEvent: ${problems.join('; ')}`, instance: ctx.pointer }));
  }
  const published = await ctx.effect('emit', 'emit', async () => {
    await ctx.run.ports.events.publish(event as unknown as CloudEvent);
    return event;
  });
  return { output: published };
};
