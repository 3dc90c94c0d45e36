import type { Json, JsonObject } from '../../model/json.js';
import type {
  ActivityDeclaration,
  ActivityImplementation,
  CompensationPolicy,
  CompletionCondition,
  IrDuration,
  KValue,
  RetryPolicy,
  RuleStrategy,
  WaitCondition,
  WorkflowIr,
  WorkflowOp,
  WorkflowParam,
} from './workflow-ir.js';

/**
 * The serde JSON form of a workflow, as kotoba-workflow's `serde_json` writes it (field order of the Rust structs,
 * `null` for a missing `Option`, `measure` omitted when absent) — except that `activities` is always written, even
 * empty: serde omits an empty list but then cannot read its own output back (IR.md §2a). Reading the result with
 * `readSerdeWorkflow` gives the same workflow.
 */
export function toSerdeWorkflow(workflow: WorkflowIr): JsonObject {
  return {
    id: workflow.id,
    name: workflow.name,
    description: workflow.description ?? null,
    version: workflow.version,
    inputs: workflow.inputs.map(param),
    outputs: workflow.outputs.map(param),
    strategy: op(workflow.strategy),
    activities: workflow.activities.map(activity),
    timeout: optionalDuration(workflow.timeout),
    retry_policy: workflow.retryPolicy === undefined ? null : retryPolicy(workflow.retryPolicy),
    metadata: mapValues(workflow.metadata, kvalue),
  };
}

function op(node: WorkflowOp): JsonObject {
  switch (node.kind) {
    case 'seq':
      return { op: 'Seq', strategies: node.strategies.map(op) };
    case 'parallel':
      return { op: 'Parallel', branches: node.branches.map(op), completion_condition: completion(node.completion) };
    case 'decision':
      return {
        op: 'Decision',
        conditions: node.conditions.map(({ condition, branch }) => ({ condition, branch: op(branch) })),
        default_branch: node.defaultBranch === undefined ? null : op(node.defaultBranch),
      };
    case 'wait':
      return { op: 'Wait', condition: waitCondition(node.condition), timeout: optionalDuration(node.timeout) };
    case 'saga':
      return { op: 'Saga', main_flow: op(node.mainFlow), compensation: op(node.compensation) };
    case 'advancedSaga':
      return {
        op: 'AdvancedSaga',
        main_flow: op(node.mainFlow),
        compensations: mapValues(node.compensations, op),
        policy: policy(node.policy),
        conditions: { ...node.conditions },
        parallelism: node.parallelism,
        dependencies: mapValues(node.dependencies, (steps) => [...steps]),
        retry_policy: node.retryPolicy === undefined ? null : retryPolicy(node.retryPolicy),
        timeout: optionalDuration(node.timeout),
      };
    case 'activity':
      return {
        op: 'Activity',
        activity_ref: node.activityRef,
        input_mapping: { ...node.inputMapping },
        retry_policy: node.retryPolicy === undefined ? null : retryPolicy(node.retryPolicy),
      };
    case 'subworkflow':
      return { op: 'SubWorkflow', workflow_ref: node.workflowRef, input_mapping: { ...node.inputMapping } };
    case 'rules':
      return { op: 'Basic', strategy: rule(node.strategy) };
  }
}

function rule(node: RuleStrategy): JsonObject {
  switch (node.kind) {
    case 'once':
      return { op: 'Once', rule: node.rule };
    case 'exhaust':
      return {
        op: 'Exhaust',
        rule: node.rule,
        order: node.order,
        ...(node.measure === undefined ? {} : { measure: node.measure }),
        ...maxIterations(node.maxIterations),
      };
    case 'while':
      return { op: 'While', rule: node.rule, pred: node.pred, order: node.order, ...maxIterations(node.maxIterations) };
    case 'seq':
      return { op: 'Seq', strategies: node.strategies.map(rule) };
    case 'choice':
      return { op: 'Choice', strategies: node.strategies.map(rule) };
    case 'priority':
      return { op: 'Priority', strategies: node.strategies.map(({ strategy, priority }) => ({ strategy: rule(strategy), priority })) };
  }
}

