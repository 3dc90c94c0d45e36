/**
 * Itonami's public API: create an engine, load definitions, run executions, read their histories.
 *
 * @example
 * import { createEngine } from 'itonami';
 * const engine = await createEngine();
 * const result = await engine.run(engine.load('document: …'), { input: {} });
 */
export { createEngine, type Engine, type EngineOptions } from './create-engine.js';
export type {
  ExecutionHandle,
  ExecutionResult,
  SecretProvider,
  StartOptions,
  VerifyFailure,
  VerifyReport,
  WorkOptions,
} from './scheduler/execution-engine.js';
export { openSqliteStore } from './store/sqlite/sqlite-store.js';
export type { SqliteStoreOptions } from './store/sqlite/sqlite-store-options.js';
export type { EngineEventMap } from './scheduler/engine-events.js';
export type { ExecutionState, TaskRecord } from './history/execution-state.js';
export type { AnyHistoryEvent, EventDataMap, EventType, HistoryEvent } from './history/events.js';
export type { Claim, Store, StoredDefinition, EventRow, ExecutionRecord, ExecutionFilter } from './store/store.js';
export { createMemoryStore } from './store/memory/memory-store.js';
export { StoreConflictError, ExecutionExistsError, ExecutionNotFoundError, LeaseLostError, StoreLimitError } from './store/errors.js';
export { NondeterminismError, HistoryCorruptError } from './history/errors.js';
export type { LoadDefinitionResult } from './dsl/serverless/load-definition.js';
export { DefinitionInvalidError, type DefinitionProblem } from './model/definition-problems.js';
export { ProblemError, problemTypes, type Problem } from './model/problems.js';
export type { CloudEvent, CloudEventInput } from './model/cloud-event.js';
export type { Definition } from './model/workflow.js';
export type { RegisteredFunction } from './activities/effects.js';
export type { Json } from './model/json.js';
export { phases, type Phase } from './model/phases.js';
export type { Clock, Random } from './runtime/ports.js';
