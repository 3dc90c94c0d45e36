import type { Json } from '../model/json.js';
import type { Problem } from '../model/problems.js';

/**
 * What the engine announces as executions progress (never for replayed steps): the CLI prints progress from these,
 * `observability/` turns them into metrics and spans. Listeners that throw are reported, never break the run.
 */
export interface EngineEventMap {
  'execution:started': [{ executionId: string; definition: string; at: number }];
  'execution:completed': [{ executionId: string; output: Json; at: number }];
  'execution:faulted': [{ executionId: string; error: Problem; at: number }];
  'execution:cancelled': [{ executionId: string; reason: string; at: number }];
  'task:started': [{ executionId: string; reference: string; name: string; at: number }];
  'task:completed': [{ executionId: string; reference: string; name: string; at: number; durationMs: number }];
  'task:faulted': [{ executionId: string; reference: string; name: string; at: number; durationMs: number; error: Problem }];
  'task:cancelled': [{ executionId: string; reference: string; name: string; at: number }];
  'task:retried': [{ executionId: string; reference: string; name: string; at: number; attempt: number; delayMs: number; error: Problem }];
  'listener:error': [{ error: unknown }];
}
