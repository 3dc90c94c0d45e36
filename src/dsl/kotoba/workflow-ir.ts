/**
 * The WorkflowIR of kotoba-workflow (the seed's own format), normalised: what both of its spellings — the `.kotoba`
 * authoring form (Jsonnet, lower-case ops, ISO durations) and the serde JSON form (PascalCase ops, `{secs, nanos}`
 * durations, `Basic` wrappers) — read into. Field for field it is the Rust `ir.rs` shape described in
 * `shared/kotoba/IR.md` §2, in TypeScript spelling; defaults are filled in, so nothing here is optional that has a
 * default (`completion` is `all`, `inputMapping` is `{}`, `activities` is `[]`).
 */

/** A `kotoba_core::Value`: it has no float and no object variant (IR.md §2). Integers only. */
export type KValue = null | boolean | number | string | readonly string[];

/** A Rust `std::time::Duration` as serde writes it. `.kotoba` ISO strings (`PT5M`) are converted to this. */
export interface IrDuration {
  readonly secs: number;
  /** 0 ≤ nanos < 1e9. */
  readonly nanos: number;
}

/** The milliseconds of a duration (sub-millisecond parts rounded). */
export function irDurationMs(duration: IrDuration): number {
  return duration.secs * 1_000 + Math.round(duration.nanos / 1_000_000);
}

/** The parameter types a workflow may declare for its inputs and outputs (checked when a workflow starts). */
export const paramTypes = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'any'] as const;
export type ParamType = (typeof paramTypes)[number];

export interface WorkflowParam {
  readonly name: string;
  /** `type` in `.kotoba`, `param_type` in serde. One of {@link paramTypes} once checked. */
  readonly type: string;
  /** `.kotoba` default: false. */
  readonly isRequired: boolean;
  /** Absent when the source gives none or `null` (serde writes `null` for None, so the two are one). */
  readonly defaultValue?: KValue;
}

/**
 * The seed's retry policy: attempt; stop on a non-retryable error or after `maximumAttempts` attempts; otherwise
 * wait, then `interval = min(interval × backoffCoefficient, maximumInterval ?? 300 s)`.
 */
export interface RetryPolicy {
  readonly initialInterval: IrDuration;
  /** `.kotoba` default: 2. At least 1. */
  readonly backoffCoefficient: number;
  readonly maximumInterval?: IrDuration;
  /** `.kotoba` default: 3. At least 1 (the first attempt counts). */
  readonly maximumAttempts: number;
  /** An error whose name or code equals, or whose message contains, one of these is not retried. */
  readonly nonRetryableErrors: readonly string[];
}

/** How many branches of a `parallel` must succeed: all of them, the first, or at least `count`. */
export type CompletionCondition =
  | { readonly kind: 'all' }
  | { readonly kind: 'any' }
  | { readonly kind: 'atLeast'; readonly count: number };

export type WaitCondition =
  | { readonly kind: 'timer'; readonly duration: IrDuration }
  /** A CloudEvent of `eventType` whose attributes (or data fields) equal `filter`'s values. */
  | { readonly kind: 'event'; readonly eventType: string; readonly filter?: Readonly<Record<string, KValue>> }
  /** A signal sent to the execution by name (`signal(executionId, name, payload)`). */
  | { readonly kind: 'signal'; readonly signalName: string };

/** Order of a graph-rewrite rule application (kotoba-core `Order`). */
export type RuleOrder = 'topdown' | 'bottomup' | 'fair';

/** How many times `exhaust` and `while` call their rule when `max_iterations` is not given. */
export const DEFAULT_MAX_RULE_ITERATIONS = 1_000;
/** The largest `max_iterations` accepted: every call is recorded in history, so a bound keeps one loop finite. */
export const MAX_RULE_ITERATIONS = 1_000_000;

/**
 * kotoba-core's graph-rewrite strategies, over rules (registered activities that report whether they applied; the
 * contract is in `compile-rules.ts`). Inside these, `seq` is the rule-level sequence, not the workflow-level one.
 * `maxIterations` is Itonami's (`max_iterations` in both forms): the most calls of the rule one loop makes.
 */
export type RuleStrategy =
  | { readonly kind: 'once'; readonly rule: string }
  | {
      readonly kind: 'exhaust';
      readonly rule: string;
      readonly order: RuleOrder;
      /** A number over the state that must decrease with every application (a termination measure). */
      readonly measure?: string;
      readonly maxIterations?: number;
    }
  | { readonly kind: 'while'; readonly rule: string; readonly pred: string; readonly order: RuleOrder; readonly maxIterations?: number }
  | { readonly kind: 'seq'; readonly strategies: readonly RuleStrategy[] }
  | { readonly kind: 'choice'; readonly strategies: readonly RuleStrategy[] }
  | {
      readonly kind: 'priority';
      readonly strategies: readonly { readonly strategy: RuleStrategy; readonly priority: number }[];
    };

