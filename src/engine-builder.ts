import type { ActivityDefinition } from './activities/activity-definition.js';
import { isActivityDefinition } from './activities/activity-definition.js';
import { type Engine, type EngineOptions, createEngine } from './create-engine.js';
import type { StoreDescriptor } from './engine-store.js';
import type { Store } from './store/store.js';

/**
 * Collects {@link EngineOptions} step by step and calls `createEngine` with them: nothing here that `createEngine`
 * does not do. Activities are registered under their own names; the same name twice throws a `TypeError` at once.
 */
export class EngineBuilder {
  #options: EngineOptions = {};
  readonly #activities = new Map<string, ActivityDefinition>();

  /** Where histories live (see {@link EngineOptions.store}). */
  store(store: Store | StoreDescriptor): this {
    this.#options = { ...this.#options, store };
    return this;
  }

  /** Registers an activity (what `defineActivity` returns) under its name; its options are checked by `build()`. */
  activity(activity: ActivityDefinition): this {
    if (!isActivityDefinition(activity)) {
      throw new TypeError('WorkflowEngine.builder().activity: expected an activity definition { name, run(input, ctx) } (see defineActivity)');
    }
    if (this.#activities.has(activity.name)) {
      throw new TypeError(`WorkflowEngine.builder().activity: an activity named '${activity.name}' is already registered`);
    }
    this.#activities.set(activity.name, activity);
    return this;
  }

  /** Registers each activity, as {@link EngineBuilder.activity} does. */
  activities(activities: Iterable<ActivityDefinition>): this {
    for (const activity of activities) this.activity(activity);
    return this;
  }

  /** Secret values by name, or a lookup (see {@link EngineOptions.secrets}). */
  secrets(secrets: NonNullable<EngineOptions['secrets']>): this {
    this.#options = { ...this.#options, secrets };
    return this;
  }

  /** Any other engine option (`clock`, `leaseMs`, `fetch`, …), merged over what was set before. */
  options(options: Omit<EngineOptions, 'functions'>): this {
    this.#options = { ...this.#options, ...options };
    return this;
  }

  /** `createEngine` with the collected options. */
  build(): Promise<Engine> {
    return createEngine({ ...this.#options, functions: Object.fromEntries(this.#activities) });
  }
}

/**
 * A builder facade over `createEngine`, for those who prefer one.
 *
 * @example
 * const engine = await WorkflowEngine.builder()
 *   .store({ kind: 'sqlite', path: 'itonami.db' })
 *   .activities([chargeCard, shipOrder])
 *   .secrets({ apiToken: 'xyz' })
 *   .build();
 */
export const WorkflowEngine = {
  builder: (): EngineBuilder => new EngineBuilder(),
} as const;
