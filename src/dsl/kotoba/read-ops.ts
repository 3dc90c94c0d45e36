import { type JsonObject, isJsonObject } from '../../model/json.js';
import { childPointer } from '../../model/task-ref.js';
import { quote } from '../serverless/schema-descriptions.js';
import type { IrReader, ValueReader } from './ir-reader.js';
import { I32_MAX, I32_MIN, U32_MAX, durationReader, kvalueReader } from './ir-values.js';
import { retryPolicyReader } from './read-retry-policy.js';
import { checkAdvancedSaga } from './saga-checks.js';
import { type CompensationPolicy, type CompletionCondition, type IrDuration, MAX_RULE_ITERATIONS, type RuleOrder, type RuleStrategy, type WaitCondition, type WorkflowOp } from './workflow-ir.js';

/** Names found while reading, checked against the whole workflow once it is read (see `reference-checks.ts`). */
export interface OpFacts {
  readonly activityRefs: { readonly ref: string; readonly pointer: string }[];
  readonly rules: { readonly rule: string; readonly pointer: string }[];
  /** Strings that may be `$.`-paths: mapping values and event-filter values. */
  readonly mappings: { readonly value: string; readonly pointer: string }[];
}

type OpTag = Exclude<WorkflowOp['kind'], 'rules'> | 'basic' | Exclude<RuleStrategy['kind'], 'seq'>;

const COMMON_OPS = {
  seq: 'seq', parallel: 'parallel', decision: 'decision', wait: 'wait', saga: 'saga', advancedsaga: 'advancedSaga',
  activity: 'activity', subworkflow: 'subworkflow',
} as const satisfies Record<string, OpTag>;
const INLINE_RULES = { once: 'once', exhaust: 'exhaust', while: 'while', choice: 'choice', priority: 'priority' } as const;
/** `.kotoba` writes rule strategies inline (the seed's parser wrapped them in `Basic`); serde wraps them. */
const OPS: Record<'kotoba' | 'serde', Readonly<Record<string, OpTag>>> = {
  kotoba: { ...COMMON_OPS, ...INLINE_RULES },
  serde: { ...COMMON_OPS, basic: 'basic' },
};
const OTHER_FORM_OPS: Record<'kotoba' | 'serde', Readonly<Record<string, string>>> = {
  kotoba: { basic: 'Basic is the serde wrapper; in .kotoba write once, exhaust, while, choice or priority as the op itself' },
  serde: Object.fromEntries(
    Object.keys(INLINE_RULES).map((name) => [name, `in the serde form a rule strategy sits inside {"op": "Basic", "strategy": …}`]),
  ),
};
const RULE_OPS = { once: 'once', exhaust: 'exhaust', while: 'while', seq: 'seq', choice: 'choice', priority: 'priority' } as const;
const ORDERS = { topdown: 'topdown', bottomup: 'bottomup', fair: 'fair' } as const satisfies Record<string, RuleOrder>;
const WAIT_TYPES = { timer: 'timer', event: 'event', signal: 'signal' } as const;

/** Reads `WorkflowStrategyOp`s (and the rule strategies inside them) of either form into the model. */
export class OpReader {
  readonly #reader: IrReader;
  readonly #facts: OpFacts;
  readonly #duration: ValueReader<IrDuration>;
  readonly #retry: ReturnType<typeof retryPolicyReader>;

  constructor(reader: IrReader, facts: OpFacts) {
    this.#reader = reader;
    this.#facts = facts;
    this.#duration = durationReader(reader);
    this.#retry = retryPolicyReader(reader);
  }

