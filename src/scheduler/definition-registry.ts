import type { Definition } from '../model/workflow.js';
import type { Store } from '../store/store.js';

/**
 * The definitions an engine knows: those loaded in this process and those stored (by hash) in its store. A
 * definition is written once per process, not once per start; executions resume from stored definitions, never
 * from files.
 */
export class DefinitionRegistry {
  readonly #store: Store;
  readonly #definitions = new Map<string, Definition>();
  /** Hashes this process stored already. */
  readonly #persisted = new Set<string>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Makes a definition known (for `run.workflow` and rebuilds) without storing it. */
  register(definition: Definition): void {
    this.#definitions.set(definition.hash, definition);
  }

  /** Whether {@link persist} would do nothing: this very object is registered and its hash stored. */
  isPersisted(definition: Definition): boolean {
    return this.#definitions.get(definition.hash) === definition && this.#persisted.has(definition.hash);
  }

  /** Registers and stores a definition by hash so any process on the store can start it or call it. */
  async persist(definition: Definition): Promise<void> {
    this.register(definition);
    if (this.#persisted.has(definition.hash)) return;
    this.#persisted.add(definition.hash);
    await this.#store.putDefinition({
      hash: definition.hash,
      namespace: definition.namespace,
      name: definition.name,
      version: definition.version,
      source: JSON.stringify(definition.document),
    });
  }

  /** A definition registered in this process, by hash. */
  known(hash: string): Definition | undefined {
    return this.#definitions.get(hash);
  }

  /** A definition by hash, registered here or read from the store. Throws when neither has it. */
  async byHash(hash: string): Promise<Definition> {
    const known = this.#definitions.get(hash);
    if (known !== undefined) return known;
    const stored = await this.#store.getDefinition(hash);
    if (stored === undefined) throw new Error(`definition ${hash} is not in the store`);
    const document = JSON.parse(stored.source) as Definition['document'];
    const definition: Definition = { hash, namespace: stored.namespace, name: stored.name, version: stored.version, dsl: document.document.dsl, document };
    this.#definitions.set(hash, definition);
    return definition;
  }

  /**
   * A definition by namespace, name and version, among those registered here and those stored; `version` absent
   * or `latest`: the highest semantic version.
   */
  async resolve(reference: { namespace: string; name: string; version?: string }): Promise<Definition | undefined> {
    const stored = await this.#store.listDefinitions({ namespace: reference.namespace, name: reference.name });
    const known = [...this.#definitions.values()].filter((d) => d.namespace === reference.namespace && d.name === reference.name);
    const hashes = new Set([...known.map((d) => d.hash), ...stored.map((d) => d.hash)]);
    const candidates = await Promise.all([...hashes].map((hash) => this.byHash(hash)));
    if (reference.version !== undefined && reference.version !== 'latest') return candidates.find((d) => d.version === reference.version);
    return candidates.sort((a, b) => compareSemver(b.version, a.version))[0];
  }

  /** The highest version of every stored namespace/name: the definitions whose schedules are active. */
  async latestStored(): Promise<Definition[]> {
    const latest = new Map<string, { hash: string; version: string }>();
    for (const stored of await this.#store.listDefinitions()) {
      const key = `${stored.namespace}/${stored.name}`;
      const known = latest.get(key);
      if (known === undefined || compareSemver(stored.version, known.version) > 0) latest.set(key, stored);
    }
    return Promise.all([...latest.values()].map((stored) => this.byHash(stored.hash)));
  }
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
