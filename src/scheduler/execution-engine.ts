import { EventEmitter } from 'node:events';
import type { EventBus } from '../events/event-bus.js';
import { HistoryExhaustedError } from '../history/errors.js';
import type { AnyHistoryEvent, HistoryEvent } from '../history/events.js';
import type { ExecutionState } from '../history/execution-state.js';
import { foldHistory, visitOf } from '../history/fold.js';
import { GENESIS_HASH, eventHash } from '../history/hash-chain.js';
import { Recorder } from '../history/recorder.js';
import { fromEventRow, toEventRow } from '../history/serialization.js';
import type { CloudEvent } from '../model/cloud-event.js';
import { canonicalJson } from '../model/canonical-json.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Problem } from '../model/problems.js';
import type { Definition } from '../model/workflow.js';
import { CancelledError } from '../runtime/cancellation.js';
import { ExecutionRun, timeArgument } from '../runtime/execution-run.js';
import { runWorkflow } from '../runtime/interpreter.js';
import type { ChildResult, Clock, Effects, Expressions, Random, RuntimePorts, SchemaValidator } from '../runtime/ports.js';
import { ExecutionExistsError, ExecutionNotFoundError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { EngineEventMap } from './engine-events.js';
import { lifecycleEventsFor, referenceOfKey } from './lifecycle-events.js';

/** How an execution ended. */
export type ExecutionResult = { executionId: string } & (
  | { status: 'completed'; output: Json }
  | { status: 'faulted'; error: Problem }
  | { status: 'cancelled'; reason: string }
);

export interface StartOptions {
  /** The workflow input. @default {} */
  readonly input?: Json;
  /** Start under this id. Starting an id that exists returns it when the definition and input match. */
  readonly executionId?: string;
  /** Aborting it cancels the execution. */
  readonly signal?: AbortSignal;
}

/** A started execution: its id now, its result when it ends. */
export interface ExecutionHandle {
  readonly executionId: string;
  result(): Promise<ExecutionResult>;
}

/** Looks up secret values by name; `undefined` means the secret does not exist. */
export type SecretProvider = (name: string) => Json | undefined;

export interface ExecutionEngineDeps {
  readonly store: Store;
  readonly effects: Effects;
  readonly expressions: { strict: Expressions; loose: Expressions };
  readonly clock: Clock;
  readonly random: Random;
  readonly workflowBus: EventBus;
  readonly lifecycleBus: EventBus;
  readonly schemas: SchemaValidator;
  readonly secrets: SecretProvider;
  readonly engineVersion: string;
  readonly replayFlags: readonly number[];
}

interface ActiveExecution {
  readonly controller: AbortController;
  readonly recorder: Recorder;
  readonly done: Promise<ExecutionResult>;
}

/**
 * Runs executions: starts them (WorkflowStarted durable before `start` resolves), drives the interpreter with a
 * recorder over the store, announces progress, cancels, and rebuilds any execution from its history alone.
 */
export class ExecutionEngine extends EventEmitter<EngineEventMap> {
  readonly #deps: ExecutionEngineDeps;
  readonly #definitions = new Map<string, Definition>();
  readonly #active = new Map<string, ActiveExecution>();
  readonly #closing = new AbortController();

  constructor(deps: ExecutionEngineDeps) {
    super();
    this.#deps = deps;
  }

  /** Makes a definition known to this engine (for `run.workflow` and rebuilds); `start` stores it by hash. */
  register(definition: Definition): void {
    this.#definitions.set(definition.hash, definition);
  }

  async #persist(definition: Definition): Promise<void> {
    this.register(definition);
    await this.#deps.store.putDefinition({
      hash: definition.hash,
      namespace: definition.namespace,
      name: definition.name,
      version: definition.version,
      source: JSON.stringify(definition.document),
    });
  }

  definitionByHash(hash: string): Definition | undefined {
    return this.#definitions.get(hash);
  }

  /** `version` absent or `latest`: the highest semantic version among those registered. */
  resolveDefinition(reference: { namespace: string; name: string; version?: string }): Definition | undefined {
    const candidates = [...this.#definitions.values()].filter((d) => d.namespace === reference.namespace && d.name === reference.name);
    if (reference.version !== undefined && reference.version !== 'latest') return candidates.find((d) => d.version === reference.version);
    return candidates.sort((a, b) => compareSemver(b.version, a.version))[0];
  }

  async start(definition: Definition, options: StartOptions = {}, parent?: { executionId: string; key: string }): Promise<ExecutionHandle> {
    if (this.#closing.signal.aborted) throw new Error('the engine is closed; create a new one');
    await this.#persist(definition);
    const input = options.input ?? {};
    const executionId = options.executionId ?? this.#deps.random.uuid();
    const at = this.#deps.clock.now();
    const data = {
      executionId,
      definitionHash: definition.hash,
      namespace: definition.namespace,
      name: definition.name,
      version: definition.version,
      engineVersion: this.#deps.engineVersion,
      replayFlags: [...this.#deps.replayFlags],
      input,
      secretNames: [...(definition.document.use?.secrets ?? [])],
      ...(parent === undefined ? {} : { parent }),
    };
    const started: HistoryEvent<'WorkflowStarted'> = {
      seq: 1,
      type: 'WorkflowStarted',
      at,
      data,
      hash: eventHash(GENESIS_HASH, { seq: 1, type: 'WorkflowStarted', at, data: data }),
    };
    try {
      await this.#deps.store.createExecution(
        {
          executionId,
          definitionHash: definition.hash,
          namespace: definition.namespace,
          name: definition.name,
          version: definition.version,
          status: 'running',
          createdAt: at,
          ...(parent === undefined ? {} : { parentExecutionId: parent.executionId }),
        },
        [toEventRow(started)],
      );
    } catch (error) {
      if (error instanceof ExecutionExistsError) return this.#existing(executionId, definition, input);
      throw error;
    }
    const active = this.#launch(definition, [started], input, options.signal);
    return { executionId, result: () => active.done };
  }

  async run(definition: Definition, options: StartOptions = {}): Promise<ExecutionResult> {
    return (await this.start(definition, options)).result();
  }

  /** The execution folded from its history; undefined when the store has no such execution. */
  async getExecution(executionId: string): Promise<ExecutionState | undefined> {
    const record = await this.#deps.store.getExecution(executionId);
    if (record === undefined) return undefined;
    return foldHistory(await this.history(executionId));
  }

  async history(executionId: string, range: { fromSeq?: number; toSeq?: number } = {}): Promise<AnyHistoryEvent[]> {
    const rows = await this.#deps.store.readEvents({ executionId, ...range });
    return rows.map(fromEventRow);
  }

  /**
   * Rebuilds an execution from its history alone: the interpreter replays it with every side effect disabled (a
   * call would throw), checking each step against the recorded one, and the state is folded from what it replayed.
   */
  async rebuild(executionId: string): Promise<ExecutionState> {
    const history = await this.history(executionId);
    const first = history[0];
    if (first === undefined || first.type !== 'WorkflowStarted') throw new ExecutionNotFoundError(executionId);
    const definition = await this.#definitionFor(first.data.definitionHash);
    const recorder = new Recorder({ executionId, history, now: () => this.#deps.clock.now() });
    const live = this.#ports(definition);
    const ports: RuntimePorts = {
      ...live,
      effects: disabledEffects(),
      clock: frozenClock(this.#deps.clock),
      children: { ...live.children, run: () => Promise.reject(new Error('child executions are not run during a rebuild')) },
    };
    const controller = new AbortController();
    const cancel = history.find((e) => e.type === 'CancelRequested');
    if (cancel !== undefined) controller.abort(new CancelledError(cancel.data.reason));
    const run = this.#executionRun(executionId, definition, recorder, ports, first);
    try {
      await runWorkflow(run, first.data.input, controller.signal);
    } catch (error) {
      if (!(error instanceof HistoryExhaustedError)) throw error;
    }
    return foldHistory([...recorder.produced].sort((a, b) => a.seq - b.seq));
  }

  /** Cancels a running execution: `CancelRequested` is recorded, then its work is aborted. */
  async cancel(executionId: string, reason = 'cancelled by request'): Promise<void> {
    const active = this.#active.get(executionId);
    if (active === undefined) {
      if ((await this.#deps.store.getExecution(executionId)) === undefined) throw new ExecutionNotFoundError(executionId);
      return;
    }
    await active.recorder.appendUnkeyed('CancelRequested', { reason });
    active.controller.abort(new CancelledError(reason));
    await active.done.catch(() => undefined);
  }

  /** Publishes a CloudEvent on the workflow bus (what `listen` consumes). */
  publish(event: CloudEvent): void {
    this.#deps.workflowBus.publish(event);
  }

  /** Subscribes to the lifecycle CloudEvents; returns the unsubscribe function. */
  onLifecycleEvent(listener: (event: CloudEvent) => void): () => void {
    return this.#deps.lifecycleBus.subscribe(listener);
  }

  /** Cancels what runs, waits for it to record its end, and closes the store. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closing.signal.aborted) this.#closing.abort(new CancelledError('the engine is closing'));
    const running = [...this.#active.values()];
    for (const active of running) active.controller.abort(new CancelledError('the engine is closing'));
    await Promise.all(running.map((a) => a.done.catch(() => undefined)));
    await this.#deps.store.close();
  }

  #launch(definition: Definition, history: AnyHistoryEvent[], input: Json, signal: AbortSignal | undefined): ActiveExecution {
    const first = history[0] as HistoryEvent<'WorkflowStarted'>;
    const executionId = first.data.executionId;
    const store = this.#deps.store;
    const visits = new Map<string, { name: string; at: number }>();
    const recorder = new Recorder({
      executionId,
      history,
      now: () => this.#deps.clock.now(),
      sink: async (events, status) => {
        const firstEvent = events[0];
        if (firstEvent === undefined) return;
        await store.append({ executionId, expectedSeq: firstEvent.seq - 1, events: events.map(toEventRow), ...(status === undefined ? {} : { status }) });
      },
      onEvent: (event, isReplayed) => {
        if (!isReplayed) this.#announce(event, first.data, visits);
      },
    });
    const controller = new AbortController();
    const onAbort = () => controller.abort(new CancelledError(signal?.reason instanceof Error ? signal.reason.message : 'cancelled by the caller'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) onAbort();
    const run = this.#executionRun(executionId, definition, recorder, this.#ports(definition), first);
    const done = (async (): Promise<ExecutionResult> => {
      try {
        this.#announce(first, first.data, visits);
        const outcome = await runWorkflow(run, input, controller.signal);
        await recorder.flush();
        return { executionId, ...outcome };
      } finally {
        signal?.removeEventListener('abort', onAbort);
        this.#active.delete(executionId);
      }
    })();
    const active = { controller, recorder, done };
    this.#active.set(executionId, active);
    return active;
  }

  #executionRun(executionId: string, definition: Definition, recorder: Recorder, ports: RuntimePorts, first: HistoryEvent<'WorkflowStarted'>): ExecutionRun {
    const secrets: JsonObject = {};
    for (const name of first.data.secretNames) {
      const value = this.#deps.secrets(name);
      if (value !== undefined) secrets[name] = value;
    }
    const workflowArgument: JsonObject = {
      id: executionId,
      definition: definition.document as unknown as Json,
      input: first.data.input,
      startedAt: timeArgument(first.at),
    };
    return new ExecutionRun(executionId, definition, recorder, ports, secrets, workflowArgument);
  }

  #ports(definition: Definition): RuntimePorts {
    const mode = (definition.document as { evaluate?: { mode?: string } }).evaluate?.mode;
    return {
      effects: this.#deps.effects,
      expressions: mode === 'loose' ? this.#deps.expressions.loose : this.#deps.expressions.strict,
      clock: this.#deps.clock,
      random: this.#deps.random,
      events: this.#deps.workflowBus,
      schemas: this.#deps.schemas,
      runtimeInfo: { name: 'itonami', version: this.#deps.engineVersion, metadata: {} },
      engineSignal: this.#closing.signal,
      children: {
        resolve: (reference) => this.resolveDefinition(reference),
        byHash: (hash) => this.definitionByHash(hash),
        run: (request) => this.#runChild(request),
      },
    };
  }

  async #runChild(request: Parameters<RuntimePorts['children']['run']>[0]): Promise<ChildResult> {
    const handle = await this.start(request.definition, { input: request.input, executionId: request.executionId, signal: request.signal }, request.parent);
    const result = await handle.result();
    const record = await this.#deps.store.getExecution(result.executionId);
    const events = await this.#deps.store.readEvents({ executionId: result.executionId, fromSeq: record?.seq ?? 1 });
    const hash = events.at(-1)?.hash ?? GENESIS_HASH;
    if (result.status === 'completed') return { status: 'completed', output: result.output, hash };
    if (result.status === 'faulted') return { status: 'faulted', error: result.error, hash };
    return { status: 'cancelled', hash };
  }

  async #existing(executionId: string, definition: Definition, input: Json): Promise<ExecutionHandle> {
    const history = await this.history(executionId);
    const first = history[0];
    if (first?.type !== 'WorkflowStarted' || first.data.definitionHash !== definition.hash || canonicalJson(first.data.input) !== canonicalJson(input)) {
      throw new ExecutionExistsError(executionId);
    }
    const active = this.#active.get(executionId);
    if (active !== undefined) return { executionId, result: () => active.done };
    const state = foldHistory(history);
    return { executionId, result: async () => resultOf(state) };
  }

  async #definitionFor(hash: string): Promise<Definition> {
    const known = this.#definitions.get(hash);
    if (known !== undefined) return known;
    const stored = await this.#deps.store.getDefinition(hash);
    if (stored === undefined) throw new Error(`definition ${hash} is not in the store`);
    const document = JSON.parse(stored.source) as Definition['document'];
    const definition: Definition = { hash, namespace: stored.namespace, name: stored.name, version: stored.version, dsl: document.document.dsl, document };
    this.#definitions.set(hash, definition);
    return definition;
  }

  #announce(event: AnyHistoryEvent, execution: HistoryEvent<'WorkflowStarted'>['data'], visits: Map<string, { name: string; at: number }>): void {
    for (const lifecycle of lifecycleEventsFor(event, execution, () => this.#deps.random.uuid())) this.#deps.lifecycleBus.publish(lifecycle);
    const executionId = execution.executionId;
    const base = { executionId, at: event.at };
    const taskOf = (key: string) => {
      const visit = visits.get(visitOf(key));
      return { ...base, reference: referenceOfKey(key), name: visit?.name ?? '', durationMs: event.at - (visit?.at ?? event.at) };
    };
    try {
      switch (event.type) {
        case 'WorkflowStarted':
          this.emit('execution:started', { ...base, definition: `${execution.namespace}/${execution.name}@${execution.version}` });
          break;
        case 'WorkflowCompleted':
          this.emit('execution:completed', { ...base, output: event.data.output });
          break;
        case 'WorkflowFaulted':
          this.emit('execution:faulted', { ...base, error: event.data.error });
          break;
        case 'WorkflowCancelled':
          this.emit('execution:cancelled', { ...base, reason: event.data.reason });
          break;
        case 'TaskStarted':
          visits.set(visitOf(event.data.key), { name: event.data.name, at: event.at });
          this.emit('task:started', { ...base, reference: event.data.reference, name: event.data.name });
          break;
        case 'TaskCompleted':
        case 'TaskSkipped':
          this.emit('task:completed', taskOf(event.data.key));
          break;
        case 'TaskFaulted':
          this.emit('task:faulted', { ...taskOf(event.data.key), error: event.data.error });
          break;
        case 'TaskCancelled': {
          const { durationMs: _ignored, ...task } = taskOf(event.data.key);
          this.emit('task:cancelled', task);
          break;
        }
        case 'TaskRetrying':
          this.emit('task:retried', { ...taskOf(event.data.key), attempt: event.data.attempt, delayMs: event.data.delayMs, error: event.data.error });
          break;
        default:
          break;
      }
    } catch (error) {
      // A throwing listener is reported, never allowed to break the run.
      if (this.listenerCount('listener:error') > 0) this.emit('listener:error', { error });
    }
  }
}

function resultOf(state: ExecutionState): ExecutionResult {
  if (state.status === 'completed') return { executionId: state.executionId, status: 'completed', output: state.output ?? null };
  if (state.status === 'faulted' && state.error !== undefined) return { executionId: state.executionId, status: 'faulted', error: state.error };
  if (state.status === 'cancelled') return { executionId: state.executionId, status: 'cancelled', reason: state.cancelReason ?? 'cancelled' };
  throw new Error(`execution ${state.executionId} is ${state.status} and not run by this process`);
}

function disabledEffects(): Effects {
  const refuse = (): Promise<never> => Promise.reject(new Error('side effects are disabled while rebuilding from history'));
  return { http: refuse, openapi: refuse, runShell: refuse, runScript: refuse, runContainer: refuse, readResource: refuse, resolveCatalogFunction: refuse };
}

/** During a rebuild no timer may fire: only recorded ones count. */
function frozenClock(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    sleepUntil: (_at, signal) =>
      new Promise((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason as Error);
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      }),
  };
}

/** Orders `1.10.0` after `1.9.0`; pre-release tags sort before their release. */
export function compareSemver(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.split('-', 2);
    return { parts: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i += 1) {
    const diff = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}
