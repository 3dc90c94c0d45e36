/**
 * listen (DSL 1.0.3 "Listen"): waits for events on the engine's workflow bus (never the lifecycle channel) per its
 * consumption strategy — `one`, `any` (an empty list matches any event; with `until`, keeps consuming until the
 * condition holds or the `until` strategy is satisfied, leaving events consumed only for `until` out of the
 * output), `all` (one event per filter, correlated). The output is the consumed events in consumption order, read
 * as `data` (default), `envelope` or `raw`; with `foreach`, each event runs through `foreach.do` as it arrives.
 *
 * The subscription is durable and opens when the task starts, so it sees only events accepted after that, including
 * those published while the execution is parked or no worker runs. Every event that passes a filter's attributes is
 * recorded (`EventConsumed`, keyed by its consumption index, with its inbox position) before it is used; replay
 * feeds the recorded events through the same matching and correlation, so it decides the same way.
 *
 * Itonami extension: a listen whose filters all ask for `io.itonami.signal` reads the execution's signal mailbox
 * instead (every signal sent to it, in send order, `subject` = the name): buffered, so a signal sent before the wait
 * is not lost, and each signal goes to one wait of the run. A signal taken by a wait that is abandoned before its
 * consumption is recorded stays unavailable for the rest of that run (a replay sees it again).
 */
import { type CloudEvent, SIGNAL_EVENT_TYPE } from '../../model/cloud-event.js';
import type { Json, JsonObject } from '../../model/json.js';
import type { EventConsumptionStrategy, EventFilter, ListenTask } from '../../model/workflow.js';
import type { TaskContext } from '../task-context.js';
import type { TaskHandler } from '../task-kinds.js';
import { eventMatches } from './event-filter.js';

type Strategy = { kind: 'one'; filters: EventFilter[] } | { kind: 'any'; filters: EventFilter[]; until?: string | Strategy } | { kind: 'all'; filters: EventFilter[] };

export const executeListen: TaskHandler<ListenTask> = async (task, ctx) => {
  const strategy = parseStrategy(task.listen?.to as EventConsumptionStrategy);
  const read = task.listen?.read ?? 'data';
  const inbox = new EventInbox(ctx, isSignalWait(strategy));
  await inbox.open();
  const consumed = await consume(ctx, strategy, inbox);
  await inbox.close();
  const items = consumed.map((event) => readEvent(event, read));
  const iterator = task.foreach;
  if (iterator?.do === undefined) return { output: items };
  return { output: await runForeach(ctx, iterator as Required<Pick<NonNullable<ListenTask['foreach']>, 'do'>> & NonNullable<ListenTask['foreach']>, items) };
};

function parseStrategy(to: EventConsumptionStrategy): Strategy {
  const raw = to as Record<string, unknown>;
  if ('one' in raw) return { kind: 'one', filters: [raw['one'] as EventFilter] };
  if ('all' in raw) return { kind: 'all', filters: raw['all'] as EventFilter[] };
  const until = raw['until'];
  const parsedUntil =
    until === undefined ? undefined : typeof until === 'string' ? until : until === false ? undefined : parseStrategy(until as EventConsumptionStrategy);
  return { kind: 'any', filters: (raw['any'] as EventFilter[] | undefined) ?? [], ...(parsedUntil === undefined ? {} : { until: parsedUntil }) };
}

/** Every filter (and `until` filter) asks for `io.itonami.signal`: the listen waits on the execution's signals. */
function isSignalWait(strategy: Strategy): boolean {
  const filters = [...strategy.filters, ...(strategy.kind === 'any' && typeof strategy.until === 'object' ? strategy.until.filters : [])];
  return filters.length > 0 && filters.every((filter) => (filter.with as { type?: unknown } | undefined)?.type === SIGNAL_EVENT_TYPE);
}

/**
 * The task's view of the inbox: its durable subscription (opened once, when the task first starts — recorded, so a
 * replay neither reopens nor misses it) and a cursor over the events delivered to it. Each `next` records the event
 * it yields with its inbox position, so replay returns the recorded one and a resumed run carries on after it;
 * delivered events no filter wants are passed over, the same way live and on replay.
 */
class EventInbox {
  #count = 0;
  #cursor = 0;
  #isOpen = false;

  /**
   * `isSignals`: the execution's signal mailbox instead of a subscription. It holds every signal ever sent to the
   * execution, so it is read from the start, skipping those another wait of this run consumed.
   */
  constructor(
    private readonly ctx: TaskContext,
    private readonly isSignals = false,
  ) {}

