import type { AnyHistoryEvent } from '../history/events.js';
import { visitOf } from '../history/fold.js';
import type { JsonObject } from '../model/json.js';
import { type TaskKind, taskKindOf } from '../model/workflow.js';
import type { LifecycleContext } from './lifecycle-events.js';

/** One task visit that has started and not ended. */
export interface OpenVisit {
  readonly name: string;
  readonly reference: string;
  /** Epoch ms of its `TaskStarted`. */
  readonly at: number;
  readonly isListen: boolean;
  /** A listen's correlation keys so far (its latest `EventConsumed` that resolved some). */
  correlationKeys?: JsonObject;
  /** A listen whose consumption has ended (correlation-completed was announced for it). */
  isCorrelated?: boolean;
}

/** What the announcer learns from one event: its visit (as it was, an ending one included) and the lifecycle context. */
export interface VisitChange extends LifecycleContext {
  readonly visit?: OpenVisit;
}

/**
 * The announcer's per-run state: the task visits open so far, so a task's end reports its name and duration, a
 * suspension names the tasks it stops, and a `listen` announces where its correlation starts and ends.
 *
 * Seeded from the history a run resumes with (replayed events are never announced, yet a task started before a
 * restart may end, or be suspended, after it), and from the definition, to tell a `listen` from other tasks. Without
 * a definition (an administrative append outside a run) no task is taken for a listen.
 */
export class TaskVisits {
  readonly #open = new Map<string, OpenVisit>();
  readonly #kinds: Map<string, TaskKind | undefined>;
  readonly #document: unknown;

  constructor(history: readonly AnyHistoryEvent[] = [], document?: unknown) {
    this.#document = document;
    this.#kinds = kindsOf(document);
    for (const event of history) this.observe(event);
  }

  /** How many visits are open. */
  get size(): number {
    return this.#open.size;
  }

  /** Folds one event (in seq order) into the state and returns what its announcement needs. */
  observe(event: AnyHistoryEvent): VisitChange {
    switch (event.type) {
      case 'TaskStarted': {
        const { key, name, reference } = event.data;
        const isListen = this.#kindOf(reference) === 'listen';
        const visit: OpenVisit = { name, reference, at: event.at, isListen };
        this.#open.set(visitOf(key), visit);
        return isListen ? { visit, correlationStarted: { task: reference } } : { visit };
      }
      case 'EventConsumed': {
        const visit = this.#open.get(visitOf(event.data.key));
        const keys = event.data.correlationKeys;
        if (visit?.isListen === true && keys !== undefined) visit.correlationKeys = keys;
        return visit === undefined ? {} : { visit };
      }
      case 'EffectCompleted':
        // A listen records `unsubscribe` once it has consumed what it waited for (a signal wait never subscribes).
        return event.data.effect === 'unsubscribe' ? this.#correlationEnd(event.data.key, false) : {};
      case 'TaskCompleted':
        return this.#correlationEnd(event.data.key, true);
      case 'TaskSkipped':
      case 'TaskFaulted':
      case 'TaskCancelled':
        return this.#end(event.data.key);
      case 'TaskRetrying': {
        const visit = this.#open.get(visitOf(event.data.key));
        return visit === undefined ? {} : { visit };
      }
      case 'Suspended':
      case 'Resumed':
        return { openTasks: [...this.#open.values()].map((visit) => visit.reference) };
      default:
        return {};
    }
  }

  /** The end of a listen's consumption, once per visit; `isTaskEnd` also closes the visit. */
  #correlationEnd(key: string, isTaskEnd: boolean): VisitChange {
    const change = isTaskEnd ? this.#end(key) : { visit: this.#open.get(visitOf(key)) };
    const visit = change.visit;
    if (visit === undefined || !visit.isListen || visit.isCorrelated === true) return change;
    visit.isCorrelated = true;
    const keys = visit.correlationKeys;
    return { ...change, correlationCompleted: { task: visit.reference, ...(keys === undefined ? {} : { keys }) } };
  }

  #end(key: string): { visit?: OpenVisit } {
    const visitKey = visitOf(key);
    const visit = this.#open.get(visitKey);
    this.#open.delete(visitKey);
    return visit === undefined ? {} : { visit };
  }

  /** The kind of the task at `pointer` in the definition, resolved once per reference. */
  #kindOf(pointer: string): TaskKind | undefined {
    if (this.#document === undefined) return undefined;
    if (this.#kinds.has(pointer)) return this.#kinds.get(pointer);
    const task = nodeAt(this.#document, pointer);
    const kind = task !== null && typeof task === 'object' ? taskKindOf(task) : undefined;
    this.#kinds.set(pointer, kind);
    return kind;
  }
}

/** Task kinds by pointer, per definition document: every run of a definition shares what earlier ones resolved. */
const kindsByDocument = new WeakMap<object, Map<string, TaskKind | undefined>>();

function kindsOf(document: unknown): Map<string, TaskKind | undefined> {
  if (document === null || typeof document !== 'object') return new Map();
  let kinds = kindsByDocument.get(document);
  if (kinds === undefined) {
    kinds = new Map();
    kindsByDocument.set(document, kinds);
  }
  return kinds;
}

/** The node at an RFC 6901 JSON pointer; undefined when the path leaves the document. */
function nodeAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const raw of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = Array.isArray(node) ? (node as unknown[])[Number(segment)] : (node as Record<string, unknown>)[segment];
  }
  return node;
}
