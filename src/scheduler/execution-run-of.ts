import type { HistoryEvent } from '../history/events.js';
import type { Recorder } from '../history/recorder.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Definition } from '../model/workflow.js';
import { ExecutionRun, type RunObserver, timeArgument } from '../runtime/execution-run.js';
import type { RuntimePorts } from '../runtime/ports.js';

/** Looks up secret values by name; `undefined` means the secret does not exist. */
export type SecretProvider = (name: string) => Json | undefined;

export interface ExecutionRunRequest {
  readonly definition: Definition;
  readonly recorder: Recorder;
  readonly ports: RuntimePorts;
  /** The execution's first event: its id, input, start time, declared secrets and replay flags. */
  readonly first: HistoryEvent<'WorkflowStarted'>;
  readonly secrets: SecretProvider;
  readonly observer?: RunObserver;
  /** A rebuild that re-runs every recorded task. */
  readonly isVerifying?: boolean;
}

/** One run of an execution: `$secrets` holds only the secrets its definition declares; `$workflow` its identity. */
export function executionRunOf(request: ExecutionRunRequest): ExecutionRun {
  const { definition, recorder, ports, first, observer, isVerifying = false } = request;
  const secrets: JsonObject = {};
  for (const name of first.data.secretNames) {
    const value = request.secrets(name);
    if (value !== undefined) secrets[name] = value;
  }
  const executionId = first.data.executionId;
  const workflowArgument: JsonObject = {
    id: executionId,
    definition: definition.document as unknown as Json,
    input: first.data.input,
    startedAt: timeArgument(first.at),
  };
  return new ExecutionRun(executionId, definition, recorder, ports, secrets, workflowArgument, observer, first.data.replayFlags, isVerifying);
}
