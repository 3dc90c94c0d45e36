/**
 * raise (DSL 1.0.3 "Raise"): faults with an inline error or a `use.errors` entry, its expressions evaluated against
 * the input and `instance` set to this task's reference unless the error names one. Pure.
 *
 * Itonami extension: `error: '${ <expression> }'` raises the error object the expression yields, every member kept
 * (`${ $error }` in a `catch.do` re-raises the caught error unchanged). The schema's string form names a `use.errors`
 * entry; a runtime expression there is read as this instead.
 */
import { isRuntimeExpression } from '../../model/expression-syntax.js';
import { isJsonObject, jsonText } from '../../model/json.js';
import { type Problem, ProblemError, problem } from '../../model/problems.js';
import type { RaiseTask } from '../../model/workflow.js';
import type { TaskContext } from '../task-context.js';
import type { TaskHandler } from '../task-kinds.js';

export const executeRaise: TaskHandler<RaiseTask> = async (task, ctx) => {
  const declared = task.raise?.error;
  const evaluated = typeof declared === 'string' && isRuntimeExpression(declared) ? ctx.evaluate(declared) : ctx.evaluateTemplate(definitionOf(declared, ctx));
  if (!isJsonObject(evaluated) || typeof evaluated['type'] !== 'string' || typeof evaluated['status'] !== 'number') {
    throw new ProblemError(
      problem('validation', { detail: 'a raised error needs a string type and a numeric status', instance: ctx.pointer }),
    );
  }
  const raised: Problem = { ...evaluated, type: evaluated['type'], status: evaluated['status'] };
  if (raised.instance === undefined) raised.instance = ctx.pointer;
  throw new ProblemError(raised);
};

/** The inline error, or the `use.errors` entry a name refers to. */
function definitionOf(declared: NonNullable<RaiseTask['raise']>['error'] | undefined, ctx: TaskContext): unknown {
  const definition = typeof declared === 'string' ? ctx.run.document.use?.errors?.[declared] : declared;
  if (definition === undefined) {
    throw new ProblemError(problem('configuration', { detail: `error '${jsonText(declared)}' is not defined in use.errors`, instance: ctx.pointer }));
  }
  return definition;
}
