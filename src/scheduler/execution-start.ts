import { type ChainedEvent, chainedEvent, hashRuleOf } from '../history/hash-chain.js';
import type { Json } from '../model/json.js';
import type { Definition } from '../model/workflow.js';
import type { NewExecution } from '../store/store.js';
import type { ExecutionResult } from './execution-results.js';

export interface StartOptions {
  /** The workflow input. @default {} */
  readonly input?: Json;
  /** Start under this id. Starting an id that exists returns it when the definition and input match. */
  readonly executionId?: string;
  /** Aborting it cancels the execution. */
  readonly signal?: AbortSignal;
  /**
   * `false` only creates the execution (durable, unclaimed) for a worker to run; nothing of it runs here unless the
   * caller asks for its `result()`, which then has this engine run it like any parked execution.
   * @default true
   */
  readonly run?: boolean;
}

/** A started execution: its id now, its result when it ends. */
export interface ExecutionHandle {
  readonly executionId: string;
  result(): Promise<ExecutionResult>;
}

/**
 * A new execution: its `WorkflowStarted` (the first event of its history: what it runs, under which engine version
 * and replay flags, with which input and declared secrets) and its row in the executions index.
 */
export function newExecutionOf(request: {
  readonly executionId: string;
  readonly definition: Definition;
  readonly input: Json;
  readonly at: number;
  readonly engineVersion: string;
  readonly replayFlags: readonly number[];
  readonly parent?: { executionId: string; key: string } | undefined;
}): { started: ChainedEvent<'WorkflowStarted'>; execution: NewExecution } {
  const { executionId, definition, input, at, parent } = request;
  const data = {
    executionId,
    definitionHash: definition.hash,
    namespace: definition.namespace,
    name: definition.name,
    version: definition.version,
    engineVersion: request.engineVersion,
    replayFlags: [...request.replayFlags],
    input,
    secretNames: [...(definition.document.use?.secrets ?? [])],
    ...(parent === undefined ? {} : { parent }),
  };
  const started = chainedEvent(undefined, 'WorkflowStarted', at, data, hashRuleOf(request.replayFlags));
  const execution: NewExecution = {
    executionId,
    definitionHash: definition.hash,
    namespace: definition.namespace,
    name: definition.name,
    version: definition.version,
    status: 'running',
    createdAt: at,
    ...(parent === undefined ? {} : { parentExecutionId: parent.executionId }),
  };
  return { started, execution };
}
