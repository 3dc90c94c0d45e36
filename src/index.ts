/**
 * Itonami's public API: create an engine, load definitions, run executions, read their histories.
 *
 * @example
 * import { createEngine } from 'itonami';
 * const engine = await createEngine();
 * const result = await engine.run(engine.load('document: …'), { input: {} });
 */
export { createEngine, type Engine, type EngineOptions, type StartRequest, type WorkflowError } from './create-engine.js';
export type { StoreDescriptor } from './engine-store.js';
export { EngineBuilder, WorkflowEngine } from './engine-builder.js';
export type { ExecutionHandle, SecretProvider, StartOptions, WorkOptions } from './scheduler/execution-engine.js';
export type { ExecutionResult } from './scheduler/execution-results.js';
export type { VerifyFailure, VerifyReport } from './scheduler/history-checks.js';
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
export type { ActivityContext, RegisteredFunction } from './activities/effects.js';
export type { ActivityDuration, ActivityOptions, ActivityRetryPolicy } from './activities/activity-options.js';
export { type ActivityDefinition, defineActivity, isActivityDefinition } from './activities/activity-definition.js';
export { type ActivityFunction, type FunctionActivityOptions, functionActivity } from './activities/function-activity.js';
export { type HttpActivityOptions, httpActivity } from './activities/http/http-activity.js';
export type { HttpOutputFormat, ResolvedAuthentication } from './activities/effects.js';
export { type SqlActivity, type SqlActivityOptions, sqlActivity } from './activities/sql/sql-activity.js';
export type { SqlClientOptions, SqlResult, SqlRowMode } from './activities/sql/sql-client.js';
export type { Json } from './model/json.js';
/**
 * Itonami's jq: jq 1.7.1's language compiled to JavaScript closures, the engine behind every runtime expression and
 * `itonami jq`. Compile once (cached by source text), evaluate synchronously; `now` is what the caller passes.
 *
 * @example
 * import { createCompiledJqEngine } from 'itonami';
 * const jq = createCompiledJqEngine();
 * const program = jq.compile('[.items[] | select(.n > $min) | .name]', ['min']);
 * jq.evaluate(program, { items: [{ n: 2, name: 'b' }, { n: 0, name: 'c' }] }, { min: 1 }); // [['b']]
 */
export { createCompiledJqEngine, type CompiledJqEngineOptions } from './expressions/jq/compiled-jq-engine.js';
/**
 * The jq interface and its two errors: `JqCompileError` (`reason` names the position) from `compile`,
 * `JqRuntimeError` (`reason` is jq's message, `value` the error value) from `evaluate`.
 *
 * @example
 * import { createCompiledJqEngine, JqRuntimeError } from 'itonami';
 * const jq = createCompiledJqEngine();
 * try {
 *   jq.evaluate(jq.compile('.a + 1', []), { a: 'x' }, {});
 * } catch (error) {
 *   if (error instanceof JqRuntimeError) console.log(error.reason); // string ("x") and number (1) cannot be added
 * }
 */
export { JqCompileError, JqRuntimeError, type CompiledJq, type JqEngine, type JqEvaluateOptions } from './expressions/jq-engine.js';
/**
 * A JSON value as jq prints it with `-c` and `tojson`: keys in their order, jq's number format (`1e-05`, `1e+17`),
 * NaN as `null`, infinities as the largest doubles.
 *
 * @example
 * import { toJsonText } from 'itonami';
 * toJsonText({ b: 1e-5, a: [Infinity] }); // '{"b":1e-05,"a":[1.7976931348623157e+308]}'
 */
export { toJsonText } from './expressions/jq/builtins/json-text.js';
export { phases, type Phase } from './model/phases.js';
export type { Clock, Random } from './runtime/ports.js';
