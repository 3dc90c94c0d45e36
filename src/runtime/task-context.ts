import type { EffectOptions } from '../activities/effects.js';
import type { EvaluationSite, ExpressionScope } from '../expressions/runtime-expressions.js';
import type { Json } from '../model/json.js';
import { ProblemError, problemOf } from '../model/problems.js';
import type { TaskRef } from '../model/task-ref.js';
import type { Task, TaskList } from '../model/workflow.js';
import type { ContextCell, ExecutionRun } from './execution-run.js';

/** What a task hands back to its list: its raw output and, for `switch`, the flow directive it chose. */
export interface TaskOutcome {
  readonly output: Json;
  /** Overrides the task's own `then` (a matched switch case). */
  readonly then?: string;
  /** A nested list reached `then: end`: the whole workflow ends. */
  readonly isEnded?: boolean;
  /** Its `if` did not hold: the task did not run, so its own `then` does not apply either. */
  readonly isSkipped?: boolean;
}

export interface ListOutcome {
  readonly output: Json;
  readonly isEnded: boolean;
}

/** Where a nested task list runs: its pointer, loop indexes, extra variables, signal and `$context` cell. */
export interface ListScope {
  readonly run: ExecutionRun;
  /** Pointer of the list itself, e.g. `/do/0/loop/for/do`; items are `${pointer}/${index}/${name}`. */
  readonly pointer: string;
  readonly indexes: readonly number[];
  /** Loop and catch variables visible to the list's tasks. */
  readonly variables: ExpressionScope;
  readonly signal: AbortSignal;
  readonly context: ContextCell;
}

export type ListRunner = (list: TaskList, input: Json, scope: ListScope) => Promise<ListOutcome>;
export type TaskRunner = (task: Task, name: string, pointer: string, input: Json, scope: ListScope) => Promise<TaskOutcome>;

/**
 * What a task kind's handler sees: its transformed input, its variables, its signal, and the only doors to the
 * outside world — `effect`, `decide`, `sleepUntil` — each recorded in history before its result is used.
 */
export class TaskContext {
  /** History slots used in this visit, shared by every view of it (see {@link withSignal}). */
  #slots = new Set<string>();
  /** {@link site}, made once per view: its fields are readonly. */
  #site: EvaluationSite | undefined;

  constructor(
    readonly run: ExecutionRun,
    readonly name: string,
    readonly task: Task,
    readonly ref: TaskRef,
    /** History key of this visit: `pointer[indexes]#visit`. */
    readonly visitKey: string,
    /** The visit number (0 first; a retry or jump back counts up): the attempt of the idempotency key. */
    readonly visit: number,
    /** The transformed input (`$input`). */
    readonly input: Json,
    /** Every `$variable` of the task body (all but `$output`). */
    readonly variables: ExpressionScope,
    readonly signal: AbortSignal,
    readonly scope: ListScope,
    /** Epoch ms: the recorded start of this visit; jq's `now` inside the task. */
    readonly startedAt: number,
    readonly runList: ListRunner,
    readonly runTask: TaskRunner,
  ) {}

  /** The same visit under another signal (a timeout's or a branch's), sharing its history slots. */
  withSignal(signal: AbortSignal): TaskContext {
    // Under its own signal a view is this context: every field and the slots would be the same.
    if (signal === this.signal) return this;
    const view = new TaskContext(
      this.run, this.name, this.task, this.ref, this.visitKey, this.visit, this.input, this.variables, signal,
      this.scope, this.startedAt, this.runList, this.runTask,
    );
    view.#slots = this.#slots;
    return view;
  }

  /** The same visit with more variables (`$authorization`, `$output`), sharing its history slots. */
  withVariables(extra: ExpressionScope, input: Json = this.input): TaskContext {
    const view = new TaskContext(
      this.run, this.name, this.task, this.ref, this.visitKey, this.visit, input, { ...this.variables, ...extra, input },
      this.signal, this.scope, this.startedAt, this.runList, this.runTask,
    );
    view.#slots = this.#slots;
    return view;
  }

  get pointer(): string {
    return this.ref.pointer;
  }

  get site(): EvaluationSite {
    this.#site ??= { instance: this.ref.pointer, now: this.startedAt / 1000 };
    return this.#site;
  }

  /** Execution id + task reference + attempt: the same after a crash, new on a deliberate retry. */
  get idempotencyKey(): string {
    return `${this.run.executionId}:${this.visitKey}`;
  }

  effectOptions(signal: AbortSignal = this.signal): EffectOptions {
    return { signal, idempotencyKey: this.idempotencyKey };
  }

