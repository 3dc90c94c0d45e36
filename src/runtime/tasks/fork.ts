/**
 * fork (DSL 1.0.3 "Fork"): runs its branches concurrently. Without `compete` the output is the array of branch
 * outputs in declaration order, and the first branch to fault faults the fork and cancels the others. With
 * `compete: true` the first branch to complete wins, supplies the output, and the others are cancelled.
 *
 * Records `Decided { winner | faulted }`: which branch came first depends on arrival order, so it is fixed in
 * history; on replay the decision is known up front and the other branches are abandoned at once (their recorded
 * steps still replay). Each branch works on its own copy of `$context`; at the join the branch contexts are merged
 * in declaration order (objects shallow-merged, anything else replaced), only the winner's under `compete`, so the
 * result never depends on arrival order.
 *
 * Itonami extension (the schema closes `fork`, so it sits in the task's metadata): `metadata: { itonami: { atLeast:
 * n } }` with `compete: true` completes once n branches have completed, cancelling the rest, and faults once so many
 * have faulted that n can no longer complete. Records `Decided { winners }` (the first n by arrival); the output is
 * the branch outputs in declaration order with null for the others, and the winners' contexts are merged in
 * declaration order.
 */
import { isEngineFailure } from '../../history/errors.js';
import type { Json } from '../../model/json.js';
import { isJsonObject } from '../../model/json.js';
import { ProblemError, problem } from '../../model/problems.js';
import type { ForkTask } from '../../model/workflow.js';
import { BranchAbandonedError, childSignal } from '../cancellation.js';
import type { ContextCell } from '../execution-run.js';
import type { TaskHandler } from '../task-kinds.js';

type BranchResult = { index: number; isOk: true; output: Json } | { index: number; isOk: false; error: unknown };
type Decision = { winner: number } | { winners: number[] } | { faulted: number };

export const executeFork: TaskHandler<ForkTask> = async (task, ctx) => {
  const branches = task.fork?.branches ?? [];
  const isCompete = task.fork?.compete === true;
  const atLeast = atLeastOf(task, branches.length, ctx.pointer);
  const pointer = `${ctx.pointer}/fork/branches`;
  const controls = branches.map(() => childSignal(ctx.signal));
  const cells: ContextCell[] = branches.map(() => ({ value: ctx.scope.context.value }));
  const abandonOthers = (keep: readonly number[], reason: string): void =>
    controls.forEach((control, index) => {
      if (!keep.includes(index)) control.abort(new BranchAbandonedError(reason));
    });

  let decision = ctx.recordedDecision('decision') as Decision | undefined;
  if (decision !== undefined) {
    const known = decision;
    await ctx.decide('decision', () => known);
    abandonOthers(kept(decision), abandonReason(decision));
  }

  const settled: BranchResult[] = [];
  let onSettled: () => void = () => undefined;
  const runs = branches.map(async (item, index): Promise<void> => {
    const [name, branch] = Object.entries(item)[0] ?? [];
    if (name === undefined || branch === undefined) return;
    const control = controls[index];
    const cell = cells[index];
    if (control === undefined || cell === undefined) return;
    const scope = { ...ctx.scope, pointer, signal: control.signal, context: cell };
    try {
      const outcome = await ctx.runTask(branch, name, `${pointer}/${index}/${name}`, ctx.input, scope);
      settled.push({ index, isOk: true, output: outcome.output });
    } catch (error) {
      settled.push({ index, isOk: false, error });
    }
    onSettled();
  });

  // Decide in arrival order, once: the first completion under compete, the first fault otherwise; under atLeast, the
  // n-th completion or the fault that leaves fewer than n possible.
  const decideNow = (): Decision | undefined => {
    if (atLeast !== undefined) {
      const completed = settled.filter((result) => result.isOk).map((result) => result.index);
      if (completed.length >= atLeast) return { winners: completed.slice(0, atLeast) };
      const faults = settled.filter((result) => decides(result, false));
      const fatal = faults[branches.length - atLeast];
      return fatal === undefined ? undefined : { faulted: fatal.index };
    }
    const first = settled.find((result) => decides(result, isCompete));
    if (first === undefined) return undefined;
    return isCompete ? { winner: first.index } : { faulted: first.index };
  };
  while (decision === undefined && settled.length < branches.length) {
    await new Promise<void>((resolve) => {
      onSettled = resolve;
      if (decideNow() !== undefined) resolve();
    });
    const made = decideNow();
    if (made !== undefined) {
      decision = made;
      await ctx.decide('decision', () => made);
      abandonOthers(kept(made), abandonReason(made));
    }
  }
  await Promise.all(runs);
  // A failing history or store stops the whole execution: never let a branch swallow it.
  const broken = settled.find((result) => !result.isOk && isEngineFailure(result.error));
  if (broken !== undefined && !broken.isOk) throw broken.error;

  const byIndex = [...settled].sort((a, b) => a.index - b.index);
  if (decision !== undefined && 'faulted' in decision) throw branchError(byIndex, decision.faulted);
  if (atLeast !== undefined) {
    if (decision === undefined || !('winners' in decision)) throw branchError(byIndex, 0);
    const winners = new Set(decision.winners);
    ctx.scope.context.value = mergeContexts(ctx.scope.context.value, cells.filter((_, index) => winners.has(index)).map((cell) => cell.value));
    return { output: byIndex.map((result) => (winners.has(result.index) && result.isOk ? result.output : null)) };
  }
  if (isCompete) {
    // Every branch faulted: the first declared speaks.
    if (decision === undefined || !('winner' in decision)) throw branchError(byIndex, 0);
    const winner = byIndex[decision.winner];
    if (winner === undefined || !winner.isOk) throw branchError(byIndex, decision.winner);
    ctx.scope.context.value = cells[decision.winner]?.value ?? ctx.scope.context.value;
    return { output: winner.output };
  }
  ctx.scope.context.value = mergeContexts(ctx.scope.context.value, cells.map((cell) => cell.value));
  return { output: byIndex.map((result) => (result.isOk ? result.output : null)) };
};

