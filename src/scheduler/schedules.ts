import { Cron } from 'croner';
import type { CloudEvent } from '../model/cloud-event.js';
import { eventMatchesFilter } from '../model/event-attributes.js';
import type { Json } from '../model/json.js';
import type { Definition, EventConsumptionStrategy, EventFilter } from '../model/workflow.js';
import { durationMs } from '../runtime/durations.js';
import type { Expressions } from '../runtime/ports.js';
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
  if (!('all' in raw)) {
    for (const entry of delivered) {
      const event = JSON.parse(entry.event) as CloudEvent;
      if (filters.length > 0 && !filters.some((filter) => matches(host, filter, event, new Map()))) continue;
      await host.start(definition, scheduledId(key, `event-${entry.seq}`), [event as unknown as Json]);
      if (!(await store.advanceScheduleCursor({ key, from: cursor, to: entry.seq }))) return undefined;
      cursor = entry.seq;
    }
    return undefined;
  }
  await fireCorrelatedSets(host, definition, key, filters, delivered, cursor);
  return undefined;
}

/** A set of events being gathered for one `all` start: one slot per filter, and the correlation keys it fixed. */
interface CorrelatedSet {
  readonly events: ({ seq: number; event: CloudEvent } | undefined)[];
  readonly correlation: Map<string, Json>;
}

/**
 * `all`: events are gathered into sets, one event per filter, each set with its own correlation keys; an event goes
 * to the oldest open set it fits, else opens a new one. A complete set starts one execution (its id from the set's
 * last event, so a rerun over the same deliveries starts nothing twice). The cursor moves only past events no open
 * set still holds, so a restart rebuilds the open sets from the inbox.
 */
async function fireCorrelatedSets(
  host: ScheduleHost,
  definition: Definition,
  key: string,
  filters: readonly EventFilter[],
  delivered: readonly { seq: number; event: string }[],
  cursor: number,
): Promise<void> {
  const open: CorrelatedSet[] = [];
  let from = cursor;
  for (const entry of delivered) {
    const event = JSON.parse(entry.event) as CloudEvent;
    const placed = [...open, { events: filters.map(() => undefined), correlation: new Map<string, Json>() }].find((set) => {
      const slot = filters.findIndex((filter, index) => set.events[index] === undefined && matches(host, filter, event, set.correlation));
      if (slot < 0) return false;
      set.events[slot] = { seq: entry.seq, event };
      return true;
    });
    if (placed === undefined) continue;
    if (!open.includes(placed)) open.push(placed);
    const complete = placed.events.every((slot) => slot !== undefined);
    if (!complete) continue;
    open.splice(open.indexOf(placed), 1);
    await host.start(definition, scheduledId(key, `event-${entry.seq}`), placed.events.map((slot) => slot?.event as unknown as Json));
    const held = Math.min(...open.flatMap((set) => set.events.flatMap((slot) => (slot === undefined ? [] : [slot.seq]))));
    const to = Math.min(entry.seq, held - 1);
    if (to > from) {
      if (!(await host.store.advanceScheduleCursor({ key, from, to }))) return;
      from = to;
    }
  }
}

/** Attributes and correlation keys, as `listen` matches them; expressions see no task scope. */
function matches(host: ScheduleHost, filter: EventFilter, event: CloudEvent, correlation: Map<string, Json>): boolean {
  const site = { instance: '/schedule/on' };
  return eventMatchesFilter(filter, event, {
    correlation,
    checkCorrelation: true,
    expressions: {
      condition: (expression, value) => host.expressions.evaluateCondition(expression, value, {}, site),
      evaluate: (expression, input) => host.expressions.evaluate(expression, input ?? null, {}, site),
    },
  });
}

/** `schedule:<namespace>/<name>:<due instant or event-<inbox seq>>`: the same due start always gets the same id. */
export function scheduledId(key: string, due: number | string): string {
  return `schedule:${key}:${due}`;
}
