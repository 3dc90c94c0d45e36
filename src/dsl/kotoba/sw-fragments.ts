/**
 * The Serverless Workflow pieces the WorkflowIR compilers share (`compile-workflow-ir.ts`, `compile-rules.ts`,
 * `compile-advanced-saga.ts`): what a compiled op is, how the compilers reach one another, and the few task shapes
 * more than one of them writes.
 */
import type { DefinitionProblem } from '../../model/definition-problems.js';
import type { JsonObject } from '../../model/json.js';
import { problemTypes } from '../../model/problems.js';
import { expression, nonRetryableCondition } from './state-expressions.js';
import { type IrDuration, type RetryPolicy, type WorkflowOp, irDurationMs } from './workflow-ir.js';

/** One compiled op: a task and its name, unique across the document. */
export interface CompiledTask {
  readonly name: string;
  readonly task: JsonObject;
}

/** What an activity (or a rule) is called with, in the two spellings the implementations need. */
export interface CallArguments {
  /** The `with` of a function call or the query/body of an Http call: values or `${ }` expressions. */
  readonly with: JsonObject;
  /** The same arguments as one jq object expression (a Process activity gets it as JSON on stdin). */
  readonly object: string;
}

export interface CallOptions {
  /** The IR node the call comes from (the activity op, the rule strategy). */
  readonly pointer: string;
  /** Where the activity's name is written (`…/activity_ref`, `…/rule`), for problems about the name. */
  readonly refPointer: string;
  /** The op's own policy; without one, the declared activity's, then the workflow's. */
  readonly retryPolicy?: RetryPolicy;
}

/** An advanced saga whose main flow is being compiled: the steps it compensates record themselves under `key`. */
export interface SagaScope {
  readonly key: string;
  readonly steps: ReadonlySet<string>;
}

/** What the op compilers offer the strategy and saga compilers (implemented by `compile-workflow-ir.ts`). */
export interface CompileHost {
  /** A task name unique in the document: `base`, else `base-2`, … */
  name(base: string): string;
  /** A workflow op compiled, its task carrying its IR pointer in `metadata.kotoba`. */
  op(op: WorkflowOp, pointer: string): CompiledTask;
  /** A call of a declared or registered activity, with its declared timeout and retry policy, exporting by `exportAs`. */
  call(ref: string, args: CallArguments, exportAs: string, options: CallOptions): CompiledTask;
  /** Compiles `body` with `saga`'s steps recording themselves as they complete. */
  withinSaga<T>(saga: SagaScope, body: () => T): T;
  /** The advanced sagas whose main flow is being compiled, outermost first. */
  readonly sagas: readonly SagaScope[];
  problem(problem: DefinitionProblem): void;
}

/** kotoba-workflow's cap on a retry delay when a policy sets no maximum_interval. */
const DEFAULT_MAXIMUM_INTERVAL = { secs: 300, nanos: 0 };

/** A duration as ISO 8601 seconds (`PT90S`, `PT1.5S`): exact to the millisecond, as the runtime counts. */
export function isoDuration(duration: IrDuration): string {
  return `PT${irDurationMs(duration) / 1_000}S`;
}

/**
 * The seed's policy as an SW retry: `maximum_attempts` − 1 retries after `initial_interval`; a coefficient of 1 is
 * a constant delay, any other is the runtime's exponential backoff (×2 per retry: exact for the seed's usual 2, an
 * approximation otherwise); `maximum_interval` has no SW counterpart and is not applied. Non-retryable errors are
 * excepted by `exceptWhen` (then the error propagates at once).
 */
export function retryPolicy(policy: RetryPolicy): JsonObject {
  return {
    delay: isoDuration(policy.initialInterval),
    // Itonami's backoff extension (src/runtime/retry.ts) makes the seed's formula exact: interval × coefficient,
    // capped by maximum_interval (300 s when unset, as the seed did).
    backoff: { exponential: { factor: policy.backoffCoefficient, maxDelay: isoDuration(policy.maximumInterval ?? DEFAULT_MAXIMUM_INTERVAL) } },
    limit: { attempt: { count: policy.maximumAttempts - 1 } },
    ...(policy.nonRetryableErrors.length === 0 ? {} : { exceptWhen: nonRetryableCondition(policy.nonRetryableErrors) }),
  };
}

/**
 * A task (for a `catch.do`) that re-raises the caught `$error` unchanged, every member kept: Itonami's `raise`
 * extension (`error: '${ … }'`, src/runtime/tasks/raise.ts), since DSL 1.0.3's own `raise` cannot take an error
 * object from an expression.
 */
export function reraiseTask(): JsonObject {
  return { reraise: { raise: { error: expression('$error') } } };
}

/** `item` tried again under `policy` (the whole of it, each attempt a new visit), re-raising once exhausted. */
export function retried(name: string, item: JsonObject, policy: RetryPolicy | undefined): JsonObject {
  if (policy === undefined || policy.maximumAttempts <= 1) return item;
  return { [name]: { try: [item], catch: { retry: retryPolicy(policy), do: [reraiseTask()] } } };
}

/** An inline `runtime` problem whose detail is the jq string `detailJq` (evaluated on the raising task's input). */
export function runtimeError(detailJq: string): JsonObject {
  const { type, status, title } = problemTypes.runtime;
  return { type, status, title, detail: expression(detailJq) };
}

/** A `set` that replaces the state by the jq `stateJq` (evaluated with `$context` the state when it starts). */
export function setState(stateJq: string): JsonObject {
  return { set: expression(stateJq), export: { as: expression('.') } };
}

/** A task list item: `{ name: task }`. */
export function item(compiled: CompiledTask): JsonObject {
  return { [compiled.name]: compiled.task };
}

/** The task with its IR pointer in `metadata.kotoba` (other metadata kept). */
export function withPointer(compiled: CompiledTask, pointer: string): CompiledTask {
  const metadata = (compiled.task['metadata'] as JsonObject | undefined) ?? {};
  return { name: compiled.name, task: { ...compiled.task, metadata: { ...metadata, kotoba: pointer } } };
}

/** A jq string literal. */
export function jqString(text: string): string {
  return JSON.stringify(text);
}
