import { EventEmitter } from 'node:events';
import type { EventBus } from '../events/event-bus.js';
import { HistoryExhaustedError, RunStoppedError } from '../history/errors.js';
import type { AnyHistoryEvent, HistoryEvent } from '../history/events.js';
import type { ExecutionState } from '../history/execution-state.js';
import { foldHistory } from '../history/fold.js';
import { chainedEvent, hashRuleOf } from '../history/hash-chain.js';
import { Recorder, historyReplayFlags } from '../history/recorder.js';
import type { ReplayCheckpoint } from '../history/replay-checkpoint.js';
import { ReplayFlag } from '../history/replay-flags.js';
import { fromEventRow } from '../history/serialization.js';
import type { CloudEvent } from '../model/cloud-event.js';
import { canonicalJson } from '../model/canonical-json.js';
import type { Json } from '../model/json.js';
import { isTerminal } from '../model/phases.js';
import type { Definition } from '../model/workflow.js';
import { CancelledError } from '../runtime/cancellation.js';
import { runWorkflow } from '../runtime/interpreter.js';
import type { Clock, Effects, Expressions, Random, RuntimePorts, SchemaValidator } from '../runtime/ports.js';
import { ExecutionExistsError, ExecutionNotFoundError, LeaseLostError } from '../store/errors.js';
import type { Claim, ClaimToken, ExecutionCommand, ExecutionFilter, ExecutionRecord, Store } from '../store/store.js';
import { type ChildHost, cancelChildren, runChild } from './child-executions.js';
import { type SecretProvider, executionRunOf } from './execution-run-of.js';
import { DefinitionRegistry } from './definition-registry.js';
import { durableInboxPort } from './durable-inbox-port.js';
import { TaskVisits, announceEvent } from './execution-announcer.js';
import { EngineClosedError, type ExecutionResult, ExecutionResults, resultOfState } from './execution-results.js';
import { type VerifyReport, verifyExecutions } from './history-checks.js';
import { rebuildPorts } from './rebuild-ports.js';
import { ParkWatch } from './park-watch.js';
import { type ExecutionHandle, type StartOptions, newExecutionOf } from './execution-start.js';
import { ReplayPoints } from './replay-points.js';
import { POLL_MS, RunLoops, type WorkOptions } from './run-loops.js';
export type { WorkOptions } from './run-loops.js';
import { type ScheduleHost, fireDueSchedules } from './schedules.js';
import type { EngineEventMap } from './engine-events.js';

export type { ExecutionHandle, StartOptions } from './execution-start.js';
export type { SecretProvider } from './execution-run-of.js';

export interface ExecutionEngineDeps {
  readonly store: Store;
  readonly effects: Effects;
  readonly expressions: { strict: Expressions; loose: Expressions };
  readonly clock: Clock;
  readonly random: Random;
  readonly lifecycleBus: EventBus;
  readonly schemas: SchemaValidator;
  readonly secrets: SecretProvider;
  readonly engineVersion: string;
  readonly replayFlags: readonly number[];
  /** This process's claim owner id. */
  readonly owner: string;
  /** How long a claim lasts unless renewed (renewed every third of it while the run is in memory). */
  readonly leaseMs: number;
  /** A run whose every strand waits on a timer due at least this far ahead leaves memory (parks) until due. */
  readonly parkAfterMs: number;
  /** A snapshot of the folded state is kept every this many events. */
  readonly snapshotEvery: number;
}

/** How one in-memory run ended: the execution ended, or the run left memory and the execution lives on. */
type RunEnd = { kind: 'ended'; result: ExecutionResult } | { kind: 'parked'; wakeAt: number | null } | { kind: 'stopped' };

interface ActiveExecution {
  readonly claim: ClaimToken;
  readonly controller: AbortController;
  readonly recorder: Recorder;
  readonly done: Promise<RunEnd>;
  readonly watch: ParkWatch;
}

/**
 * Runs executions: starts them (WorkflowStarted durable before `start` resolves), drives the interpreter with a
 * recorder over the store, announces progress, cancels, and rebuilds any execution from its history alone.
 */
