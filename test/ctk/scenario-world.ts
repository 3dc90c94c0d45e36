/**
 * The state one CTK scenario builds up step by step: the engine (opened on first use, closed at the end), the
 * loaded definition, the input, and what the execution left behind. One world per scenario, so scenarios share no
 * engine state (STYLE §3: no singletons; two engines coexist).
 */
import assert from 'node:assert/strict';
import type { Engine, ExecutionResult, ExecutionState } from '../../src/index.js';
import type { Json } from '../../src/model/json.js';

/** The part of the engine API the runner uses; a fake in the self-test implements just this. */
export type CtkEngine = Pick<Engine, 'load' | 'run' | 'getExecution' | 'rebuild' | 'close'>;
export type LoadedDefinition = ReturnType<Engine['load']>;
export type OpenEngine = () => Promise<CtkEngine>;

export interface Execution {
  readonly result: ExecutionResult;
  /** `engine.getExecution(result.executionId)` read right after the run: the status, output, error and task log. */
  readonly state: ExecutionState;
}

export class ScenarioWorld {
  definition: LoadedDefinition | undefined;
  /** Boxed, so "no input step" (the engine's default input) differs from an input of `null`. */
  input: { readonly value: Json } | undefined;
  execution: Execution | undefined;
  private opened: Promise<CtkEngine> | undefined;

  constructor(private readonly openEngine: OpenEngine) {}

  engine(): Promise<CtkEngine> {
    this.opened ??= this.openEngine();
    return this.opened;
  }

  /** The execution, or a failure telling the feature author which step is missing. */
  executed(): Execution {
    assert.ok(this.execution, 'the workflow has not been executed: a "When the workflow is executed" step must come first');
    return this.execution;
  }

  async close(): Promise<void> {
    if (this.opened === undefined) return;
    let engine: CtkEngine;
    try {
      engine = await this.opened;
    } catch {
      return; // opening failed, so there is nothing to close; the step that opened it already reported why
    }
    await engine.close();
  }
}