  get #subscription(): string {
    return this.ctx.visitKey;
  }

  /** Opens the subscription before anything else of the listen happens (idempotent across replays). */
  async open(): Promise<void> {
    if (this.isSignals) return;
    const events = this.ctx.run.ports.events;
    await this.ctx.effect('subscribe', 'subscribe', async () => {
      await events.subscribe(this.ctx.run.executionId, this.#subscription);
      return null;
    });
    this.#isOpen = true;
  }

  /**
   * The next event that passes `accepts`, recorded before it is returned. `keysOf` gives the correlation keys
   * resolved once the event is matched, recorded beside it for the lifecycle events and returned as recorded.
   */
  async next(
    accepts: (event: CloudEvent) => boolean,
    keysOf?: (event: CloudEvent) => JsonObject | undefined,
  ): Promise<{ event: CloudEvent; correlationKeys?: JsonObject }> {
    const key = this.ctx.key(`event/${this.#count}`);
    this.#count += 1;
    const recorded = await this.ctx.run.recorder.capture(
      'EventConsumed',
      key,
      async () => {
        const { seq, event } = await this.#take(accepts);
        const correlationKeys = keysOf?.(event);
        return {
          key,
          event: event as unknown as Json,
          inboxSeq: seq,
          ...(this.isSignals ? { isSignal: true } : {}),
          ...(correlationKeys === undefined ? {} : { correlationKeys }),
        };
      },
      this.ctx.signal,
    );
    if (this.isSignals) this.ctx.run.consumedSignals.add(recorded.data.inboxSeq);
    else this.#cursor = recorded.data.inboxSeq;
    const { event, correlationKeys } = recorded.data;
    return { event: event as unknown as CloudEvent, ...(correlationKeys === undefined ? {} : { correlationKeys }) };
  }

  async #take(accepts: (event: CloudEvent) => boolean): Promise<{ seq: number; event: CloudEvent }> {
    const events = this.ctx.run.ports.events;
    const executionId = this.ctx.run.executionId;
    // One wait from the first empty look to the event: polls inside it do not restart it (the engine parks a run
    // whose wait on events lasted long enough).
    let endWait: (() => void) | undefined;
    try {
      for (;;) {
        if (this.isSignals) {
          const consumed = this.ctx.run.consumedSignals;
          const entry = (await events.signals(executionId, 0)).find((sent) => !consumed.has(sent.seq) && accepts(sent.event));
          if (entry !== undefined) {
            // Taken at once, with no await between the look and the mark: a concurrent wait cannot take it too.
            consumed.add(entry.seq);
            return entry;
          }
        } else {
          const delivered = await events.deliveries(executionId, this.#subscription, this.#cursor);
          for (const entry of delivered) {
            if (accepts(entry.event)) return entry;
            this.#cursor = entry.seq; // delivered, but no filter of this listen wants it: passed over
          }
        }
        endWait ??= this.ctx.run.observer.waitBegan(null);
        await events.changed(this.ctx.signal);
      }
    } finally {
      endWait?.();
    }
  }

  async close(): Promise<void> {
    if (!this.#isOpen || this.isSignals) return;
    // Unsubscribing is recorded too, so a finished listen never holds deliveries; a replay does not repeat it.
    const events = this.ctx.run.ports.events;
    await this.ctx.effect('unsubscribe', 'unsubscribe', async () => {
      await events.unsubscribe(this.ctx.run.executionId, this.#subscription);
      return null;
    });
  }
}

/** Correlation keys seen so far: the first extracted value of a key becomes its expectation (spec "Correlate"). */
type Correlation = Map<string, Json>;

/**
 * Whether an event passes a set of filters with their correlation, checked against (and updating) `correlation`:
 * undefined when it does not, else the filter it passed (none for an empty set, which takes any event).
 */
type CorrelatedMatch = (event: CloudEvent, correlation: Correlation) => { readonly filter?: EventFilter } | undefined;

async function consume(ctx: TaskContext, strategy: Strategy, inbox: EventInbox): Promise<CloudEvent[]> {
  const correlation: Correlation = new Map();
  const untilFilters = strategy.kind === 'any' && typeof strategy.until === 'object' ? strategy.until.filters : [];
  const isCorrelating = [...strategy.filters, ...untilFilters].some((filter) => filter.correlate !== undefined);
  /** The correlation keys resolved so far, as the last consumed event recorded them (live and on replay alike). */
  let resolved: JsonObject | undefined;
  const matchesAny = (filters: EventFilter[]) => (event: CloudEvent) =>
    filters.length === 0 || filters.some((filter) => eventMatches(ctx, filter, event, correlation, false));
  const firstMatch = (filters: EventFilter[]) => (event: CloudEvent, map: Correlation) => filters.find((filter) => eventMatches(ctx, filter, event, map, true));
  const correlates = (filters: EventFilter[]): CorrelatedMatch => (event, map) => {
    if (filters.length === 0) return {};
    const filter = firstMatch(filters)(event, map);
    return filter === undefined ? undefined : { filter };
  };
  /**
   * The keys resolved once `matches` accepts `event`: the earlier ones and the `from` values of the filter it passes
   * (equal to their `expect` or first-seen values, or it would not pass). Tried on a copy of `correlation`: the real
   * check follows the event's record, the same way on replay. Undefined when the event does not pass.
   */
  const keysOnceMatched = (matches: CorrelatedMatch) => (event: CloudEvent) => {
    try {
      const match = matches(event, new Map(correlation));
      if (match === undefined) return undefined;
      const keys: JsonObject = { ...resolved };
      for (const [name, rule] of Object.entries(match.filter?.correlate ?? {})) keys[name] = ctx.evaluate(rule.from, event as unknown as Json);
      return Object.keys(keys).length > 0 ? keys : undefined;
    } catch {
      return undefined; // the real check, right after the record, raises the same error as the task's fault
    }
  };
  const next = async (accepts: (event: CloudEvent) => boolean, matches: CorrelatedMatch): Promise<CloudEvent> => {
    const consumed = await inbox.next(accepts, isCorrelating ? keysOnceMatched(matches) : undefined);
    resolved = consumed.correlationKeys ?? resolved;
    return consumed.event;
  };
  /** The next event that passes `filters` with its correlation; events failing the correlation are passed over. */
  const nextCorrelated = async (filters: EventFilter[]): Promise<CloudEvent> => {
    for (;;) {
      const event = await next(matchesAny(filters), correlates(filters));
      if (correlates(filters)(event, correlation) !== undefined) return event;
    }
  };
  switch (strategy.kind) {
    case 'one':
      return [await nextCorrelated(strategy.filters)];
    case 'all': {
      const pending = [...strategy.filters];
      const consumed: CloudEvent[] = [];
      while (pending.length > 0) {
        const event = await next(matchesAny(pending), correlates(pending));
        const filter = firstMatch(pending)(event, correlation);
        if (filter === undefined) continue; // passed the attributes but not the correlation: not part of this set
        pending.splice(pending.indexOf(filter), 1);
        consumed.push(event);
      }
      return consumed;
    }
    case 'any': {
      if (strategy.until === undefined) return [await nextCorrelated(strategy.filters)];
      const consumed: CloudEvent[] = [];
      const until = strategy.until;
      if (typeof until === 'string') {
        for (;;) {
          consumed.push(await nextCorrelated(strategy.filters));
          if (ctx.evaluateCondition(until, consumed as unknown as Json)) return consumed;
        }
      }
      // `until` is a strategy of its own: events satisfying it end the listen and are left out of the output.
      const untilPending = [...untilFilters];
      for (;;) {
        const event = await next(
          (e) => matchesAny(strategy.filters)(e) || matchesAny(untilFilters)(e),
          (e, map) => {
            const filter = firstMatch(untilPending)(e, map);
            return filter === undefined ? correlates(strategy.filters)(e, map) : { filter };
          },
        );
        const untilFilter = firstMatch(untilPending)(event, correlation);
        if (untilFilter !== undefined) {
          untilPending.splice(untilPending.indexOf(untilFilter), 1);
          if (until.kind !== 'all' || untilPending.length === 0) return consumed;
          continue;
        }
        if (correlates(strategy.filters)(event, correlation) !== undefined) consumed.push(event);
      }
    }
  }
}

function readEvent(event: CloudEvent, read: 'data' | 'envelope' | 'raw'): Json {
  if (read === 'envelope') return event as unknown as JsonObject;
  if (read === 'raw') return typeof event.data === 'string' ? event.data : JSON.stringify(event.data ?? null);
  return event.data ?? null;
}

async function runForeach(ctx: TaskContext, iterator: NonNullable<ListenTask['foreach']> & { do: NonNullable<NonNullable<ListenTask['foreach']>['do']> }, items: Json[]): Promise<Json[]> {
  const item = iterator.item ?? 'item';
  const at = iterator.at ?? 'index';
  const outputs: Json[] = [];
  for (const [index, value] of items.entries()) {
    const variables = { ...ctx.scope.variables, [item]: value, [at]: index };
    const outcome = await ctx.runList(iterator.do, value, {
      ...ctx.scope,
      pointer: `${ctx.pointer}/foreach/do`,
      indexes: [...ctx.scope.indexes, index],
      variables,
      signal: ctx.signal,
    });
    const site = ctx.site;
    let output = outcome.output;
    if (iterator.output?.as !== undefined) {
      output = ctx.run.ports.expressions.evaluateTransform(iterator.output.as, output, { ...ctx.variables, ...variables }, site);
    }
    if (iterator.export?.as !== undefined) {
      ctx.scope.context.value = ctx.run.ports.expressions.evaluateTransform(iterator.export.as, output, { ...ctx.variables, ...variables, output }, site);
    }
    outputs.push(output);
  }
  return outputs;
}

