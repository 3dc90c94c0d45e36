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
 */
import { isEngineFailure } from '../../history/errors.js';
import type { Json } from '../../model/json.js';
import { isJsonObject } from '../../model/json.js';
import { ProblemError } from '../../model/problems.js';
import type { ForkTask } from '../../model/workflow.js';
import { BranchAbandonedError, childSignal } from '../cancellation.js';
import type { ContextCell } from '../execution-run.js';
import type { TaskHandler } from '../task-kinds.js';

type BranchResult = { index: number; isOk: true; output: Json } | { index: number; isOk: false; error: unknown };
type Decision = { winner: number } | { faulted: number };

export const executeFork: TaskHandler<ForkTask> = async (task, ctx) => {
  const branches = task.fork?.branches ?? [];
  const isCompete = task.fork?.compete === true;
  const pointer = `${ctx.pointer}/fork/branches`;
  const controls = branches.map(() => childSignal(ctx.signal));
  const cells: ContextCell[] = branches.map(() => ({ value: ctx.scope.context.value }));
  const abandonOthers = (keep: number, reason: string): void =>
    controls.forEach((control, index) => {
      if (index !== keep) control.abort(new BranchAbandonedError(reason));
    });

  let decision = ctx.recordedDecision('decision') as Decision | undefined;
  if (decision !== undefined) {
    const known = decision;
    await ctx.decide('decision', () => known);
    abandonOthers(decisionIndex(decision), abandonReason(decision));
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

  // Decide in arrival order, once: the first completion under compete, the first fault otherwise.
  while (decision === undefined && settled.length < branches.length) {
    await new Promise<void>((resolve) => {
      onSettled = resolve;
      if (settled.length > 0 && settled.some((result) => decides(result, isCompete))) resolve();
    });
    const first = settled.find((result) => decides(result, isCompete));
    if (first !== undefined) {
      decision = isCompete ? { winner: first.index } : { faulted: first.index };
      const made = decision;
      await ctx.decide('decision', () => made);
      abandonOthers(first.index, abandonReason(decision));
    }
  }
  await Promise.all(runs);
  // A failing history or store stops the whole execution: never let a branch swallow it.
  const broken = settled.find((result) => !result.isOk && isEngineFailure(result.error));
  if (broken !== undefined && !broken.isOk) throw broken.error;

  const byIndex = [...settled].sort((a, b) => a.index - b.index);
  if (decision !== undefined && 'faulted' in decision) throw branchError(byIndex, decision.faulted);
  if (isCompete) {
    if (decision === undefined) throw branchError(byIndex, 0); // every branch faulted: the first declared speaks
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
  return 'winner' in decision ? 'another branch won' : 'another branch faulted';
}

function decisionIndex(decision: Decision): number {
  return 'winner' in decision ? decision.winner : decision.faulted;
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
