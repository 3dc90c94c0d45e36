/**
 * try (DSL 1.0.3 "Try"): runs `try`; an error that passes the catch filter (`errors.with` on type, status,
 * instance, title, details; `when`; `exceptWhen`) is caught as `$<as>` (default `error`). With `retry`, the block
 * runs again after the policy's delay while the policy allows; otherwise `catch.do` runs (its output is the task's)
 * or, without it, the output is the task's input. Uncaught errors propagate.
 *
 * Records, per retry, `Decided { at, delayMs }` (the time and jitter are outside results) and a durable timer, then
 * `TaskRetrying`; the re-run block's tasks are new visits, so their results are keyed apart from the failed ones.
 * Filters treat `https://serverlessworkflow.io/dsl/errors/types/X` as an alias of `…/spec/1.0.0/errors/X`.
 */
import type { Json } from '../../model/json.js';
import { type Problem, ProblemError, canonicalProblemType } from '../../model/problems.js';
import type { ErrorFilter, TryTask } from '../../model/workflow.js';
import { type ResolvedRetryPolicy, asRetryDecision, resolveRetryPolicy, retryDelayMs } from '../retry.js';
import type { TaskContext } from '../task-context.js';
import type { TaskHandler } from '../task-kinds.js';
import { withTimeout } from '../timeout.js';

export const executeTry: TaskHandler<TryTask> = async (task, ctx) => {
  const handler = task.catch ?? {};
  const as = handler.as ?? 'error';
  const policy = handler.retry === undefined ? undefined : resolveRetryPolicy(ctx, handler.retry);
  const scope = { ...ctx.scope, pointer: `${ctx.pointer}/try`, signal: ctx.signal };
  let attemptStartedAt = ctx.startedAt;
  for (let retry = 1; ; retry += 1) {
    let caught: Problem;
    try {
      const attempt = (signal: AbortSignal) => ctx.runList(task.try ?? [], ctx.input, { ...scope, signal });
      const outcome =
        policy?.attemptTimeoutMs === undefined
          ? await attempt(ctx.signal)
          : await withTimeout(ctx, policy.attemptTimeoutMs, attempt, { from: attemptStartedAt, slot: `attempt/${retry}/timeout` });
      return { output: outcome.output, isEnded: outcome.isEnded };
    } catch (error) {
      if (!(error instanceof ProblemError) || !isCaught(ctx, handler, as, error.problem)) throw error;
      caught = error.problem;
    }
    const errorScope = { [as]: caught as unknown as Json };
    if (policy !== undefined && shouldRetry(ctx, policy, errorScope)) {
      const decision = asRetryDecision(await ctx.decide(`retry/${retry}`, () => ({
        at: ctx.run.ports.clock.now(),
        delayMs: retryDelayMs(policy, retry, ctx.run.ports.random.float()),
      })));
      const isWithinLimits =
        (policy.maxRetries === undefined || retry <= policy.maxRetries) &&
        (policy.totalMs === undefined || decision.at + decision.delayMs - ctx.startedAt <= policy.totalMs);
      if (isWithinLimits) {
        await ctx.sleepUntil(`retry/${retry}/timer`, () => decision.at + decision.delayMs);
        await ctx.run.recorder.derive('TaskRetrying', {
          key: `${ctx.visitKey}:retrying/${retry}`,
          attempt: retry,
          delayMs: decision.delayMs,
          error: caught,
        });
        attemptStartedAt = decision.at + decision.delayMs;
        continue;
      }
    }
    if (handler.do === undefined) return { output: ctx.input };
    const outcome = await ctx.runList(handler.do, ctx.input, {
      ...ctx.scope,
      pointer: `${ctx.pointer}/catch/do`,
      variables: { ...ctx.scope.variables, ...errorScope },
      signal: ctx.signal,
    });
    return { output: outcome.output, isEnded: outcome.isEnded };
  }
};

function isCaught(ctx: TaskContext, handler: NonNullable<TryTask['catch']>, as: string, error: Problem): boolean {
  const filter = handler.errors?.with;
  if (filter !== undefined && !matchesFilter(filter, error)) return false;
  const errorScope = { [as]: error as unknown as Json };
  if (handler.when !== undefined && !ctx.evaluateCondition(handler.when, ctx.input, errorScope)) return false;
  if (handler.exceptWhen !== undefined && ctx.evaluateCondition(handler.exceptWhen, ctx.input, errorScope)) return false;
  return true;
}

/** The spec's error filter: every given field must equal the error's (types compared in canonical form). */
export function matchesFilter(filter: ErrorFilter, error: Problem): boolean {
  const f = filter as Record<string, unknown>;
  if (typeof f['type'] === 'string' && canonicalProblemType(f['type']) !== canonicalProblemType(error.type)) return false;
  if (f['status'] !== undefined && Number(f['status']) !== error.status) return false;
  if (f['instance'] !== undefined && f['instance'] !== error.instance) return false;
  if (f['title'] !== undefined && f['title'] !== error.title) return false;
  if (f['details'] !== undefined && f['details'] !== error.detail) return false;
  if (f['detail'] !== undefined && f['detail'] !== error.detail) return false;
  return true;
}

function shouldRetry(ctx: TaskContext, policy: ResolvedRetryPolicy, errorScope: Record<string, Json>): boolean {
  if (policy.maxRetries === 0) return false;
  if (policy.when !== undefined && !ctx.evaluateCondition(policy.when, ctx.input, errorScope)) return false;
  if (policy.exceptWhen !== undefined && ctx.evaluateCondition(policy.exceptWhen, ctx.input, errorScope)) return false;
  return true;
}