/** Itonami's loop bound: written only when given, so a document the crate wrote round-trips unchanged. */
function maxIterations(bound: number | undefined): JsonObject {
  return bound === undefined ? {} : { max_iterations: bound };
}

function completion(condition: CompletionCondition): Json {
  switch (condition.kind) {
    case 'all':
      return 'All';
    case 'any':
      return 'Any';
    case 'atLeast':
      return { AtLeast: condition.count };
  }
}

function policy(node: CompensationPolicy): Json {
  switch (node.kind) {
    case 'reverseOrder':
      return 'ReverseOrder';
    case 'parallel':
      return 'Parallel';
    case 'conditional':
      return 'Conditional';
    case 'custom':
      return { Custom: [...node.order] };
  }
}

function waitCondition(condition: WaitCondition): JsonObject {
  switch (condition.kind) {
    case 'timer':
      return { type: 'Timer', duration: duration(condition.duration) };
    case 'event':
      return { type: 'Event', event_type: condition.eventType, filter: condition.filter === undefined ? null : mapValues(condition.filter, kvalue) };
    case 'signal':
      return { type: 'Signal', signal_name: condition.signalName };
  }
}

function activity(declaration: ActivityDeclaration): JsonObject {
  const activityParam = (p: ActivityDeclaration['inputs'][number]): JsonObject => ({ name: p.name, param_type: p.type, required: p.isRequired });
  return {
    name: declaration.name,
    description: declaration.description ?? null,
    inputs: declaration.inputs.map(activityParam),
    outputs: declaration.outputs.map(activityParam),
    timeout: optionalDuration(declaration.timeout),
    retry_policy: declaration.retryPolicy === undefined ? null : retryPolicy(declaration.retryPolicy),
    implementation: implementation(declaration.implementation),
  };
}

function implementation(node: ActivityImplementation): JsonObject {
  switch (node.kind) {
    case 'function':
      return { type: 'Function', function_name: node.functionName };
    case 'http':
      return { type: 'Http', url: node.url, method: node.method, headers: { ...node.headers } };
    case 'process':
      return { type: 'Process', command: node.command, args: [...node.args], env: { ...node.env } };
    case 'graphql':
      return {
        type: 'GraphQL',
        query: node.query,
        endpoint: node.endpoint,
        // Itonami's extensions, written only when used: the seed's documents write back as they were.
        ...(node.operationName === undefined ? {} : { operation_name: node.operationName }),
        ...(Object.keys(node.headers).length === 0 ? {} : { headers: { ...node.headers } }),
      };
  }
}

function param(p: WorkflowParam): JsonObject {
  return { name: p.name, param_type: p.type, required: p.isRequired, default_value: p.defaultValue === undefined ? null : kvalue(p.defaultValue) };
}

function retryPolicy(policy: RetryPolicy): JsonObject {
  return {
    initial_interval: duration(policy.initialInterval),
    backoff_coefficient: policy.backoffCoefficient,
    maximum_interval: optionalDuration(policy.maximumInterval),
    maximum_attempts: policy.maximumAttempts,
    non_retryable_errors: [...policy.nonRetryableErrors],
  };
}

function duration(value: IrDuration): JsonObject {
  return { secs: value.secs, nanos: value.nanos };
}

function optionalDuration(value: IrDuration | undefined): Json {
  return value === undefined ? null : duration(value);
}

function kvalue(value: KValue): Json {
  return Array.isArray(value) ? [...(value as readonly string[])] : (value as Exclude<KValue, readonly string[]>);
}

function mapValues<T>(record: Readonly<Record<string, T>>, convert: (value: T) => Json): JsonObject {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, convert(value)]));
}
