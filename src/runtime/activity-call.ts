/**
 * A call of a function registered with the engine (`call: <name>`, a `.kotoba` Function activity), with the options
 * its activity definition declares: `inputSchema` checked first, then attempts, each under its `timeout` and
 * `heartbeatTimeout`, re-run by its `retry` policy after a durable delay.
 *
 * Records, per visit of the calling task: a failed input check as the first attempt's `EffectFailed`; per attempt
 * `k`, its result or error (`EffectCompleted`/`EffectFailed` at `call`, then `call/attempt/<k>`), or the deadline
 * that stopped it (`Decided` at `…/deadline`, holding the `timeout` problem); per retry, `Decided { at, delayMs,
 * lastHeartbeat? }` at `call/retry/<k>`, its durable timer and `TaskRetrying`; and, when the attempt count or heartbeat
 * details must reach a later visit, `Decided { lastAttempt, lastHeartbeat? }` at `carried/attempts` (kept by replay
 * checkpoints, see CARRIED_SLOT). Replay follows
 * these records alone — a rebuild, which knows no activity options, too — so no recorded attempt runs again.
 *
 * The activity's own retry is the inner one: it runs to its end before an enclosing `try` sees the error, and each
 * `try` retry starts the activity's retries afresh (a new visit) while `ctx.attempt` keeps counting.
 */
import type { ActivityOptions } from '../activities/activity-options.js';
import { type Json, type JsonObject, findNonJson, isJsonObject } from '../model/json.js';
import { type Problem, ProblemError, problem } from '../model/problems.js';
import { CARRIED_SLOT } from '../history/replay-checkpoint.js';
import { type AttemptDeadlines, withAttemptDeadlines } from './activity-deadlines.js';
import { durationMs } from './durations.js';
import { type ResolvedRetryPolicy, asRetryDecision, resolveRetryPolicy, retryDelayMs } from './retry.js';
import type { TaskContext } from './task-context.js';

/** Where a visit leaves its last attempt number and heartbeat details for the next visit of the task. */
const ATTEMPTS_SLOT = `${CARRIED_SLOT}attempts`;

interface ResolvedActivityOptions {
  readonly inputSchema?: Json;
  readonly attemptTimeoutMs?: number;
  readonly heartbeatTimeoutMs?: number;
  readonly retry?: ResolvedRetryPolicy;
}

/** What the previous attempt left for the next: when it may start and its last heartbeat details. */
interface RetryDecision {
  readonly at: number;
  readonly delayMs: number;
  readonly lastHeartbeat?: Json;
}

/** Calls the registered function `name` with `input` (the evaluated `with`) and returns its checked result. */
export async function callRegisteredActivity(ctx: TaskContext, name: string, input: Json): Promise<Json> {
  const options = resolveActivityOptions(ctx, ctx.run.ports.effects.functionOptions?.(name));
  if (options.inputSchema !== undefined) await checkActivityInput(ctx, name, options.inputSchema, input);
  const previous = previousVisit(ctx);
  let lastHeartbeat = previous.lastHeartbeat;
  let startedAt = ctx.startedAt;
  for (let k = 1; ; k += 1) {
    const attempt = previous.lastAttempt + k;
    const heartbeats: HeartbeatLog = {};
    try {
      const result = await runAttempt(ctx, { name, input, k, attempt, startedAt, options, lastHeartbeat, heartbeats });
      // Heartbeat details are progress of unfinished work: a completed call hands none on.
      await recordVisit(ctx, attempt, undefined);
      return result;
    } catch (error) {
      // Cancellations and engine errors are not the attempt's failure.
      if (!(error instanceof ProblemError)) throw error;
      // A cancelled or timed-out step retries no more, but its recorded retries still replay up to where it stopped.
      if (ctx.signal.aborted && ctx.recordedDecision(`call/retry/${k}`) === undefined) throw error;
      const details = heartbeats.details ?? lastHeartbeat;
      const decision = await retryDecision(ctx, options.retry, k, error.problem, details);
      if (decision === undefined) {
        await recordVisit(ctx, attempt, details);
        throw error;
      }
      lastHeartbeat = decision.lastHeartbeat;
      startedAt = decision.at + decision.delayMs;
      await ctx.sleepUntil(`call/retry/${k}/timer`, () => startedAt);
      await ctx.run.recorder.derive('TaskRetrying', { key: `${ctx.visitKey}:call/retrying/${k}`, attempt: k, delayMs: decision.delayMs, error: error.problem });
    }
  }
}

