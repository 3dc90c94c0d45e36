/**
 * for (DSL 1.0.3 "For"): runs `do` once per item of `for.in`, binding `$<each>` (default `item`) and `$<at>`
 * (default `index`); `while`, checked before each iteration, stops it early. Each iteration's output is the next
 * one's input and the last one's is the task's output. Iterations are keyed by their index in the task reference,
 * so a replay matches iteration i to iteration i. Records nothing of its own.
 */
import type { Json } from '../../model/json.js';
import { ProblemError, problem } from '../../model/problems.js';
import type { ForTask } from '../../model/workflow.js';
import type { TaskHandler } from '../task-kinds.js';

export const executeFor: TaskHandler<ForTask> = async (task, ctx) => {
  const loop = task.for ?? { in: '[]' };
  const each = loop.each ?? 'item';
  const at = loop.at ?? 'index';
  const collection = ctx.evaluate(loop.in);
  const items: Json[] = collection === null ? [] : Array.isArray(collection) ? collection : iterationError(collection, ctx.pointer);
  let data = ctx.input;
  for (const [index, item] of items.entries()) {
    const variables = { ...ctx.scope.variables, [each]: item, [at]: index };
    if (task.while !== undefined && !ctx.evaluateCondition(task.while, data, { [each]: item, [at]: index })) break;
    const outcome = await ctx.runList(task.do ?? [], data, {
      ...ctx.scope,
      pointer: `${ctx.pointer}/do`,
      indexes: [...ctx.scope.indexes, index],
      variables,
      signal: ctx.signal,
    });
    data = outcome.output;
    if (outcome.isEnded) return { output: data, isEnded: true };
  }
  return { output: data };
};

function iterationError(collection: Json, instance: string): never {
  throw new ProblemError(
    problem('expression', { detail: `for.in must yield an array, found ${collection === null ? 'null' : typeof collection}`, instance }),
  );
}