function decides(result: BranchResult, isCompete: boolean): boolean {
  return isCompete ? result.isOk : !result.isOk && !(result.error instanceof BranchAbandonedError);
}

/** The same words live and on replay: the branches' `TaskCancelled` events are compared. */
function abandonReason(decision: Decision): string {
  if ('winners' in decision) return 'enough branches completed';
  return 'winner' in decision ? 'another branch won' : 'another branch faulted';
}

/** The branches a decision lets run on (their recorded steps replay; the others are abandoned). */
function kept(decision: Decision): number[] {
  if ('winners' in decision) return decision.winners;
  return ['winner' in decision ? decision.winner : decision.faulted];
}

/** `metadata.itonami.atLeast` of a competing fork: an integer from 1 to the number of branches. */
function atLeastOf(task: ForkTask, branchCount: number, pointer: string): number | undefined {
  const itonami = (task.metadata as { itonami?: { atLeast?: unknown } } | undefined)?.itonami;
  const value = itonami?.atLeast;
  if (value === undefined) return undefined;
  if (task.fork?.compete !== true || typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > branchCount) {
    throw new ProblemError(
      problem('configuration', { detail: `metadata.itonami.atLeast needs compete: true and an integer from 1 to ${branchCount}, found ${JSON.stringify(value)}`, instance: pointer }),
    );
  }
  return value;
}

function branchError(results: BranchResult[], index: number): unknown {
  const result = results[index];
  if (result !== undefined && !result.isOk) return result.error;
  const failed = results.find((r) => !r.isOk && r.error instanceof ProblemError);
  return failed !== undefined && !failed.isOk ? failed.error : new Error(`fork branch ${index} ended without a result`);
}

function mergeContexts(before: Json, branchContexts: Json[]): Json {
  let merged = before;
  for (const context of branchContexts) {
    if (context === before) continue;
    merged = isJsonObject(merged) && isJsonObject(context) ? { ...merged, ...context } : context;
  }
  return merged;
}