interface AttemptRequest {
  readonly name: string;
  readonly input: Json;
  /** The attempt within this visit (1 first): names its history slots and idempotency key. */
  readonly k: number;
  /** `ctx.attempt`: counts on across visits. */
  readonly attempt: number;
  readonly startedAt: number;
  readonly options: ResolvedActivityOptions;
  readonly lastHeartbeat: Json | undefined;
  /** Where the attempt's heartbeats leave their last details, so a failure can hand them on. */
  readonly heartbeats: HeartbeatLog;
}

/** The last heartbeat details an attempt gave (in memory: only a retry decision makes them durable). */
interface HeartbeatLog {
  details?: Json;
}

async function runAttempt(ctx: TaskContext, request: AttemptRequest): Promise<Json> {
  const { name, input, k, attempt, options, lastHeartbeat, heartbeats } = request;
  // Attempt 1 keeps the slot and key every call had before activity retries existed, so older histories replay.
  const slot = k === 1 ? 'call' : `call/attempt/${k}`;
  const idempotencyKey = k === 1 ? ctx.idempotencyKey : `${ctx.idempotencyKey}:attempt/${k}`;
  const effects = ctx.run.ports.effects;
  const deadlines: AttemptDeadlines = {
    slot: `${slot}/deadline`,
    activity: name,
    attempt,
    from: request.startedAt,
    timeoutMs: options.attemptTimeoutMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
  };
  return withAttemptDeadlines(ctx, deadlines, (signal, beat) =>
    ctx.withSignal(signal).effect(slot, 'function', async (effectSignal) => {
      const heartbeat = (details?: Json) => {
        if (details !== undefined) {
          const nonJson = findNonJson(details);
          if (nonJson !== undefined) throw new TypeError(`heartbeat details must be JSON: ${nonJson.pointer === '' ? 'they are' : `at ${nonJson.pointer} is`} ${nonJson.found}`);
          if (!effectSignal.aborted) heartbeats.details = details;
        }
        beat();
      };
      const called = effects.callFunction({
        signal: effectSignal,
        idempotencyKey,
        name,
        input,
        executionId: ctx.run.executionId,
        taskReference: ctx.pointer,
        attempt,
        heartbeat,
        ...(lastHeartbeat === undefined ? {} : { lastHeartbeat }),
      });
      if (called === undefined) throw configuration(ctx, `function '${name}' is neither in use.functions nor registered with the engine`);
      return activityOutcome(ctx, name, called, effectSignal);
    }),
  );
}

/**
 * A registered function's result, checked: a thrown error becomes a `runtime` problem whose detail is its message and
 * which keeps its `name` and `code` (a `ProblemError` keeps its problem); a result that is not JSON is a `runtime`
 * problem naming where it stops being JSON. An abort ends the wait at once: a function that ignores its signal runs
 * on unobserved, and whatever it returns later is dropped.
 */
async function activityOutcome(ctx: TaskContext, name: string, called: Promise<Json>, signal: AbortSignal): Promise<Json> {
  let result: unknown;
  try {
    result = await untilAborted(called, signal);
  } catch (error) {
    // An abort's own reason passes through untouched: the interpreter recognises cancellations by it.
    if (error instanceof ProblemError || !(error instanceof Error) || signal.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    throw new ProblemError(
      problem('runtime', {
        detail: error.message,
        instance: ctx.pointer,
        name: error.name,
        ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      }),
    );
  }
  const nonJson = findNonJson(result);
  if (nonJson !== undefined) {
    const where = nonJson.pointer === '' ? 'its result' : `its result at ${nonJson.pointer}`;
    throw new ProblemError(problem('runtime', { detail: `function '${name}' returned something that is not JSON: ${where} is ${nonJson.found}`, instance: ctx.pointer }));
  }
  return result as Json;
}

async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // The executor runs synchronously: set before it is used.
  let onAbort!: () => void;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason as Error);
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    // race settles `work` too, so a late failure of an abandoned call is handled, not unhandled.
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The input check, recorded as the first attempt's failure: a rebuild, which does not know the activity's schema,
 * then replays the same failure instead of asking for a call it cannot make. Never retried: the input will not change.
 */
async function checkActivityInput(ctx: TaskContext, name: string, schema: Json, input: Json): Promise<void> {
  const violations = ctx.run.ports.schemas.validate(schema, input);
  if (violations.length === 0) return;
  const invalid = problem('validation', { detail: `activity '${name}' input does not match its inputSchema: ${violations.join('; ')}`, instance: ctx.pointer });
  await ctx.effect('call', 'function', () => Promise.reject(new ProblemError(invalid)));
}