  readonly op: ValueReader<WorkflowOp> = (value, pointer) => {
    const r = this.#reader;
    const object = r.object(value, pointer, 'an op (an object with op)');
    if (object === undefined) return undefined;
    const tag = r.required(object, pointer, 'op', r.tag(OPS[r.form], 'an op', OTHER_FORM_OPS[r.form]));
    switch (tag) {
      case undefined:
        return undefined;
      case 'seq': {
        r.allowOnly(object, pointer, ['op', 'strategies']);
        const strategies = r.required(object, pointer, 'strategies', r.array(this.op));
        return strategies && { kind: 'seq', strategies };
      }
      case 'parallel':
        return this.#parallel(object, pointer);
      case 'decision': {
        r.allowOnly(object, pointer, ['op', 'conditions', 'default_branch']);
        const conditions = r.required(object, pointer, 'conditions', r.array(this.#decisionBranch));
        const defaultBranch = r.optional(object, pointer, 'default_branch', this.op);
        if (conditions === undefined || (object['default_branch'] != null && defaultBranch === undefined)) return undefined;
        return { kind: 'decision', conditions, ...(defaultBranch === undefined ? {} : { defaultBranch }) };
      }
      case 'wait': {
        r.allowOnly(object, pointer, ['op', 'condition', 'timeout']);
        const condition = r.required(object, pointer, 'condition', this.#waitCondition);
        const timeout = r.optional(object, pointer, 'timeout', this.#duration);
        if (condition === undefined || (object['timeout'] != null && timeout === undefined)) return undefined;
        return { kind: 'wait', condition, ...(timeout === undefined ? {} : { timeout }) };
      }
      case 'saga': {
        r.allowOnly(object, pointer, ['op', 'main_flow', 'compensation']);
        const mainFlow = r.required(object, pointer, 'main_flow', this.op);
        const compensation = r.required(object, pointer, 'compensation', this.op);
        return mainFlow && compensation && { kind: 'saga', mainFlow, compensation };
      }
      case 'advancedSaga':
        return this.#advancedSaga(object, pointer);
      case 'activity': {
        r.allowOnly(object, pointer, ['op', 'activity_ref', 'input_mapping', 'retry_policy']);
        const activityRef = r.required(object, pointer, 'activity_ref', r.name);
        const inputMapping = this.#inputMapping(object, pointer);
        const retryPolicy = r.optional(object, pointer, 'retry_policy', this.#retry);
        if (activityRef === undefined || inputMapping === undefined) return undefined;
        if (object['retry_policy'] != null && retryPolicy === undefined) return undefined;
        this.#facts.activityRefs.push({ ref: activityRef, pointer: childPointer(pointer, 'activity_ref') });
        return { kind: 'activity', activityRef, inputMapping, ...(retryPolicy === undefined ? {} : { retryPolicy }) };
      }
      case 'subworkflow': {
        r.allowOnly(object, pointer, ['op', 'workflow_ref', 'input_mapping']);
        const workflowRef = r.required(object, pointer, 'workflow_ref', r.name);
        const inputMapping = this.#inputMapping(object, pointer);
        return workflowRef !== undefined && inputMapping !== undefined ? { kind: 'subworkflow', workflowRef, inputMapping } : undefined;
      }
      case 'basic': {
        r.allowOnly(object, pointer, ['op', 'strategy']);
        const strategy = r.required(object, pointer, 'strategy', this.rule);
        return strategy && { kind: 'rules', strategy };
      }
      case 'once':
      case 'exhaust':
      case 'while':
      case 'choice':
      case 'priority': {
        const strategy = this.#ruleBody(object, pointer, tag);
        return strategy && { kind: 'rules', strategy };
      }
    }
  };

  /** A kotoba-core `StrategyOp`; inside these, `seq` is the rule-level sequence. */
  readonly rule: ValueReader<RuleStrategy> = (value, pointer) => {
    const r = this.#reader;
    const object = r.object(value, pointer, 'a rule strategy (an object with op)');
    if (object === undefined) return undefined;
    const tag = r.required(object, pointer, 'op', r.tag(RULE_OPS, 'a rule strategy'));
    return tag === undefined ? undefined : this.#ruleBody(object, pointer, tag);
  };

  #ruleBody(object: JsonObject, pointer: string, tag: RuleStrategy['kind']): RuleStrategy | undefined {
    const r = this.#reader;
    const rule = (): string | undefined => {
      const name = r.required(object, pointer, 'rule', r.name);
      if (name !== undefined) this.#facts.rules.push({ rule: name, pointer: childPointer(pointer, 'rule') });
      return name;
    };
    const order = (): RuleOrder | undefined => r.defaulted(object, pointer, 'order', r.tag(ORDERS, 'an order'), { fallback: 'topdown' });
    // Itonami's bound on one loop's rule calls, in both forms (serde readers of the crate ignore unknown fields).
    const maxIterations = (): { maxIterations?: number } | undefined => {
      if (object['max_iterations'] == null) return {};
      const n = r.integer(1, MAX_RULE_ITERATIONS)(object['max_iterations'], childPointer(pointer, 'max_iterations'));
      return n === undefined ? undefined : { maxIterations: n };
    };
    switch (tag) {
      case 'once': {
        r.allowOnly(object, pointer, ['op', 'rule']);
        const name = rule();
        return name === undefined ? undefined : { kind: 'once', rule: name };
      }
      case 'exhaust': {
        r.allowOnly(object, pointer, ['op', 'rule', 'order', 'measure', 'max_iterations']);
        const [name, ordering, bound] = [rule(), order(), maxIterations()];
        const measure = r.optional(object, pointer, 'measure', r.name);
        if (name === undefined || ordering === undefined || bound === undefined || (object['measure'] != null && measure === undefined)) return undefined;
        return { kind: 'exhaust', rule: name, order: ordering, ...(measure === undefined ? {} : { measure }), ...bound };
      }
      case 'while': {
        r.allowOnly(object, pointer, ['op', 'rule', 'pred', 'order', 'max_iterations']);
        const [name, pred, ordering, bound] = [rule(), r.required(object, pointer, 'pred', r.name), order(), maxIterations()];
        if (name === undefined || pred === undefined || ordering === undefined || bound === undefined) return undefined;
        return { kind: 'while', rule: name, pred, order: ordering, ...bound };
      }
      case 'seq':
      case 'choice': {
        r.allowOnly(object, pointer, ['op', 'strategies']);
        const strategies = r.required(object, pointer, 'strategies', r.array(this.rule));
        return strategies && { kind: tag, strategies };
      }
      case 'priority': {
        r.allowOnly(object, pointer, ['op', 'strategies']);
        const strategies = r.required(object, pointer, 'strategies', r.array(this.#prioritized));
        return strategies && { kind: 'priority', strategies };
      }
    }
  }

  readonly #prioritized: ValueReader<{ strategy: RuleStrategy; priority: number }> = (value, pointer) => {
    const r = this.#reader;
    const object = r.object(value, pointer, 'an object with strategy and priority');
    if (object === undefined) return undefined;
    r.allowOnly(object, pointer, ['strategy', 'priority']);
    const strategy = r.required(object, pointer, 'strategy', this.rule);
    const priority = r.required(object, pointer, 'priority', r.integer(I32_MIN, I32_MAX));
    return strategy !== undefined && priority !== undefined ? { strategy, priority } : undefined;
  };

  #parallel(object: JsonObject, pointer: string): WorkflowOp | undefined {
    const r = this.#reader;
    r.allowOnly(object, pointer, ['op', 'branches', 'completion_condition']);
    const branches = r.required(object, pointer, 'branches', r.array(this.op));
    const completion = r.defaulted(object, pointer, 'completion_condition', this.#completion, { fallback: { kind: 'all' } });
    if (branches === undefined || completion === undefined) return undefined;
    const at = childPointer(pointer, 'completion_condition');
    if (completion.kind === 'atLeast' && completion.count > branches.length) {
      const expected = `at most ${branches.length} (the number of branches)`;
      r.check({ pointer: at, message: `expected at_least of ${expected}, found ${completion.count}: the parallel could never complete`, expected, found: String(completion.count) });
    } else if (completion.kind !== 'all' && branches.length === 0) {
      const expected = 'at least one branch';
      r.check({ pointer: childPointer(pointer, 'branches'), message: `expected ${expected} for completion ${completion.kind}, found none: it could never complete`, expected, found: 'an empty array' });
    }
    return { kind: 'parallel', branches, completion };
  }

  /** `"all"`, `"any"`, `"at_least"` (.kotoba: one success, as the seed read it) or `{"AtLeast": n}` (either form). */
  readonly #completion: ValueReader<CompletionCondition> = (value, pointer) => {
    const r = this.#reader;
    const expected =
      r.form === 'kotoba'
        ? 'a completion condition: all, any, at_least or {at_least: <count>}'
        : 'a completion condition: "All", "Any" or {"AtLeast": <count>}';
    if (typeof value === 'string') {
      const folded = value.toLowerCase().replaceAll('_', '');
      if (folded === 'all' || folded === 'any') return { kind: folded };
      if (folded === 'atleast' && r.form === 'kotoba') return { kind: 'atLeast', count: 1 };
      return r.mismatch(pointer, expected, value);
    }
    const object = r.object(value, pointer, expected);
    const entries = object === undefined ? [] : Object.entries(object);
    const [key, count] = entries[0] ?? [];
    if (entries.length !== 1 || key === undefined || key.toLowerCase().replaceAll('_', '') !== 'atleast') {
      return object === undefined ? undefined : r.mismatch(pointer, expected, value);
    }
    const n = r.integer(0, U32_MAX)(count, childPointer(pointer, key));
    if (n === 0) {
      r.check({ pointer: childPointer(pointer, key), message: 'expected at_least of at least 1, found 0', expected: 'at least 1', found: '0' });
    }
    return n === undefined ? undefined : { kind: 'atLeast', count: n };
  };

  readonly #decisionBranch: ValueReader<{ condition: string; branch: WorkflowOp }> = (value, pointer) => {
    const r = this.#reader;
    const object = r.object(value, pointer, 'a decision branch (an object with condition and branch)');
    if (object === undefined) return undefined;
    r.allowOnly(object, pointer, ['condition', 'branch']);
    const condition = r.required(object, pointer, 'condition', r.name);
    const branch = r.required(object, pointer, 'branch', this.op);
    return condition !== undefined && branch !== undefined ? { condition, branch } : undefined;
  };

  readonly #waitCondition: ValueReader<WaitCondition> = (value, pointer) => {
    const r = this.#reader;
    const object = r.object(value, pointer, 'a wait condition (an object with type timer, event or signal)');
    if (object === undefined) return undefined;
    const type = r.required(object, pointer, 'type', r.tag(WAIT_TYPES, 'a wait condition type'));
    switch (type) {
      case undefined:
        return undefined;
      case 'timer': {
        r.allowOnly(object, pointer, ['type', 'duration']);
        const duration = r.required(object, pointer, 'duration', this.#duration);
        return duration && { kind: 'timer', duration };
      }
      case 'event': {
        r.allowOnly(object, pointer, ['type', 'event_type', 'filter']);
        const eventType = r.required(object, pointer, 'event_type', r.name);
        const filter = r.optional(object, pointer, 'filter', r.map(kvalueReader(r)));
        if (eventType === undefined || (object['filter'] != null && filter === undefined)) return undefined;
        for (const [key, item] of Object.entries(filter ?? {})) {
          if (typeof item === 'string') this.#facts.mappings.push({ value: item, pointer: childPointer(pointer, 'filter', key) });
        }
        return { kind: 'event', eventType, ...(filter === undefined ? {} : { filter }) };
      }
      case 'signal': {
        r.allowOnly(object, pointer, ['type', 'signal_name']);
        const signalName = r.required(object, pointer, 'signal_name', r.name);
        return signalName === undefined ? undefined : { kind: 'signal', signalName };
      }
    }
  };

  /** Required in serde, `{}` when absent in `.kotoba` (the README example omits it). */
  #inputMapping(object: JsonObject, pointer: string): Record<string, string> | undefined {
    const r = this.#reader;
    const mapping = r.defaulted(object, pointer, 'input_mapping', r.map(r.string), { isRequiredIn: 'serde', fallback: {} });
    for (const [key, value] of Object.entries(mapping ?? {})) {
      this.#facts.mappings.push({ value, pointer: childPointer(pointer, 'input_mapping', key) });
    }
    return mapping;
  }

  #advancedSaga(object: JsonObject, pointer: string): WorkflowOp | undefined {
    const r = this.#reader;
    r.allowOnly(object, pointer, ['op', 'main_flow', 'compensations', 'policy', 'conditions', 'parallelism', 'dependencies', 'retry_policy', 'timeout']);
    const refsBefore = this.#facts.activityRefs.length;
    const mainFlow = r.required(object, pointer, 'main_flow', this.op);
    const steps = this.#facts.activityRefs.slice(refsBefore);
    const compensations = r.required(object, pointer, 'compensations', r.map(this.op, 'an object from step (activity_ref) to its compensation'));
    const policy = r.defaulted(object, pointer, 'policy', this.#policy, { fallback: { kind: 'reverseOrder' } });
    const conditions = r.defaulted(object, pointer, 'conditions', r.map(r.name), { fallback: {} });
    const parallelism = r.defaulted(object, pointer, 'parallelism', r.integer(1, U32_MAX), { fallback: 1 });
    const dependencies = r.defaulted(object, pointer, 'dependencies', r.map(r.array(r.name)), { fallback: {} });
    const retryPolicy = r.optional(object, pointer, 'retry_policy', this.#retry);
    const timeout = r.optional(object, pointer, 'timeout', this.#duration);
    if (
      mainFlow === undefined || compensations === undefined || policy === undefined || conditions === undefined ||
      parallelism === undefined || dependencies === undefined ||
      (object['retry_policy'] != null && retryPolicy === undefined) || (object['timeout'] != null && timeout === undefined)
    ) {
      return undefined;
    }
    const saga = {
      kind: 'advancedSaga', mainFlow, compensations, policy, conditions, parallelism, dependencies,
      ...(retryPolicy === undefined ? {} : { retryPolicy }),
      ...(timeout === undefined ? {} : { timeout }),
    } as const;
    const policyObject = object['policy'];
    const customKey = isJsonObject(policyObject) ? Object.keys(policyObject)[0] : undefined;
    checkAdvancedSaga(r, saga, pointer, steps, { ...(customKey === undefined ? {} : { customKey }), hasParallelism: object['parallelism'] != null });
    return saga;
  }

  /** `reverse_order`, `parallel`, `conditional` or `{custom: [steps]}` (serde: `"ReverseOrder"`, `{"Custom": […]}`). */
  readonly #policy: ValueReader<CompensationPolicy> = (value, pointer) => {
    const r = this.#reader;
    const names = [r.spelling('reverseorder'), r.spelling('parallel'), r.spelling('conditional')];
    const expected = `a compensation policy: ${names.join(', ')} or {${quote(r.spelling('custom'))}: [steps]}`;
    if (typeof value === 'string') {
      const folded = value.toLowerCase().replaceAll('_', '');
      if (folded === 'reverseorder') return { kind: 'reverseOrder' };
      if (folded === 'parallel' || folded === 'conditional') return { kind: folded };
      return r.mismatch(pointer, expected, value);
    }
    const object = r.object(value, pointer, expected);
    const entries = object === undefined ? [] : Object.entries(object);
    const [key, order] = entries[0] ?? [];
    if (entries.length !== 1 || key === undefined || key.toLowerCase() !== 'custom') {
      return object === undefined ? undefined : r.mismatch(pointer, expected, value);
    }
    const steps = r.array(r.name)(order, childPointer(pointer, key));
    return steps === undefined ? undefined : { kind: 'custom', order: steps };
  };
}
