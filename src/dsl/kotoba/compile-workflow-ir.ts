/**
 * Compiles a WorkflowIR into a Serverless Workflow 1.0.3 document (plain JSON, valid against the schema), which the
 * SW loader then loads like any other: both formats normalise into the one workflow model and run on the same
 * interpreter, with the same history, replay, versions and CLI. The mapping (see `state-expressions.ts` for the
 * state):
 *
 * | IR | SW |
 * |---|---|
 * | workflow | `document` (namespace `kotoba`, name = the id with non-alphanumerics as `-`), `input.schema` from `inputs`, `timeout`, `output.as` picking `outputs` from the state |
 * | (start) | a `set` task exporting the initial state `{ inputs, activities: {} }` to `$context` |
 * | `seq` | a `do` |
 * | `parallel` all | a `fork`: each branch ends with its state; the fork's `export.as` merges them in declaration order |
 * | `parallel` any | a `fork` with `compete: true` (the winner's state is kept; losers are cancelled) |
 * | `parallel` at_least n | a competing `fork` with Itonami's quorum `metadata.itonami.atLeast: n`, merged like `all` |
 * | `decision` | a `do`: a `switch` (conditions in order, else the default branch, else `exit`), then each branch ending `then: exit` |
 * | `wait` timer / event | `wait` / `listen` (type + a correlation per filter entry), the op's `timeout` as the task's |
 * | `saga` | `try` main_flow, `catch.do`: the compensation (its own failure caught), then the original error re-raised |
 * | `advanced_saga` | see `compile-advanced-saga.ts`: steps recorded in the state, compensated per policy, the original error re-raised with a report |
 * | `activity` | `call: <function>` with `with` from `input_mapping`, `export.as` merging the output; a retry policy wraps it in `try`/`retry` |
 * | `subworkflow` | `run.workflow` (`kotoba/<workflow_ref as a name>@latest`), its output merged like an activity's |
 * | rule strategies | see `compile-rules.ts`: rules called through `do`, bounded `for` loops and `switch` exits |
 *
 * Activity implementations: Function → `call: <function_name>`, Http → `call: http`, Process → `run.shell`, GraphQL →
 * `call: http` plus the response rule (see `compile-graphql.ts`).
 *
 * Every generated task keeps the IR pointer it came from in `metadata.kotoba`, so problems can name the IR node.
 */
import { SIGNAL_EVENT_TYPE } from '../../model/cloud-event.js';
import type { DefinitionProblem } from '../../model/definition-problems.js';
import type { JsonObject } from '../../model/json.js';
import { childPointer } from '../../model/task-ref.js';
import { compileAdvancedSaga, recordingParallel, stepRefs } from './compile-advanced-saga.js';
import { graphqlCall } from './compile-graphql.js';
import { compileRuleStrategy } from './compile-rules.js';
import {
  BRANCH_STATE,
  activityExport,
  conditionExpression,
  eventFieldExpression,
  expression,
  filterExpectation,
  initialState,
  mappingArguments,
  mappingObject,
  parallelMergeExport,
} from './state-expressions.js';
import {
  type CallArguments,
  type CallOptions,
  type CompileHost,
  type CompiledTask,
  type SagaScope,
  isoDuration,
  reraiseTask,
  retried,
  withPointer,
} from './sw-fragments.js';
import type { ActivityDeclaration, IrForm, KValue, WorkflowIr, WorkflowOp, WorkflowParam } from './workflow-ir.js';

export { isoDuration, retryPolicy } from './sw-fragments.js';

/** The namespace of every compiled WorkflowIR (and of the workflows a `subworkflow` runs). */
export const KOTOBA_NAMESPACE = 'kotoba';

export interface CompileWorkflowIrOptions {
  /** Which spelling the IR was read from: pointers start at `/workflow` in `.kotoba`, at the root in serde. */
  readonly form: IrForm;
}

export type CompileWorkflowIrResult =
  | { readonly ok: true; readonly document: JsonObject }
  | { readonly ok: false; readonly problems: readonly DefinitionProblem[] };