export interface DecisionBranch {
  /** A bare identifier (a truthy state field) or a jq expression over the state (`$.`-paths accepted). */
  readonly condition: string;
  readonly branch: WorkflowOp;
}

/**
 * How the advanced saga compensates the completed steps when its main flow fails. Under every policy a step that
 * did not complete is not compensated, and a step with a condition (in `conditions`) only when it holds.
 */
export type CompensationPolicy =
  /** The completed steps' compensations, last completed first. */
  | { readonly kind: 'reverseOrder' }
  /** All at once, at most `parallelism` at a time, respecting `dependencies`. */
  | { readonly kind: 'parallel' }
  /** In the listed order, which names every compensated step. */
  | { readonly kind: 'custom'; readonly order: readonly string[] }
  /** The seed's name for reverse order with per-step conditions (conditions apply under every policy here). */
  | { readonly kind: 'conditional' };

/**
 * Workflow-level ops (`WorkflowStrategyOp`). Serde's `Basic { strategy }` and `.kotoba`'s inline
 * `once`/`exhaust`/`while`/`choice`/`priority` both read as `{ kind: 'rules', strategy }`.
 */
export type WorkflowOp =
  | { readonly kind: 'seq'; readonly strategies: readonly WorkflowOp[] }
  | { readonly kind: 'parallel'; readonly branches: readonly WorkflowOp[]; readonly completion: CompletionCondition }
  | { readonly kind: 'decision'; readonly conditions: readonly DecisionBranch[]; readonly defaultBranch?: WorkflowOp }
  | { readonly kind: 'wait'; readonly condition: WaitCondition; readonly timeout?: IrDuration }
  | { readonly kind: 'saga'; readonly mainFlow: WorkflowOp; readonly compensation: WorkflowOp }
  | {
      readonly kind: 'advancedSaga';
      readonly mainFlow: WorkflowOp;
      /** Completed step (an `activityRef` of the main flow) → the flow that undoes it. */
      readonly compensations: Readonly<Record<string, WorkflowOp>>;
      readonly policy: CompensationPolicy;
      /** Step → condition over the state when compensating; a step without one is always compensated. */
      readonly conditions: Readonly<Record<string, string>>;
      /** How many compensations may run at once under the `parallel` policy (default 1). */
      readonly parallelism: number;
      /** Step → steps it depends on: under `parallel`, a step is compensated before the steps it depends on. */
      readonly dependencies: Readonly<Record<string, readonly string[]>>;
      /** Retries each compensation as a whole (its activities keep their own policies inside). */
      readonly retryPolicy?: RetryPolicy;
      /** The main flow's deadline: when it passes, the main flow faults with `timeout` and is compensated. */
      readonly timeout?: IrDuration;
    }
  | {
      readonly kind: 'activity';
      readonly activityRef: string;
      /** Argument name → `$.path.into.state` or a literal string. */
      readonly inputMapping: Readonly<Record<string, string>>;
      readonly retryPolicy?: RetryPolicy;
    }
  | { readonly kind: 'subworkflow'; readonly workflowRef: string; readonly inputMapping: Readonly<Record<string, string>> }
  | { readonly kind: 'rules'; readonly strategy: RuleStrategy };

export type WorkflowOpKind = WorkflowOp['kind'];

export type ActivityImplementation =
  | { readonly kind: 'function'; readonly functionName: string }
  | { readonly kind: 'http'; readonly url: string; readonly method: string; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly kind: 'process';
      readonly command: string;
      readonly args: readonly string[];
      readonly env: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'graphql';
      readonly query: string;
      readonly endpoint: string;
      /** Itonami's extension (`operation_name`): which operation of a multi-operation `query` to run. */
      readonly operationName?: string;
      /** Itonami's extension, as an Http activity's: request headers (empty when none are given). */
      readonly headers: Readonly<Record<string, string>>;
    };

export interface ActivityParam {
  readonly name: string;
  readonly type: string;
  readonly isRequired: boolean;
}

/** A declared activity (`ActivityIR`): what an `activityRef` names when the workflow declares its activities. */
export interface ActivityDeclaration {
  readonly name: string;
  readonly description?: string;
  readonly inputs: readonly ActivityParam[];
  readonly outputs: readonly ActivityParam[];
  readonly timeout?: IrDuration;
  readonly retryPolicy?: RetryPolicy;
  readonly implementation: ActivityImplementation;
}

/** A whole WorkflowIR, as both forms normalise it. */
export interface WorkflowIr {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly version: string;
  readonly inputs: readonly WorkflowParam[];
  readonly outputs: readonly WorkflowParam[];
  readonly strategy: WorkflowOp;
  /** Empty when the source has none (serde omits an empty list; `.kotoba` files usually declare none). */
  readonly activities: readonly ActivityDeclaration[];
  readonly timeout?: IrDuration;
  /** The default for activities that have no policy of their own. */
  readonly retryPolicy?: RetryPolicy;
  readonly metadata: Readonly<Record<string, KValue>>;
}

/** Which spelling a document is in. */
export type IrForm = 'kotoba' | 'serde';
