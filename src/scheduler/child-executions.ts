import { RunStoppedError } from '../history/errors.js';
import { GENESIS_HASH } from '../history/hash-chain.js';
import type { Json } from '../model/json.js';
import { isTerminal } from '../model/phases.js';
import type { Definition } from '../model/workflow.js';
import type { ChildResult, RuntimePorts } from '../runtime/ports.js';
import type { Store } from '../store/store.js';
import type { ExecutionResult } from './execution-results.js';

/** What child executions need of the engine that runs their parent. */
export interface ChildHost {
  readonly store: Store;
  start(
    definition: Definition,
    options: { input: Json; executionId: string; signal: AbortSignal },
    parent: { executionId: string; key: string },
  ): Promise<{ executionId: string; result(): Promise<ExecutionResult> }>;
  cancel(executionId: string, reason: string): Promise<boolean>;
  /** Whether this process runs the execution now and is already cancelling it. */
  isCancelling(executionId: string): boolean;
  reportError(error: unknown): void;
}

/**
 * Starts a child (or finds it, on replay) and waits for its end. A parent that parks stops waiting and leaves the
 * child running: the child's end makes the parked parent due (the store does it in the child's last append). A
 * parent cancelled cancels the child wherever it runs (one started here with the parent's signal already is).
 */
export async function runChild(host: ChildHost, request: Parameters<RuntimePorts['children']['run']>[0]): Promise<ChildResult> {
  const { signal } = request;
  const handle = await host.start(request.definition, { input: request.input, executionId: request.executionId, signal }, request.parent);
  const result = await new Promise<ExecutionResult>((resolve, reject) => {
    const onAbort = () => {
      if (signal.reason instanceof RunStoppedError) {
        reject(signal.reason);
        return;
      }
      if (host.isCancelling(handle.executionId)) return;
      const reason = signal.reason instanceof Error ? signal.reason.message : 'cancelled with its parent';
      host.cancel(handle.executionId, reason).catch((error: unknown) => host.reportError(error));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    handle
      .result()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
  const record = await host.store.getExecution(result.executionId);
  const events = await host.store.readEvents({ executionId: result.executionId, fromSeq: record?.seq ?? 1 });
  const hash = events.at(-1)?.hash ?? GENESIS_HASH;
  if (result.status === 'completed') return { status: 'completed', output: result.output, hash };
  if (result.status === 'faulted') return { status: 'faulted', error: result.error, hash };
  return { status: 'cancelled', hash };
}

/**
 * A cancelled execution cancels its children that still live, wherever they run or sleep: one it waited on in
 * memory is cancelled already (through its signal); a parked one is reached here.
 */
export async function cancelChildren(host: ChildHost, executionId: string, reason: string): Promise<void> {
  const children = await host.store.listExecutions({ parentExecutionId: executionId, limit: Number.MAX_SAFE_INTEGER });
  for (const child of children) {
    if (isTerminal(child.status) || host.isCancelling(child.executionId)) continue;
    await host.cancel(child.executionId, reason);
  }
}