  evaluate(source: string, data: Json = this.input, extra?: ExpressionScope): Json {
    return this.run.ports.expressions.evaluate(source, data, this.#scopeWith(extra), this.site);
  }

  evaluateCondition(source: string, data: Json = this.input, extra?: ExpressionScope): boolean {
    return this.run.ports.expressions.evaluateCondition(source, data, this.#scopeWith(extra), this.site);
  }

  evaluateTemplate(template: unknown, data: Json = this.input, extra?: ExpressionScope): Json {
    return this.run.ports.expressions.evaluateTemplate(template, data, this.#scopeWith(extra), this.site);
  }

  /** The variables plus `extra`; without extras, the variables themselves (expressions never write to a scope). */
  #scopeWith(extra: ExpressionScope | undefined): ExpressionScope {
    return extra === undefined ? this.variables : { ...this.variables, ...extra };
  }

  /** A history key inside this visit; each slot may be used once (a repeat is an engine bug, caught here). */
  key(slot: string): string {
    if (this.#slots.has(slot)) throw new Error(`task ${this.visitKey} used history slot '${slot}' twice`);
    this.#slots.add(slot);
    return `${this.visitKey}:${slot}`;
  }

  /**
   * Runs a side effect once: its result — or the workflow error it raised — is recorded before it is used, and
   * replay returns the recording instead of running it again.
   */
  async effect(slot: string, effect: string, produce: (signal: AbortSignal) => Promise<Json>): Promise<Json> {
    const key = this.key(slot);
    const recorder = this.run.recorder;
    const failed = recorder.lookup(key);
    if (failed?.type === 'EffectFailed') {
      await recorder.capture('EffectFailed', key, () => Promise.reject(new Error('unreachable: recorded')));
      throw new ProblemError(failed.data.error);
    }
    let thrown: unknown;
    const event = await recorder
      .capture(
        'EffectCompleted',
        key,
        async () => {
          // The effect may act on any result recorded so far: none may still be lost to a crash when it runs.
          await recorder.resultsDurable();
          const observer = this.run.observer;
          observer.workBegan();
          try {
            return { key, effect, result: await produce(this.signal) };
          } catch (error) {
            thrown = error;
            throw error;
          } finally {
            observer.workEnded();
          }
        },
        this.signal,
      )
      .catch(async (error: unknown) => {
        // Engine errors (history, store) and aborts pass through; only the effect's own failure is a result.
        if (error !== thrown || this.signal.aborted) throw error;
        const recorded = this.run.redact(problemOf(error, this.pointer));
        await recorder.capture('EffectFailed', key, async () => ({ key, effect, error: recorded }));
        throw new ProblemError(recorded, { cause: error });
      });
    return event.data.result;
  }

  /** A choice made by arrival order or chance (a fork winner, a jittered delay), fixed in history for replay. */
  async decide(slot: string, decide: () => Promise<Json> | Json): Promise<Json> {
    const key = this.key(slot);
    const event = await this.run.recorder.capture('Decided', key, async () => ({ key, decision: await decide() }));
    return event.data.decision;
  }

  /** A recorded decision, if replay already knows it (no slot is consumed). */
  recordedDecision(slot: string): Json | undefined {
    return this.run.recorder.recorded(`${this.visitKey}:${slot}`, 'Decided')?.data.decision;
  }

  /**
   * A durable timer: `TimerStarted { firesAt }` is recorded once, so a restart never lengthens the wait; it fires
   * at that instant (at once when late) and `TimerFired` is recorded.
   */
  async sleepUntil(slot: string, firesAt: () => number, signal: AbortSignal = this.signal): Promise<void> {
    const startKey = this.key(`${slot}/started`);
    const firedKey = this.key(`${slot}/fired`);
    const recorder = this.run.recorder;
    const started = await recorder.capture(
      'TimerStarted',
      startKey,
      async () => ({ key: startKey, firesAt: firesAt() }),
      signal,
    );
    if (recorder.has(firedKey)) {
      await recorder.capture('TimerFired', firedKey, async () => ({ key: firedKey }));
      return;
    }
    const done = this.run.observer.waitBegan(started.data.firesAt);
    try {
      await this.run.ports.clock.sleepUntil(started.data.firesAt, signal);
    } finally {
      done();
    }
    await recorder.capture('TimerFired', firedKey, async () => ({ key: firedKey }), signal);
  }

  /** The problem `error` becomes at this task (its own instance unless it already names one), secrets redacted. */
  problemOf(error: unknown): ProblemError {
    const found = problemOf(error, this.pointer);
    const redacted = this.run.redact(found);
    return error instanceof ProblemError && redacted === error.problem ? error : new ProblemError(redacted, { cause: error });
  }
}