export class ExecutionEngine extends EventEmitter<EngineEventMap> {
  readonly #deps: ExecutionEngineDeps;
  readonly #definitions: DefinitionRegistry;
  readonly #active = new Map<string, ActiveExecution>();
  readonly #closing = new AbortController();
  readonly #results = new ExecutionResults();
  readonly #loops: RunLoops;
  readonly #replayPoints: ReplayPoints;
  readonly #scheduleHost: ScheduleHost;
  /** Listens waiting in memory for their inbox to change. */
  readonly #inboxWaiters = new Set<() => void>();
  readonly #childHost: ChildHost;
  readonly #basePorts: RuntimePorts;
  /** The ports of `evaluate.mode: loose` definitions, made on first use. */
  #loosePorts: RuntimePorts | undefined;
  /** What every announcement goes through: made once, not per event. */
  readonly #announcer: Parameters<typeof announceEvent>[0];

  constructor(deps: ExecutionEngineDeps) {
    super();
    this.#deps = deps;
    this.#definitions = new DefinitionRegistry(deps.store);
    this.#childHost = {
      store: deps.store,
      start: (definition, options, parent) => this.start(definition, options, parent),
      cancel: (executionId, reason) => this.cancel(executionId, reason),
      isCancelling: (executionId) => this.#active.get(executionId)?.controller.signal.aborted === true,
      reportError: (error) => this.emit('listener:error', { error }),
    };
    this.#basePorts = {
      effects: deps.effects,
      expressions: deps.expressions.strict,
      clock: deps.clock,
      random: deps.random,
      events: durableInboxPort({ store: deps.store, clock: deps.clock, publish: (event) => this.publish(event), waiters: this.#inboxWaiters, pollMs: POLL_MS }),
      schemas: deps.schemas,
      runtimeInfo: { name: 'itonami', version: deps.engineVersion, metadata: {} },
      engineSignal: this.#closing.signal,
      children: {
        resolve: (reference) => this.#definitions.resolve(reference),
        byHash: (hash) => this.#definitions.byHash(hash),
        run: (request) => runChild(this.#childHost, request),
      },
    };
    this.#announcer = { emitter: this, lifecycleBus: deps.lifecycleBus, newId: () => this.#deps.random.uuid() };
    this.#scheduleHost = {
      store: deps.store,
      expressions: deps.expressions.strict,
      now: () => this.#deps.clock.now(),
      activeDefinitions: () => this.#definitions.latestStored(),
      start: async (definition, executionId, input) => {
        await this.start(definition, { executionId, input });
      },
      endedAt: async (executionId) => (await this.getExecution(executionId))?.endedAt,
    };
    this.#replayPoints = new ReplayPoints({
      store: deps.store,
      snapshotEvery: deps.snapshotEvery,
      history: (executionId, range) => this.history(executionId, range),
      stateAt: (executionId, seq) => this.getExecution(executionId, { atSeq: seq }),
    });
    this.#loops = new RunLoops({
      store: deps.store,
      clock: deps.clock,
      owner: deps.owner,
      leaseMs: deps.leaseMs,
      closing: this.#closing.signal,
      activeCount: () => this.#active.size,
      resume: (claim) => this.#resume(claim),
      fireDueSchedules: () => fireDueSchedules(this.#scheduleHost),
      settleEnded: async (executionId) => this.#results.settle(resultOfState(foldHistory(await this.history(executionId)))),
      parkAll: () => this.#parkAll(),
    });
  }

  /** Makes a definition known to this engine (for `run.workflow` and rebuilds); `start` stores it by hash. */
  register(definition: Definition): void {
    this.#definitions.register(definition);
  }

  definitionByHash(hash: string): Definition | undefined {
    return this.#definitions.known(hash);
  }

  /**
   * A definition by namespace, name and version, among those this engine knows and those deployed to its store;
   * `version` absent or `latest`: the highest semantic version.
   */
  async resolveDefinition(reference: { namespace: string; name: string; version?: string }): Promise<Definition | undefined> {
    return this.#definitions.resolve(reference);
  }

  /** Stores a definition by hash so any process on this store can start it or call it as a sub-workflow. */
  async deploy(definition: Definition): Promise<void> {
    await this.#definitions.persist(definition);
  }

  async listExecutions(filter: ExecutionFilter = {}): Promise<ExecutionRecord[]> {
    return this.#deps.store.listExecutions(filter);
  }

  async start(definition: Definition, options: StartOptions = {}, parent?: { executionId: string; key: string }): Promise<ExecutionHandle> {
    const started = await this.#begin(definition, options, parent);
    if (started.result === undefined) return started.handle;
    const { result } = started;
    return { executionId: started.handle.executionId, result: () => result };
  }

  /**
   * Starts an execution: its handle, and its result promise when this engine runs it now (`run` awaits that at
   * once, without a handle around it).
   */
  async #begin(
    definition: Definition,
    options: StartOptions,
    parent: { executionId: string; key: string } | undefined,
  ): Promise<{ handle: ExecutionHandle; result?: never } | { handle: { executionId: string }; result: Promise<ExecutionResult> }> {
    if (this.#closing.signal.aborted) throw new Error('the engine is closed; create a new one');
    // Stored once per definition object: later starts skip the store (and a turn of the event loop).
    if (!this.#definitions.isPersisted(definition)) await this.#definitions.persist(definition);
    const input = options.input ?? {};
    const executionId = options.executionId ?? this.#deps.random.uuid();
    const at = this.#deps.clock.now();
    const { started, execution } = newExecutionOf({ executionId, definition, input, at, engineVersion: this.#deps.engineVersion, replayFlags: this.#deps.replayFlags, parent });
    const isRun = options.run !== false;
    let claim: Claim | undefined;
    try {
      claim = await this.#deps.store.createExecution(
        execution,
        [started.row],
        isRun ? { owner: this.#deps.owner, leaseMs: this.#deps.leaseMs, now: at } : undefined,
      );
    } catch (error) {
      if (error instanceof ExecutionExistsError) return { handle: await this.#existing(executionId, definition, input) };
      throw error;
    }
    if (!isRun) {
      return {
        handle: {
          executionId,
          result: () => {
            const result = this.#results.of(executionId);
            if (!this.#active.has(executionId)) this.#loops.track(executionId, 0);
            return result;
          },
        },
      };
    }
    const result = this.#results.of(executionId);
    if (claim === undefined) throw new Error(`execution ${executionId} was claimed by another process as it started`);
    this.#launch(claim, definition, [started.event], options.signal === undefined ? {} : { signal: options.signal });
    return { handle: { executionId }, result };
  }

  async run(definition: Definition, options: StartOptions = {}): Promise<ExecutionResult> {
    const started = await this.#begin(definition, options, undefined);
    return started.result ?? started.handle.result();
  }

  /**
   * The execution folded from its history — at version `atSeq` when given (the nearest snapshot plus the tail) —;
   * undefined when the store has no such execution. Throws `RangeError` for a version past the head.
   */
  async getExecution(executionId: string, options: { atSeq?: number } = {}): Promise<ExecutionState | undefined> {
    const record = await this.#deps.store.getExecution(executionId);
    if (record === undefined) return undefined;
    const atSeq = options.atSeq ?? record.seq;
    if (!Number.isInteger(atSeq) || atSeq < 1 || atSeq > record.seq) {
      throw new RangeError(`execution ${executionId} has versions 1 to ${record.seq}; ${atSeq} is not one of them`);
    }
    const snapshot = await this.#deps.store.getSnapshot(executionId, atSeq);
    if (snapshot === undefined) return foldHistory(await this.history(executionId, { toSeq: atSeq }));
    const tail = await this.history(executionId, { fromSeq: snapshot.seq + 1, toSeq: atSeq });
    return foldHistory(tail, JSON.parse(snapshot.state) as ExecutionState);
  }

  /**
   * Recomputes the hash chain of one execution (or all) and names the first bad event of each broken one; a
   * parent's `ChildCompleted` must also carry its child's final hash.
   */
  async verify(options: { executionId?: string } = {}): Promise<VerifyReport> {
    const ids =
      options.executionId !== undefined
        ? [options.executionId]
        : (await this.#deps.store.listExecutions({ limit: Number.MAX_SAFE_INTEGER })).map((record) => record.executionId);
    return verifyExecutions(this.#deps.store, ids);
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
    const definition = await this.#definitions.byHash(first.data.definitionHash);
    const recorder = new Recorder({ executionId, history, now: () => this.#deps.clock.now() });
    const ports = rebuildPorts(this.#ports(definition));
    const controller = new AbortController();
    const cancel = history.find((e) => e.type === 'CancelRequested');
    if (cancel !== undefined) controller.abort(new CancelledError(cancel.data.reason));
    const run = executionRunOf({ definition, recorder, ports, first, secrets: this.#deps.secrets, isVerifying: true });
    try {
      await runWorkflow(run, first.data.input, controller.signal);
    } catch (error) {
      if (!(error instanceof HistoryExhaustedError)) throw error;
    }
    return foldHistory([...recorder.produced].sort((a, b) => a.seq - b.seq));
  }

  /**
   * Cancels an execution: `CancelRequested` is recorded, in-flight side effects are aborted, children are cancelled,
   * and the execution ends `cancelled`. When another process runs it, the request reaches that process at its next
   * claim renewal; when nobody runs it, this engine replays it with the cancellation in force, which runs nothing
   * new. Returns false when the execution had already ended.
   */
  async cancel(executionId: string, reason = 'cancelled by request'): Promise<boolean> {
    return this.#command(executionId, { kind: 'cancel', reason });
  }

  /** Suspends an execution: it records `Suspended` and parks until resumed. False when it had already ended. */
  async suspend(executionId: string, reason = 'suspended by request'): Promise<boolean> {
    return this.#command(executionId, { kind: 'suspend', reason });
  }

  /** Resumes a suspended execution (a worker, or this engine if it tracks it, runs it on). False when it had ended. */
  async resume(executionId: string): Promise<boolean> {
    return this.#command(executionId, { kind: 'resume' });
  }

  async #command(executionId: string, command: ExecutionCommand): Promise<boolean> {
    const record = await this.#deps.store.getExecution(executionId);
    if (record === undefined) throw new ExecutionNotFoundError(executionId);
    const active = this.#active.get(executionId);
    if (active !== undefined) {
      await this.#apply(active, command);
      return true;
    }
    if (!(await this.#deps.store.requestCommand(executionId, command))) return false;
    if (command.kind === 'resume' && !this.#loops.isTracked(executionId) && !this.#loops.isWorker) return true;
    // Nobody may be running it: take it (if free) so the command takes effect now; a cancellation runs nothing new.
    const claim = await this.#deps.store.claimExecution({ executionId, owner: this.#deps.owner, leaseMs: this.#deps.leaseMs, now: this.#deps.clock.now() });
    if (claim !== undefined) {
      const ended = await this.#resume(claim);
      await ended?.done;
    }
    return true;
  }

  /** Applies a command to a run in memory. */
  async #apply(active: ActiveExecution, command: ExecutionCommand): Promise<void> {
    if (command.kind === 'cancel') {
      await active.recorder.appendUnkeyed('CancelRequested', { reason: command.reason });
      active.controller.abort(new CancelledError(command.reason));
      await active.done;
    } else if (command.kind === 'suspend') {
      await active.recorder.appendUnkeyed('Suspended', { reason: command.reason });
      this.#stop(active, 'suspended');
      await active.done;
    }
  }

  /**
   * Accepts a CloudEvent into the durable inbox (deduplicated on source + id) for every subscription that exists
   * now, and wakes the executions listening for it, here or in other processes. False for a duplicate.
   */
  async publish(event: CloudEvent): Promise<boolean> {
    const { isAccepted } = await this.#deps.store.publishEvent({
      source: event.source,
      id: event.id,
      type: event.type,
      event: JSON.stringify(event),
      acceptedAt: this.#deps.clock.now(),
    });
    // A parked listener here may be due now: look at every tracked execution once more.
    if (isAccepted) this.#inboxChanged(this.#loops.trackedIds());
    return isAccepted;
  }

  /**
   * Sends a signal to an execution: kept in its mailbox (in send order) until a `listen` on `io.itonami.signal` with
   * this name as `subject` consumes it, so one sent before the wait is reached is not lost; a parked execution
   * becomes due. `id` deduplicates a resend. False when the execution has ended; throws `ExecutionNotFoundError`
   * for an unknown one.
   */
  async signal(executionId: string, name: string, payload: Json = null, options: { id?: string } = {}): Promise<boolean> {
    const { outcome } = await this.#deps.store.sendSignal({
      executionId,
      id: options.id ?? this.#deps.random.uuid(),
      name,
      payload: JSON.stringify(payload),
      sentAt: this.#deps.clock.now(),
    });
    if (outcome === 'accepted') this.#inboxChanged([executionId]);
    return outcome !== 'ended';
  }

  /** Something arrived for waits: wake the listens waiting in memory, and make these tracked executions due. */
  #inboxChanged(due: readonly string[]): void {
    for (const notify of [...this.#inboxWaiters]) notify();
    this.#loops.markDue(due);
  }

  /** Subscribes to the lifecycle CloudEvents; returns the unsubscribe function. */
  onLifecycleEvent(listener: (event: CloudEvent) => void): () => void {
    return this.#deps.lifecycleBus.subscribe(listener);
  }

  /**
   * Runs every runnable execution in the store — new, orphaned (its claim expired), or parked and due — until
   * `signal` aborts or, with `untilIdle`, until nothing is runnable and no timer falls due within `maxWaitMs`.
   * Resolves once the runs it holds are parked (nothing half-done is written).
   */
  async work(options: WorkOptions = {}): Promise<void> {
    await this.#loops.work(options);
  }

  /** Stops the runs in memory without writing anything half-done, releases their claims, and closes the store. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closing.signal.aborted) this.#closing.abort(new RunStoppedError({ executionId: '*', reason: 'engine-closing' }));
    await this.#loops.stopped();
    await this.#parkAll();
    this.#results.failAll((executionId) => new EngineClosedError(executionId));
    await this.#deps.store.close();
  }

  async #parkAll(): Promise<void> {
    const running = [...this.#active.values()];
    for (const active of running) this.#stop(active, 'engine-closing');
    await Promise.all(running.map((a) => a.done));
  }

  /** Takes a run out of memory: it records nothing more and resumes later by replay. */
  #stop(active: ActiveExecution, reason: RunStoppedError['details']['reason']): void {
    const error = new RunStoppedError({ executionId: active.claim.executionId, reason });
    active.recorder.stop(error);
    active.controller.abort(error);
  }

  /** Resumes a claimed execution by replaying its history (definitions come from the store, never from files). */
  async #resume(claim: Claim): Promise<ActiveExecution | undefined> {
    try {
      const { history, checkpoint } = await this.#replayPoints.replayInput(claim.executionId);
      const first = history[0];
      if (first?.type !== 'WorkflowStarted') throw new Error(`execution ${claim.executionId} has no WorkflowStarted`);
      const definition = await this.#definitions.byHash(first.data.definitionHash);
      // The executions index keeps the phase (suspended or not) that the partial history of a checkpoint may not show.
      const status = (await this.#deps.store.getExecution(claim.executionId))?.status;
      const command = claim.command ?? (await this.#deps.store.takeCommand(claim));
      if (claim.command !== undefined) await this.#deps.store.takeCommand(claim);
      // A command is recorded before anything of the run goes on, so nothing new runs ahead of it.
      if (command?.kind === 'cancel') {
        return this.#launch(claim, definition, await this.#appendAdministrative(claim, history, 'CancelRequested', { reason: command.reason }), { checkpoint });
      }
      if (command?.kind === 'suspend' || (status === 'suspended' && command?.kind !== 'resume')) {
        if (command?.kind === 'suspend' && status !== 'suspended') {
          await this.#appendAdministrative(claim, history, 'Suspended', { reason: command.reason }, 'suspended');
        }
        await this.#deps.store.releaseClaim(claim, { wakeAt: null });
        return undefined;
      }
      if (command?.kind === 'resume' && status === 'suspended') {
        return this.#launch(claim, definition, await this.#appendAdministrative(claim, history, 'Resumed', {}), { checkpoint });
      }
      return this.#launch(claim, definition, history, { checkpoint });
    } catch (error) {
      await this.#deps.store.releaseClaim(claim).catch(() => undefined);
      this.emit('listener:error', { error });
      return undefined;
    }
  }

  /** Appends an administrative event under a claim, outside a run, and returns the longer history. */
  async #appendAdministrative<T extends 'Resumed' | 'Suspended' | 'CancelRequested'>(
    claim: ClaimToken,
    history: AnyHistoryEvent[],
    type: T,
    data: HistoryEvent<T>['data'],
    status: 'running' | 'suspended' = 'running',
  ): Promise<AnyHistoryEvent[]> {
    const chained = chainedEvent(history.at(-1), type, this.#deps.clock.now(), data, hashRuleOf(historyReplayFlags(history)));
    const event = chained.event as AnyHistoryEvent;
    await this.#deps.store.append({ executionId: claim.executionId, expectedSeq: event.seq - 1, events: [chained.row], claim, status });
    this.#announce(event, (history[0] as HistoryEvent<'WorkflowStarted'>).data, new TaskVisits(history));
    return [...history, event];
  }

  /**
   * Puts a claimed execution's run in memory. `history` is the whole history, or a replay checkpoint's events plus the
   * events after it (`options.checkpoint`).
   */
  #launch(claim: ClaimToken, definition: Definition, history: AnyHistoryEvent[], options: { signal?: AbortSignal; checkpoint?: ReplayCheckpoint | undefined } = {}): ActiveExecution {
    const { signal } = options;
    const first = history[0] as HistoryEvent<'WorkflowStarted'>;
    const executionId = first.data.executionId;
    const store = this.#deps.store;
    const isCheckpointed = first.data.replayFlags.includes(ReplayFlag.skipCompletedTasks);
    let checkpoint = options.checkpoint;
    const visits = new TaskVisits(history, definition.document);
    const recorder = new Recorder({
      executionId,
      history,
      ...(checkpoint === undefined ? {} : { checkpoint }),
      now: () => this.#deps.clock.now(),
      sendLater: setImmediate,
      sink: async (appended, status) => {
        const firstEvent = appended[0]?.event;
        if (firstEvent === undefined) return;
        // The run's last event gives the claim up in the same transaction.
        const release = status !== undefined && isTerminal(status);
        await store.append({ executionId, expectedSeq: firstEvent.seq - 1, events: appended.map((chained) => chained.row), claim, release, ...(status === undefined ? {} : { status }) });
        const last = appended.at(-1)?.event ?? firstEvent;
        checkpoint = await this.#replayPoints.afterAppend(executionId, { fromSeq: firstEvent.seq, toSeq: last.seq }, { isCheckpointed, checkpoint });
      },
      onEvent: (event, isReplayed) => {
        if (!isReplayed) this.#announce(event, first.data, visits);
      },
    });
    const controller = new AbortController();
    // Only a caller's signal needs a listener (most starts pass none).
    let onAbort: (() => void) | undefined;
    if (signal !== undefined) {
      onAbort = () => {
        // The caller's run left memory (a parent parking): this execution goes on by itself.
        if (signal.reason instanceof RunStoppedError) return;
        controller.abort(new CancelledError(signal.reason instanceof Error ? signal.reason.message : 'cancelled by the caller'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    }
    const cancel = history.find((event) => event.type === 'CancelRequested');
    if (cancel !== undefined) controller.abort(new CancelledError(cancel.data.reason));
    const watch = new ParkWatch({
      clock: this.#deps.clock,
      parkAfterMs: this.#deps.parkAfterMs,
      mayPark: () => this.#active.get(executionId) === active && recorder.isIdle,
      park: () => this.#stop(active, 'parked'),
    });
    const active: ActiveExecution = { claim, controller, recorder, watch, done: Promise.resolve({ kind: 'stopped' }) };
    const run = executionRunOf({ definition, recorder, ports: this.#ports(definition), first, secrets: this.#deps.secrets, observer: watch.observer });
    // Signals consumed inside subtrees the checkpoint dropped are known from it alone.
    for (const consumed of checkpoint?.consumedSignals ?? []) run.consumedSignals.add(consumed);
    const renewal = setInterval(() => void this.#renew(active), Math.max(50, Math.floor(this.#deps.leaseMs / 3)));
    const done = (async (): Promise<RunEnd> => {
      try {
        if (history.length === 1) this.#announce(first, first.data, visits);
        const outcome = await runWorkflow(run, first.data.input, controller.signal);
        await recorder.flush();
        if (outcome.status === 'cancelled') await cancelChildren(this.#childHost, executionId, outcome.reason);
        const result: ExecutionResult = { executionId, ...outcome };
        this.#results.settle(result);
        return { kind: 'ended', result };
      } catch (error) {
        const isClaimLost =
          (error instanceof RunStoppedError && error.details.reason === 'claim-lost') ||
          error instanceof LeaseLostError ||
          (error instanceof Error && error.cause instanceof LeaseLostError);
        if (!isClaimLost && !(error instanceof RunStoppedError)) {
          // The engine itself failed (nondeterminism, a broken store): the run stops unrecorded; its claim lapses.
          const failure = error instanceof Error ? error : new Error(String(error));
          if (!this.#results.fail(executionId, failure)) this.emit('listener:error', { error: failure });
          return { kind: 'stopped' };
        }
        await recorder.flush().catch(() => undefined);
        if (isClaimLost) {
          // Another process runs it now: callers waiting here learn its end from the store.
          if (this.#results.isAwaited(executionId)) this.#loops.track(executionId, null);
          return { kind: 'stopped' };
        }
        const reason = (error as RunStoppedError).details.reason;
        const wakeAt = reason === 'parked' ? active.watch.wakeAt : reason === 'suspended' ? null : undefined;
        if (wakeAt === undefined) {
          await store.releaseClaim(claim);
          return { kind: 'stopped' };
        }
        await store.releaseClaim(claim, { wakeAt });
        if (!this.#loops.isWorker || this.#results.isAwaited(executionId)) this.#loops.track(executionId, wakeAt);
        return { kind: 'parked', wakeAt };
      } finally {
        clearInterval(renewal);
        if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
        this.#active.delete(executionId);
        this.#loops.wake();
      }
    })();
    const tracked: ActiveExecution = Object.assign(active, { done });
    this.#active.set(executionId, tracked);
    this.#loops.untrack(executionId);
    return tracked;
  }

  /** Renews the claim of a run in memory and applies any command another process sent; a lost claim stops the run. */
  async #renew(active: ActiveExecution): Promise<void> {
    try {
      const renewed = await this.#deps.store.renewClaim(active.claim, { leaseMs: this.#deps.leaseMs, now: this.#deps.clock.now() });
      if (renewed.command !== undefined) {
        await this.#deps.store.takeCommand(active.claim);
        await this.#apply(active, renewed.command);
      }
    } catch (error) {
      if (error instanceof LeaseLostError) this.#stop(active, 'claim-lost');
    }
  }

  /** The ports of a definition's runs: all alike but for `evaluate.mode: loose`, which picks the loose jq evaluation. */
  #ports(definition: Definition): RuntimePorts {
    const mode = (definition.document as { evaluate?: { mode?: string } }).evaluate?.mode;
    if (mode !== 'loose') return this.#basePorts;
    this.#loosePorts ??= { ...this.#basePorts, expressions: this.#deps.expressions.loose };
    return this.#loosePorts;
  }

  async #existing(executionId: string, definition: Definition, input: Json): Promise<ExecutionHandle> {
    const history = await this.history(executionId);
    const first = history[0];
    if (first?.type !== 'WorkflowStarted' || first.data.definitionHash !== definition.hash || canonicalJson(first.data.input) !== canonicalJson(input)) {
      throw new ExecutionExistsError(executionId);
    }
    return this.#handleOf(executionId, foldHistory(history));
  }

  /**
   * Waits for an execution to end, wherever it was started, and returns how it ended. One that is not running in
   * this process is taken up here when nobody holds it (parked, or its worker gone), as `start` does for a known id.
   * Throws `ExecutionNotFoundError` for an unknown id.
   */
  async waitForCompletion(executionId: string): Promise<ExecutionResult> {
    const state = await this.getExecution(executionId);
    if (state === undefined) throw new ExecutionNotFoundError(executionId);
    return this.#handleOf(executionId, state).result();
  }

  /** A handle on an existing execution: its result now if it ended, else once it ends (this engine tracking it). */
  #handleOf(executionId: string, state: ExecutionState): ExecutionHandle {
    if (isTerminal(state.status)) return { executionId, result: async () => resultOfState(state) };
    const result = this.#results.of(executionId);
    if (!this.#active.has(executionId)) this.#loops.track(executionId, 0);
    return { executionId, result: () => result };
  }

  #announce(event: AnyHistoryEvent, execution: HistoryEvent<'WorkflowStarted'>['data'], visits: TaskVisits): void {
    announceEvent(this.#announcer, event, execution, visits);
  }
}