/**
 * Whether attempt `k`'s failure is retried, and when. A recorded decision is followed whatever the options say now;
 * without one, the policy decides (count, `when`/`exceptWhen` over `$error`, total duration) and its decision is
 * recorded. A step that history shows faulted here was not retried by the policy in force then, and is not now.
 */
async function retryDecision(ctx: TaskContext, policy: ResolvedRetryPolicy | undefined, k: number, error: Problem, lastHeartbeat: Json | undefined): Promise<RetryDecision | undefined> {
  const slot = `call/retry/${k}`;
  const recorded = ctx.recordedDecision(slot);
  if (recorded !== undefined) return asActivityRetryDecision(await ctx.decide(slot, () => recorded));
  if (policy === undefined || ctx.run.recorder.has(`${ctx.visitKey}:faulted`)) return undefined;
  if (policy.maxRetries !== undefined && k > policy.maxRetries) return undefined;
  const errorScope = { error: error as unknown as Json };
  if (policy.when !== undefined && !ctx.evaluateCondition(policy.when, ctx.input, errorScope)) return undefined;
  if (policy.exceptWhen !== undefined && ctx.evaluateCondition(policy.exceptWhen, ctx.input, errorScope)) return undefined;
  const at = ctx.run.ports.clock.now();
  const delayMs = retryDelayMs(policy, k, ctx.run.ports.random.float());
  if (policy.totalMs !== undefined && at + delayMs - ctx.startedAt > policy.totalMs) return undefined;
  const decision: JsonObject = { at, delayMs, ...(lastHeartbeat === undefined ? {} : { lastHeartbeat }) };
  return asActivityRetryDecision(await ctx.decide(slot, () => decision));
}

function asActivityRetryDecision(value: Json): RetryDecision {
  const { at, delayMs } = asRetryDecision(value);
  const lastHeartbeat = isJsonObject(value) ? value['lastHeartbeat'] : undefined;
  return { at, delayMs, ...(lastHeartbeat === undefined ? {} : { lastHeartbeat }) };
}

/**
 * Where the previous visit of this task left the attempt count and heartbeat details. A visit records them only when
 * they are not the default (its last attempt was number `visit + 1`, no details), so the default is the fallback.
 */
function previousVisit(ctx: TaskContext): { lastAttempt: number; lastHeartbeat?: Json } {
  if (ctx.visit === 0) return { lastAttempt: 0 };
  const refKey = ctx.visitKey.slice(0, ctx.visitKey.lastIndexOf('#'));
  const recorded = ctx.run.recorder.recorded(`${refKey}#${ctx.visit - 1}:${ATTEMPTS_SLOT}`, 'Decided')?.data.decision;
  if (!isJsonObject(recorded ?? null) || typeof (recorded as JsonObject)['lastAttempt'] !== 'number') return { lastAttempt: ctx.visit };
  const { lastAttempt, lastHeartbeat } = recorded as { lastAttempt: number; lastHeartbeat?: Json };
  return { lastAttempt, ...(lastHeartbeat === undefined ? {} : { lastHeartbeat }) };
}

async function recordVisit(ctx: TaskContext, lastAttempt: number, lastHeartbeat: Json | undefined): Promise<void> {
  const slot = ATTEMPTS_SLOT;
  if (ctx.recordedDecision(slot) === undefined && lastAttempt === ctx.visit + 1 && lastHeartbeat === undefined) return;
  await ctx.decide(slot, () => ({ lastAttempt, ...(lastHeartbeat === undefined ? {} : { lastHeartbeat }) }));
}

/** A plain registered function's options: none (shared, and never written to). */
const NO_OPTIONS: ResolvedActivityOptions = Object.freeze({});

function resolveActivityOptions(ctx: TaskContext, options: ActivityOptions | undefined): ResolvedActivityOptions {
  if (options === undefined) return NO_OPTIONS;
  const retry = options.retry === undefined ? undefined : resolveRetryPolicy(ctx, options.retry);
  const limits = [options.timeout === undefined ? undefined : durationMs(options.timeout), retry?.attemptTimeoutMs].filter((ms) => ms !== undefined);
  return {
    ...(options.inputSchema === undefined ? {} : { inputSchema: options.inputSchema }),
    ...(limits.length === 0 ? {} : { attemptTimeoutMs: Math.min(...limits) }),
    ...(options.heartbeatTimeout === undefined ? {} : { heartbeatTimeoutMs: durationMs(options.heartbeatTimeout) }),
    ...(retry === undefined ? {} : { retry }),
  };
}

function configuration(ctx: TaskContext, detail: string): ProblemError {
  return new ProblemError(problem('configuration', { detail, instance: ctx.pointer }));
}
