/**
 * The replay check run after every CTK scenario (STYLE §8: each CTK run is rebuilt from its history with effects
 * that throw). `engine.rebuild` replays the recorded history with every side effect disabled, so a rebuilt state
 * that differs from the live one means the history misses something the interpreter needed (a call result, a
 * generated id, a clock reading) or the interpreter is not deterministic.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ExecutionState } from '../../src/index.js';
import type { Json } from '../../src/model/json.js';
import { jsonText, plainJson } from './json-assertions.js';
import type { CtkEngine } from './scenario-world.js';

/** What must survive replay: the outcome and the task log (times may differ and are not compared). */
export interface ReplayView {
  readonly status: string;
  readonly output: Json | undefined;
  readonly error: Json | undefined;
  readonly tasks: readonly {
    readonly name: string;
    readonly reference: string;
    readonly indexes: Json | undefined;
    readonly status: string;
    readonly output: Json | undefined;
    readonly error: Json | undefined;
  }[];
}

export class ReplayMismatchError extends Error {
  override readonly name = 'ReplayMismatchError';
  constructor(
    readonly details: { executionId: string; where: string; live: unknown; rebuilt: unknown },
    options?: ErrorOptions,
  ) {
    super(
      `replay of execution ${details.executionId} diverged at ${details.where}: live ${jsonText(details.live)}, ` +
        `rebuilt ${jsonText(details.rebuilt)}; the history lacks something the run used, or the interpreter is not deterministic`,
      options,
    );
  }
}

export function replayView(state: ExecutionState): ReplayView {
  return {
    status: state.status,
    output: plainJson(state.output),
    error: plainJson(state.error),
    tasks: state.tasks.map((task) => ({
      name: task.name,
      reference: task.reference,
      indexes: plainJson(task.indexes),
      status: task.status,
      output: plainJson(task.output),
      error: plainJson(task.error),
    })),
  };
}

export async function assertReplayMatches(engine: CtkEngine, executionId: string): Promise<void> {
  const live = await engine.getExecution(executionId);
  if (live === undefined) throw new ReplayMismatchError({ executionId, where: 'getExecution', live, rebuilt: 'not attempted' });
  let rebuilt: ExecutionState;
  try {
    rebuilt = await engine.rebuild(executionId);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ReplayMismatchError({ executionId, where: 'engine.rebuild (it threw)', live: live.status, rebuilt: reason }, { cause: error });
  }
  const difference = firstDifference(replayView(live), replayView(rebuilt));
  if (difference !== undefined) throw new ReplayMismatchError({ executionId, ...difference });
}

/** The first place two views differ, named precisely enough to find the task in the definition. */
export function firstDifference(live: ReplayView, rebuilt: ReplayView): { where: string; live: unknown; rebuilt: unknown } | undefined {
  for (const key of ['status', 'output', 'error'] as const) {
    if (!isDeepStrictEqual(live[key], rebuilt[key])) return { where: key, live: live[key], rebuilt: rebuilt[key] };
  }
  const length = Math.max(live.tasks.length, rebuilt.tasks.length);
  for (let index = 0; index < length; index += 1) {
    const [a, b] = [live.tasks[index], rebuilt.tasks[index]];
    if (!isDeepStrictEqual(a, b)) return { where: `tasks[${index}] (${(a ?? b)?.reference ?? '?'})`, live: a, rebuilt: b };
  }
  return undefined;
}