const STATE_TASK = 'kotoba-state';
/** SW call types: an activity named so would be read as that call, not as a function. */
const RESERVED_CALLS = new Set(['http', 'grpc', 'openapi', 'asyncapi', 'a2a', 'mcp']);
const JSON_SCHEMA_TYPES: Readonly<Record<string, string | undefined>> = {
  string: 'string', number: 'number', integer: 'integer', boolean: 'boolean', array: 'array', object: 'object', any: undefined,
};
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Compiles `ir` to an SW 1.0.3 document, or lists what cannot be compiled (every unsupported op, not the first).
 *
 * @example
 * const loaded = await loadKotobaFile('order.kotoba');
 * if (loaded.ok) {
 *   const compiled = compileWorkflowIr(loaded.workflow, { form: loaded.form });
 *   if (compiled.ok) loadDefinition(compiled.document, { jq });
 * }
 */
export function compileWorkflowIr(ir: WorkflowIr, options: CompileWorkflowIrOptions): CompileWorkflowIrResult {
  const root = options.form === 'kotoba' ? '/workflow' : '';
  const compiler = new OpCompiler(ir, options.form);
  const version = semanticVersion(ir.version);
  if (version === undefined) {
    const expected = 'a semantic version such as 1.0.0 (1 and 1.2 are read as 1.0.0 and 1.2.0)';
    compiler.problems.push({ pointer: childPointer(root, 'version'), message: `expected ${expected}, found ${JSON.stringify(ir.version)}`, expected, found: JSON.stringify(ir.version) });
  }
  const name = workflowName(ir.id);
  const strategy = compiler.op(ir.strategy, childPointer(root, 'strategy'));
  if (compiler.problems.length > 0) return { ok: false, problems: compiler.problems };

  const defaults = Object.fromEntries(ir.inputs.flatMap((param) => (param.defaultValue === undefined ? [] : [[param.name, param.defaultValue]]))) as Record<string, KValue>;
  const document: JsonObject = {
    document: {
      dsl: '1.0.3',
      namespace: KOTOBA_NAMESPACE,
      name,
      version: version ?? '0.0.0',
      title: ir.name,
      ...(ir.description === undefined ? {} : { summary: ir.description }),
      metadata: { kotoba: { id: ir.id, version: ir.version, metadata: ir.metadata as JsonObject } },
    },
    input: { schema: { format: 'json', document: inputSchema(ir.inputs) } },
    ...(ir.timeout === undefined ? {} : { timeout: { after: isoDuration(ir.timeout) } }),
    do: [
      { [STATE_TASK]: { set: initialState(defaults), export: { as: expression('.') }, metadata: { kotoba: childPointer(root, 'inputs') } } },
      { [strategy.name]: strategy.task },
    ],
    output: { as: outputExpression(ir.outputs) },
  };
  return { ok: true, document };
}

/** A workflow id as an SW name (`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`): other characters become `-`. */
export function workflowName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return name === '' ? 'workflow' : name;
}

function semanticVersion(version: string): string | undefined {
  if (SEMVER.test(version)) return version;
  if (/^(0|[1-9]\d*)$/.test(version)) return `${version}.0.0`;
  if (/^(0|[1-9]\d*)\.(0|[1-9]\d*)$/.test(version)) return `${version}.0`;
  return undefined;
}

function inputSchema(params: readonly WorkflowParam[]): JsonObject {
  const properties: JsonObject = {};
  for (const param of params) {
    const type = JSON_SCHEMA_TYPES[param.type];
    properties[param.name] = type === undefined ? {} : { type };
  }
  const required = params.filter((param) => param.isRequired && param.defaultValue === undefined).map((param) => param.name);
  return { type: 'object', properties, ...(required.length === 0 ? {} : { required }) };
}

