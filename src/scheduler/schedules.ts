import { Cron } from 'croner';
import type { CloudEvent } from '../model/cloud-event.js';
import { attributeMatches } from '../model/event-attributes.js';
import type { Json } from '../model/json.js';
import type { Definition, EventConsumptionStrategy, EventFilter } from '../model/workflow.js';
import { durationMs } from '../runtime/durations.js';
import type { Expressions } from '../runtime/ports.js';
import { isRuntimeExpression } from '../model/expression-syntax.js';
import type { Store } from '../store/store.js';

/** At most this many missed due starts are made up per schedule and tick, so a long outage cannot flood a worker. */
const MAX_CATCH_UP = 100;

/** What firing schedules needs from the engine. */
export interface ScheduleHost {
  readonly store: Store;
  readonly expressions: Expressions;
  now(): number;
  /** The definitions whose schedules are active: the highest deployed version of each namespace/name. */
  activeDefinitions(): Promise<Definition[]>;
  /** Starts an execution under a deterministic id (idempotent: a repeat of the same start returns the existing one). */
  start(definition: Definition, executionId: string, input: Json): Promise<void>;
  /** The instant an execution ended, undefined while it runs or when it does not exist. */
  endedAt(executionId: string): Promise<number | undefined>;
}

/**
 * Starts every due execution of the active schedules (DSL 1.0.3 "Schedule"): `every` (a fixed period, even while
 * the previous run goes on), `cron`, `after` (a delay after the previous run ended), and `on` (one execution per
 * matching event — or per correlated set for `all` — with the events as its input). Each schedule keeps a cursor in
 * the store (the last due instant, or inbox position, it started for) moved by compare-and-set, and each start has
 * a deterministic id, so a restart neither loses nor doubles a due start: start first, then move the cursor; a
 * crash between the two repeats an idempotent start. A schedule begins at its activation (the first tick that sees
 * it), not at some past instant. Returns the next instant a time-based schedule falls due, if any.
 */
export async function fireDueSchedules(host: ScheduleHost): Promise<number | undefined> {
  let next: number | undefined;
  for (const definition of await host.activeDefinitions()) {
    const schedule = definition.document.schedule;
    if (schedule === undefined) continue;
    const key = `${definition.namespace}/${definition.name}`;
    const due = schedule.on !== undefined ? await fireOnEvents(host, definition, key, schedule.on) : await fireOnTime(host, definition, key, schedule);
    if (due !== undefined) next = next === undefined ? due : Math.min(next, due);
  }
  return next;
}

type TimeSchedule = NonNullable<Definition['document']['schedule']>;

async function fireOnTime(host: ScheduleHost, definition: Definition, key: string, schedule: TimeSchedule): Promise<number | undefined> {
  const store = host.store;
  let cursor = await store.getScheduleCursor(key);
  if (cursor === undefined) {
    const activatedAt = host.now();
    if (!(await store.advanceScheduleCursor({ key, from: undefined, to: activatedAt }))) return undefined;
    cursor = activatedAt;
  }
  for (let started = 0; started < MAX_CATCH_UP; started += 1) {
    const due = await nextDue(host, key, schedule, cursor);
    if (due === undefined || due > host.now()) return due;
    await host.start(definition, scheduledId(key, due), {});
    if (!(await store.advanceScheduleCursor({ key, from: cursor, to: due }))) return undefined; // another worker fired it
    cursor = due;
  }
  return host.now();
}

async function nextDue(host: ScheduleHost, key: string, schedule: TimeSchedule, cursor: number): Promise<number | undefined> {
  if (schedule.every !== undefined) return cursor + Math.max(1, durationMs(schedule.every));
  if (schedule.cron !== undefined) return new Cron(schedule.cron, { timezone: 'UTC' }).nextRun(new Date(cursor))?.getTime();
  if (schedule.after !== undefined) {
    const previous = scheduledId(key, cursor);
    const endedAt = (await host.store.getExecution(previous)) === undefined ? cursor : await host.endedAt(previous);
    return endedAt === undefined ? undefined : endedAt + durationMs(schedule.after);
  }
  return undefined;
}

/** The subscription a schedule holds on the inbox: owned by no execution, so it never wakes one. */
function scheduleSubscription(key: string): { executionId: string; key: string } {
  return { executionId: `schedule:${key}`, key: 'on' };
}

async function fireOnEvents(host: ScheduleHost, definition: Definition, key: string, strategy: EventConsumptionStrategy): Promise<undefined> {
  const store = host.store;
  const subscription = scheduleSubscription(key);
  let cursor = await store.getScheduleCursor(key);
  if (cursor === undefined) {
    await store.subscribe({ ...subscription, createdAt: host.now() });
    if (!(await store.advanceScheduleCursor({ key, from: undefined, to: 0 }))) return undefined;
    cursor = 0;
  }
  const delivered = await store.deliveries({ ...subscription, afterSeq: cursor });
  const raw = strategy as Record<string, unknown>;
  const filters = ('one' in raw ? [raw['one']] : 'all' in raw ? raw['all'] : (raw['any'] ?? [])) as EventFilter[];
  const isAll = 'all' in raw;
  let pending: { filter: EventFilter; event?: CloudEvent }[] = filters.map((filter) => ({ filter }));
  const correlation = new Map<string, Json>();
  for (const entry of delivered) {
    const event = JSON.parse(entry.event) as CloudEvent;
    if (!isAll) {
      if (filters.length > 0 && !filters.some((filter) => matches(host, filter, event, new Map()))) continue;
      await host.start(definition, scheduledId(key, `event-${entry.seq}`), [event as unknown as Json]);
      if (!(await store.advanceScheduleCursor({ key, from: cursor, to: entry.seq }))) return undefined;
      cursor = entry.seq;
      continue;
    }
    const slot = pending.find((item) => item.event === undefined && matches(host, item.filter, event, correlation));
    if (slot === undefined) continue;
    slot.event = event;
    if (pending.every((item) => item.event !== undefined)) {
      const events = pending.map((item) => item.event as unknown as Json);
      await host.start(definition, scheduledId(key, `event-${entry.seq}`), events);
      if (!(await store.advanceScheduleCursor({ key, from: cursor, to: entry.seq }))) return undefined;
      cursor = entry.seq;
      pending = filters.map((filter) => ({ filter }));
      correlation.clear();
    }
  }
  return undefined;
}

/** Attributes and correlation keys, as `listen` matches them. */
function matches(host: ScheduleHost, filter: EventFilter, event: CloudEvent, correlation: Map<string, Json>): boolean {
  for (const [name, expected] of Object.entries(filter.with ?? {})) {
    const actual = (event as Record<string, Json | undefined>)[name];
    const condition = (expression: string, value: Json) =>
      isRuntimeExpression(expression) ? host.expressions.evaluateCondition(expression, value, {}, { instance: '/schedule/on' }) : undefined;
    if (!attributeMatches(expected, actual, condition)) return false;
  }
  for (const [name, rule] of Object.entries(filter.correlate ?? {})) {
    const found = host.expressions.evaluate(rule.from, event as unknown as Json, {}, { instance: '/schedule/on' });
    const expect = rule.expect !== undefined ? (rule.expect as Json) : correlation.get(name);
    if (expect === undefined) correlation.set(name, found);
    else if (JSON.stringify(expect) !== JSON.stringify(found)) return false;
  }
  return true;
}

/** `schedule:<namespace>/<name>:<due instant or event-<inbox seq>>`: the same due start always gets the same id. */
export function scheduledId(key: string, due: number | string): string {
  return `schedule:${key}:${due}`;
}