/** The declared outputs picked from the state, in declaration order; one the state lacks is left out. */
function outputExpression(outputs: readonly WorkflowParam[]): string {
  const names = JSON.stringify(outputs.map((output) => output.name));
  return expression(`reduce ${names}[] as $name ({}; if ($context | has($name)) then .[$name] = $context[$name] else . end)`);
}

/** Compiles ops depth first; task names are unique across the document (`validate`, `validate-2`, …). */
class OpCompiler implements CompileHost {
  readonly problems: DefinitionProblem[] = [];
  readonly #names = new Map<string, number>();
  /** `kotoba-state` is the first task's, beside the strategy's in the top-level list. */
  readonly #used = new Set<string>([STATE_TASK]);
  readonly #ir: WorkflowIr;
  readonly #form: IrForm;
  readonly #declared: ReadonlyMap<string, ActivityDeclaration>;
  readonly #sagas: SagaScope[] = [];

  constructor(ir: WorkflowIr, form: IrForm) {
    this.#ir = ir;
    this.#form = form;
    this.#declared = new Map(ir.activities.map((activity) => [activity.name, activity]));
  }

  get sagas(): readonly SagaScope[] {
    return this.#sagas;
  }

  op(op: WorkflowOp, pointer: string): CompiledTask {
    return withPointer(this.#task(op, pointer), pointer);
  }

  name(base: string): string {
    return this.#name(base);
  }

  problem(problem: DefinitionProblem): void {
    this.problems.push(problem);
  }

  withinSaga<T>(saga: SagaScope, body: () => T): T {
    this.#sagas.push(saga);
    try {
      return body();
    } finally {
      this.#sagas.pop();
    }
  }

  #task(op: WorkflowOp, pointer: string): CompiledTask {
    switch (op.kind) {
      case 'seq':
        return { name: this.#name('seq'), task: { do: op.strategies.map((child, index) => this.#item(child, childPointer(pointer, 'strategies', index))) } };
      case 'parallel':
        return this.#parallel(op, pointer);
      case 'decision':
        return this.#decision(op, pointer);
      case 'wait':
        return this.#wait(op);
      case 'saga':
        return this.#saga(op, pointer);
      case 'activity':
        return this.#activity(op, pointer);
      case 'subworkflow':
        return this.#subworkflow(op);
      case 'advancedSaga':
        return compileAdvancedSaga(this, op, pointer);
      case 'rules':
        // serde wraps the strategy (`Basic { strategy }`); .kotoba writes it as the op itself.
        return compileRuleStrategy(this, op.strategy, this.#form === 'serde' ? childPointer(pointer, 'strategy') : pointer);
    }
  }

  #item(op: WorkflowOp, pointer: string): JsonObject {
    const compiled = this.op(op, pointer);
    return { [compiled.name]: compiled.task };
  }

  #name(base: string): string {
    let count = this.#names.get(base) ?? 0;
    let name: string;
    // A suffixed name may be some activity's own name (`notify-2`): count on until it is free.
    do {
      count += 1;
      name = count === 1 ? base : `${base}-${count}`;
    } while (this.#used.has(name));
    this.#names.set(base, count);
    this.#used.add(name);
    return name;
  }

  #parallel(op: Extract<WorkflowOp, { kind: 'parallel' }>, pointer: string): CompiledTask {
    const recorded = stepRefs(op).filter((ref) => this.#sagas.some((saga) => saga.steps.has(ref)));
    if (recorded.length > 0 && op.completion.kind !== 'all') {
      const at = childPointer(pointer, 'completion_condition');
      const expected = 'completion all for a parallel holding steps an advanced saga compensates';
      const found = `${op.completion.kind === 'any' ? 'any' : 'at_least'} around ${recorded.map((ref) => JSON.stringify(ref)).join(', ')}`;
      this.problems.push({ pointer: at, message: `expected ${expected}, found ${found}: the losing branches are cancelled halfway, so what they completed could not be compensated`, expected, found });
    }
    if (recorded.length > 0 && op.completion.kind === 'all') {
      return recordingParallel(this, op.branches.map((branch, index) => this.op(branch, childPointer(pointer, 'branches', index))), pointer);
    }
    const isCompete = op.completion.kind === 'any';
    const branches = op.branches.map((branch, index) => {
      const at = childPointer(pointer, 'branches', index);
      const compiled = this.op(branch, at);
      if (isCompete) return { [`branch-${index}`]: { do: [{ [compiled.name]: compiled.task }], metadata: { kotoba: at } } };
      const state = { [this.#name('branch-state')]: { set: BRANCH_STATE } };
      return { [`branch-${index}`]: { do: [{ [compiled.name]: compiled.task }, state], metadata: { kotoba: at } } };
    });
    if (branches.length === 0) return { name: this.#name('parallel'), task: { set: expression('.') } };
    if (isCompete) return { name: this.#name('parallel'), task: { fork: { compete: true, branches } } };
    // at_least n: Itonami's fork quorum (src/runtime/tasks/fork.ts): done once n branches completed, the rest
    // cancelled; the completed branches' states merge in declaration order (the others output null).
    const quorum: JsonObject =
      op.completion.kind === 'atLeast' ? { fork: { compete: true, branches }, metadata: { itonami: { atLeast: op.completion.count } } } : { fork: { branches } };
    return { name: this.#name('parallel'), task: { ...quorum, export: { as: parallelMergeExport() } } };
  }

  #decision(op: Extract<WorkflowOp, { kind: 'decision' }>, pointer: string): CompiledTask {
    const branches = op.conditions.map((condition, index) => ({ ...this.op(condition.branch, childPointer(pointer, 'conditions', index, 'branch')), index }));
    const fallback = op.defaultBranch === undefined ? undefined : this.op(op.defaultBranch, childPointer(pointer, 'default_branch'));
    const cases = [
      ...op.conditions.map((condition, index) => ({
        [`condition-${index}`]: { when: conditionExpression(condition.condition), then: branches[index]?.name ?? 'exit' },
      })),
      { default: { then: fallback?.name ?? 'exit' } },
    ];
    const exitAfter = (compiled: CompiledTask): JsonObject => ({ [compiled.name]: { ...compiled.task, then: 'exit' } });
    return {
      name: this.#name('decision'),
      task: {
        do: [
          { [this.#name('choose')]: { switch: cases, metadata: { kotoba: childPointer(pointer, 'conditions') } } },
          ...branches.map(exitAfter),
          ...(fallback === undefined ? [] : [exitAfter(fallback)]),
        ],
      },
    };
  }

  #wait(op: Extract<WorkflowOp, { kind: 'wait' }>): CompiledTask {
    const timeout: JsonObject = op.timeout === undefined ? {} : { timeout: { after: isoDuration(op.timeout) } };
    const condition = op.condition;
    switch (condition.kind) {
      case 'timer':
        return { name: this.#name('wait'), task: { wait: isoDuration(condition.duration), ...timeout } };
      case 'signal': {
        // A listen on the execution's signal mailbox (src/runtime/tasks/listen.ts): buffered, so a signal sent
        // before the wait is reached is not lost. The payload is kept in the state under `signals.<name>`.
        const name = condition.signalName;
        const one = { with: { type: SIGNAL_EVENT_TYPE, subject: name } };
        const keep = expression(`$context + {signals: (($context.signals // {}) + {${JSON.stringify(name)}: .[0]})}`);
        return { name: this.#name(`signal-${name}`), task: { listen: { to: { one } }, export: { as: keep }, ...timeout } };
      }
      case 'event': {
        const filter = Object.entries(condition.filter ?? {});
        const correlate = Object.fromEntries(filter.map(([key, value]) => [key, { from: eventFieldExpression(key), expect: filterExpectation(value) }]));
        const one = { with: { type: condition.eventType }, ...(filter.length === 0 ? {} : { correlate }) };
        return { name: this.#name(`wait-${condition.eventType}`), task: { listen: { to: { one } }, ...timeout } };
      }
    }
  }

  #saga(op: Extract<WorkflowOp, { kind: 'saga' }>, pointer: string): CompiledTask {
    const main = this.op(op.mainFlow, childPointer(pointer, 'main_flow'));
    const compensation = this.op(op.compensation, childPointer(pointer, 'compensation'));
    // A failing compensation must not hide the original error: it is caught (and recorded in history), then the
    // original is raised.
    const compensate = { try: [{ [compensation.name]: compensation.task }], catch: { as: 'compensationError' } };
    return {
      name: this.#name('saga'),
      task: {
        try: [{ [main.name]: main.task }],
        catch: { do: [{ [this.#name('compensate')]: { ...compensate, metadata: { kotoba: childPointer(pointer, 'compensation') } } }, reraiseTask()] },
      },
    };
  }

  #activity(op: Extract<WorkflowOp, { kind: 'activity' }>, pointer: string): CompiledTask {
    const sagaKeys = this.#sagas.filter((saga) => saga.steps.has(op.activityRef)).map((saga) => saga.key);
    const args: CallArguments = { with: mappingArguments(op.inputMapping), object: mappingObject(op.inputMapping) };
    const options = { pointer, refPointer: childPointer(pointer, 'activity_ref'), ...(op.retryPolicy === undefined ? {} : { retryPolicy: op.retryPolicy }) };
    return this.call(op.activityRef, args, activityExport(op.activityRef, sagaKeys), options);
  }

  call(ref: string, args: CallArguments, exportAs: string, options: CallOptions): CompiledTask {
    const declared = this.#declared.get(ref);
    const implementation = declared?.implementation ?? { kind: 'function', functionName: ref };
    const name = this.#name(ref);
    let call: JsonObject;
    switch (implementation.kind) {
      case 'function':
        if (RESERVED_CALLS.has(implementation.functionName)) {
          const at = options.refPointer;
          const expected = `a function name other than ${[...RESERVED_CALLS].join(', ')} (reserved by Serverless Workflow and Itonami)`;
          this.problems.push({ pointer: at, message: `activity ${JSON.stringify(ref)} at ${at} calls a reserved name; expected ${expected}`, expected, found: JSON.stringify(implementation.functionName) });
        }
        call = { call: implementation.functionName, with: args.with };
        break;
      case 'http': {
        const method = implementation.method.toLowerCase();
        const isBodyless = method === 'get' || method === 'head';
        call = { call: 'http', with: { method, endpoint: implementation.url, headers: implementation.headers, ...(isBodyless ? { query: args.with } : { body: args.with }) } };
        break;
      }
      case 'process': {
        // The input goes in as JSON on stdin; stdout that is JSON is read as such (an object then merges into the
        // state like a function's output), any other stdout is the output as text.
        const shell = { command: implementation.command, arguments: [...implementation.args], environment: implementation.env, stdin: expression(`${args.object} | tojson`) };
        call = { run: { shell }, output: { as: expression('. as $text | try fromjson catch $text') } };
        break;
      }
      case 'graphql':
        call = graphqlCall(ref, implementation, args, (base) => this.#name(base));
        break;
    }
    const timeout: JsonObject = declared?.timeout === undefined ? {} : { timeout: { after: isoDuration(declared.timeout) } };
    const task: JsonObject = { ...call, ...timeout, export: { as: exportAs } };
    const policy = options.retryPolicy ?? declared?.retryPolicy ?? this.#ir.retryPolicy;
    const attempt = retried(name, { [name]: task }, policy);
    return { name, task: attempt[name] as JsonObject };
  }

  #subworkflow(op: Extract<WorkflowOp, { kind: 'subworkflow' }>): CompiledTask {
    const reference = { namespace: KOTOBA_NAMESPACE, name: workflowName(op.workflowRef), version: 'latest', input: mappingArguments(op.inputMapping) };
    return { name: this.#name(op.workflowRef), task: { run: { workflow: reference }, export: { as: activityExport(op.workflowRef) } } };
  }
}
